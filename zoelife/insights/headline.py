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
compare: for every local date of receipt, a **receipt day** row (`receipt_days`) lists the
clinic's openings from that day on (as epoch seconds, built by `Schedule`, the helper that
stores `due_at`) until they hold `HORIZON_HOURS` business hours, each with the business
seconds before it. The business time from the day's start to an instant is then the time
elapsed before the first opening not yet closed at that instant, plus what has passed of it;
the business time from receipt to an attempt is the difference. The row also carries the
"one business day" deadline and how much business time has passed by now. The rows travel as
a `VALUES` CTE of literal numbers joined on `received_local_date`, so each database walks its
trend index once per day, reading only that day's requests, once: the split by treatment is
added up from each request's `treatment_list`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import (
    Date,
    Float,
    String,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    or_,
    select,
    values,
)
from sqlalchemy.orm import Session

from zoelife.db.models import Request
from zoelife.insights.queries import RESPONSE_BIN_EDGES, Period, is_inquiry, percentile_from_bins
from zoelife.intake.schedule import Schedule

DAY_SECONDS = 86400
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Windows the page offers (days, ending today).
WINDOWS = (7, 30, 90, 365)
BUSINESS_HOUR = 3600.0
# How far past its receipt a request's business time is counted: first attempts later than
# this many business hours land in the last, open-ended bin ("more than 120 hours").
HORIZON_HOURS = 120
# A clinic open a few hours a week would need a long list to hold HORIZON_HOURS: past this
# many days, the list stops (and the last bin starts earlier for it).
HORIZON_MAX_DAYS = 62
EDGES = tuple(e for e in RESPONSE_BIN_EDGES if e <= HORIZON_HOURS * 60)
BY = ("all", "treatment", "channel")
COUNTS = ("inquiries", "attempted", "reached", "reached_1h", "judged_1h", "reached_1d",
          "judged_1d", "scheduled", "became_patient")
COLUMNS = ["window", "by", "group", *COUNTS, "median_business_minutes"]


def epoch_seconds(moment: dt.datetime) -> float:
    return (moment.astimezone(dt.UTC) - EPOCH).total_seconds()


@dataclass(frozen=True)
class ReceiptDay:
    """What the query needs to time the requests received on one local date."""

    day: dt.date
    openings: tuple[tuple[float, float], ...]  # (open, close) epoch seconds, in order
    deadline: float  # "within one business day": the close of the next business day

    @property
    def horizon(self) -> float:
        """The last instant the openings cover."""
        return self.openings[-1][1] if self.openings else -math.inf

    def elapsed(self, seconds: float) -> float | None:
        """Business seconds from the day's start to `seconds` (epoch); None past the horizon
        (what the SQL expression gives)."""
        if seconds > self.horizon:
            return None
        return sum(min(max(seconds - o, 0.0), c - o) for o, c in self.openings)


def receipt_day(schedule: Schedule, day: dt.date) -> ReceiptDay:
    openings: list[tuple[float, float]] = []
    total = 0.0
    current = day
    while total < HORIZON_HOURS * BUSINESS_HOUR and (current - day).days < HORIZON_MAX_DAYS:
        span = schedule.opening(current)
        if span:
            openings.append((epoch_seconds(span[0]), epoch_seconds(span[1])))
            total += (span[1] - span[0]).total_seconds()
        current += dt.timedelta(days=1)
    return ReceiptDay(day, tuple(openings),
                      epoch_seconds(next_business_day_close(schedule, day)))


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


# Openings past the end of a row's list: so far ahead that every real instant is before them.
FAR = 1e12


def _days_table(days: list[ReceiptDay], now: float):
    """The receipt days as a CTE: day, deadline, now_elapsed, horizon, then per opening
    o<k>, c<k> (epoch seconds) and e<k> (business seconds before it), every row padded to the
    longest with openings at FAR."""
    width = max((len(d.openings) for d in days), default=0) or 1
    cols = [column("day", String), column("deadline", Float), column("now_elapsed", Float),
            column("horizon", Float)]
    for i in range(1, width + 1):
        cols += [column(f"o{i}", Float), column(f"c{i}", Float), column(f"e{i}", Float)]
    rows = []
    for d in days:
        now_elapsed = d.elapsed(now)
        flat: list[float] = []
        before = 0.0
        for o, c in d.openings:
            flat += [o, c, before]
            before += c - o
        flat += [FAR, FAR, before] * (width - len(d.openings))
        rows.append((d.day.isoformat(), d.deadline,
                     now_elapsed if now_elapsed is not None else FAR, d.horizon, *flat))
    # A CTE: SQLite reads VALUES with column names there, not as a named FROM item.
    return values(*cols, name="receipt_day", literal_binds=True).data(rows) \
        .cte("receipt_day"), width


def _since_opening(cols, i: int, seconds):
    return case((seconds > cols[f"o{i}"], seconds - cols[f"o{i}"]), else_=0.0)


def _elapsed_at_receipt(cols, seconds):
    """Business seconds from the receipt day's start to the receipt: the request came in that
    day, so only the day's own opening (the first, when the clinic opens that day) counts."""
    return case((seconds >= cols.c1, cols.c1 - cols.o1), else_=_since_opening(cols, 1, seconds))


def _elapsed_sql(cols, width: int, seconds):
    """Business seconds from the receipt day's start to `seconds` (epoch): the first opening
    not yet closed at `seconds` decides, so the chain stops after a comparison or two for the
    usual attempt within a day or so."""
    return case(*[(seconds < cols[f"c{i}"], cols[f"e{i}"] + _since_opening(cols, i, seconds))
                  for i in range(1, width + 1)],
                else_=cols[f"e{width}"] + cols[f"c{width}"] - cols[f"o{width}"])


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
    days = [receipt_day(schedule, span.start + dt.timedelta(days=i)) for i in range(span.days)]
    table, width = _days_table(days, epoch_seconds(now))
    # PostgreSQL reads the quoted dates of VALUES as text; SQLite stores dates as that text.
    day_key = table.c.day if _sqlite(session) else cast(table.c.day, Date)

    # One pass over the span's inquiries, grouped by channel and by the request's list of
    # treatments (`treatment_list`, kept with `request_treatments`): the treatment split is
    # added up from the lists, so the rows are read once. The join also names the span, so
    # that a database starting from requests reads only the span's.
    instants = select(
        Request.channel.label("channel"), Request.treatment_list.label("treatments"),
        case((Request.received_local_date >= current.start, "current"),
             else_="previous").label("win"),
        _epoch_sql(session, Request.received_at).label("received_s"),
        _epoch_sql(session, Request.first_contact_at).label("first_s"),
        _epoch_sql(session, Request.reached_at).label("reached_s"),
        case((Request.scheduled_at.is_not(None), 1), else_=0).label("scheduled"),
        case((Request.close_reason == "became_patient", 1), else_=0).label("became"),
        *[c for c in table.c if c.name != "day"],
    ).select_from(table).join(
        Request, and_(Request.received_local_date == day_key,
                      Request.received_local_date.between(span.start, span.end))
    ).where(is_inquiry()).offset(0).subquery("instants")
    r = instants.c
    # OFFSET 0 (here and below) keeps both databases from pasting a subquery's expressions
    # into every place the outer query names its column: 9.8 s instead of 1.3 s at 1M.
    inquiries = select(
        r.channel, r.treatments, r.win, r.received_s, r.first_s, r.reached_s, r.scheduled,
        r.became, r.horizon, r.deadline, r.now_elapsed,
        _elapsed_at_receipt(r, r.received_s).label("at_received"),
        case((r.first_s.is_(None), None),
             else_=_elapsed_sql(r, width, r.first_s)).label("at_first"),
        case((r.reached_s.is_(None), None),
             else_=_elapsed_sql(r, width, r.reached_s)).label("at_reached"),
    ).offset(0).subquery("inquiry")
    q = inquiries.c
    first_business = case(
        (q.first_s.is_(None), None),
        (q.first_s <= q.received_s, 0.0),
        (q.first_s > q.horizon, LATER),
        else_=q.at_first - q.at_received)
    within_hour = and_(q.reached_s.is_not(None),
                       or_(q.reached_s <= q.received_s,
                           and_(q.reached_s <= q.horizon,
                                q.at_reached - q.at_received <= BUSINESS_HOUR)))
    hour_is_up = q.now_elapsed - q.at_received >= BUSINESS_HOUR
    within_day = and_(q.reached_s.is_not(None), q.reached_s <= q.deadline)
    day_is_up = literal(epoch_seconds(now)) >= q.deadline
    timed = select(
        q.channel, q.treatments, q.win, first_business.label("first_business"),
        case((q.reached_s.is_not(None), 1), else_=0).label("reached"),
        case((within_hour, 1), else_=0).label("reached_1h"),
        case((within_hour, 1), (hour_is_up, 1), else_=0).label("judged_1h"),
        case((within_day, 1), else_=0).label("reached_1d"),
        case((within_day, 1), (day_is_up, 1), else_=0).label("judged_1d"),
        q.scheduled, q.became).offset(0).subquery("timed")
    t = timed.c
    bin_ = case((t.first_business.is_(None), -1),
                *[(t.first_business < edge * 60, i) for i, edge in enumerate(EDGES[1:])],
                else_=len(EDGES) - 1)
    rows = session.execute(
        select(t.win, t.channel, t.treatments, bin_, func.count(), func.sum(t.reached),
               func.sum(t.reached_1h), func.sum(t.judged_1h), func.sum(t.reached_1d),
               func.sum(t.judged_1d), func.sum(t.scheduled), func.sum(t.became))
        .group_by(t.win, t.channel, t.treatments, bin_)).all()
    cells: dict[tuple[str, str, str], dict] = {}
    for win, channel, treatments, b, n, *numbers in rows:
        _add(cells, win, "all", "all", int(b), int(n), numbers)
        _add(cells, win, "channel", channel, int(b), int(n), numbers)
        for treatment in (treatments or "").split(";"):
            if treatment:  # a request about two treatments counts under each
                _add(cells, win, "treatment", treatment, int(b), int(n), numbers)

    rows = [(win, by, group, *cell["counts"],
             percentile_from_bins(cell["bins"], 0.5, EDGES))
            for (win, by, group), cell in cells.items()]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    order = {b: i for i, b in enumerate(BY)}
    return (frame.assign(_by=[order[b] for b in frame["by"]])
            .sort_values(["_by", "window", "inquiries", "group"],
                         ascending=[True, True, False, True], kind="stable")
            .drop(columns="_by").reset_index(drop=True))


# Business seconds given to a first attempt later than the receipt day's openings reach: the
# last bin's lower edge.
LATER = float(EDGES[-1] * 60)


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
