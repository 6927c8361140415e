"""Aggregates for the manager pages, grouped in SQL by local date and category.

Every query returns grouped rows (one per day and category at most), never requests, so a
manager page can hold them in pandas and in a short shared cache without holding patient data.
Week and month buckets are rolled up in Python from the daily rows: date arithmetic in SQL
differs between SQLite and PostgreSQL, the daily rows are few (one per day and category), and
the trend indexes (`ix_requests_trend`, `ix_request_treatments_trend`) serve the daily grouping.

An **inquiry** is a request that is not a staff-merged duplicate (`duplicate_of_id` set) and
was not closed as spam. Duplicates attached as submissions never became requests at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, case, func, literal, or_, select, text
from sqlalchemy.orm import Session

from zoelife.db.models import (
    NOT_INQUIRY_SQL,
    ContentItem,
    ContentTopic,
    Request,
    RequestTreatment,
)
from zoelife.vocabulary import TREATMENTS

GRAINS = ("day", "week", "month")
SPLITS = ("treatment", "channel")
FUNNEL_GROUPS = ("treatment", "channel", "source")

# Bins of the time to first contact, in minutes: fine where the response target lives (the
# first business hour), coarse beyond a day. Percentiles are interpolated within a bin.
RESPONSE_BIN_EDGES = (0, 5, 10, 15, 20, 30, 45, 60, 75, 90, 120, 150, 180, 240, 300, 360, 480,
                      600, 720, 960, 1200, 1440, 2160, 2880, 4320, 5760, 7200, 10080, 14400,
                      20160)
# Backlog ages (upper bounds) for open requests.
BACKLOG_AGES: tuple[tuple[str, dt.timedelta | None], ...] = (
    ("under 1 hour", dt.timedelta(hours=1)),
    ("1–4 hours", dt.timedelta(hours=4)),
    ("4–24 hours", dt.timedelta(hours=24)),
    ("1–3 days", dt.timedelta(days=3)),
    ("3–7 days", dt.timedelta(days=7)),
    ("1–2 weeks", dt.timedelta(days=14)),
    ("2–4 weeks", dt.timedelta(days=28)),
    ("over 4 weeks", None),
)


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


# --------------------------------------------------------------------------- trends


def daily_counts(session: Session, period: Period, split: str, *,
                 treatments: Sequence[str] = (), channels: Sequence[str] = ()) -> pd.DataFrame:
    """Inquiries per local date and treatment (or channel): columns date, category, count.

    Split by treatment, a request asking about two treatments counts once under each.
    Without a filter on the other dimension, every request is counted through the covering
    trend index and the few non-inquiries (found through their partial index) are subtracted:
    no row of the table is read. A filter on the other dimension needs the join.
    """
    rt = RequestTreatment
    in_period_rt = rt.received_local_date.between(period.start, period.end)
    in_period = Request.received_local_date.between(period.start, period.end)
    if split == "treatment":
        date_col, cat_col = rt.received_local_date, rt.treatment
        if channels:
            everything = (select(date_col, cat_col, func.count())
                          .join(Request, Request.id == rt.request_id)
                          .where(in_period_rt, Request.channel.in_(tuple(channels)),
                                 is_inquiry()))
            excluded = None
        else:
            everything = select(date_col, cat_col, func.count()).where(in_period_rt)
            excluded = (select(date_col, cat_col, func.count())
                        .join(Request, Request.id == rt.request_id)
                        .where(not_inquiry(), in_period))
        # Naming every treatment turns a scan of the index (treatment first) into one range
        # per treatment over the period.
        everything = everything.where(cat_col.in_(tuple(treatments or TREATMENTS)))
        # No treatment filter on `excluded` (the few non-inquiries): with one, SQLite starts
        # from the treatment index and looks up every request of those treatments (2.3 s at
        # 1M requests) instead of starting from the partial index (0.05 s). Other
        # treatments' rows are skipped below.
    elif split == "channel":
        date_col, cat_col = Request.received_local_date, Request.channel
        if treatments:
            chosen = select(rt.request_id).where(rt.treatment.in_(tuple(treatments)),
                                                 in_period_rt)
            everything = (select(date_col, cat_col, func.count())
                          .where(in_period, is_inquiry(), Request.id.in_(chosen)))
            excluded = None
        else:
            everything = select(date_col, cat_col, func.count()).where(in_period)
            # Grouped by an expression, not the bare column: otherwise SQLite (without
            # statistics) walks the trend index for its order instead of the partial index.
            wrapped = func.coalesce(cat_col, "")
            excluded = (select(date_col, wrapped, func.count()).where(not_inquiry(), in_period)
                        .group_by(date_col, wrapped))
        if channels:
            everything = everything.where(cat_col.in_(tuple(channels)))
            if excluded is not None:
                excluded = excluded.where(cat_col.in_(tuple(channels)))
    else:
        raise ValueError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    counts: dict[tuple, int] = {}
    for d, c, n in session.execute(everything.group_by(date_col, cat_col)):
        counts[(d, c)] = int(n)
    if excluded is not None:
        if split == "treatment":
            excluded = excluded.group_by(date_col, cat_col)
        wanted = set(treatments) if split == "treatment" and treatments else None
        for d, c, n in session.execute(excluded):
            if wanted is not None and c not in wanted:
                continue
            counts[(d, c)] = counts.get((d, c), 0) - int(n)
    rows = sorted((d, c, n) for (d, c), n in counts.items() if n)
    return pd.DataFrame(rows, columns=["date", "category", "count"])


def total_inquiries(session: Session, period: Period, *, treatments: Sequence[str] = (),
                    channels: Sequence[str] = ()) -> int:
    """Distinct inquiries in the period with the filters (each request once)."""
    in_period = Request.received_local_date.between(period.start, period.end)
    if not treatments:
        everything = select(func.count()).select_from(Request).where(in_period)
        excluded = select(func.count()).select_from(Request).where(not_inquiry(), in_period)
        if channels:
            everything = everything.where(Request.channel.in_(tuple(channels)))
            excluded = excluded.where(Request.channel.in_(tuple(channels)))
        return int(session.execute(everything).scalar_one()
                   - session.execute(excluded).scalar_one())
    query = (select(func.count()).select_from(Request).where(in_period, is_inquiry())
             .where(Request.id.in_(select(RequestTreatment.request_id).where(
                 RequestTreatment.treatment.in_(tuple(treatments)),
                 RequestTreatment.received_local_date.between(period.start, period.end)))))
    if channels:
        query = query.where(Request.channel.in_(tuple(channels)))
    return int(session.execute(query).scalar_one())


def roll_up(daily: pd.DataFrame, period: Period, grain: str,
            categories: Sequence[str]) -> pd.DataFrame:
    """Daily rows into buckets (bucket, category, count), with zeros for empty buckets."""
    starts = bucket_starts(period, grain)
    full = pd.MultiIndex.from_product([starts, list(categories)], names=["bucket", "category"])
    if daily.empty:
        counts = pd.Series(0, index=full, name="count")
    else:
        frame = daily.assign(bucket=[bucket_start(d, grain) for d in daily["date"]])
        counts = (frame.groupby(["bucket", "category"])["count"].sum()
                  .reindex(full, fill_value=0))
    out = counts.reset_index()
    out["count"] = out["count"].astype(int)
    out["days"] = [_days_in_bucket(b, grain, period) for b in out["bucket"]]
    return out


# The trends chart draws this many series unless the user picks others: six crossing lines
# cannot be read.
DEFAULT_SERIES = 3


def top_categories(daily: pd.DataFrame, codes: Sequence[str],
                   n: int = DEFAULT_SERIES) -> tuple[list[str], list[str]]:
    """(the `n` categories with the most inquiries, the others present), each in the order of
    `codes` (the vocabulary's), from daily rows (date, category, count)."""
    totals = (daily.groupby("category")["count"].sum() if not daily.empty
              else pd.Series(dtype="int64"))
    present = [c for c in codes if totals.get(c, 0) > 0]
    ranked = sorted(present, key=lambda c: (-int(totals[c]), codes.index(c)))
    top = set(ranked[:n])
    return [c for c in present if c in top], [c for c in present if c not in top]


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
    return (_days_in_bucket(bucket, grain, period) == bucket_length(bucket, grain)
            and last_day < today)


def _days_in_bucket(bucket: dt.date, grain: str, period: Period) -> int:
    """Days of the bucket inside the period: partial buckets at the edges are marked."""
    if grain == "day":
        return 1
    nxt = (bucket + dt.timedelta(days=7) if grain == "week"
           else (bucket.replace(day=28) + dt.timedelta(days=4)).replace(day=1))
    first, last = max(bucket, period.start), min(nxt - dt.timedelta(days=1), period.end)
    return (last - first).days + 1


def content_markers(session: Session, period: Period, *, topics: Sequence[str] = (),
                    content_channels: Sequence[str] = ()) -> pd.DataFrame:
    """Published content items in the period: id, title, channel, date, topic.

    One row per item; an item about several treatments has them joined as its topic.
    """
    query = (select(ContentItem.id, ContentItem.title, ContentItem.channel,
                    ContentItem.published_local_date, ContentTopic.topic)
             .join(ContentTopic, ContentTopic.content_id == ContentItem.id, isouter=True)
             .where(ContentItem.published_local_date.between(period.start, period.end))
             .order_by(ContentItem.published_local_date, ContentItem.id, ContentTopic.topic))
    if content_channels:
        query = query.where(ContentItem.channel.in_(tuple(content_channels)))
    items: dict[int, dict] = {}
    for cid, title, channel, day, topic in session.execute(query):
        item = items.setdefault(cid, {"content_id": cid, "title": title, "channel": channel,
                                      "date": day, "topics": []})
        if topic:
            item["topics"].append(topic)
    rows = []
    for item in items.values():
        if topics and not set(item["topics"]) & set(topics):
            continue
        shown = [t for t in item["topics"] if not topics or t in topics] or ["other"]
        rows.append({"content_id": item["content_id"], "title": item["title"],
                     "channel": item["channel"], "date": item["date"],
                     "topic": ", ".join(shown)})
    return pd.DataFrame(rows, columns=["content_id", "title", "channel", "date", "topic"])


# --------------------------------------------------------------------------- funnel


FUNNEL_STAGES = ("received", "reached", "scheduled", "became_patient")


def funnel(session: Session, period: Period, by: str) -> pd.DataFrame:
    """Per group: received, reached, scheduled, became patient, still open, and each close
    reason of the rest. Columns: group, received, reached, scheduled, became_patient, open,
    plus one column per close reason present."""
    if by == "treatment":
        group = RequestTreatment.treatment
        base = (select().select_from(RequestTreatment)
                .join(Request, Request.id == RequestTreatment.request_id)
                .where(RequestTreatment.received_local_date.between(period.start, period.end)))
    elif by in ("channel", "source"):
        group = getattr(Request, by)
        base = select().select_from(Request).where(
            Request.received_local_date.between(period.start, period.end))
    else:
        raise ValueError(f"unknown funnel grouping {by!r}; use one of "
                         f"{', '.join(FUNNEL_GROUPS)}")
    base = base.where(is_inquiry())
    became = func.sum(case((Request.close_reason == "became_patient", 1), else_=0))
    still_open = func.sum(case((Request.is_open.is_(True), 1), else_=0))
    stages = session.execute(base.add_columns(
        group, func.count(), func.count(Request.reached_at), func.count(Request.scheduled_at),
        became, still_open).group_by(group)).all()
    reasons = session.execute(base.add_columns(group, Request.close_reason, func.count())
                              .where(Request.close_reason.is_not(None))
                              .group_by(group, Request.close_reason)).all()
    frame = pd.DataFrame(
        [(g, int(n), int(r), int(s), int(b or 0), int(o or 0)) for g, n, r, s, b, o in stages],
        columns=["group", "received", "reached", "scheduled", "became_patient", "open"])
    for g, reason, n in reasons:
        if reason == "became_patient":
            continue
        frame.loc[frame["group"] == g, reason] = int(n)
    frame = frame.fillna(0)
    for col in frame.columns[1:]:
        frame[col] = frame[col].astype(int)
    return frame.sort_values("received", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- speed to lead


def seconds_between(session: Session, start, end):
    """Seconds from `start` to `end` as a SQL expression (the one non-portable piece)."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * literal(86400.0)
    return func.extract("epoch", end - start)


def _bin_expr(session: Session):
    """The response-time bin of a request, or -1 when no attempt was made yet."""
    secs = seconds_between(session, Request.received_at, Request.first_contact_at)
    whens = [(secs < edge * 60, i) for i, edge in enumerate(RESPONSE_BIN_EDGES[1:])]
    return case((Request.first_contact_at.is_(None), -1), *whens,
                else_=len(RESPONSE_BIN_EDGES) - 1)


def response_daily(session: Session, period: Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two aggregates of time to first contact, per local date (one grouped scan):

    - targets: date, received, contacted, within_target (first attempt at or before the
      request's due time), overdue_uncontacted (due time passed, no attempt yet);
    - histogram: date, bin, count of contacted requests per response-time bin.
    """
    now = dt.datetime.now(dt.UTC)
    within = func.sum(case((Request.first_contact_at <= Request.due_at, 1), else_=0))
    overdue = func.sum(case((and_(Request.first_contact_at.is_(None), Request.due_at < now),
                             1), else_=0))
    bin_ = _bin_expr(session)
    rows = session.execute(
        select(Request.received_local_date, bin_, func.count(), within, overdue)
        .where(Request.received_local_date.between(period.start, period.end), is_inquiry())
        .group_by(Request.received_local_date, bin_)).all()
    targets: dict[dt.date, list[int]] = {}
    hist = []
    for d, b, n, w, o in rows:
        t = targets.setdefault(d, [0, 0, 0, 0])
        t[0] += int(n)
        t[2] += int(w or 0)
        t[3] += int(o or 0)
        if int(b) >= 0:
            t[1] += int(n)
            hist.append((d, int(b), int(n)))
    return (
        pd.DataFrame([(d, *v) for d, v in sorted(targets.items())],
                     columns=["date", "received", "contacted", "within_target",
                              "overdue_uncontacted"]),
        pd.DataFrame(hist, columns=["date", "bin", "count"]),
    )


def percentile_from_bins(counts: dict[int, int], q: float,
                         edges: Sequence[float] = RESPONSE_BIN_EDGES) -> float | None:
    """The q-quantile in minutes from response-time bin counts (linear within a bin).

    The last bin is open-ended: a quantile landing there is reported as its lower edge."""
    total = sum(counts.values())
    if total == 0:
        return None
    target = q * total
    seen = 0
    for i in range(len(edges)):
        n = counts.get(i, 0)
        if n and seen + n >= target:
            lo = edges[i]
            if i + 1 >= len(edges):
                return float(lo)
            hi = edges[i + 1]
            return lo + (hi - lo) * max(target - seen, 0) / n
        seen += n
    return float(edges[-1])


def speed_over_time(session: Session, period: Period, grain: str) -> pd.DataFrame:
    """Per bucket: received, contacted, median and 90th percentile minutes to first contact,
    share contacted within target (of those contacted or already overdue)."""
    targets, hist = response_daily(session, period)
    starts = bucket_starts(period, grain)
    rows = []
    t = targets.assign(bucket=[bucket_start(d, grain) for d in targets["date"]])
    h = hist.assign(bucket=[bucket_start(d, grain) for d in hist["date"]])
    t_sum = t.groupby("bucket")[["received", "contacted", "within_target",
                                 "overdue_uncontacted"]].sum() if not t.empty else None
    for b in starts:
        counts = {}
        if not h.empty:
            sel = h[h["bucket"] == b].groupby("bin")["count"].sum()
            counts = {int(k): int(v) for k, v in sel.items()}
        if t_sum is not None and b in t_sum.index:
            rec, con, win, ovd = (int(x) for x in t_sum.loc[b])
        else:
            rec = con = win = ovd = 0
        judged = con + ovd
        rows.append({"bucket": b, "received": rec, "contacted": con, "within_target": win,
                     "overdue_uncontacted": ovd,
                     "share_within_target": (win / judged) if judged else None,
                     "median_minutes": percentile_from_bins(counts, 0.5),
                     "p90_minutes": percentile_from_bins(counts, 0.9)})
    return pd.DataFrame(rows, columns=["bucket", "received", "contacted", "within_target",
                                       "overdue_uncontacted", "share_within_target",
                                       "median_minutes", "p90_minutes"])


def weekday_hour(session: Session, period: Period) -> pd.DataFrame:
    """Arrivals per local weekday (Monday 0) and hour, with median minutes to first contact
    and the share contacted within target (of those contacted)."""
    bin_ = _bin_expr(session)
    within = func.sum(case((Request.first_contact_at <= Request.due_at, 1), else_=0))
    rows = session.execute(
        select(Request.received_local_weekday, Request.received_local_hour, bin_, func.count(),
               within)
        .where(Request.received_local_date.between(period.start, period.end), is_inquiry())
        .group_by(Request.received_local_weekday, Request.received_local_hour, bin_)).all()
    bins: dict[tuple[int, int], dict[int, int]] = {}
    found: dict[tuple[int, int], list[int]] = {}
    for wd, hr, b, n, w in rows:
        key = (int(wd), int(hr))
        cell = found.setdefault(key, [0, 0, 0])
        cell[0] += int(n)
        cell[2] += int(w or 0)
        if int(b) >= 0:
            cell[1] += int(n)
            bins.setdefault(key, {})[int(b)] = int(n)
    out = []
    for wd in range(7):
        for hr in range(24):
            n, c, w = found.get((wd, hr), (0, 0, 0))
            out.append({"weekday": wd, "hour": hr, "arrivals": n, "contacted": c,
                        "share_within_target": (w / c) if c else None,
                        "median_minutes": percentile_from_bins(bins.get((wd, hr), {}), 0.5)})
    return pd.DataFrame(out)


def backlog(session: Session, now: dt.datetime | None = None) -> pd.DataFrame:
    """Open inquiries by age since receipt and status: age, status, count."""
    now = now or dt.datetime.now(dt.UTC)
    whens = []
    for i, (_, limit) in enumerate(BACKLOG_AGES):
        if limit is not None:
            whens.append((Request.received_at > now - limit, i))
    age = case(*whens, else_=len(BACKLOG_AGES) - 1)
    rows = session.execute(
        select(age, Request.status, func.count())
        .where(Request.is_open.is_(True), is_inquiry())
        .group_by(age, Request.status)).all()
    return pd.DataFrame([(BACKLOG_AGES[int(a)][0], s, int(n)) for a, s, n in rows],
                        columns=["age", "status", "count"])
