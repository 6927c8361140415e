"""The period a manager page shows and its day, week or month buckets (never more than
`MAX_BUCKETS`), and what counts as an inquiry (see `zoelife.insights.queries`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.orm import Session

from zoelife.db.models import NOT_INQUIRY_SQL, Request

GRAINS = ("day", "week", "month")


def is_inquiry():
    """Requests that count as inquiries (see the module docstring)."""
    return and_(Request.duplicate_of_id.is_(None),
                or_(Request.close_reason.is_(None), Request.close_reason != "spam"))


def not_inquiry():
    """The complement of `is_inquiry`, written exactly as the partial index
    `ix_requests_not_inquiry` is (with a literal, not a parameter), so both databases use it."""
    return text(f"({NOT_INQUIRY_SQL})")


@dataclass(frozen=True)
class Period:
    start: dt.date  # first local date, inclusive
    end: dt.date  # last local date, inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def bucket_start(day: dt.date, grain: str) -> dt.date:
    if grain == "day":
        return day
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())  # weeks start on Monday
    if grain == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown grain {grain!r}; use one of {', '.join(GRAINS)}")


def bucket_starts(period: Period, grain: str) -> list[dt.date]:
    out: list[dt.date] = []
    day = bucket_start(period.start, grain)
    while day <= period.end:
        out.append(day)
        if grain == "day":
            day += dt.timedelta(days=1)
        elif grain == "week":
            day += dt.timedelta(days=7)
        else:
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


# The most buckets a chart draws. A request dated 0001-01-01 made "from the first request, by
# day" a 4.4-million-row chart (server memory 476 -> 1,304 MB); a longer period is grouped
# more coarsely, and beyond MAX_BUCKETS months only the most recent ones are drawn.
MAX_BUCKETS = 1000


def bucket_count(period: Period, grain: str) -> int:
    """len(bucket_starts(period, grain)), by arithmetic."""
    if grain == "day":
        return period.days
    if grain == "week":
        return (bucket_start(period.end, "week") - bucket_start(period.start, "week")).days // 7 + 1
    if grain == "month":
        return ((period.end.year - period.start.year) * 12 + period.end.month
                - period.start.month + 1)
    raise ValueError(f"unknown grain {grain!r}; use one of {', '.join(GRAINS)}")


def fit(period: Period, grain: str) -> tuple[Period, str, str | None]:
    """The period and grain a chart may draw (at most MAX_BUCKETS buckets), and a sentence
    for the screen when they differ from what was asked."""
    chosen = next((g for g in GRAINS[GRAINS.index(grain):]
                   if bucket_count(period, g) <= MAX_BUCKETS), GRAINS[-1])
    note = None
    if chosen != grain:
        note = (f"Grouped by {chosen}: by {grain}, this period would draw more than "
                f"{MAX_BUCKETS:,} points.")
    if bucket_count(period, chosen) > MAX_BUCKETS:
        months = period.end.year * 12 + period.end.month - 1 - (MAX_BUCKETS - 1)
        start = dt.date(months // 12, months % 12 + 1, 1)
        note = (f"Showing {start:%B %Y} to {period.end:%B %Y} by month: the period asked for "
                f"({period.start:%Y-%m-%d} on) is longer than {MAX_BUCKETS:,} months.")
        period = Period(start, period.end)
    return period, chosen, note


def data_range(session: Session) -> tuple[dt.date, dt.date] | None:
    """The first and last local date with a request, or None without requests."""
    # Two statements: each is one step down the trend index (a combined min/max scans it).
    first = session.execute(select(func.min(Request.received_local_date))).scalar()
    if first is None:
        return None
    return first, session.execute(select(func.max(Request.received_local_date))).scalar()


def bucket_length(bucket: dt.date, grain: str) -> int:
    """Days in a whole bucket (7 for a week, 28 to 31 for a month)."""
    if grain == "day":
        return 1
    if grain == "week":
        return 7
    return ((bucket.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - bucket).days


def bucket_complete(bucket: dt.date, grain: str, period: Period, today: dt.date) -> bool:
    """Whether a bucket holds all its days, and all of them are over: the first and last
    buckets of a period may be cut by it, and the bucket holding today is still filling."""
    last_day = bucket + dt.timedelta(days=bucket_length(bucket, grain) - 1)
    return (days_in_bucket(bucket, grain, period) == bucket_length(bucket, grain)
            and last_day < today)


def days_in_bucket(bucket: dt.date, grain: str, period: Period) -> int:
    """Days of the bucket inside the period: partial buckets at the edges are marked."""
    if grain == "day":
        return 1
    nxt = (bucket + dt.timedelta(days=7) if grain == "week"
           else (bucket.replace(day=28) + dt.timedelta(days=4)).replace(day=1))
    first, last = max(bucket, period.start), min(nxt - dt.timedelta(days=1), period.end)
    return (last - first).days + 1
