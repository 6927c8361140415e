"""Content items: what the clinic published (blog posts, videos, ads...), from RSS/Atom feeds,
CSV (`title,url,published_at,channel,topics`) or entered by hand. Upserted by URL.

Topics (DESIGN.md): what an item is about, judged mostly by its title and the bulk of its text.
`infer_topics` counts, per treatment, the sentences of the body that mention it (with the triage
vocabulary and its synonyms); a topic named in the title counts; a body topic counts only with a
substantial share of all mentions. Sentences repeated across most items of one feed (a site
header or footer naming every service) are dropped first. Topics staff corrected by hand
(origin "staff") are never overwritten by a later import.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections import Counter
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
from zoelife.ingest.readers import ReadError, clean_text, decode
from zoelife.intake.attribution import url_path_key
from zoelife.intake.normalize import parse_datetime
from zoelife.triage import assess
from zoelife.vocabulary import CONTENT_CHANNELS, TREATMENTS

MAX_FEED_BYTES = 20 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 20
# A body topic needs at least this many mentioning sentences and this share of all mentions.
MIN_MENTIONS = 2
MIN_SHARE = 0.2
# A sentence in at least this share of a feed's items (and at least 3 items) is boilerplate.
BOILERPLATE_SHARE = 0.5


@dataclass
class ContentRow:
    row: int
    url: str
    title: str
    published_at: dt.datetime | None
    published_raw: str
    channel: str
    body: str = ""
    topics: frozenset[str] | None = None  # given explicitly (CSV); None: infer


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


# --------------------------------------------------------------------------- topics

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(text or "") if s and s.strip()]


def _sentence_key(sentence: str) -> str:
    return re.sub(r"\W+", " ", sentence.casefold()).strip()


def boilerplate(bodies: list[str]) -> frozenset[str]:
    """Sentences that repeat across most items of one feed: a site header or footer."""
    if len(bodies) < 3:
        return frozenset()
    seen: Counter[str] = Counter()
    for body in bodies:
        seen.update({_sentence_key(s) for s in sentences(body)})
    limit = max(3, BOILERPLATE_SHARE * len(bodies))
    return frozenset(k for k, n in seen.items() if n >= limit and k)


def _mentions(text: str) -> frozenset[str]:
    # An article naming a treatment as had before ("patients who did TMS last year") still
    # mentions it: for topics, history and interest are the same mention.
    a = assess(text)
    return frozenset(t for t in a.treatments | a.treatment_history
                     if t in TREATMENTS and t != "other")


def infer_topics(title: str, body: str = "", skip: frozenset[str] = frozenset()) -> frozenset[str]:
    """The treatments an item is about (see the module docstring)."""
    topics = set(_mentions(title or ""))
    counts: Counter[str] = Counter()
    for sentence in sentences(body):
        if _sentence_key(sentence) in skip:
            continue
        counts.update(_mentions(sentence))
    total = sum(counts.values())
    for topic, n in counts.items():
        if n >= MIN_MENTIONS and n / total >= MIN_SHARE:
            topics.add(topic)
    return frozenset(topics)


def campaign_key(url: str) -> str | None:
    """The slug UTM campaigns are matched on: the URL's last path segment."""
    path = url_path_key(url) or ""
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    slug = re.sub(r"\.(html?|php|aspx?)$", "", slug).strip().lower()
    return slug[:200] or None


# --------------------------------------------------------------------------- reading

class _TextExtractor:
    _BLOCK = re.compile(r"<\s*(?:br|/p|/div|/h[1-6]|/li|/tr|p|div|h[1-6]|li)\b[^>]*>", re.I)
    _TAG = re.compile(r"<[^>]+>")
    _SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)

    @classmethod
    def text(cls, markup: str) -> str:
        markup = cls._SCRIPT.sub(" ", markup or "")
        markup = cls._BLOCK.sub("\n", markup)
        markup = cls._TAG.sub(" ", markup)
        text = html.unescape(markup)
        text = re.sub(r"[ \t\r\f\v]+", " ", text)
        return re.sub(r"\n\s*\n+", "\n", text).strip()


def html_to_text(markup: str) -> str:
    return _TextExtractor.text(markup)


def fetch(url: str, *, allow: Iterable[safefetch.IPNetwork] = ()) -> bytes:
    """A feed from a public web address (see `safefetch`: no internal addresses, checked
    redirects, a deadline and a size limit). `allow` is for tests serving a feed on loopback."""
    try:
        return safefetch.fetch(url, max_bytes=MAX_FEED_BYTES, timeout=FETCH_TIMEOUT_SECONDS,
                               allow=allow)
    except safefetch.FetchError as exc:
        raise ReadError(f"{url}: could not read that feed ({exc})") from None


def is_web_address(text: str) -> bool:
    return bool(re.match(r"^https?://", text.strip(), re.I))


def _channel(value: str, default: str = "blog") -> str:
    code = (value or "").strip().lower().replace(" ", "_")
    if not code:
        return default
    return code if code in CONTENT_CHANNELS else "other"


def _topics_cell(value: str) -> frozenset[str] | None:
    parts = [p.strip().lower().replace(" ", "_") for p in re.split(r"[;,|]", value or "")]
    parts = [p for p in parts if p]
    if not parts:
        return None
    from zoelife.triage import treatments_from_labels

    found = {p for p in parts if p in TREATMENTS}
    found |= treatments_from_labels([p for p in parts if p not in TREATMENTS])
    return frozenset(found)


def read_content_csv(text: str, name: str, zone) -> list[ContentRow]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise ReadError(f"{name}: row 1: no column headers")
    cols = {h.strip().lower(): h for h in reader.fieldnames if h}
    missing = [c for c in ("title", "url", "published_at") if c not in cols]
    if missing:
        raise ReadError(f"{name}: row 1: missing column {missing[0]!r} "
                        "(expected title,url,published_at,channel,topics)")
    rows = []
    try:
        for i, rec in enumerate(reader, start=2):
            def cell(c: str, rec=rec) -> str:
                return clean_text(str(rec.get(cols.get(c, ""), "") or "")).strip()
            if not any(cell(c) for c in cols):
                continue
            raw = cell("published_at")
            rows.append(ContentRow(
                row=i, url=cell("url"), title=cell("title"),
                published_at=parse_datetime(raw, zone), published_raw=raw,
                channel=_channel(cell("channel")), body=cell("summary") or cell("body"),
                topics=_topics_cell(cell("topics")),
            ))
    except csv.Error as exc:
        raise ReadError(f"{name}: row {reader.line_num}: {exc}") from None
    return rows


def read_feed(data: bytes, name: str) -> list[ContentRow]:
    """The items of an RSS/Atom feed. A feed declaring a DTD or entities is refused, and the
    XML is parsed in a limited child process (`zoelife.ingest.feedparse`): a parser crash is a
    ReadError, never the server's end."""
    from zoelife.ingest import feedparse

    try:
        parsed = feedparse.parse(data)
    except (feedparse.FeedRefused, feedparse.FeedUnreadable) as exc:
        raise ReadError(f"{name}: {exc}") from None
    entries = parsed.get("entries") or []
    if not entries and (parsed.get("bozo") or not parsed.get("has_feed")):
        reason = parsed.get("bozo_message") or "no items"
        raise ReadError(f"{name}: not an RSS or Atom feed ({reason[:200]})")
    rows = []
    for i, entry in enumerate(entries, start=1):
        body_html = "\n".join(entry["content"]) if entry.get("content") else ""
        body_html = body_html or entry.get("summary", "") or entry.get("description", "")
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = dt.datetime(*when[:6], tzinfo=dt.UTC) if when else None
        rows.append(ContentRow(
            row=i, url=clean_text(entry.get("link", "") or "").strip(),
            title=clean_text(html_to_text(entry.get("title", "") or "")),
            published_at=published,
            published_raw=entry.get("published", "") or entry.get("updated", ""),
            channel="blog", body=clean_text(html_to_text(body_html)),
        ))
    return rows


def read_content(data: str | Path | bytes, *, name: str | None = None, zone=None,
                 fmt: str | None = None,
                 allow: Iterable[safefetch.IPNetwork] = ()) -> tuple[list[ContentRow], str]:
    """Rows from a feed or a CSV: `bytes` (an upload), a web address (`str`, fetched) or a file
    on this computer (`Path`, the command line only: a `str` is never opened as a file, so an
    address typed on a page cannot read the server's files). ReadError when it cannot be read."""
    from zoneinfo import ZoneInfo

    zone = zone or ZoneInfo("UTC")
    if isinstance(data, bytes | bytearray):
        raw, name = bytes(data), name or "upload"
    elif isinstance(data, str):
        if not is_web_address(data):
            raise ReadError("a feed address must start with http:// or https:// "
                            "(upload a file instead)")
        raw, name = fetch(data.strip(), allow=allow), name or data.strip()
    else:
        path = Path(data)
        name = name or path.name
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ReadError(f"{name}: cannot open ({exc.strerror or type(exc).__name__})") from None
    text = decode(raw, name)
    head = text.lstrip()[:200].lower()
    kind = fmt or ("feed" if head.startswith("<") else "csv")
    if kind == "csv":
        return read_content_csv(text, name, zone), "csv"
    return read_feed(raw, name), "feed"


# --------------------------------------------------------------------------- writing


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
