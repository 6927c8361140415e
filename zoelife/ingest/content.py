"""Content items: what the clinic published (blog posts, videos, ads...), from RSS/Atom feeds,
CSV (`title,url,published_at,channel,topics`) or entered by hand. Upserted by URL.

Reading a feed or a CSV is `content_feeds`, inferring an item's topics `content_topics`; this
module writes the items and credits requests to them. Topics staff corrected by hand (origin
"staff") are never overwritten by a later import.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, or_, select, update
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife import settings as settings_mod
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import ContentItem, ContentTopic, ImportBatch, Request
from zoelife.ingest import safefetch
from zoelife.ingest.content_feeds import read_content
from zoelife.ingest.content_topics import boilerplate, campaign_key, infer_topics
from zoelife.intake.attribution import url_path_key
from zoelife.vocabulary import CONTENT_CHANNELS, TREATMENTS


@dataclass
class ContentResult:
    items: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    rejects: list[dict[str, Any]] = field(default_factory=list)
    attributed_requests: int = 0
    batch_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"items": self.items, "created": self.created, "updated": self.updated,
                "rejected": self.rejected, "rejects": self.rejects,
                "attributed_requests": self.attributed_requests}


def _set_topics(item: ContentItem, topics: Iterable[str], origin: str) -> None:
    wanted = set(topics)
    for t in list(item.topics):
        if t.topic not in wanted:
            item.topics.remove(t)
    have = {t.topic for t in item.topics}
    for t in item.topics:
        t.origin = origin
    for topic in sorted(wanted - have):
        item.topics.append(ContentTopic(topic=topic, origin=origin))


def upsert_item(session: Session, *, url: str, title: str, published_at: dt.datetime,
                channel: str, topics: Iterable[str] | None, topics_origin: str = "inferred",
                summary: str | None = None, batch_id: int | None = None,
                now: dt.datetime | None = None) -> tuple[ContentItem, bool]:
    """Create or update the item at `url`; returns (item, created). Staff topics stand."""
    now = now or dt.datetime.now(dt.UTC)
    zone = settings_mod.clinic_zone(session)
    item = session.execute(select(ContentItem).where(ContentItem.url == url)).scalar_one_or_none()
    created = item is None
    if item is None:
        item = ContentItem(url=url, created_at=now)
        session.add(item)
    item.url_path = url_path_key(url) or "/"
    item.campaign_key = item.campaign_key if not created and item.campaign_key else campaign_key(url)
    item.title = title[:500]
    item.summary = summary[:2000] if summary else item.summary
    item.published_at = published_at
    item.published_local_date = published_at.astimezone(zone).date()
    item.channel = channel
    item.import_batch_id = batch_id if batch_id is not None else item.import_batch_id
    item.updated_at = now
    staff_set = any(t.origin == "staff" for t in item.topics)
    if topics is not None and (topics_origin == "staff" or not staff_set):
        _set_topics(item, topics, topics_origin)
    session.flush()
    return item, created


def reattribute(session: Session, items: Iterable[ContentItem]) -> int:
    """Credit requests whose landing page or UTM campaign points at these items (set-based:
    a few candidate queries, then one UPDATE per item)."""
    by_path: dict[str, int] = {}
    by_campaign: dict[str, int] = {}
    for cid, path, campaign in session.execute(
            select(ContentItem.id, ContentItem.url_path, ContentItem.campaign_key)
            .order_by(ContentItem.id)):
        if path:
            by_path.setdefault(path, cid)
        if campaign:
            by_campaign.setdefault(campaign, cid)

    def credit(landing_page: str | None, utm_campaign: str | None) -> int | None:
        # `service.attributed_content_id` without a query per request.
        path = url_path_key(landing_page)
        if path and path != "/" and path in by_path:
            return by_path[path]
        if utm_campaign:
            return by_campaign.get(utm_campaign.strip().lower())
        return None

    touched = 0
    for item in items:
        conds = []
        if item.url_path and item.url_path != "/":
            conds.append(func.lower(Request.landing_page).like(f"%{_escape_like(item.url_path)}%",
                                                               escape="\\"))
        if item.campaign_key:
            conds.append(func.lower(Request.utm_campaign) == item.campaign_key)
        if not conds:
            continue
        candidates = session.execute(
            select(Request.id, Request.landing_page, Request.utm_campaign,
                   Request.attributed_content_id).where(or_(*conds))
        ).all()
        ids = [c.id for c in candidates
               if credit(c.landing_page, c.utm_campaign) == item.id
               and c.attributed_content_id != item.id]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            session.execute(update(Request).where(Request.id.in_(chunk))
                            .values(attributed_content_id=item.id))
        touched += len(ids)
    return touched


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def import_content(engine: Engine, data: str | Path | bytes, *, name: str | None = None,
                   actor: audit.Actor | None = None, fmt: str | None = None,
                   allow: Iterable[safefetch.IPNetwork] = ()) -> ContentResult:
    """Import a feed or CSV of content items in one transaction (`data` as `read_content`)."""
    actor = actor or audit.SYSTEM
    with read_session(engine) as session:
        zone = settings_mod.clinic_zone(session)
    # Fetched before the write transaction: a slow feed server never holds the writer's turn.
    rows, kind = read_content(data, name=name, zone=zone, fmt=fmt, allow=allow)
    with write_session(engine) as session:
        display = name or (str(data) if not isinstance(data, bytes | bytearray) else "upload")
        now = dt.datetime.now(dt.UTC)
        batch = ImportBatch(kind="content", source="content", filename=display[-300:],
                            file_format=kind, started_at=now, created_by=actor.user_id)
        session.add(batch)
        session.flush()
        skip = boilerplate([r.body for r in rows if r.body])
        result = ContentResult(batch_id=batch.id)
        touched: list[ContentItem] = []
        seen_urls: set[str] = set()
        for r in rows:
            result.items += 1
            reason = None
            if not r.url or not re.match(r"^https?://", r.url, re.I):
                reason = "url is missing or not http(s)"
            elif not r.title:
                reason = "title is missing"
            elif r.published_at is None:
                reason = (f"published time {r.published_raw!r} could not be read"
                          if r.published_raw else "published time is missing")
            if reason:
                result.rejected += 1
                result.rejects.append({"row": r.row, "url": r.url, "reason": reason})
                continue
            if r.topics is not None:
                topics, origin = r.topics, "staff"
            else:
                topics, origin = infer_topics(r.title, r.body, skip), "inferred"
            item, created = upsert_item(
                session, url=r.url[:1000], title=r.title, published_at=r.published_at,
                channel=r.channel, topics=topics, topics_origin=origin,
                summary=r.body[:2000] if r.body else None, batch_id=batch.id, now=now)
            if created and r.url not in seen_urls:
                result.created += 1
            else:
                result.updated += 1
            seen_urls.add(r.url)
            touched.append(item)
        result.attributed_requests = reattribute(session, touched)
        batch.rows, batch.imported = result.items, result.created
        batch.already_imported, batch.rejected = result.updated, result.rejected
        batch.finished_at = dt.datetime.now(dt.UTC)
        audit.record(session, actor, "import.content", "import_batch", batch.id,
                     {"items": result.items, "created": result.created,
                      "updated": result.updated, "rejected": result.rejected})
    return result


def add_item(session: Session, *, url: str, title: str, published_at: dt.datetime,
             channel: str = "blog", topics: Iterable[str] | None = None, body: str = "",
             actor: audit.Actor | None = None) -> ContentItem:
    """Enter an item by hand: topics as given (staff), or inferred from title and text."""
    url, title = url.strip(), title.strip()
    if not re.match(r"^https?://\S+$", url):
        raise ValueError("The address must start with http:// or https://")
    if not title:
        raise ValueError("The title is empty")
    if channel not in CONTENT_CHANNELS:
        raise ValueError(f"Unknown channel {channel!r}")
    if topics is not None:
        chosen, origin = frozenset(t for t in topics if t in TREATMENTS), "staff"
    else:
        chosen, origin = infer_topics(title, body), "inferred"
    item, created = upsert_item(session, url=url, title=title, published_at=published_at,
                                channel=channel, topics=chosen, topics_origin=origin,
                                summary=body or None)
    reattribute(session, [item])
    audit.record(session, actor, "content.create" if created else "content.update",
                 "content_item", item.id, {"channel": channel, "topics": sorted(chosen)})
    return item


def set_topics(session: Session, content_id: int, topics: Iterable[str], *,
               actor: audit.Actor | None = None) -> ContentItem:
    """Staff correct an item's topics; they then stand against later imports."""
    item = session.get(ContentItem, content_id)
    if item is None:
        raise ValueError("No such content item")
    chosen = sorted({t for t in topics if t in TREATMENTS})
    before = sorted(item.topic_set)
    _set_topics(item, chosen, "staff")
    item.updated_at = dt.datetime.now(dt.UTC)
    session.flush()
    audit.record(session, actor, "content.topics", "content_item", item.id,
                 {"topics": {"old": before, "new": chosen}})
    return item


def count_items(session: Session) -> int:
    return session.execute(select(func.count(ContentItem.id))).scalar_one()


def list_items(session: Session, *, offset: int = 0, limit: int = 50) -> list[ContentItem]:
    return list(session.execute(
        select(ContentItem).order_by(ContentItem.published_at.desc(), ContentItem.id.desc())
        .offset(offset).limit(limit)
    ).scalars().all())
