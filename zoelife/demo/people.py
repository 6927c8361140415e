"""The demo clinic's fictional people: names, emails at example.com (unique per person),
phones in the 555-01xx range (unique per person), and who asks again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from zoelife.intake.normalize import name_key

FIRST_NAMES = (
    "Avery", "Jordan", "Taylor", "Morgan", "Riley", "Casey", "Jamie", "Quinn", "Harper",
    "Rowan", "Elena", "Marcus", "Priya", "Daniel", "Sofia", "Grace", "Omar", "Leah", "Noah",
    "Isabel", "Wesley", "Nadia", "Caleb", "Hannah", "Mateo", "Chloe", "Julian", "Amara",
    "Theo", "Lucia", "Ethan", "Maya", "Felix", "Ruth", "Gabriel", "Ingrid", "Tomas", "Zoë",
    "José", "Renée", "Aaron", "Bianca", "Colin", "Delia", "Emmett", "Fiona", "Gideon",
    "Helena", "Ivan", "Joanna", "Kofi", "Lena", "Miles", "Nora", "Oscar", "Paula", "Ronan",
    "Selma", "Trevor", "Uma", "Victor", "Wren", "Yusuf", "Zara", "Beatriz", "Declan",
    "Esther", "Hugo", "Iris", "Kenji", "Lila", "Magnus", "Noelle", "Pilar", "Simone",
)
LAST_NAMES = (
    "Ashford", "Bellamy", "Carrow", "Delacroix", "Ellery", "Fairbanks", "Galloway",
    "Hartwell", "Ivers", "Jessup", "Kingsley", "Lockridge", "Marchetti", "Northcott",
    "Oakes", "Pemberton", "Quimby", "Radcliffe", "Sterling", "Thornbury", "Underhill",
    "Vance", "Whitlock", "Yardley", "Zeller", "Abernathy", "Brightwater", "Castellano",
    "Dunmore", "Everly", "Fenwick", "Greenleaf", "Holloway", "Inglewood", "Jaramillo",
    "Kettering", "Larkspur", "Mendoza-Hale", "Nakamura", "Ostrander", "Prescott", "Quintero",
    "Rosenthal", "Silvermane", "Tolliver", "Umberfield", "Valcourt", "Winterbourne",
    "Yancey", "Zabriskie", "Østergaard", "Núñez", "Brennan-Moss", "Calloway", "Drummond",
)
# NANP-shaped area codes (N in 2-9, no N11), each with 555-0100..0199: fictional numbers.
AREA_CODES = tuple(ac for ac in range(201, 990) if ac % 100 not in (11,) and ac % 100 != 0)
INSURERS = ("Aetna", "Blue Cross Blue Shield", "Cigna", "UnitedHealthcare", "Medicare",
            "Medicaid", "Tricare", "Self-pay", None, None)
HEARD_ABOUT = ("Google search", "Instagram", "Facebook", "Friend or family", "My therapist",
               "Psychology Today", "Your newsletter", None, None, None)
CONTACT_TIMES = ("Mornings", "Afternoons", "After 5 pm", "Any time", None, None)
PROVIDERS = ("Dr. Hollis Grantham, Riverside Family Medicine", "Dr. Mira Castellanos, "
             "Lakeview Internal Medicine", "Dr. Owen Pritchard, Northgate Counseling",
             "Dr. Sana Whitfield, Maple Street Pediatrics", "Dr. Leon Abernethy, Harbor "
             "Behavioral Health", "Dr. Ada Villanueva, Cedar Primary Care")


_name_key = lru_cache(maxsize=8192)(name_key)


@dataclass(slots=True)
class _PersonInfo:
    id: int
    first: str
    last: str
    email: str
    phone: str | None
    dob: dt.date | None
    last_request_id: int
    last_received: dt.datetime



class People:
    """The generator's people part (mixed into `zoelife.demo._Generator`)."""

    def new_person(self, received: dt.datetime) -> _PersonInfo:
        rng = self.streams.people
        pid = self.take_id("person")
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        key = _name_key(first, last) or "person"
        email = f"{key.replace(' ', '.')}.{pid}@example.com"
        index = pid - self.ids_start_person
        phone = self.phones[index] if index < len(self.phones) and rng.random() < 0.97 else None
        dob = None
        if rng.random() < 0.6:
            dob = dt.date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28))
        self.buf.people.append({"id": pid, "first_name": first, "last_name": last,
                                "name_key": key, "date_of_birth": dob,
                                "created_at": received, "merged_into_id": None})
        self.stats.people += 1
        info = _PersonInfo(pid, first, last, email, phone, dob, 0, received)
        self.people.append(info)
        return info

    def pick_person(self, received: dt.datetime) -> tuple[_PersonInfo, int | None]:
        rng = self.streams.people
        if len(self.people) > 30 and rng.random() < 0.006:
            # Someone who asked a day or few ago asks again: staff merge it as a duplicate.
            cand = self.people[-rng.randint(1, 30)]
            if dt.timedelta(days=1) < received - cand.last_received < dt.timedelta(days=5):
                return cand, cand.last_request_id
        if self.people and rng.random() < 0.07:
            # A returning person, never within the duplicate window of their last request.
            cand = self.people[rng.randrange(len(self.people))]
            if received - cand.last_received > dt.timedelta(days=2):
                return cand, cand.last_request_id
        return self.new_person(received), None
