"""Inquiry volume over time: daily counts by treatment or channel, rolled up to weeks or
months in Python, the series worth drawing, and the content published in the period."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zoelife.db.models import ContentItem, ContentTopic, Request, RequestTreatment
from zoelife.insights.queries.periods import (
    Period,
    bucket_start,
    bucket_starts,
    days_in_bucket,
    is_inquiry,
    not_inquiry,
)
from zoelife.vocabulary import TREATMENTS

SPLITS = ("treatment", "channel")


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
    out["days"] = [days_in_bucket(b, grain, period) for b in out["bucket"]]
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
