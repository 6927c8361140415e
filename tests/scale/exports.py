"""A form tool's CSV export (Gravity Forms style headers), deterministic, of any size.

`write_export` writes what a clinic's website form collects over the years: most people write
once, about one in eight writes again (days later: a duplicate of the open request; months
later: a repeat), a few share a family phone, some leave out the email or the phone, about
one row in a hundred is unusable, and a few messages speak of suicide or self-harm.
`write_shared_phone_export` is a stress file: every phone number is shared by ten unrelated
people, so each new person is a possible match of up to nine others.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

IMPORT_HEADER = ["Entry ID", "Date Created", "First Name", "Last Name", "Email", "Phone",
                 "Date of Birth", "Treatment Interest", "Message", "How did you hear about us?",
                 "Source URL", "Insurance", "Favorite color"]


def write_shared_phone_export(path: Path, rows: int, seed: int = 1) -> None:
    """The stress file: phone numbers shared by ten unrelated people each."""
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


_FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Eve", "Farah", "Gus", "Hana", "Ivan", "Jo", "Kemal",
          "Lucía", "Mei", "Nils", "Olu", "Priya", "Rafael", "Sasha", "Tomás", "Uma", "Vera",
          "Wen", "Yusuf", "Zoë", "Aaliyah", "Brandon", "Dolores", "Ethan", "Grace", "Jamal"]
_LAST = ["Garcia", "Smith", "Nguyen", "Okafor", "Müller", "Rossi", "Kim", "Patel", "Cohen",
         "Silva", "Haddad", "Novak", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis",
         "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
         "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White"]
_AREAS = ["305", "786", "954", "561", "212", "646", "718", "917", "312", "773", "415", "510",
          "617", "857", "202", "404", "713", "214", "602", "206"]
_TREATMENTS = ["Spravato", "TMS", "Ketamine", "Medication management", "Therapy",
               "Spravato, TMS", "TMS, Therapy", "Not sure", ""]
_MESSAGES = [
    "Looking for help with treatment-resistant depression, tried {n} medications.",
    "My doctor suggested TMS. Do you take {ins}?",
    "Interested in Spravato for my husband, what are the next steps?",
    "Can I get an appointment next week? {when} are best.",
    "Been feeling really down lately and nothing helps.",
    "Does insurance cover ketamine therapy? I have {ins}.",
    "I have OCD and read that TMS is approved for it. How long is a course?",
    "Please call me back about an evaluation for my daughter (17).",
    "Referred by Dr. {last}, records to follow.",
    "What are your hours on {day}?",
    "",
    "",
]
_CRISIS = [
    "I don't want to be alive anymore and I have been thinking about how to end it.",
    "Some days I think about suicide, please call.",
    "I've been cutting myself again and I'm scared.",
    "Had suicidal thoughts years ago, doing better now but depression is back.",
]


_OPENINGS = ["Hi,", "Hello.", "Good morning,", "Hi there!", "To whom it may concern:", "Hey,",
             "Hello, I found you on {where}.", "My {rel} gave me your number.", ""]
_ABOUT = [
    "I have been struggling with depression for {years} years",
    "my {rel} has had anxiety since {month} {year}",
    "I was diagnosed with PTSD in {year} and the nightmares are back",
    "I've tried {meds} and none of them really helped",
    "my psychiatrist retired in {month} and I need someone to manage my {med}",
    "I read your article about {topic} and want to know if I qualify",
    "my therapist, {doc}, thinks I should look into {topic}",
    "I'm a {age} year old {job} and I can't focus at work anymore",
    "panic attacks started again after {event}",
    "I have OCD and spend {hours} hours a day on rituals",
    "sleep has been terrible for {weeks} weeks, maybe {hours} hours a night",
    "I stopped {med} in {month} because of side effects",
]
_ASKS = [
    "Do you take {ins}?", "How much is an evaluation without insurance?",
    "Can someone call me after {time}?", "Is there a waitlist for {topic}?",
    "What does the first visit involve?", "Do you see patients under 18?",
    "Can I get an appointment before {day}?", "Is {topic} covered by {ins}?",
    "Please text rather than call, I work nights.", "How long does a course of {topic} take?",
    "Do I need a referral from {doc}?", "",
]
_MEDS = ["sertraline", "fluoxetine", "escitalopram", "bupropion", "venlafaxine", "duloxetine",
         "mirtazapine", "lithium", "aripiprazole", "lamotrigine", "trazodone", "vortioxetine"]
_TOPICS = ["Spravato", "TMS", "ketamine therapy", "medication management", "esketamine",
           "deep TMS", "therapy for teens", "couples therapy"]


def _distinct_message(rng, i: int) -> str:
    """A message of its own: sentences drawn from pools and filled with varied details
    (medications, years, doctors, times), so that no two rows of an export share a text."""
    def fill(template: str) -> str:
        meds = rng.sample(_MEDS, rng.randint(2, 4))
        return template.format(
            where=rng.choice(["Google", "Instagram", "Psychology Today", "a podcast"]),
            rel=rng.choice(["sister", "husband", "wife", "son", "daughter", "friend", "mom"]),
            years=rng.randint(2, 30), month=rng.choice(["January", "March", "June", "August",
                                                        "October", "December"]),
            year=rng.randint(1995, 2025), meds=", ".join(meds[:-1]) + " and " + meds[-1],
            med=rng.choice(_MEDS), topic=rng.choice(_TOPICS),
            doc=f"Dr. {rng.choice(_LAST)}", age=rng.randint(17, 82),
            job=rng.choice(["teacher", "nurse", "engineer", "student", "veteran", "driver",
                            "accountant", "chef", "retiree", "paralegal"]),
            event=rng.choice(["my divorce", "a car accident", "losing my job", "the move",
                              "my father's death", "covid"]),
            hours=rng.randint(2, 9), weeks=rng.randint(2, 40),
            ins=rng.choice(["Aetna", "Cigna", "BCBS", "Medicare", "Tricare", "UHC"]),
            time=f"{rng.randint(1, 7)}:{rng.choice(['00', '15', '30', '45'])} pm",
            day=rng.choice(["Friday", "the 15th", "next month", "Christmas", "my surgery"]))
    parts = [fill(rng.choice(_OPENINGS))]
    for _ in range(rng.randint(1, 3)):
        sentence = fill(rng.choice(_ABOUT))
        parts.append(sentence[0].upper() + sentence[1:] + rng.choice([".", "...", "!", "."]))
    parts.append(fill(rng.choice(_ASKS)))
    parts.append(rng.choice(["Thanks", "Thank you so much", "Best", "", "-" + rng.choice(_FIRST)]))
    text = " ".join(p for p in parts if p)
    return f"{text} (ref {i})" if rng.random() < 0.02 else text


def write_export(path: Path, rows: int, seed: int = 1, *, distinct: bool = False) -> None:
    """A realistic form-tool (Gravity Forms style) CSV export of `rows` submissions.
    `distinct`: every message its own text (`_distinct_message`), as a real export's are;
    otherwise drawn from a dozen templates."""
    import csv
    import random

    rng = random.Random(seed)
    start = dt.datetime(2023, 1, 1, 8, 0)
    people: list[dict] = []
    said: set[str] = set()
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(IMPORT_HEADER)
        for i in range(rows):
            when = start + dt.timedelta(minutes=7 * i + rng.randint(0, 6))
            roll = rng.random()
            if people and roll < 0.12:  # someone who wrote before writes again
                recent = roll < 0.07  # within days (a duplicate) or any time earlier
                pool = people[-400:] if recent else people
                person = rng.choice(pool)
                if rng.random() < 0.3:  # asks about something else this time
                    person["treatment"] = rng.choice(_TREATMENTS)
            else:
                n = len(people)
                first, last = rng.choice(_FIRST), rng.choice(_LAST)
                area = _AREAS[n % len(_AREAS)]
                number = n // len(_AREAS)
                phone = f"({area}) 555-{number % 10000:04d}"
                if people and rng.random() < 0.02:  # a family line shared with someone else
                    phone = rng.choice(people[-2000:])["phone"]
                email = f"{first.lower()}.{last.lower()}{n}@{rng.choice(DOMAINS)}"
                which = rng.random()
                person = {
                    "first": first, "last": last,
                    "email": "" if which < 0.10 else email,
                    "phone": "" if 0.10 <= which < 0.25 else phone,
                    "dob": (f"19{rng.randint(40, 99)}-{rng.randint(1, 12):02d}-"
                            f"{rng.randint(1, 28):02d}") if rng.random() < 0.6 else "",
                    "treatment": rng.choice(_TREATMENTS),
                }
                people.append(person)
            email, phone, received = person["email"], person["phone"], when.strftime(
                "%Y-%m-%d %H:%M:%S")
            bad = rng.random()
            if bad < 0.006:  # no usable contact
                email, phone = "not an email", ""
            elif bad < 0.009:
                received = "yesterday-ish"
            elif bad < 0.015:
                phone = "call me"
            if rng.random() < 0.01:
                message = rng.choice(_CRISIS)
                if distinct:
                    message = _distinct_message(rng, i) + " " + message
            elif distinct:
                message = _distinct_message(rng, i)
            else:
                message = rng.choice(_MESSAGES).format(
                    n=rng.randint(2, 6), ins=rng.choice(["Aetna", "Cigna", "BCBS", "Medicare"]),
                    when=rng.choice(["Mornings", "Evenings", "Fridays"]),
                    last=rng.choice(_LAST), day=rng.choice(["Saturday", "Monday"]))
            if distinct:
                if message in said:
                    message = f"{message} (ref {i})"
                said.add(message)
            page = rng.choice(["spravato", "tms", "ketamine", "ocd-tms", "contact", "blog/tms-vs-ect"])
            campaign = rng.choice(["", "", "spring", "ocd-awareness", "newsletter-07"])
            url = f"https://zoelife.example/{page}/" + (
                f"?utm_source=google&utm_campaign={campaign}" if campaign else "")
            out.writerow([
                f"GF-{i + 1}", received, person["first"], person["last"], email, phone,
                person["dob"], person["treatment"], message,
                rng.choice(["Google", "Friend", "Instagram", "My doctor", ""]), url,
                rng.choice(["Aetna", "BCBS", "Self-pay", "Medicare", ""]),
                rng.choice(["blue", "green", ""]),
            ])


DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "aol.com",
           "comcast.net", "proton.me", "example.org"]
