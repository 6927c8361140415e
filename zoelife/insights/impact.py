"""What each content item did to inquiries: an association, not proof of cause.

For each item and each of its topics:
- **attributed**: inquiries credited to the item (landing page or UTM campaign pointed at it),
  with their funnel (reached, scheduled, became patient), split by treatment interest
  (`attributed_<treatment>`; a request about two treatments counts under each) and those
  about the row's topic (`attributed_topic`);
- **observed**: inquiries about the topic in the window after publication (the publication
  date and the `impact_window_days` - 1 days after it, in the clinic's time zone);
- **expected**: inquiries about the topic in the `impact_baseline_days` before publication,
  scaled to the window's length;
- **ratio** of the two daily rates with an exact 95% confidence interval (Poisson rate ratio,
  conditional binomial method: given n = observed + baseline, observed is binomial with
  p = R t1 / (R t1 + t0); Clopper-Pearson limits for p are turned into limits for R).

Windows are cut to the data: a window still running (or a baseline before the first request)
uses the days it has, and the row says so. Items on the same topic published within one window
of each other are flagged as overlapping: their windows share inquiries, so each one's ratio
also carries the other's effect.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from scipy.stats import beta, binomtest
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from zoelife.db.models import ContentItem, ContentTopic, Request, RequestTreatment
from zoelife.insights.queries import Period, daily_counts, data_range, is_inquiry
from zoelife.vocabulary import TREATMENTS

# Attributed inquiries per treatment interest (a request about two counts under each).
BY_TREATMENT = [f"attributed_{t}" for t in TREATMENTS]
COLUMNS = ["content_id", "title", "channel", "topic", "published", "attributed",
           "attributed_topic", *BY_TREATMENT, "reached", "scheduled", "became_patient",
           "observed", "expected", "baseline", "window_days", "baseline_days", "ratio",
           "ci_low", "ci_high", "p_value", "overlaps", "note"]


@dataclass(frozen=True)
class RateRatio:
    ratio: float | None
    low: float | None
    high: float | None
    p_value: float | None


def rate_ratio(x1: int, t1: float, x0: int, t0: float, level: float = 0.95) -> RateRatio:
    """Exact CI for the ratio of Poisson rates x1/t1 over x0/t0 (conditional binomial)."""
    if t1 <= 0 or t0 <= 0:
        return RateRatio(None, None, None, None)
    n = x1 + x0
    if n == 0:
        return RateRatio(None, None, None, None)
    alpha = 1 - level
    scale = t0 / t1
    ratio = (x1 / t1) / (x0 / t0) if x0 else math.inf
    p_low = beta.ppf(alpha / 2, x1, x0 + 1) if x1 > 0 else 0.0
    p_high = beta.ppf(1 - alpha / 2, x1 + 1, x0) if x0 > 0 else 1.0
    low = p_low / (1 - p_low) * scale if p_low < 1 else math.inf
    high = p_high / (1 - p_high) * scale if p_high < 1 else math.inf
    p_value = binomtest(x1, n, t1 / (t1 + t0)).pvalue
    return RateRatio(ratio, float(low), float(high), float(p_value))


def _attributed_funnel(session: Session) -> dict[int, tuple[int, int, int, int]]:
    rows = session.execute(
        select(Request.attributed_content_id, func.count(), func.count(Request.reached_at),
               func.count(Request.scheduled_at),
               func.sum(case((Request.close_reason == "became_patient", 1), else_=0)))
        .where(Request.attributed_content_id.is_not(None), is_inquiry())
        .group_by(Request.attributed_content_id)).all()
    return {int(c): (int(n), int(r), int(s), int(b or 0)) for c, n, r, s, b in rows}


def _attributed_by_treatment(session: Session) -> dict[int, dict[str, int]]:
    rows = session.execute(
        select(Request.attributed_content_id, RequestTreatment.treatment, func.count())
        .join(RequestTreatment, RequestTreatment.request_id == Request.id)
        .where(Request.attributed_content_id.is_not(None), is_inquiry())
        .group_by(Request.attributed_content_id, RequestTreatment.treatment)).all()
    out: dict[int, dict[str, int]] = {}
    for content_id, treatment, n in rows:
        out.setdefault(int(content_id), {})[treatment] = int(n)
    return out


def published_range(session: Session, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last publication date of content items published by `today`."""
    first, last = session.execute(
        select(func.min(ContentItem.published_local_date),
               func.max(ContentItem.published_local_date))
        .where(ContentItem.published_local_date <= today)).one()
    return None if first is None else (first, last)


def content_impact(session: Session, *, window_days: int, baseline_days: int,
                   today: dt.date, content_channels: Sequence[str] = (),
                   topics: Sequence[str] = (), published: Period | None = None,
                   ) -> pd.DataFrame:
    """One row per content item and topic (see the module docstring), for the items published
    in `published` (all by `today` without it); unsorted."""
    query = (select(ContentItem.id, ContentItem.title, ContentItem.channel,
                    ContentItem.published_local_date, ContentTopic.topic)
             .join(ContentTopic, ContentTopic.content_id == ContentItem.id)
             .where(ContentItem.published_local_date <= today)
             .order_by(ContentItem.published_local_date, ContentItem.id))
    if published is not None:
        query = query.where(ContentItem.published_local_date.between(published.start,
                                                                     published.end))
    if content_channels:
        query = query.where(ContentItem.channel.in_(tuple(content_channels)))
    items = session.execute(query).all()
    if topics:
        items = [it for it in items if it.topic in topics]
    span = data_range(session)
    if not items or span is None:
        return pd.DataFrame(columns=COLUMNS)
    first_data = span[0]
    lo = min(it.published_local_date for it in items) - dt.timedelta(days=baseline_days)
    hi = min(max(it.published_local_date for it in items) + dt.timedelta(days=window_days),
             today)
    lo = max(lo, first_data)
    daily = daily_counts(session, Period(lo, max(lo, hi)), "treatment",
                         treatments=tuple({it.topic for it in items}))
    per_topic: dict[str, pd.Series] = {}
    for topic, frame in daily.groupby("category"):
        per_topic[str(topic)] = frame.set_index("date")["count"]
    attributed = _attributed_funnel(session)
    by_treatment = _attributed_by_treatment(session)

    def window_sum(topic: str, start: dt.date, end: dt.date) -> int:
        series = per_topic.get(topic)
        if series is None or end < start:
            return 0
        return int(series[(series.index >= start) & (series.index <= end)].sum())

    rows = []
    for it in items:
        p = it.published_local_date
        w_end = min(p + dt.timedelta(days=window_days - 1), today)
        w_days = (w_end - p).days + 1
        b_start = max(p - dt.timedelta(days=baseline_days), first_data)
        b_days = (p - b_start).days
        observed = window_sum(it.topic, p, w_end)
        base = window_sum(it.topic, b_start, p - dt.timedelta(days=1))
        expected = base * w_days / b_days if b_days > 0 else None
        rr = rate_ratio(observed, w_days, base, b_days)
        overlaps = [o.title for o in items
                    if o.topic == it.topic and o.id != it.id
                    and abs((o.published_local_date - p).days) < window_days]
        notes = []
        if w_days < window_days:
            notes.append(f"window still running ({w_days} of {window_days} days)")
        if b_days < baseline_days:
            notes.append(f"short baseline ({b_days} of {baseline_days} days)")
        if overlaps:
            notes.append("overlaps another publication on this topic")
        n, reached, scheduled, became = attributed.get(it.id, (0, 0, 0, 0))
        split = by_treatment.get(it.id, {})
        rows.append({
            "content_id": it.id, "title": it.title, "channel": it.channel, "topic": it.topic,
            "published": p, "attributed": n, "attributed_topic": split.get(it.topic, 0),
            **{f"attributed_{t}": split.get(t, 0) for t in TREATMENTS},
            "reached": reached, "scheduled": scheduled,
            "became_patient": became, "observed": observed,
            "expected": round(expected, 1) if expected is not None else None,
            "baseline": base, "window_days": w_days, "baseline_days": b_days,
            "ratio": rr.ratio, "ci_low": rr.low, "ci_high": rr.high, "p_value": rr.p_value,
            "overlaps": "; ".join(overlaps), "note": "; ".join(notes),
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """Strongest evidence of a rise first: by the CI's lower bound, then the ratio."""
    if frame.empty:
        return frame
    return frame.sort_values(["ci_low", "ratio", "published"], ascending=[False, False, False],
                             na_position="last", kind="stable").reset_index(drop=True)
