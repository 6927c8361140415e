"""Synthetic form-tool exports for import tests and timing: people who write twice (duplicates
and repeats), shared phones with different names (possible matches), rejects, urgent text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

HEADERS = ["Entry Id", "Entry Date", "Name (First)", "Name (Last)", "Email", "Phone",
           "Treatments", "Message", "Source Url", "How did you hear about us?"]
MESSAGES = [
    "I'd like to learn about TMS for my depression.",
    "Interested in Spravato, my psychiatrist suggested it.",
    "Looking for ketamine infusion therapy. Please call after 5.",
    "Need medication management, ran out of my meds.",
    "Can you tell me about insurance coverage?",
    "I have been thinking about killing myself and I don't feel safe.",
    "Years ago I attempted suicide but I am doing well now, want therapy.",
    "",
]
TREATMENTS = ["TMS", "Spravato", "Ketamine", "Medication management", "Therapy", ""]
FIRST = ["Ana", "Ben", "Carla", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo"]
LAST = ["Diaz", "Lee", "Ng", "Okafor", "Park", "Quinn", "Rossi", "Shah", "Tran", "Usman"]


def rows(n: int, seed: int = 1, *, start: dt.datetime | None = None) -> list[dict[str, str]]:
    rng = random.Random(seed)
    t = start or dt.datetime(2026, 1, 5, 9, 0)
    out: list[dict[str, str]] = []
    for i in range(n):
        t += dt.timedelta(minutes=rng.randint(1, 90))
        roll = rng.random()
        if out and roll < 0.08:  # the same person again: duplicate or repeat
            prev = dict(rng.choice(out[-50:]))
            prev["Entry Id"] = str(1000 + i)
            prev["Entry Date"] = t.strftime("%Y-%m-%d %H:%M:%S")
            if rng.random() < 0.5:
                prev["Treatments"] = rng.choice(TREATMENTS)
            prev["Message"] = rng.choice(MESSAGES)
            out.append(prev)
            continue
        first, last = rng.choice(FIRST), rng.choice(LAST) + str(rng.randint(1, n))
        phone = f"(212) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"
        email = f"{first.lower()}.{last.lower()}@example.com"
        if out and roll < 0.11:  # shares a phone with someone else: a possible match
            phone = rng.choice(out[-50:])["Phone"] or phone
            email = ""
        row = {
            "Entry Id": str(1000 + i), "Entry Date": t.strftime("%Y-%m-%d %H:%M:%S"),
            "Name (First)": first, "Name (Last)": last, "Email": email, "Phone": phone,
            "Treatments": rng.choice(TREATMENTS), "Message": rng.choice(MESSAGES),
            "Source Url": rng.choice(["https://zoelife.example/blog/tms-guide/?utm_campaign=tms",
                                      "https://zoelife.example/", ""]),
            "How did you hear about us?": rng.choice(["Google", "Friend", ""]),
        }
        if roll > 0.97:  # no usable contact
            row["Email"], row["Phone"] = "not-an-email", "12"
        elif roll > 0.95:
            row["Entry Date"] = "yesterday-ish"
        out.append(row)
    return out


def to_csv(records: list[dict[str, str]], headers: list[str] | None = None) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=headers or HEADERS, lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(records)
    return buf.getvalue().encode("utf-8")
