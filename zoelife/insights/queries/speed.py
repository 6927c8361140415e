"""Speed to lead: time to first contact in bins (percentiles interpolated within a bin), by
day, over time and by weekday and hour of arrival; and the backlog of open inquiries by age."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from zoelife.db.models import Request
from zoelife.insights.queries.periods import Period, bucket_start, bucket_starts, is_inquiry

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
