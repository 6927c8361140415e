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
    return _open_page(session, offset=offset, limit=limit)


def _open_page(session: Session, *where, offset: int, limit: int) -> list[QuarantineRow]:
    """One page of the open rows (and `where`), newest first."""
    rows = session.execute(
        select(QuarantinedRow).where(QuarantinedRow.status == "open", *where)
        .order_by(QuarantinedRow.id.desc()).offset(offset).limit(limit)
    ).scalars().all()
    return [QuarantineRow(r.id, r.source, r.row_number, r.external_id, r.reason,
                          r.crisis_level, r.request_id, _raw_of(r)) for r in rows]


def _raw_of(row: QuarantinedRow) -> dict[str, Any]:
    """The row as it arrived, by column (a record that was not an object: `_record`)."""
    return row.raw if isinstance(row.raw, dict) else {"_record": str(row.raw)}


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
            raw = _raw_of(r)
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


# --- Grouped by reason, each with what to do ----------------------------------------------

@dataclass(frozen=True)
class ReasonKind:
    key: str
    title: str
    pattern: str | None  # SQL LIKE on the reason; None: everything else
    what_to_do: str


# In the order a reason is classified (the first pattern it matches).
REASON_KINDS: tuple[ReasonKind, ...] = (
    ReasonKind("numeric_ids", "Fields arrived as numeric ids", "fields arrived as numeric ids%",
               "The form posts its fields as numbers (Gravity Forms' \"All Fields\"). Map them "
               "once: upload one of these bodies (Download, or the form tool's test delivery) "
               "above, choose what each numbered column means and save the mapping for the "
               "source; later deliveries are then read right. Import these rows again."),
    ReasonKind("lead_not_fetched", "Meta lead not fetched", "Meta lead notification%",
               "Meta only said a lead exists. Set ZOELIFE_META_GRAPH_TOKEN on the server and "
               "have Meta re-send (or use its test tool), or import the leads download from "
               "Meta's Ads Manager here."),
    ReasonKind("phone_doubt", "Phone may be wrong", "%phone may be wrong%",
               "The number as typed is not a valid number for its country and there is no "
               "email. Check it (a missing country code?) with the person's other details, "
               "correct it in the downloaded CSV and import it again. Urgent ones are already "
               "in the queue."),
    ReasonKind("no_contact", "No usable phone or email", "no usable phone or email%",
               "Nobody can be called back yet. Find a phone or email (the form tool's "
               "notification email, a referral letter), add it in the downloaded CSV and import "
               "it again. Urgent ones are already in the queue."),
    ReasonKind("conflict", "Same id, different content", "id %was already received%",
               "An id came again with another name, email, phone or message. Compare it with "
               "the earlier request of that id; a different person or a new ask is imported "
               "again under a new id. Urgent ones are already in the queue."),
    ReasonKind("time", "Received time unreadable", "received time%",
               "Correct the date in the downloaded CSV (the export's own format) and import it "
               "again."),
    ReasonKind("unreadable", "Row could not be read", None,
               "The line is not a record (broken JSON, a value instead of an object). Fix it in "
               "the file and import it again."),
    ReasonKind("other", "Other reasons", None,
               "Read the reason, fix the row in the downloaded CSV and import it again."),
)
BY_KEY = {k.key: k for k in REASON_KINDS}


def _kind_expr():
    from sqlalchemy import case, or_

    reason = QuarantinedRow.reason
    whens = [(reason.like(k.pattern), k.key) for k in REASON_KINDS if k.pattern]
    whens.append((or_(reason.like("line % is not valid JSON%"),
                      reason.like("record % is not an object%")), "unreadable"))
    return case(*whens, else_="other")


def counts_by_reason(session: Session) -> list[tuple[ReasonKind, int]]:
    """Open quarantined rows counted per kind of reason (in SQL), in REASON_KINDS' order."""
    kind = _kind_expr().label("kind")
    found = dict(session.execute(
        select(kind, func.count(QuarantinedRow.id)).where(QuarantinedRow.status == "open")
        .group_by(kind)).all())
    return [(k, found[k.key]) for k in REASON_KINDS if found.get(k.key)]


def list_open_of(session: Session, kind: str, *, offset: int = 0,
                 limit: int = 50) -> list[QuarantineRow]:
    """One page of the open rows of one kind of reason, newest first."""
    return _open_page(session, _kind_expr() == kind, offset=offset, limit=limit)
