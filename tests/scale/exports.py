"""A form tool's CSV export (Gravity Forms style headers), deterministic, of any size."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

IMPORT_HEADER = ["Entry ID", "Date Created", "First Name", "Last Name", "Email", "Phone",
                 "Date of Birth", "Treatment Interest", "Message", "How did you hear about us?",
                 "Source URL", "Insurance", "Favorite color"]


def write_export(path: Path, rows: int, seed: int = 1) -> None:
    """A form-tool (Gravity Forms style) CSV export of `rows` submissions, deterministic."""
    import csv
    import random

    rng = random.Random(seed)
    first = ["Ana", "Ben", "Chloé", "Dmitri", "Eve", "Farah", "Gus", "Hana", "Ivan", "Jo",
             "Kemal", "Lucía", "Mei", "Nils", "Olu", "Priya"]
    last = ["Garcia", "Smith", "Nguyen", "Okafor", "Müller", "Rossi", "Kim", "Patel", "Cohen",
            "Silva", "Haddad", "Novak"]
    treatments = ["Spravato", "TMS", "Ketamine", "Medication management", "Therapy",
                  "Spravato, TMS", "Not sure"]
    messages = [
        "Looking for help with treatment-resistant depression, tried 3 medications.",
        "My doctor suggested TMS. Do you take Aetna?",
        "Interested in Spravato for my husband, what are the next steps?",
        "Can I get an appointment next week? Evenings are best.",
        "Been feeling really down lately and nothing helps.",
        "",
    ]
    start = dt.datetime(2024, 1, 1, 8, 0)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(IMPORT_HEADER)
        for i in range(rows):
            f, last_name = rng.choice(first), rng.choice(last)
            when = start + dt.timedelta(minutes=7 * i + rng.randint(0, 6))
            out.writerow([
                f"GF-{i + 1}", when.strftime("%Y-%m-%d %H:%M:%S"), f, last_name,
                f"{f.lower()}.{last_name.lower()}{i}@example.com",
                f"(305) 555-{(i % 10000):04d}" if i % 5 else "",
                f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                rng.choice(treatments), rng.choice(messages), rng.choice(["Google", "Friend", ""]),
                "https://zoelife.example/spravato/?utm_source=google&utm_campaign=spring",
                rng.choice(["Aetna", "BCBS", "Self-pay", ""]), rng.choice(["blue", "green", ""]),
            ])
