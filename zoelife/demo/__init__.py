"""A deterministic synthetic clinic for trying the product (`zoelife demo`, first-run screen).

Two years of requests ending at `now`, with weekday and hour patterns, a treatment and channel
mix, contact attempts and status moves consistent with DESIGN.md's rules, a handful of crisis
messages (assessed by `zoelife.triage.assess`), repeats, attached duplicate submissions, and a
content calendar whose publications lift the inquiries for their topic. The planted lifts are
recorded in `demo_lifts`, so the content impact page can be checked against the truth.

Every person is fictional: emails at example.com (unique per person), phones in the 555-01xx
range (unique per person). 555-01xx gives 100 numbers per area code, 80,000 in all; people
beyond that (only at very large `requests`) have an email and no phone.

The generator lives in five rooms: `people`, `messages`, `content` (the calendar and where a
request landed from), `requests` (what each request is) and `timelines` (what happened to each
request); this module draws the requests day by day and stores them.

Randomness: one seeded stream per concern (`Streams`: arrivals, topics, people, messages,
details, content, timelines), and no draw depends on what `assess` says. Each message is drawn from a
pool labelled with its crisis level (urgent, review or none); the timeline follows that planted
level, and the detector's level (stored, as `receive` would) only adds the crisis rows and the
acknowledgement, timed by a stream of the request's own. So a retrained crisis detector changes
the assessments and nothing else: the same seed gives the same people, requests, dates,
channels, content, lifts and timelines (docs/demo.md). A measured lift can still move by the
few requests whose text the detector reads a treatment into, never by a redrawn clinic.

Speed: rows are built as plain dicts with ids assigned here (the database holds no requests
yet) and written by the import pipeline's store stage (`zoelife.ingest.pipeline.store`:
executemany on SQLite, COPY on PostgreSQL), with no per-row query; `assess` runs once per
distinct text. The whole load is one transaction: it is all there or not at all.
"""


from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from itertools import accumulate, groupby

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.engine import write_session
from zoelife.db.models import (
    ContactAttempt,
    ContentItem,
    CrisisChange,
    DemoLift,
    Person,
    Request,
    StatusChange,
    Submission,
)
from zoelife.demo.content import DAYS, LIFT_WINDOW_DAYS, Calendar, PlannedItem
from zoelife.demo.messages import TREATMENT_WEIGHTS
from zoelife.demo.people import AREA_CODES, People, _PersonInfo
from zoelife.demo.requests import Requests
from zoelife.demo.timelines import Timelines
from zoelife.ingest.pipeline.store import Pending, insert_rows, write
from zoelife.intake.schedule import Schedule
from zoelife.triage import Assessment, assess

CHUNK = 5000  # requests per insert round


class NotEmpty(Exception):
    """The database already holds requests or content; the demo only loads into an empty one."""


@dataclass
class _Buffers(Pending):
    """The store stage's pending rows, and the two tables only the demo writes at once (its
    requests arrive with their history): contact attempts and status moves."""
    attempts: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)

    def flush(self, session: Session) -> None:
        write(session, self, (), ())
        insert_rows(session, ContactAttempt.__table__, self.attempts)
        insert_rows(session, StatusChange.__table__, self.changes)
        for each in fields(self):
            getattr(self, each.name).clear()


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


@dataclass
class Streams:
    """One random stream per concern, each seeded from the demo's seed and its own name, so a
    change in how one concern draws (a timeline rule, a new message) leaves the others alone."""
    arrivals: random.Random  # which day (the lifts), channel, hour, the fresh waiting ones
    topics: random.Random  # which treatment each of a day's requests asks about first
    people: random.Random  # who asks, and who asks again
    messages: random.Random  # a second treatment, the planted crisis level, the text
    details: random.Random  # source, submitter, insurance and the other form fields
    content: random.Random  # where a request landed from
    timelines: random.Random  # attempts, status moves, merges, duplicates sent again

    @classmethod
    def seeded(cls, seed: int) -> Streams:
        return cls(**{f.name: random.Random(f"zoelife-demo:{seed}:{f.name}")
                      for f in fields(cls)})


class _Generator(People, Requests, Calendar, Timelines):
    def __init__(self, session: Session, *, requests: int, seed: int, now: dt.datetime,
                 progress: Callable[[int, int], None] | None) -> None:
        self.session = session
        self.total = requests
        self.seed = seed
        self.streams = Streams.seeded(seed)
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
        self.streams.people.shuffle(phones)
        self.phones = phones
        self.people: list[_PersonInfo] = []
        self.source_seq: dict[str, int] = {}
        self.waiting = 0  # fresh urgent requests left unacknowledged so far

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

    def plan_arrivals(self) -> list[tuple[int, dict | None]]:
        """(day index, lifted item or None) of every request, in day order.

        A lift's extra inquiries are planted in number (their expected share of the total,
        rounded) and spread over its window in proportion to the days' weights; the rest
        fall on the days at random by their weights. So what the impact page measures for a
        lifted item differs from the planted lift by the base rate's noise only, not also by
        the luck of how many extra requests the draw gave it."""
        rng = self.streams.arrivals
        days, extra = self.plan_days()
        whole = sum(days) + sum(w for cells in extra.values() for _, w in cells)
        planned: list[tuple[int, dict | None]] = []
        by_id = {it["id"]: it for it in self.content}
        for cid, cells in extra.items():
            count = round(self.total * sum(w for _, w in cells) / whole)
            weights = [w for _, w in cells]
            planned += [(cells[k][0], by_id[cid]) for k in _spread(weights, count, rng)]
        planned = planned[:self.total]
        cum = list(accumulate(days))
        for _ in range(self.total - len(planned)):
            planned.append((min(bisect_right(cum, rng.random() * cum[-1]), DAYS - 1), None))
        planned.sort(key=lambda cell: cell[0])  # stable: requests come out day by day
        return planned

    def run(self) -> tuple[Stats, list[dict]]:
        self.ids_start_person = self.ids["person"]
        self.load_content()
        planned = self.plan_arrivals()
        lift_counts: dict[int, int] = {}
        done = 0
        for day_index, group in groupby(planned, key=lambda cell: cell[0]):
            day = self.start + dt.timedelta(days=day_index)
            today = [lifted for _, lifted in group]
            self.streams.arrivals.shuffle(today)
            # The day's topics follow the treatment shares closely (stratified), as a
            # clinic's mix does over weeks; which request asks about what stays random.
            base = sum(lifted is None for lifted in today)
            topics = [TOPICS[k] for k in _spread(TOPIC_WEIGHTS, base, self.streams.topics)]
            self.streams.topics.shuffle(topics)
            for lifted in today:
                self.make_request(day, lifted, None if lifted is not None else topics.pop())
                done += 1
                if lifted is not None:
                    lift_counts[lifted["id"]] = lift_counts.get(lifted["id"], 0) + 1
            if len(self.buf.requests) >= CHUNK:
                self._flush(done)
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


TOPICS = tuple(TREATMENT_WEIGHTS)
TOPIC_WEIGHTS = tuple(TREATMENT_WEIGHTS.values())


def _spread(weights: Sequence[float], count: int, rng: random.Random) -> list[int]:
    """`count` indexes into `weights` by systematic sampling: one random offset, then even
    steps through the cumulative weights, so each index gets its expected share, rounded."""
    if count <= 0:
        return []
    cum = list(accumulate(weights))
    step = cum[-1] / count
    start = rng.random() * step
    return [min(bisect_right(cum, start + k * step), len(cum) - 1) for k in range(count)]


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
