"""The manager's headline numbers: how fast the desk answers, how many it reaches, how many
start treatment, for a window of days beside the window before it, overall, by treatment and
by channel.

Per window, of the inquiries received in it (`queries.is_inquiry`):

- **median business hours to the first attempt**, of those attempted (exact to a response-time
  bin, as on the Speed page, but counting only open hours);
- **reached within one business hour** (a `reached` attempt no more than one open hour after
  receipt) and **within one business day** (by the close of the first business day after the
  day of receipt, the cadence's "next business day"), each of the inquiries *judged*: reached
  in time, or whose time is up. An inquiry that came in ten minutes ago is neither a success
  nor a failure yet, so the newest days do not read as a drop;
- **reached**, **scheduled** (an appointment booked at some point) and **started treatment**
  (closed as `became_patient`), of all the window's inquiries, as the Funnel counts them.

Business-hour arithmetic is not portable SQL, so it is done with numbers the database can
join: a **business clock** (`business_clock`) gives, for every UTC day of the span, the
business seconds elapsed before that day began and the (at most three) stretches of that day
the clinic is open, as epoch seconds. The business time between two instants is the clock at
the second minus the clock at the first; each instant finds its day by an equality join on its
UTC day number. The deadlines of "within one business day" are a second small table, one row
per local date of receipt. Both tables are built from `Schedule` (the clinic's hours,
holidays and time zone, the same helper that stores `due_at`) and sent as literal `VALUES`
rows: a few hundred rows for the longest window offered.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import (
    Float,
    Integer,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    values,
)
from sqlalchemy.orm import Session

from zoelife.db.models import Request, RequestTreatment
from zoelife.insights.queries import RESPONSE_BIN_EDGES, Period, is_inquiry, percentile_from_bins
from zoelife.intake.schedule import Schedule

DAY_SECONDS = 86400
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
EPOCH_DATE = EPOCH.date()
# Windows the page offers (days, ending today); the clock tables grow with the longest.
WINDOWS = (7, 30, 90, 365)
# At most this many opening stretches fall in one UTC day (a local day has one opening; a
# 24-hour UTC day can touch three local days when the clinic is open around midnight).
SLOTS = 3
BUSINESS_HOUR = 3600.0
# First attempts later than the clock reaches (bad data: after now) land in the last bin.
LATER = float(RESPONSE_BIN_EDGES[-1] * 60)
BY = ("all", "treatment", "channel")
COUNTS = ("inquiries", "attempted", "reached", "reached_1h", "judged_1h", "reached_1d",
          "judged_1d", "scheduled", "became_patient")
COLUMNS = ["window", "by", "group", *COUNTS, "median_business_minutes"]


def epoch_seconds(moment: dt.datetime) -> float:
    return (moment.astimezone(dt.UTC) - EPOCH).total_seconds()


@dataclass(frozen=True)
class BusinessClock:
    """Business seconds on a clock that runs only while the clinic is open, per UTC day:
    rows of (UTC day number, seconds elapsed before the day, then SLOTS (open, close) pairs in
    epoch seconds; unused pairs are (0, 0))."""

    rows: tuple[tuple, ...]

    @property
    def first_day(self) -> int:
        return self.rows[0][0]

    @property
    def last_day(self) -> int:
        return self.rows[-1][0]

    def at(self, moment: dt.datetime) -> float | None:
        """The clock at `moment`, or None outside the span (what the SQL expression gives)."""
        seconds = epoch_seconds(moment)
        day = math.floor(seconds / DAY_SECONDS)
        if not self.first_day <= day <= self.last_day:
            return None
        row = self.rows[day - self.first_day]
        total = row[1]
        for i in range(SLOTS):
            opens, closes = row[2 + 2 * i], row[3 + 2 * i]
            total += min(max(seconds - opens, 0.0), closes - opens)
        return total


def business_clock(schedule: Schedule, start: dt.datetime, end: dt.datetime) -> BusinessClock:
    """The clock for every UTC day from `start`'s to `end`'s."""
    first = math.floor(epoch_seconds(start) / DAY_SECONDS)
    last = math.floor(epoch_seconds(end) / DAY_SECONDS)
    # Every local date whose opening can touch those UTC days.
    day = (EPOCH + dt.timedelta(days=first)).astimezone(schedule.zone).date() - dt.timedelta(1)
    stop = (EPOCH + dt.timedelta(days=last + 1)).astimezone(schedule.zone).date() \
        + dt.timedelta(1)
    openings = []
    while day <= stop:
        span = schedule.opening(day)
        if span:
            openings.append((epoch_seconds(span[0]), epoch_seconds(span[1])))
        day += dt.timedelta(days=1)
    rows = []
    elapsed = 0.0
    for u in range(first, last + 1):
        lo, hi = float(u * DAY_SECONDS), float((u + 1) * DAY_SECONDS)
        slots = [(max(o, lo), min(c, hi)) for o, c in openings if o < hi and c > lo]
        if len(slots) > SLOTS:  # pragma: no cover - impossible with one opening per local day
            raise ValueError(f"more than {SLOTS} openings in one UTC day")
        flat = [x for pair in slots for x in pair] + [0.0, 0.0] * (SLOTS - len(slots))
        rows.append((u, elapsed, *flat))
        elapsed += sum(c - o for o, c in slots)
    return BusinessClock(tuple(rows))


def next_business_day_close(schedule: Schedule, day: dt.date) -> dt.datetime:
    """The close of the first business day after the local date `day`: the deadline of
    "within one business day" for an inquiry received that day (whatever its hour)."""
    # close_of_business_day_after counts business days after the instant's local date.
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=schedule.zone)
    return schedule.close_of_business_day_after(noon, 1)


# --------------------------------------------------------------------------- SQL pieces


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _epoch_sql(session: Session, col):
    if _sqlite(session):
        # julianday is a double: to the millisecond, a whole minute stays a whole minute.
        return func.round((func.julianday(col) - literal(2440587.5))
                          * literal(float(DAY_SECONDS)), 3)
    return cast(func.extract("epoch", col), Float)


def _utc_day_sql(session: Session, col):
    if _sqlite(session):
        # Truncation is the floor for every instant after 1970; earlier ones find no row.
        return cast(func.julianday(col) - literal(2440587.5), Integer)
    return cast(func.floor(func.extract("epoch", col) / DAY_SECONDS), Integer)


def _local_day_sql(session: Session, col):
    if _sqlite(session):
        return cast(func.julianday(col) - literal(2440587.5), Integer)
    return cast(col - literal_column("DATE '1970-01-01'"), Integer)


def _clock_table(clock: BusinessClock):
    cols = [column("day", Integer), column("elapsed", Float)]
    for i in range(1, SLOTS + 1):
        cols += [column(f"o{i}", Float), column(f"c{i}", Float)]
    # A CTE: SQLite reads VALUES with column names there, not as a named FROM item.
    return values(*cols, name="business_clock", literal_binds=True).data(
        list(clock.rows)).cte("business_clock")


def _deadline_table(schedule: Schedule, period: Period):
    rows = []
    day = period.start
    while day <= period.end:
        rows.append(((day - EPOCH_DATE).days,
                     epoch_seconds(next_business_day_close(schedule, day))))
        day += dt.timedelta(days=1)
    return values(column("day", Integer), column("deadline", Float), name="next_day_close",
                  literal_binds=True).data(rows).cte("next_day_close")


def _clock_at(row, seconds):
    """The business clock at `seconds` (epoch) from its day's row."""
    total = row.c.elapsed
    for i in range(1, SLOTS + 1):
        opens, closes = row.c[f"o{i}"], row.c[f"c{i}"]
        total = total + case((seconds <= opens, 0.0), (seconds >= closes, closes - opens),
                             else_=seconds - opens)
    return total


# --------------------------------------------------------------------------- the numbers


def windows(today: dt.date, days: int) -> tuple[Period, Period]:
    """The `days` ending today, and the `days` before them."""
    current = Period(today - dt.timedelta(days=days - 1), today)
    previous = Period(current.start - dt.timedelta(days=days), current.start - dt.timedelta(1))
    return current, previous


def headline(session: Session, current: Period, previous: Period, *, now: dt.datetime,
             schedule: Schedule | None = None) -> pd.DataFrame:
    """One row per window (`current`, `previous`), grouping (`all`, `treatment`,
    `channel`) and group: the counts of COUNTS and the median business minutes to the first
    attempt (None without attempts). Groups without inquiries in a window have no row."""
    if previous.end >= current.start:
        raise ValueError("the previous window must end before the current one starts")
    schedule = schedule or Schedule.load(session)
    span = Period(previous.start, current.end)
    start = dt.datetime.combine(span.start, dt.time(0), tzinfo=schedule.zone)
    end = dt.datetime.combine(span.end, dt.time(0), tzinfo=schedule.zone)
    # Receipts fall in the span, attempts after them and before now; a day or two each side
    # absorbs the zone's offset. Anything later than the clock reaches is "later than that".
    clock = business_clock(schedule, start - dt.timedelta(days=1),
                           max(now, end) + dt.timedelta(days=2))
    clock_table = _clock_table(clock)
    deadline_table = _deadline_table(schedule, span)
    now_clock = clock.at(now)

    rt = RequestTreatment
    cells: dict[tuple[str, str, str], dict] = {}
    for by, group, base in (
            ("channel", Request.channel, select().select_from(Request)),
            ("treatment", rt.treatment,
             select().select_from(rt).join(Request, Request.id == rt.request_id)
             .where(rt.received_local_date.between(span.start, span.end)))):
        # Per inquiry: its instants as epoch seconds and the days they fall on.
        inquiries = base.add_columns(
            group.label("grp"),
            case((Request.received_local_date >= current.start, "current"),
                 else_="previous").label("win"),
            _epoch_sql(session, Request.received_at).label("received_s"),
            _epoch_sql(session, Request.first_contact_at).label("first_s"),
            _epoch_sql(session, Request.reached_at).label("reached_s"),
            _utc_day_sql(session, Request.received_at).label("received_day"),
            _utc_day_sql(session, Request.first_contact_at).label("first_day"),
            _utc_day_sql(session, Request.reached_at).label("reached_day"),
            _local_day_sql(session, Request.received_local_date).label("local_day"),
            case((Request.scheduled_at.is_not(None), 1), else_=0).label("scheduled"),
            case((Request.close_reason == "became_patient", 1), else_=0).label("became"),
        ).where(Request.received_local_date.between(span.start, span.end),
                is_inquiry()).subquery("inquiry")
        # Per inquiry: business seconds to the first attempt and to being reached.
        at_receipt, at_first, at_reach = (clock_table.alias("at_receipt"),
                                          clock_table.alias("at_first"),
                                          clock_table.alias("at_reach"))
        deadline = deadline_table.alias("deadline")
        q = inquiries.c
        at_received = _clock_at(at_receipt, q.received_s)
        first_business = case(
            (q.first_s.is_(None), None),
            (q.first_s <= q.received_s, 0.0),
            (at_first.c.day.is_(None), LATER),
            else_=_clock_at(at_first, q.first_s) - at_received)
        within_hour = and_(q.reached_s.is_not(None),
                           or_(q.reached_s <= q.received_s,
                               and_(at_reach.c.day.is_not(None),
                                    _clock_at(at_reach, q.reached_s) - at_received
                                    <= BUSINESS_HOUR)))
        hour_is_up = (literal(now_clock) - at_received >= BUSINESS_HOUR
                      if now_clock is not None else literal(False))
        within_day = and_(q.reached_s.is_not(None), q.reached_s <= deadline.c.deadline)
        day_is_up = literal(epoch_seconds(now)) >= deadline.c.deadline
        timed = (select(
            q.grp, q.win, first_business.label("first_business"),
            case((q.reached_s.is_not(None), 1), else_=0).label("reached"),
            case((within_hour, 1), else_=0).label("reached_1h"),
            case((within_hour, 1), (hour_is_up, 1), else_=0).label("judged_1h"),
            case((within_day, 1), else_=0).label("reached_1d"),
            case((within_day, 1), (day_is_up, 1), else_=0).label("judged_1d"),
            q.scheduled, q.became)
            .select_from(inquiries)
            .outerjoin(at_receipt, at_receipt.c.day == q.received_day)
            .outerjoin(at_first, at_first.c.day == q.first_day)
            .outerjoin(at_reach, at_reach.c.day == q.reached_day)
            .outerjoin(deadline, deadline.c.day == q.local_day)).subquery("timed")
        t = timed.c
        last_bin = len(RESPONSE_BIN_EDGES) - 1
        bin_ = case((t.first_business.is_(None), -1),
                    *[(t.first_business < edge * 60, i)
                      for i, edge in enumerate(RESPONSE_BIN_EDGES[1:])],
                    else_=last_bin)
        rows = session.execute(
            select(t.win, t.grp, bin_, func.count(), func.sum(t.reached), func.sum(t.reached_1h),
                   func.sum(t.judged_1h), func.sum(t.reached_1d), func.sum(t.judged_1d),
                   func.sum(t.scheduled), func.sum(t.became))
            .group_by(t.win, t.grp, bin_)).all()
        for win, grp, b, n, *numbers in rows:
            _add(cells, win, by, grp, int(b), int(n), numbers)
            if by == "channel":  # every inquiry has exactly one channel
                _add(cells, win, "all", "all", int(b), int(n), numbers)

    rows = [(win, by, group, *cell["counts"], percentile_from_bins(cell["bins"], 0.5))
            for (win, by, group), cell in cells.items()]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    order = {b: i for i, b in enumerate(BY)}
    return (frame.assign(_by=[order[b] for b in frame["by"]])
            .sort_values(["_by", "window", "inquiries", "group"],
                         ascending=[True, True, False, True], kind="stable")
            .drop(columns="_by").reset_index(drop=True))


def _add(cells: dict, win: str, by: str, group: str, bin_: int, n: int, numbers) -> None:
    cell = cells.setdefault((win, by, group), {"counts": [0] * len(COUNTS), "bins": {}})
    reached, r1h, j1h, r1d, j1d, scheduled, became = (int(x or 0) for x in numbers)
    attempted = n if bin_ >= 0 else 0
    for i, x in enumerate((n, attempted, reached, r1h, j1h, r1d, j1d, scheduled, became)):
        cell["counts"][i] += x
    if bin_ >= 0:
        cell["bins"][bin_] = cell["bins"].get(bin_, 0) + n


def share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None
