"""A deterministic synthetic clinic for trying the product (`zoelife demo`, first-run screen).

Two years of requests ending at `now`, with weekday and hour patterns, a treatment and channel
mix, contact attempts and status moves consistent with DESIGN.md's rules, a handful of crisis
messages (assessed by `zoelife.triage.assess`), repeats, attached duplicate submissions, and a
content calendar whose publications lift the inquiries for their topic. The planted lifts are
recorded in `demo_lifts`, so the content impact page can be checked against the truth.

Every person is fictional: emails at example.com (unique per person), phones in the 555-01xx
range (unique per person). 555-01xx gives 100 numbers per area code, 80,000 in all; people
beyond that (only at very large `requests`) have an email and no phone.

Speed: rows are built as plain dicts and bulk-inserted in chunks with ids assigned here (the
database holds no requests yet), with no per-row query; `assess` runs once per distinct text.
The whole load is one transaction: it is all there or not at all.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from typing import Any

from sqlalchemy import Boolean, Engine, Enum, Table, func, select, text
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.engine import write_session
from zoelife.db.models import (
    ContactAttempt,
    ContentItem,
    ContentTopic,
    CrisisChange,
    DemoLift,
    IntakeKey,
    Person,
    Request,
    RequestTreatment,
    StatusChange,
    Submission,
)
from zoelife.db.types import UTCDateTime
from zoelife.intake.normalize import name_key, search_text
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import APPENDED_TEXT_MARKER, crisis_rank, evidence_json, url_path_key
from zoelife.triage import Assessment, assess

DAYS = 730
CHUNK = 5000  # requests per insert round
SITE = "https://zoelifepsychiatry.example"
SEED_ARTICLE_TITLE = "6 Powerful Benefits of Ketamine-Assisted Therapy"
LIFT_WINDOW_DAYS = 14


class NotEmpty(Exception):
    """The database already holds requests or content; the demo only loads into an empty one."""


# --------------------------------------------------------------------------- vocabulary pools

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

TREATMENT_WEIGHTS = {
    "spravato": 0.24, "tms": 0.22, "ketamine": 0.18, "medication_management": 0.26,
    "therapy": 0.08, "other": 0.02,
}
TREATMENT_LABELS = {  # what the form's own treatment field says
    "spravato": "Spravato (esketamine)", "tms": "NeuroStar TMS",
    "ketamine": "Ketamine-assisted therapy", "medication_management": "Medication management",
    "therapy": "Therapy", "other": "Other",
}
CHANNEL_WEIGHTS_WEEKDAY = {"web_form": 0.55, "phone": 0.22, "referral": 0.10, "email": 0.08,
                           "walk_in": 0.05}
CHANNEL_WEIGHTS_WEEKEND = {"web_form": 0.78, "phone": 0.08, "referral": 0.02, "email": 0.11,
                           "walk_in": 0.01}
WEEKDAY_FACTOR = (1.20, 1.15, 1.10, 1.05, 0.92, 0.45, 0.35)
# Local hour weights (0..23): forms arrive around the clock with evening use; calls, walk-ins
# and faxes in business hours.
HOURS_FORM = (1, .6, .4, .3, .3, .5, 1.5, 3, 5, 6, 6, 5.5, 5, 5.5, 5.5, 5, 4.5, 4, 4, 4.5, 4.5,
              4, 3, 2)
HOURS_OFFICE = (0, 0, 0, 0, 0, 0, .1, .6, 6, 9, 9, 8, 6, 7, 8, 7, 6, 2, .4, .1, 0, 0, 0, 0)
HOURS = tuple(range(24))
HOURS_WEEKEND_FORM = (1.5, 1, .6, .4, .3, .3, .6, 1.5, 3, 4.5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
                      4.5, 3.5, 2.5)

INSURERS = ("Aetna", "Blue Cross Blue Shield", "Cigna", "UnitedHealthcare", "Medicare",
            "Medicaid", "Tricare", "Self-pay", None, None)
HEARD_ABOUT = ("Google search", "Instagram", "Facebook", "Friend or family", "My therapist",
               "Psychology Today", "Your newsletter", None, None, None)
CONTACT_TIMES = ("Mornings", "Afternoons", "After 5 pm", "Any time", None, None)
PROVIDERS = ("Dr. Hollis Grantham, Riverside Family Medicine", "Dr. Mira Castellanos, "
             "Lakeview Internal Medicine", "Dr. Owen Pritchard, Northgate Counseling",
             "Dr. Sana Whitfield, Maple Street Pediatrics", "Dr. Leon Abernethy, Harbor "
             "Behavioral Health", "Dr. Ada Villanueva, Cedar Primary Care")
APPOINTMENT_KIND = {
    "spravato": "Spravato consultation", "tms": "TMS consultation",
    "ketamine": "Ketamine consultation", "medication_management": "Psychiatric evaluation",
    "therapy": "Therapy intake", "other": "Psychiatric evaluation",
}

# Messages from the public: realistic, free of identifiers. Keyed by treatment.
MESSAGES: dict[str, tuple[str, ...]] = {
    "spravato": (
        "Interested in Spravato for treatment-resistant depression. I have tried three "
        "antidepressants without much change.",
        "My psychiatrist suggested esketamine nasal spray. Do you take my insurance and how "
        "long are the sessions?",
        "Looking for a Spravato provider close to home. How does the two-hour monitoring work?",
        "Can you tell me whether Spravato needs a prior authorization? I would like to start "
        "soon.",
    ),
    "tms": (
        "I would like to learn about NeuroStar TMS for depression. Medications gave me bad side "
        "effects.",
        "Is TMS covered by insurance? My doctor said I might be a candidate.",
        "Interested in TMS for OCD. How many sessions does a course usually take?",
        "Read about transcranial magnetic stimulation and want a consultation.",
    ),
    "ketamine": (
        "I read your article on ketamine-assisted therapy and would like to know if it is right "
        "for me.",
        "Looking into ketamine therapy for depression and anxiety. What does the first visit "
        "look like?",
        "Do you offer ketamine infusions? Interested in pricing.",
        "Ketamine-assisted therapy for PTSD: do you have openings this month?",
    ),
    "medication_management": (
        "Need a new psychiatrist for medication management, my doctor retired.",
        "Looking for an evaluation for ADHD and help adjusting my current medication.",
        "I need someone to manage my bipolar medication. Do you accept new patients?",
        "My primary care doctor wants me to see a psychiatrist about my antidepressant dose.",
    ),
    "therapy": (
        "Looking for therapy for anxiety, preferably evenings.",
        "Interested in talk therapy alongside medication.",
        "Do you have a therapist who works with couples going through grief?",
    ),
    "other": (
        "Do you do psychiatric evaluations for a court requirement?",
        "Question about records from a past visit.",
    ),
    "": (
        "Please call me back about an appointment.",
        "What are your hours and do you take new patients?",
        "I would like to schedule an appointment as soon as possible.",
        "",
        "",
    ),
}
URGENT_MESSAGES = (
    "I have been having thoughts of ending my life and I do not feel safe right now. Can someone "
    "call me today about Spravato?",
    "Some days I wish I could go to sleep and never wake up. My psychiatrist mentioned TMS.",
    "My son told me he has a plan to kill himself. He is 19. We need help with an appointment as "
    "soon as possible.",
    "I cut myself last week again and I am scared. Looking for ketamine therapy.",
)
REVIEW_MESSAGES = (
    "I had a suicide attempt years ago and have been stable since; no thoughts of self-harm now. "
    "Interested in TMS for depression that keeps coming back.",
    "No suicidal thoughts, but my depression has not improved after four medications. Is "
    "Spravato covered by Medicare?",
    "Does ketamine help with suicidal thoughts? Asking for information for my sister, she is "
    "safe.",
    "Necesito una cita para mi madre, tiene depresión y no sé qué hacer.",
)
SPAM_MESSAGES = (
    "We can put your clinic on the first page of Google. Reply for a free SEO audit!",
    "Limited offer: website redesign for medical practices, 50% off this week.",
)
DUPLICATE_MESSAGE = "Sorry, sending this again: not sure the first form went through."


# --------------------------------------------------------------------------- content calendar

@dataclass(frozen=True)
class PlannedItem:
    day: int  # days after the start date
    channel: str
    topic: str
    title: str
    slug: str
    lift: float | None = None  # planted multiplier on the topic's daily rate


CONTENT_PLAN: tuple[tuple[str, str, str], ...] = (
    # (channel, topic, title); spread over two years in this order.
    ("blog", "spravato", "What to Expect at Your First Spravato Session"),
    ("social", "tms", "TMS myths, busted"),
    ("newsletter", "medication_management", "Winter check-in: keeping your medication on track"),
    ("blog", "tms", "Is NeuroStar TMS Right for You?"),
    ("video", "ketamine", "A walk through our ketamine suite"),
    ("ad", "spravato", "Treatment-resistant depression? Ask about Spravato"),
    ("blog", "medication_management", "How Medication Management Works at Zoelife"),
    ("social", "therapy", "Five small habits that support therapy"),
    ("blog", "ketamine", SEED_ARTICLE_TITLE),
    ("newsletter", "spravato", "Spring newsletter: Spravato and insurance"),
    ("video", "tms", "Patient story: life after TMS"),
    ("blog", "therapy", "Therapy and medication: better together"),
    ("ad", "tms", "Depression treatment without medication side effects"),
    ("social", "spravato", "Spravato in three minutes"),
    ("blog", "medication_management", "ADHD in Adults: Getting Evaluated"),
    ("video", "ketamine", "Ketamine-assisted therapy: questions answered"),
    ("newsletter", "tms", "Summer newsletter: TMS for OCD"),
    ("blog", "spravato", "Spravato and Insurance: A Practical Guide"),
    ("social", "medication_management", "Refill reminders that actually work"),
    ("blog", "tms", "TMS for OCD: What the Research Says"),
    ("ad", "ketamine", "Feel like yourself again: ketamine-assisted therapy"),
    ("video", "spravato", "Meet our Spravato team"),
    ("blog", "therapy", "Finding the Right Therapist"),
    ("social", "tms", "What a TMS session sounds like"),
    ("newsletter", "ketamine", "Autumn newsletter: ketamine and PTSD"),
    ("blog", "medication_management", "Understanding Antidepressant Side Effects"),
    ("ad", "medication_management", "New patients welcome: psychiatry appointments this week"),
    ("blog", "spravato", "Spravato for Suicidal Ideation with Depression"),
    ("video", "tms", "How TMS mapping works"),
    ("social", "ketamine", "Ketamine therapy: myths and facts"),
    ("blog", "tms", "Insurance Coverage for TMS Therapy"),
    ("newsletter", "spravato", "Winter newsletter: what's new at Zoelife"),
    ("blog", "ketamine", "Ketamine vs. Spravato: What's the Difference?"),
    ("social", "medication_management", "Questions to ask your psychiatrist"),
    ("video", "therapy", "What happens in a first therapy session"),
    ("ad", "tms", "NeuroStar TMS: now with evening hours"),
    ("blog", "medication_management", "Telehealth Psychiatry: How It Works"),
    ("social", "spravato", "A day in the Spravato clinic"),
    ("blog", "ketamine", "Preparing for Your First Ketamine Session"),
    ("newsletter", "tms", "Spring newsletter: TMS success stories"),
)
# Which items carry a planted lift, with its multiplier. Chosen so that no other item on the
# same topic is published within 45 days of them (the impact baseline plus window), and all
# have a full baseline before and a full window after.
LIFTS = {
    SEED_ARTICLE_TITLE: 2.6,
    "Is NeuroStar TMS Right for You?": 2.2,
    "Spravato and Insurance: A Practical Guide": 2.4,
    "ADHD in Adults: Getting Evaluated": 1.9,
    "Ketamine-assisted therapy: questions answered": 2.0,
    "Insurance Coverage for TMS Therapy": 2.8,
}


@lru_cache(maxsize=4096)
def _search_part(part: str) -> str:
    return search_text(part)


def _search_text(*parts: str | None) -> str:
    """`normalize.search_text`, with names and message texts (few distinct ones) cached."""
    return " ".join(_search_part(p) if len(p) < 400 else search_text(p) for p in parts if p)


_name_key = lru_cache(maxsize=8192)(name_key)
HOURS_FORM_CUM = tuple(accumulate(HOURS_FORM))
HOURS_OFFICE_CUM = tuple(accumulate(HOURS_OFFICE))
HOURS_WEEKEND_FORM_CUM = tuple(accumulate(HOURS_WEEKEND_FORM))


def _slug(title: str) -> str:
    out = []
    for ch in title.lower():
        if ch.isalnum() and ch.isascii():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def content_plan() -> list[PlannedItem]:
    """The calendar: ~40 items spread over the two years, lifted ones spaced from their topic."""
    n = len(CONTENT_PLAN)
    items = []
    for i, (channel, topic, title) in enumerate(CONTENT_PLAN):
        # Evenly spaced from day 40 to day DAYS-25, nudged so that no two land on one day.
        day = 40 + round(i * (DAYS - 25 - 40) / (n - 1))
        items.append(PlannedItem(day, channel, topic, title, _slug(title), LIFTS.get(title)))
    return _space_lifts(items)


def _space_lifts(items: list[PlannedItem]) -> list[PlannedItem]:
    """Keep same-topic items at least 45 days from a lifted one (moved later, in order)."""
    lifted = [it for it in items if it.lift]
    out = []
    for it in items:
        day = it.day
        if not it.lift:
            for lf in lifted:
                if lf.topic == it.topic and abs(lf.day - day) < 45:
                    day = lf.day + 45 if day >= lf.day else lf.day - 45
        out.append(PlannedItem(day, it.channel, it.topic, it.title, it.slug, it.lift))
    return out


def seed_article_text() -> str:
    return resources.files("zoelife").joinpath("data/seed_article.txt").read_text("utf-8")


def item_url(item: PlannedItem) -> str:
    base = {"blog": "/blog/", "video": "/videos/", "newsletter": "/newsletter/",
            "social": "/social/", "ad": "/offers/"}[item.channel]
    return f"{SITE}{base}{item.slug}"


# --------------------------------------------------------------------------- generation state


@dataclass
class _Buffers:
    people: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    treatments: list[dict] = field(default_factory=list)
    keys: list[dict] = field(default_factory=list)
    attempts: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    crisis: list[dict] = field(default_factory=list)
    submissions: list[dict] = field(default_factory=list)
    submission_keys: list[dict] = field(default_factory=list)

    def flush(self, session: Session) -> None:
        for model, rows in (
            (Person, self.people), (Request, self.requests), (RequestTreatment, self.treatments),
            (IntakeKey, self.keys), (ContactAttempt, self.attempts), (StatusChange, self.changes),
            (CrisisChange, self.crisis), (Submission, self.submissions),
            (IntakeKey, self.submission_keys),
        ):
            if rows:
                bulk_insert(session, model.__table__, rows)
                rows.clear()


_PROCESSORS: dict[tuple[str, str, str], Callable[[Any], Any] | None] = {}


def _processor(table: Table, column: str, dialect) -> Callable[[Any], Any] | None:
    key = (dialect.name, table.name, column)
    if key not in _PROCESSORS:
        col_type = table.c[column].type
        # Enum processors only re-check values the CHECK constraints check anyway; booleans
        # pass through both drivers as they are.
        if isinstance(col_type, Enum | Boolean):
            _PROCESSORS[key] = None
        elif isinstance(col_type, UTCDateTime) and dialect.name == "sqlite":
            _PROCESSORS[key] = _sqlite_utc
        else:
            _PROCESSORS[key] = col_type._cached_bind_processor(dialect)
    return _PROCESSORS[key]


def _sqlite_utc(value: dt.datetime) -> str:
    # The text SQLAlchemy's SQLite DateTime stores (naive UTC, always with microseconds), so
    # that string comparisons in SQL order these rows with the ORM's own.
    v = value.astimezone(dt.UTC)
    return (f"{v.year:04d}-{v.month:02d}-{v.day:02d} "
            f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}")


class _Row:
    """A row dict read as attributes (`Schedule.next_step` reads a request's facts so)."""

    def __init__(self, values: dict) -> None:
        self.__dict__.update(values)


def bulk_insert(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert many rows in the session's transaction, converting values with the columns' own
    types (UTC times, JSON text, dates exactly as the ORM stores them) but without the ORM's
    per-row bookkeeping: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    columns = [c.name for c in table.columns if c.name in rows[0]]
    procs = [_processor(table, c, dialect) for c in columns]
    pairs = list(zip(columns, procs, strict=True))
    values = [tuple(r[c] if p is None or r[c] is None else p(r[c]) for c, p in pairs)
              for r in rows]
    raw = conn.connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    if dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for v in values:
                copy.write_row(v)
    else:
        marks = ", ".join("?" for _ in columns)
        sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'  # noqa: S608 - our names
        cur = raw.cursor()
        try:
            cur.executemany(sql, values)
        finally:
            cur.close()


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


@dataclass
class Stats:
    requests: int = 0
    people: int = 0
    open: int = 0
    urgent: int = 0
    review: int = 0
    unacknowledged: int = 0
    submissions: int = 0
    repeats: int = 0
    merged_duplicates: int = 0
    attempts: int = 0


class _Generator:
    def __init__(self, session: Session, *, requests: int, seed: int, now: dt.datetime,
                 progress: Callable[[int, int], None] | None) -> None:
        self.session = session
        self.total = requests
        self.rng = random.Random(seed)
        self.now = now
        self.progress = progress
        self.schedule = Schedule.load(session)
        self.zone = self.schedule.zone
        today = now.astimezone(self.zone).date()
        self.start = today - dt.timedelta(days=DAYS - 1)
        self.today = today
        self.buf = _Buffers()
        self.stats = Stats()
        self._assessed: dict[tuple[str, tuple[str, ...]], Assessment] = {}
        self.ids = {name: self._next_id(model) for name, model in (
            ("person", Person), ("request", Request), ("attempt", ContactAttempt),
            ("change", StatusChange), ("crisis", CrisisChange), ("submission", Submission),
            ("content", ContentItem), ("lift", DemoLift))}
        phones = [f"+1{ac}55501{x:02d}" for ac in AREA_CODES for x in range(100)]
        self.rng.shuffle(phones)
        self.phones = phones
        self.people: list[_PersonInfo] = []
        self.source_seq: dict[str, int] = {}
        self.forced_urgent = 0

    def _next_id(self, model) -> int:
        return (self.session.execute(select(func.max(model.id))).scalar() or 0) + 1

    def take_id(self, name: str) -> int:
        value = self.ids[name]
        self.ids[name] = value + 1
        return value

    def assessed(self, message: str, labels: tuple[str, ...]) -> Assessment:
        key = (message, labels)
        found = self._assessed.get(key)
        if found is None:
            found = assess(message, labels)
            self._assessed[key] = found
        return found

    def local_moment(self, day: dt.date, hour: int, minute: int, second: int) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, minute, second,
                           tzinfo=self.zone).astimezone(dt.UTC)

    # ------------------------------------------------------------------ content

    def load_content(self) -> list[dict]:
        items = []
        seed = seed_article_text()
        for plan in content_plan():
            cid = self.take_id("content")
            day = self.start + dt.timedelta(days=plan.day)
            published = self.local_moment(day, 10, 0, 0)
            url = item_url(plan)
            summary = (" ".join(seed.split()[:60]) + "…") if plan.title == SEED_ARTICLE_TITLE \
                else f"{plan.title}: an article from Zoelife Psychiatric Services."
            items.append({
                "id": cid, "url": url, "url_path": url_path_key(url), "campaign_key": plan.slug,
                "title": plan.title, "summary": summary, "published_at": published,
                "published_local_date": day, "channel": plan.channel, "import_batch_id": None,
                "created_at": published, "updated_at": published, "plan": plan,
            })
        bulk_insert(self.session, ContentItem.__table__,
                    [{k: v for k, v in it.items() if k != "plan"} for it in items])
        bulk_insert(self.session, ContentTopic.__table__, [
            {"content_id": it["id"], "topic": it["plan"].topic, "origin": "staff"}
            for it in items])
        self.content = items
        return items

    # ------------------------------------------------------------------ the day plan

    def day_weight(self, index: int, day: dt.date) -> float:
        growth = 0.75 + 0.5 * index / DAYS
        season = 1 + 0.1 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 20) / 365)
        weight = growth * season * WEEKDAY_FACTOR[day.weekday()]
        if day == self.today:
            local_now = self.now.astimezone(self.zone)
            weight *= (local_now.hour * 60 + local_now.minute) / 1440
        return weight

    def plan_cells(self) -> tuple[list[tuple[int, dict | None]], list[float]]:
        """(day index, lifted content item or None) cells with their weights."""
        cells: list[tuple[int, dict | None]] = []
        weights: list[float] = []
        share = {t: w for t, w in TREATMENT_WEIGHTS.items()}
        for i in range(DAYS):
            day = self.start + dt.timedelta(days=i)
            w = self.day_weight(i, day)
            cells.append((i, None))
            weights.append(w)
            for it in self.content:
                plan: PlannedItem = it["plan"]
                if plan.lift and 0 <= i - plan.day < LIFT_WINDOW_DAYS:
                    cells.append((i, it))
                    weights.append((plan.lift - 1) * w * share[plan.topic])
        return cells, weights

    # ------------------------------------------------------------------ one request

    def new_person(self, received: dt.datetime) -> _PersonInfo:
        rng = self.rng
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
        rng = self.rng
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

    def external_id(self, source: str) -> str:
        n = self.source_seq.get(source, 0) + 1
        self.source_seq[source] = n
        prefix = {"website-contact-form": "wcf", "spravato-landing-form": "slf",
                  "phone": "call", "referral-fax": "fax", "intake-email": "mail",
                  "front-desk": "walkin"}[source]
        return f"{prefix}-{n:07d}"

    def sample_time(self, day: dt.date, channel: str) -> dt.datetime:
        rng = self.rng
        weekend = day.weekday() >= 5
        if channel in ("phone", "walk_in", "referral"):
            table = HOURS_OFFICE_CUM
        else:
            table = HOURS_WEEKEND_FORM_CUM if weekend else HOURS_FORM_CUM
        for _ in range(20):
            hour = rng.choices(HOURS, cum_weights=table)[0]
            moment = self.local_moment(day, hour, rng.randrange(60), rng.randrange(60))
            if moment < self.now:
                return moment
        return self.now - dt.timedelta(minutes=rng.randint(1, 30))

    def make_request(self, day: dt.date, lifted: dict | None) -> None:
        rng = self.rng
        weekend = day.weekday() >= 5
        if lifted is not None:
            channel = rng.choices(("web_form", "phone", "email"), (0.75, 0.15, 0.10))[0]
            topic = lifted["plan"].topic
            treatments = [topic]
        else:
            mix = CHANNEL_WEIGHTS_WEEKEND if weekend else CHANNEL_WEIGHTS_WEEKDAY
            channel = rng.choices(tuple(mix), tuple(mix.values()))[0]
            treatments = [rng.choices(tuple(TREATMENT_WEIGHTS),
                                      tuple(TREATMENT_WEIGHTS.values()))[0]]
        if rng.random() < 0.12:
            extra = rng.choice(("medication_management", "therapy", "spravato", "tms"))
            if extra not in treatments:
                treatments.append(extra)
        received = self.sample_time(day, channel)
        forced_urgent = False
        if (lifted is None and self.forced_urgent < 3 and self.now - received < dt.timedelta(
                days=2) and self.rng.random() < 0.4):
            # A few fresh urgent messages nobody has acknowledged yet: the queue's banner.
            forced_urgent = True
            self.forced_urgent += 1
            received = self.now - dt.timedelta(minutes=self.rng.randint(10, 300))
        person, repeat_of = self.pick_person(received)
        rid = self.take_id("request")

        # What they wrote.
        roll = rng.random()
        crisis_kind = "urgent" if roll < 0.005 else "review" if roll < 0.015 else None
        if forced_urgent:
            crisis_kind = "urgent"
        if crisis_kind == "urgent":
            message = rng.choice(URGENT_MESSAGES)
        elif crisis_kind == "review":
            message = rng.choice(REVIEW_MESSAGES)
        elif channel == "web_form" and lifted is None and rng.random() < 0.02:
            message = rng.choice(SPAM_MESSAGES)
            crisis_kind = "spam"
        else:
            pool = MESSAGES[treatments[0]] if rng.random() < 0.7 else MESSAGES[""]
            message = rng.choice(pool)
        labels = tuple(sorted(TREATMENT_LABELS[t] for t in treatments))
        if channel != "web_form":
            labels = ()  # calls and emails have no treatment field; staff note what was said
        result = self.assessed(message, labels)
        form_set = set(treatments) if channel == "web_form" else set()
        codes = set(result.treatments) | set(treatments)
        treatment_list = sorted(codes)

        # Where it came from.
        if channel == "web_form":
            source = ("spravato-landing-form" if "spravato" in codes and rng.random() < 0.5
                      else "website-contact-form")
        else:
            source = {"phone": "phone", "referral": "referral-fax", "email": "intake-email",
                      "walk_in": "front-desk"}[channel]
        landing, utm, attributed, heard = self.landing(channel, day, lifted, treatment_list)

        submitter, submitter_name, provider = "self", None, None
        if channel == "referral":
            submitter, provider = "provider", rng.choice(PROVIDERS)
            submitter_name = provider.split(",")[0]
        elif rng.random() < 0.08:
            submitter = rng.choice(("parent_guardian", "spouse_partner"))
            submitter_name = f"{rng.choice(FIRST_NAMES)} {person.last}"

        level = result.crisis
        row: dict[str, Any] = {
            "id": rid, "source": source, "external_id": self.external_id(source),
            "channel": channel, "submitter": submitter, "submitter_name": submitter_name,
            "person_id": person.id, "received_at": received,
            "first_name": person.first, "last_name": person.last,
            "email": person.email if (channel != "phone" or rng.random() < 0.5) else None,
            "phone": person.phone, "date_of_birth": person.dob,
            "message": message or None, "heard_about": heard,
            "referring_provider": provider, "landing_page": landing,
            "utm_source": utm.get("utm_source"), "utm_medium": utm.get("utm_medium"),
            "utm_campaign": utm.get("utm_campaign"), "utm_content": None, "utm_term": None,
            "insurance": rng.choice(INSURERS),
            "prior_auth_status": (rng.choice(("needed", "submitted", "approved", "unknown"))
                                  if codes & {"spravato", "tms"} and rng.random() < 0.4
                                  else None),
            "sms_consent": rng.random() < 0.6 if channel == "web_form" else None,
            "preferred_contact_time": rng.choice(CONTACT_TIMES),
            "extra": {}, "crisis_level": level, "crisis_source": "auto",
            "crisis_evidence": evidence_json(result),
            "crisis_acknowledged_at": None, "crisis_acknowledged_by": None,
            "oncall_notified_at": None, "assignee_id": None,
            "duplicate_of_id": None, "repeat_of_id": repeat_of,
            "attributed_content_id": attributed, "import_batch_id": None,
            "treatment_list": ";".join(treatment_list), "created_at": received, "version": 1,
            "due_at": self.schedule.first_contact_due(received, level),
            "appointment_at": None, "appointment_kind": None, "closed_at": None,
            "close_reason": None, "scheduled_at": None,
        }
        if row["email"] is None and row["phone"] is None:
            row["email"] = person.email
        local_date, hour, weekday = self.schedule.local_parts(received)
        row.update(received_local_date=local_date, received_local_hour=hour,
                   received_local_weekday=weekday, has_usable_contact=True)
        if repeat_of is not None:
            self.stats.repeats += 1

        # Staff-merged duplicates: a returning person's request soon after their last one.
        merged_into = None
        if (repeat_of is not None and received - person.last_received < dt.timedelta(days=5)
                and rng.random() < 0.5):
            merged_into = repeat_of
        self.lifecycle(row, crisis_kind, merged_into, treatment_list, forced_urgent)

        self.maybe_duplicate(row, person, codes, labels)
        row["search_text"] = _search_text(row["first_name"], row["last_name"], row["email"],
                                         row["phone"], row["message"])
        self.buf.requests.append(row)
        for t in treatment_list:
            self.buf.treatments.append({"request_id": rid, "treatment": t,
                                        "origin": "form" if t in form_set else "text",
                                        "received_local_date": local_date})
        self.buf.keys.append({"source": source, "external_id": row["external_id"],
                              "kind": "request", "request_id": rid, "submission_id": None,
                              "quarantined_row_id": None, "first_seen_at": received})
        person.last_request_id = rid
        person.last_received = received
        self.stats.requests += 1
        self.stats.open += row["is_open"]
        self.stats.urgent += level == "urgent"
        self.stats.review += level == "review"

    def landing(self, channel: str, day: dt.date, lifted: dict | None,
                treatments: list[str]) -> tuple[str | None, dict, int | None, str | None]:
        """(landing page, utm fields, attributed content id, heard about)."""
        rng = self.rng
        heard = rng.choice(HEARD_ABOUT)
        item = None
        if lifted is not None and rng.random() < 0.55:
            item = lifted
        elif lifted is None and channel == "web_form" and rng.random() < 0.07:
            recent = [it for it in self.content
                      if 0 <= (day - it["published_local_date"]).days < 120]
            if recent:
                item = rng.choice(recent)
        if channel != "web_form":
            if item is not None or lifted is not None:
                heard = "Read your article online"
            return None, {}, None, heard
        service = "/" + rng.choice(("", "spravato", "tms-therapy", "ketamine-assisted-therapy",
                                    "psychiatry", "contact"))
        if item is None:
            page = f"{SITE}{service}"
            if rng.random() < 0.2:
                page += "?utm_source=google&utm_medium=cpc&utm_campaign=brand-search"
                return page, {"utm_source": "google", "utm_medium": "cpc",
                              "utm_campaign": "brand-search"}, None, heard
            return page, {}, None, heard
        plan: PlannedItem = item["plan"]
        if plan.channel in ("blog", "video"):
            return item["url"], {}, item["id"], heard
        source, medium = {"social": ("instagram", "social"), "ad": ("google", "cpc"),
                          "newsletter": ("newsletter", "email")}[plan.channel]
        utm = {"utm_source": source, "utm_medium": medium, "utm_campaign": plan.slug}
        page = (f"{SITE}{service}?utm_source={source}&utm_medium={medium}"
                f"&utm_campaign={plan.slug}")
        return page, utm, item["id"], heard

    # ------------------------------------------------------------------ what happened to it

    def lifecycle(self, row: dict, crisis_kind: str | None, merged_into: int | None,
                  treatments: list[str], waiting: bool = False) -> None:
        rng, now, sched = self.rng, self.now, self.schedule
        rid, received, level = row["id"], row["received_at"], row["crisis_level"]
        status = "new"
        attempts: list[tuple[dt.datetime, str, str]] = []
        changes: list[dict] = []
        state = {"updated": received}

        def move(to: str, at: dt.datetime, *, reason: str | None = None,
                 close_reason: str | None = None, appointment: dt.datetime | None = None,
                 kind: str | None = None) -> None:
            nonlocal status
            changes.append({"id": self.take_id("change"), "request_id": rid,
                            "from_status": status, "to_status": to,
                            "close_reason": close_reason, "reason": reason,
                            "appointment_at": appointment, "appointment_kind": kind,
                            "changed_at": at, "changed_by": None})
            status = to
            state["updated"] = at

        def close(at: dt.datetime, why: str, reason: str | None = None) -> None:
            move("closed", at, close_reason=why, reason=reason)
            row["close_reason"], row["closed_at"] = why, at

        # Crisis history and acknowledgement.
        ack_at = None
        if level != "none":
            self.buf.crisis.append({"id": self.take_id("crisis"), "request_id": rid,
                                    "kind": "assessed", "from_level": None, "to_level": level,
                                    "reason": None, "changed_at": received, "changed_by": None})
        if level == "urgent":
            ack_at = received + dt.timedelta(minutes=rng.randint(2, 20))
            if not waiting and ack_at < now:
                self.buf.crisis.append({"id": self.take_id("crisis"), "request_id": rid,
                                        "kind": "acknowledged", "from_level": "urgent",
                                        "to_level": "urgent", "reason": None,
                                        "changed_at": ack_at, "changed_by": None})
            else:
                ack_at = None
        row["crisis_acknowledged_at"] = ack_at
        row["crisis_rank"] = crisis_rank(level, ack_at is not None)
        if level == "urgent" and ack_at is None:
            self.stats.unacknowledged += 1

        def finish() -> None:
            row["status"], row["is_open"] = status, status != "closed"
            count = len(attempts)
            row["attempt_count"] = count
            row["first_contact_at"] = attempts[0][0] if attempts else None
            reached = [a[0] for a in attempts if a[2] == "reached"]
            row["reached_at"] = reached[0] if reached else None
            row["last_attempt_at"] = attempts[-1][0] if attempts else None
            row["next_attempt_due_at"] = (
                sched.next_attempt_due(attempts[-1][0], level, count)
                if attempts and not reached and status != "closed" else None)
            row["updated_at"] = max(state["updated"], attempts[-1][0] if attempts else received)
            # The worklist's next step, by the same rules as the app's own moves.
            no_show = status == "in_progress" and row.get("appointment_at") is not None
            row["next_step"] = "rebook" if no_show else None
            row["follow_up_at"] = sched.rebook_due(state["updated"]) if no_show else None
            row["next_step"], row["next_due_at"] = sched.next_step(_Row(row), now)
            for at, method, outcome in attempts:
                self.buf.attempts.append({
                    "id": self.take_id("attempt"), "request_id": rid, "attempted_at": at,
                    "staff_user_id": None, "method": method, "outcome": outcome,
                    "note": "Spoke in person at the front desk" if row["channel"] == "walk_in"
                    and outcome == "reached" and len(attempts) == 1 else None,
                    "created_at": at})
            self.buf.changes.extend(changes)
            self.stats.attempts += count

        if waiting:
            return finish()  # nobody has called yet: overdue, at the top of the queue
        if merged_into is not None:
            at = received + dt.timedelta(hours=rng.uniform(0.5, 6))
            if at < now:
                row["duplicate_of_id"] = merged_into
                close(at, "duplicate", "same person asked again")
                self.stats.merged_duplicates += 1
            return finish()
        if crisis_kind == "spam":
            at = received + dt.timedelta(hours=rng.uniform(0.5, 20))
            if at < now:
                close(at, "spam")
            return finish()

        # Speed to lead: the desk got faster over the two years.
        age_days = (now - received).days
        slowness = 0.8 + 0.8 * min(age_days, DAYS) / DAYS
        if row["channel"] == "walk_in":
            first = received + dt.timedelta(minutes=rng.uniform(1, 10))
        elif level == "urgent":
            first = received + dt.timedelta(minutes=rng.uniform(3, 25))
        else:
            delay = rng.lognormvariate(math.log(40 * slowness), 1.1)
            first = sched.add_business_time(received, dt.timedelta(minutes=min(delay, 4000)))
        at = first
        reached_at = None
        for n in range(sched.max_attempts):
            if at >= now:
                break
            if row["channel"] == "walk_in" and n == 0:
                method, outcome = "call", "reached"
            else:
                method = rng.choices(("call", "text", "email"), (0.75, 0.15, 0.10))[0]
                p_reach = (0.6, 0.45, 0.35)[min(n, 2)] + (0.25 if level == "urgent" else 0)
                if method == "call" and rng.random() < p_reach:
                    outcome = "reached"
                elif method == "call":
                    outcome = rng.choices(("no_answer", "left_voicemail", "wrong_number"),
                                          (0.5, 0.45, 0.05))[0]
                elif method == "email" and rng.random() < 0.05:
                    outcome = "bounced"
                elif rng.random() < 0.35 * p_reach:
                    # People answer a text or email by calling back: counted as reached.
                    outcome = "reached"
                else:
                    outcome = "message_sent"
            attempts.append((at, method, outcome))
            if outcome == "reached":
                reached_at = at
                if status in ("new", "attempted"):
                    move("in_progress", at, reason="contact attempt: reached")
                break
            if status == "new":
                move("attempted", at, reason=f"contact attempt: {outcome.replace('_', ' ')}")
            nxt = sched.next_attempt_due(at, level, len(attempts))
            if nxt is None:
                break
            at = max(at + dt.timedelta(minutes=30), nxt - dt.timedelta(hours=rng.uniform(0, 7)))

        if reached_at is None:
            if attempts and len(attempts) >= sched.max_attempts:
                at = attempts[-1][0] + dt.timedelta(days=rng.uniform(2, 7))
                if at < now:
                    close(at, "unreachable", "no answer after three attempts")
            return finish()

        main = treatments[0] if treatments else "other"
        p_schedule = {"spravato": 0.5, "tms": 0.5, "ketamine": 0.55,
                      "medication_management": 0.65, "therapy": 0.6}.get(main, 0.4)
        if row["channel"] in ("referral", "walk_in"):
            p_schedule = min(0.9, p_schedule * 1.25)
        if rng.random() < p_schedule:
            at = reached_at + dt.timedelta(hours=rng.uniform(0.2, 72))
            if at >= now:
                return finish()
            local_at = at.astimezone(self.zone)
            appt_day = local_at.date() + dt.timedelta(days=rng.randint(3, 21))
            while appt_day.weekday() >= 5:
                appt_day += dt.timedelta(days=1)
            appointment = self.local_moment(appt_day, rng.randint(9, 16),
                                             rng.choice((0, 15, 30, 45)), 0)
            kind = APPOINTMENT_KIND.get(main, "Psychiatric evaluation")
            move("scheduled", at, appointment=appointment, kind=kind)
            row["scheduled_at"], row["appointment_at"], row["appointment_kind"] = \
                at, appointment, kind
            roll = rng.random()
            if roll < 0.78:
                at = appointment + dt.timedelta(hours=rng.uniform(1, 48))
                if at < now:
                    close(at, "became_patient")
            elif roll < 0.9:
                at = appointment + dt.timedelta(hours=2)
                if at < now:
                    move("in_progress", at, reason="no-show")
                    at2 = at + dt.timedelta(days=rng.uniform(3, 10))
                    if at2 < now:
                        close(at2, "declined", "did not rebook after a no-show")
            else:
                at = appointment + dt.timedelta(days=1)
                if at < now:
                    close(at, "not_eligible", "not a candidate after evaluation")
            return finish()
        at = reached_at + dt.timedelta(days=rng.uniform(0.5, 10))
        if at < now:
            why = rng.choices(("declined", "not_eligible", "referred_elsewhere"),
                              (0.4, 0.33, 0.27))[0]
            close(at, why)
        return finish()

    def maybe_duplicate(self, row: dict, person: _PersonInfo, codes: set[str],
                        labels: tuple[str, ...]) -> None:
        """Now and then the same person submits the same form again within hours."""
        rng = self.rng
        if row["channel"] != "web_form" or rng.random() > 0.004:
            return
        at = row["received_at"] + dt.timedelta(minutes=rng.randint(10, 300))
        closed = row["closed_at"]
        if at >= self.now or (closed is not None and closed <= at):
            return
        sid = self.take_id("submission")
        result = self.assessed(DUPLICATE_MESSAGE, labels)
        external_id = self.external_id(row["source"])
        self.buf.submissions.append({
            "id": sid, "request_id": row["id"], "source": row["source"],
            "external_id": external_id, "channel": "web_form", "received_at": at,
            "first_name": person.first, "last_name": person.last, "email": person.email,
            "phone": person.phone, "message": DUPLICATE_MESSAGE,
            "treatments": sorted(codes), "fields": {"extra": {}},
            "crisis_level": result.crisis, "crisis_evidence": evidence_json(result),
            "import_batch_id": None, "created_at": at})
        self.buf.submission_keys.append({
            "source": row["source"], "external_id": external_id, "kind": "submission",
            "request_id": row["id"], "submission_id": sid, "quarantined_row_id": None,
            "first_seen_at": at})
        when = at.strftime("%Y-%m-%d %H:%M UTC")
        row["message"] = (row["message"] or "") + APPENDED_TEXT_MARKER.format(when=when) \
            + DUPLICATE_MESSAGE
        self.stats.submissions += 1

    # ------------------------------------------------------------------ the run

    def run(self) -> tuple[Stats, list[dict]]:
        self.ids_start_person = self.ids["person"]
        self.load_content()
        cells, weights = self.plan_cells()
        cum = []
        acc = 0.0
        for w in weights:
            acc += w
            cum.append(acc)
        picks = [bisect_right(cum, self.rng.random() * acc) for _ in range(self.total)]
        picks = [min(p, len(cells) - 1) for p in picks]
        picks.sort()  # cells are in day order: requests come out day by day
        lift_counts: dict[int, int] = {}
        done = 0
        by_day: list[tuple[int, dict | None]] = []
        current_day = -1

        def emit_day() -> None:
            nonlocal done
            day = self.start + dt.timedelta(days=current_day)
            self.rng.shuffle(by_day)
            for _, lifted in by_day:
                self.make_request(day, lifted)
                done += 1
                if lifted is not None:
                    lift_counts[lifted["id"]] = lift_counts.get(lifted["id"], 0) + 1
            if len(self.buf.requests) >= CHUNK:
                self._flush(done)

        for p in picks:
            day_index, lifted = cells[p]
            if day_index != current_day and by_day:
                emit_day()
                by_day = []
            current_day = day_index
            by_day.append((day_index, lifted))
        if by_day:
            emit_day()
        self._flush(done)
        lifts = []
        for it in self.content:
            plan: PlannedItem = it["plan"]
            if plan.lift:
                lifts.append({"id": self.take_id("lift"), "content_id": it["id"],
                              "topic": plan.topic, "multiplier": plan.lift,
                              "window_days": LIFT_WINDOW_DAYS,
                              "extra_requests": lift_counts.get(it["id"], 0)})
        bulk_insert(self.session, DemoLift.__table__, lifts)
        return self.stats, lifts

    def _flush(self, done: int) -> None:
        self.buf.flush(self.session)
        if self.progress:
            self.progress(done, self.total)


def _advance_sequences(session: Session) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the largest id."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in (Person, Request, ContactAttempt, StatusChange, CrisisChange, Submission,
                  ContentItem, DemoLift):
        table = model.__tablename__
        sql = (f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our names
               f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")
        session.execute(text(sql))


def load_demo(engine: Engine, *, requests: int = 5000, seed: int = 7,
              progress: Callable[[int, int], None] | None = None,
              now: dt.datetime | None = None) -> str:
    """Load the demo clinic into a database without requests; returns a one-paragraph summary.

    `now` (aware) is where the two years end; by default the current hour, so the demo looks
    current. The same `seed`, `requests` and `now` give the same data.
    """
    if requests < 1:
        raise ValueError("requests must be at least 1")
    if now is None:
        now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    elif now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(dt.UTC)
    with write_session(engine) as session:
        existing = session.execute(select(func.count()).select_from(Request)).scalar_one()
        content = session.execute(select(func.count()).select_from(ContentItem)).scalar_one()
        if existing or content:
            what = f"{existing:,} requests" if existing else f"{content:,} content items"
            raise NotEmpty(f"The database already has {what}; the demo clinic only loads into "
                           "an empty database. Use a new database file or URL.")
        sqlite = session.get_bind().dialect.name == "sqlite"
        if sqlite:
            # Index pages of a large load stay in memory instead of being re-read per chunk.
            session.execute(text("PRAGMA cache_size = -262144"))
        try:
            gen = _Generator(session, requests=requests, seed=seed, now=now,
                             progress=progress)
            stats, lifts = gen.run()
        finally:
            if sqlite:
                session.execute(text("PRAGMA cache_size = -2000"))
        _advance_sequences(session)
        from zoelife.coverage import demo as coverage_demo

        courses = coverage_demo.seed(session, now=now, seed=seed)
        audit.record(session, audit.SYSTEM, "demo.load", "demo", None, {
            "count": stats.requests, "rows": stats.people, "kind": f"seed {seed}"})
    first = gen.start.isoformat()
    return (
        f"Loaded the demo clinic: {stats.requests:,} requests from {stats.people:,} fictional "
        f"people ({stats.repeats:,} repeats) received {first} to {gen.today.isoformat()}, "
        f"{stats.attempts:,} contact attempts, {stats.open:,} requests still open; "
        f"{stats.urgent:,} urgent ({stats.unacknowledged:,} waiting for acknowledgement) and "
        f"{stats.review:,} review crisis messages; {stats.submissions:,} duplicate submissions "
        f"attached and {stats.merged_duplicates:,} requests merged as duplicates by staff; "
        f"{len(gen.content)} content items, {len(lifts)} of them with a planted lift on their "
        f"topic (see the demo_lifts table); {courses} requests with insurance, benefits and "
        f"a prior authorization (every status). Emails are at example.com and phones are "
        f"555-01xx numbers."
    )
