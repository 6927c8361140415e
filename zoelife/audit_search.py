"""Reading the audit log (`zoelife.audit`): its events filtered and paged for the Audit log
page, and exported as CSV (spreadsheet formulas neutralized) for the page and the CLI.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zoelife.db.models import AuditEvent
from zoelife.spreadsheet import neutralize
from zoelife.spreadsheet import writer as csv_writer


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None  # exact action, or a prefix ending in "." ("sign_in.")
    actor: str | None = None  # actor label, case-insensitive substring
    entity: str | None = None
    entity_id: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None  # exclusive


def _filtered(query, f: AuditFilter):
    if f.action:
        if f.action.endswith("."):
            query = query.where(AuditEvent.action.startswith(f.action, autoescape=True))
        else:
            query = query.where(AuditEvent.action == f.action)
    if f.actor:
        query = query.where(func.lower(AuditEvent.actor_label).contains(f.actor.strip().lower(),
                                                                        autoescape=True))
    if f.entity:
        query = query.where(AuditEvent.entity == f.entity)
    if f.entity_id:
        query = query.where(AuditEvent.entity_id == str(f.entity_id).strip())
    if f.since:
        query = query.where(AuditEvent.occurred_at >= f.since)
    if f.until:
        query = query.where(AuditEvent.occurred_at < f.until)
    return query


def search(session: Session, f: AuditFilter | None = None, *, limit: int = 50,
           offset: int = 0) -> tuple[list[AuditEvent], int]:
    """One page of matching events, newest first, and the number of matches."""
    f = f or AuditFilter()
    total = session.execute(_filtered(select(func.count()).select_from(AuditEvent), f)).scalar_one()
    rows = session.execute(
        _filtered(select(AuditEvent), f).order_by(AuditEvent.seq.desc()).limit(limit).offset(offset)
    ).scalars().all()
    return list(rows), total


def actions(session: Session) -> list[str]:
    return list(session.execute(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
                .scalars())


EXPORT_COLUMNS = ("seq", "occurred_at_utc", "actor_user_id", "actor", "action", "entity",
                  "entity_id", "changes", "client_address", "hash")


def _cell(value: Any) -> str:
    """Text for a spreadsheet cell; formulas neutralized (`zoelife.spreadsheet`)."""
    return neutralize(value)


def export_csv(session: Session, f: AuditFilter | None = None, batch: int = 2000) -> str:
    """Matching events oldest first as CSV text, streamed from the database in batches."""
    f = f or AuditFilter()
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(EXPORT_COLUMNS)
    last_seq = 0
    while True:
        rows = session.execute(
            _filtered(select(AuditEvent), f).where(AuditEvent.seq > last_seq)
            .order_by(AuditEvent.seq).limit(batch)
        ).scalars().all()
        if not rows:
            return out.getvalue()
        for row in rows:
            writer.writerow([_cell(v) for v in (
                row.seq, row.occurred_at.astimezone(dt.UTC).isoformat(), row.actor_user_id,
                row.actor_label, row.action, row.entity, row.entity_id,
                json.dumps(row.changes, sort_keys=True, ensure_ascii=False, default=str),
                row.client_address, row.hash)])
            last_seq = row.seq
        session.expunge_all()
