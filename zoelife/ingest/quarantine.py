"""Quarantined rows: imported rows that could not become requests, kept with their reason.

They are viewable and exportable (as CSV, in the columns they arrived with, plus the reason) so
staff can fix them in the file and import them again; the fixed row then takes the same key and
becomes a request (`receive` marks the quarantined row `reimported`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zoelife import audit, spreadsheet
from zoelife.db.models import QuarantinedRow
from zoelife.spreadsheet import neutralize


@dataclass(frozen=True)
class QuarantineRow:
    id: int
    source: str
    row_number: int | None
    external_id: str | None
    reason: str
    crisis_level: str
    request_id: int | None
    raw: dict[str, Any]


def count_open(session: Session) -> int:
    return session.execute(select(func.count(QuarantinedRow.id))
                           .where(QuarantinedRow.status == "open")).scalar_one()


def list_open(session: Session, *, offset: int = 0, limit: int = 50) -> list[QuarantineRow]:
    rows = session.execute(
        select(QuarantinedRow).where(QuarantinedRow.status == "open")
        .order_by(QuarantinedRow.id.desc()).offset(offset).limit(limit)
    ).scalars().all()
    return [QuarantineRow(r.id, r.source, r.row_number, r.external_id, r.reason,
                          r.crisis_level, r.request_id,
                          r.raw if isinstance(r.raw, dict) else {"_record": str(r.raw)})
            for r in rows]


def csv_text(session: Session, *, actor: audit.Actor | None = None, batch: int = 2000) -> str:
    """Every open quarantined row as CSV: its own columns, then `_source`, `_row`, `_reason`.
    Patient data: the caller's transaction records the export in the audit log."""
    columns: dict[str, None] = {}
    records: list[tuple[QuarantinedRow, dict]] = []
    last = 0
    while True:
        part = session.execute(
            select(QuarantinedRow).where(QuarantinedRow.status == "open",
                                         QuarantinedRow.id > last)
            .order_by(QuarantinedRow.id).limit(batch)
        ).scalars().all()
        if not part:
            break
        for r in part:
            raw = r.raw if isinstance(r.raw, dict) else {"_record": str(r.raw)}
            for k in raw:
                columns.setdefault(str(k), None)
            records.append((r, raw))
        last = part[-1].id
    buf = io.StringIO()
    writer = spreadsheet.writer(buf)
    header = list(columns) + ["_source", "_row", "_reason"]
    writer.writerow([neutralize(h) for h in header])
    for r, raw in records:
        cells = []
        for c in columns:
            value = raw.get(c, "")
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            cells.append(neutralize(value))
        writer.writerow(cells + [neutralize(r.source), neutralize(r.row_number),
                                 neutralize(r.reason)])
    audit.record(session, actor, "export.quarantine", "quarantined_row", None,
                 {"rows": len(records)})
    return buf.getvalue()
