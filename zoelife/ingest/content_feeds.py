"""Reading content items: RSS/Atom feeds (uploaded, or fetched from a public web address) and
CSV (`title,url,published_at,channel,topics`), each item a `ContentRow`.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from zoelife.ingest import safefetch
from zoelife.ingest.readers import ReadError, clean_text, decode
from zoelife.intake.normalize import parse_datetime
from zoelife.vocabulary import CONTENT_CHANNELS, TREATMENTS

MAX_FEED_BYTES = 20 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 20


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
