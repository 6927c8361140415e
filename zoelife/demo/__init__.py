"""A deterministic synthetic clinic for trying the product (`zoelife demo`, first-run screen).

Two years of requests ending at `now`, with weekday and hour patterns, a treatment and channel
mix, contact attempts and status moves consistent with DESIGN.md's rules, a handful of crisis
messages (assessed by `zoelife.triage.assess`), repeats, attached duplicate submissions, and a
content calendar whose publications lift the inquiries for their topic. The planted lifts are
recorded in `demo_lifts`, so the content impact page can be checked against the truth.

Every person is fictional: emails at example.com (unique per person), phones in the 555-01xx
range (unique per person). 555-01xx gives 100 numbers per area code, 80,000 in all; people
beyond that (only at very large `requests`) have an email and no phone.

The generator lives in four rooms: `people`, `messages`, `content` (the calendar and where a
request landed from) and `timelines` (what happened to each request); this module draws the
requests day by day and stores them.

Speed: rows are built as plain dicts with ids assigned here (the database holds no requests
yet) and written by the import pipeline's store stage (`zoelife.ingest.pipeline.store`:
executemany on SQLite, COPY on PostgreSQL), with no per-row query; `assess` runs once per
distinct text. The whole load is one transaction: it is all there or not at all.
"""


from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.engine import write_session
from zoelife.db.models import (
    ContactAttempt,
    ContentItem,
    CrisisChange,
    DemoLift,
    IntakeKey,
    Person,
    Request,
    RequestTreatment,
    StatusChange,
    Submission,
)
from zoelife.demo.content import (  # noqa: F401 - the demo's vocabulary, read by tests
    CONTENT_PLAN,
    DAYS,
    LIFT_WINDOW_DAYS,
    LIFTS,
    SEED_ARTICLE_TITLE,
    Calendar,
    PlannedItem,
)
from zoelife.demo.messages import (  # noqa: F401
    DUPLICATE_MESSAGE,
    MESSAGES,
    REVIEW_MESSAGES,
    SPAM_MESSAGES,
    TREATMENT_LABELS,
    TREATMENT_WEIGHTS,
    URGENT_MESSAGES,
)
from zoelife.demo.people import (
    AREA_CODES,
    CONTACT_TIMES,
    FIRST_NAMES,
    INSURERS,
    PROVIDERS,
    People,
    _PersonInfo,
)
from zoelife.demo.timelines import Timelines
from zoelife.ingest.pipeline.store import insert_rows
from zoelife.intake.assessment import evidence_json
from zoelife.intake.normalize import search_text
from zoelife.intake.schedule import Schedule
from zoelife.triage import Assessment, assess

CHUNK = 5000  # requests per insert round


class NotEmpty(Exception):
    """The database already holds requests or content; the demo only loads into an empty one."""


CHANNEL_WEIGHTS_WEEKDAY = {"web_form": 0.55, "phone": 0.22, "referral": 0.10, "email": 0.08,
                           "walk_in": 0.05}
CHANNEL_WEIGHTS_WEEKEND = {"web_form": 0.78, "phone": 0.08, "referral": 0.02, "email": 0.11,
                           "walk_in": 0.01}
# Local hour weights (0..23): forms arrive around the clock with evening use; calls, walk-ins
# and faxes in business hours.
HOURS_FORM = (1, .6, .4, .3, .3, .5, 1.5, 3, 5, 6, 6, 5.5, 5, 5.5, 5.5, 5, 4.5, 4, 4, 4.5, 4.5,
              4, 3, 2)
HOURS_OFFICE = (0, 0, 0, 0, 0, 0, .1, .6, 6, 9, 9, 8, 6, 7, 8, 7, 6, 2, .4, .1, 0, 0, 0, 0)
HOURS = tuple(range(24))
HOURS_WEEKEND_FORM = (1.5, 1, .6, .4, .3, .3, .6, 1.5, 3, 4.5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
                      4.5, 3.5, 2.5)


@lru_cache(maxsize=4096)
def _search_part(part: str) -> str:
    return search_text(part)


def _search_text(*parts: str | None) -> str:
    """`normalize.search_text`, with names and message texts (few distinct ones) cached."""
    return " ".join(_search_part(p) if len(p) < 400 else search_text(p) for p in parts if p)


HOURS_FORM_CUM = tuple(accumulate(HOURS_FORM))
HOURS_OFFICE_CUM = tuple(accumulate(HOURS_OFFICE))
HOURS_WEEKEND_FORM_CUM = tuple(accumulate(HOURS_WEEKEND_FORM))



@dataclass
class _Buffers:
    """Rows built and not written yet, by table, written by the store stage."""
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
                insert_rows(session, model.__table__, rows)
                rows.clear()


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



class _Generator(People, Calendar, Timelines):
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
        insert_rows(self.session, DemoLift.__table__, lifts)
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
