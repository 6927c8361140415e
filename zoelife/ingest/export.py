"""CSV exports of requests and content, safe to open in a spreadsheet.

Every cell is quoted and every formula-like segment of it guarded with a `'`
(`zoelife.spreadsheet`, shared by every export); the importer removes exactly those guards again,
so exports re-import cleanly. Files are created owner-only (0600): they hold patient data. Requests are streamed in id order in batches (never a whole table in memory); an export
of requests is patient data and is audited.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from zoelife import audit, spreadsheet
from zoelife import settings as settings_mod
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import ContentItem, Request
from zoelife.private_files import private_text
from zoelife.spreadsheet import neutralize

REQUEST_COLUMNS = (
    "id", "external_id", "received_at", "first_name", "last_name", "email", "phone",
    "date_of_birth", "treatments", "message", "channel", "submitter", "heard_about",
    "referring_provider", "landing_page", "utm_source", "utm_medium", "utm_campaign",
    "insurance", "sms_consent", "preferred_contact_time", "status", "close_reason", "crisis",
    "repeat_of", "extra",
)
CONTENT_COLUMNS = ("url", "title", "published_at", "channel", "topics")
BATCH = 2000


def _writer(out: IO[str]):
    return spreadsheet.writer(out)


def _request_row(r: Request, zone) -> list[str]:
    values = {
        "id": r.id, "external_id": r.external_id,
        "received_at": r.received_at.astimezone(zone).isoformat() if r.received_at else "",
        "first_name": r.first_name, "last_name": r.last_name, "email": r.email,
        "phone": r.phone,
        "date_of_birth": r.date_of_birth.isoformat() if r.date_of_birth else "",
        "treatments": r.treatment_list or "", "message": r.message, "channel": r.channel,
        "submitter": r.submitter, "heard_about": r.heard_about,
        "referring_provider": r.referring_provider, "landing_page": r.landing_page,
        "utm_source": r.utm_source, "utm_medium": r.utm_medium,
        "utm_campaign": r.utm_campaign, "insurance": r.insurance,
        "sms_consent": r.sms_consent, "preferred_contact_time": r.preferred_contact_time,
        "status": r.status, "close_reason": r.close_reason, "crisis": r.crisis_level,
        "repeat_of": r.repeat_of_id,
        "extra": json.dumps(r.extra or {}, ensure_ascii=False, sort_keys=True, default=str),
    }
    return [neutralize(values[c]) for c in REQUEST_COLUMNS]


def _in_id_order(session: Session, model) -> Iterator:
    """Every row of `model` in id order, read BATCH rows at a time (never a whole table in
    memory: each batch leaves the session before the next is read)."""
    last_id = 0
    while True:
        batch = session.execute(
            select(model).where(model.id > last_id).order_by(model.id).limit(BATCH)
            .execution_options(populate_existing=True)
        ).scalars().all()
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id
        session.expunge_all()


def _write_csv(engine: Engine, out: IO[str],
               rows_of: Callable[[Session], Iterator[list[str]]]) -> int:
    """The header and rows of `rows_of` written as CSV to `out`; the number of rows."""
    writer = _writer(out)
    count = -1
    with read_session(engine) as session:
        for row in rows_of(session):
            writer.writerow(row)
            count += 1
    return count


def iter_request_rows(session: Session) -> Iterator[list[str]]:
    """Header then one row per request (attached duplicate submissions are not requests)."""
    zone = settings_mod.clinic_zone(session)
    yield list(REQUEST_COLUMNS)
    for r in _in_id_order(session, Request):
        yield _request_row(r, zone)


def write_requests_csv(engine: Engine, out: IO[str], *, actor: audit.Actor | None = None) -> int:
    """Write every request as CSV to `out`; returns the number of requests. Audited."""
    count = _write_csv(engine, out, iter_request_rows)
    with write_session(engine) as session:
        audit.record(session, actor, "export.requests", "request", None, {"rows": count})
    return count


def export_requests(engine: Engine, path: str | Path, *, actor: audit.Actor | None = None) -> int:
    with private_text(path) as fh:
        count = write_requests_csv(engine, fh, actor=actor)
    return count


def requests_csv_text(engine: Engine, *, actor: audit.Actor | None = None) -> str:
    buf = io.StringIO()
    write_requests_csv(engine, buf, actor=actor)
    return buf.getvalue()


def iter_content_rows(session: Session) -> Iterator[list[str]]:
    yield list(CONTENT_COLUMNS)
    zone = settings_mod.clinic_zone(session)
    for item in _in_id_order(session, ContentItem):
        yield [neutralize(item.url), neutralize(item.title),
               neutralize(item.published_at.astimezone(zone).isoformat()),
               neutralize(item.channel), neutralize(";".join(sorted(item.topic_set)))]


def write_content_csv(engine: Engine, out: IO[str]) -> int:
    return _write_csv(engine, out, iter_content_rows)


def export_content(engine: Engine, path: str | Path) -> int:
    with private_text(path) as fh:
        count = write_content_csv(engine, fh)
    return count


def content_csv_text(engine: Engine) -> str:
    buf = io.StringIO()
    write_content_csv(engine, buf)
    return buf.getvalue()
