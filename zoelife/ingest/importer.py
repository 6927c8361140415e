"""Importing a form tool's export of requests: one transaction for the whole file.

Every row goes through DESIGN.md's rules (`zoelife.intake.service.receive`), or through the
set-based fast path in `zoelife.ingest.fastpath` that gives the same database content. The
whole file commits at once or not at all: a crash or Ctrl-C mid-file leaves the database as it
was, and a re-run gives the same final state (the `intake_keys` ledger makes it idempotent).
One `import_batches` row and one audit event record each import.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, update

from zoelife import audit
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import ImportBatch, QuarantinedRow
from zoelife.ingest.fields import (
    DEFAULT_SOURCES,
    auto_mapping,
    detect_form_tool,
    fold_header,
)
from zoelife.ingest.memory import no_cyclic_gc
from zoelife.ingest.readers import ReadError, Record, Table, read_table
from zoelife.intake.normalize import parse_bool, parse_date, parse_datetime
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import RequestInput, assess_in_chunks, receive
from zoelife.vocabulary import CHANNELS

__all__ = ["ImportResult", "ReadError", "import_requests", "prepare", "to_input"]

Progress = Callable[[int, int], None]
FAST_PATH_MIN_ROWS = 200  # below this the row-by-row path is as quick and simpler
try:
    from zoelife.ingest import fastpath as _fastpath  # noqa: F401
    _HAVE_FAST = True
except ImportError:  # pragma: no cover - the fast path is optional
    _HAVE_FAST = False


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    already_imported: int = 0
    rejected: int = 0
    rejects: list[dict[str, Any]] = field(default_factory=list)
    crisis_urgent: int = 0
    crisis_review: int = 0
    # Not part of the --json shape; for the Import page.
    warnings: list[dict[str, Any]] = field(default_factory=list)
    batch_id: int | None = None
    source: str = ""
    form_tool: str | None = None
    mapping: dict[str, str | None] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows, "imported": self.imported, "duplicates": self.duplicates,
            "already_imported": self.already_imported, "rejected": self.rejected,
            "rejects": self.rejects, "crisis_urgent": self.crisis_urgent,
            "crisis_review": self.crisis_review,
        }

    def tally(self, kind: str, crisis: str) -> None:
        self.rows += 1
        if kind == "created":
            self.imported += 1
        elif kind == "duplicate":
            self.duplicates += 1
        elif kind == "already_imported":
            self.already_imported += 1
        else:
            self.rejected += 1
        if crisis == "urgent":
            self.crisis_urgent += 1
        elif crisis == "review":
            self.crisis_review += 1


@dataclass
class Prepared:
    table: Table
    form_tool: str | None
    mapping: dict[str, str | None]
    source: str


def prepare(data: str | Path | bytes, *, fmt: str | None = None, source: str | None = None,
            mapping: Mapping[str, str] | None = None, name: str | None = None) -> Prepared:
    """Read the file and choose the mapping (what the Import page previews). ReadError if the
    file cannot be read at all."""
    table = read_table(data, fmt=fmt, name=name)
    form_tool = detect_form_tool(table.headers)
    col_map = auto_mapping(table.headers, mapping)
    unknown = [c for c in (mapping or {}) if c not in col_map
               and fold_header(c) not in {fold_header(h) for h in table.headers}]
    if unknown:
        raise ReadError(f"{table.name}: --map names a column the file does not have: "
                        f"{unknown[0]!r}")
    src = (source or DEFAULT_SOURCES.get(form_tool, "file-import")).strip()[:120]
    if not src:
        raise ReadError("the source name is empty")
    return Prepared(table, form_tool, col_map, src)


_SPLIT_TREATMENTS = re.compile(r"[;|\n]|,(?![^()]*\))")
_SUBMITTER_RULES = (
    (re.compile(r"\b(parent|guardian|child|son|daughter|minor|teen)\b"), "parent_guardian"),
    (re.compile(r"\b(spouse|partner|husband|wife|boyfriend|girlfriend)\b"), "spouse_partner"),
    (re.compile(r"\b(provider|doctor|physician|clinician|therapist|referring|nurse|"
                r"counselor|case manager)\b"), "provider"),
    (re.compile(r"\b(self|myself|me|patient|yes)\b"), "self"),
)


# Targets whose text is split, parsed or mapped; any other target takes the text as it is.
_READ_SPECIALLY = frozenset({"treatments", "message", "received_at", "date_of_birth",
                             "sms_consent", "channel", "submitter"})


def _submitter(value: str) -> str:
    folded = fold_header(value)
    if not folded:
        return "self"
    if folded.replace(" ", "_") in ("self", "parent_guardian", "spouse_partner", "provider",
                                    "other"):
        return folded.replace(" ", "_")
    for rx, code in _SUBMITTER_RULES:
        if rx.search(folded):
            return code
    return "other"


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def to_input(record: Record, col_map: Mapping[str, str | None], *, source: str, channel: str,
             zone: ZoneInfo) -> RequestInput:
    """One read row as the service's input. Values stay as received; the service normalizes."""
    values = record.values
    if record.problem is not None:
        return RequestInput(source=source, channel=channel, row_number=record.row,
                            raw={"_record": record.raw_text or ""})
    kw: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    treatments: list[str] = []
    messages: list[str] = []
    # The row as received, without empty cells: it keys id-less rows by content, and a column
    # the form gained later (empty in old rows) must not make old rows look new.
    raw: dict[str, Any] = {}
    for header, value in values.items():
        target = col_map.get(header)
        text = (value if type(value) is str else _as_text(value)).strip()
        if text:
            raw[header] = value
        if target is None:
            if text:
                extra[header] = value if isinstance(value, list) else text
            continue
        if target not in _READ_SPECIALLY:  # most columns: the text as it is
            if text:
                if target in kw:
                    extra[header] = text
                else:
                    kw[target] = text
            continue
        if target == "treatments":
            items = value if isinstance(value, list) else _SPLIT_TREATMENTS.split(text)
            treatments.extend(s.strip() for s in items if str(s).strip())
        elif target == "message":
            if text:
                messages.append(text)
        elif not text:
            continue
        elif target == "received_at":
            # Tools that say so in the header ("Submit Date (UTC)") write UTC, others local.
            col_zone = ZoneInfo("UTC") if "utc" in fold_header(header).split() else zone
            kw["received_at"] = parse_datetime(text, col_zone)
            kw["received_at_raw"] = text
        elif target == "date_of_birth":
            born = parse_date(text)
            if born is None or born.year < 1900 or born > dt.datetime.now(zone).date():
                extra[header] = text  # unreadable: kept, not guessed
            else:
                kw["date_of_birth"] = born
        elif target == "sms_consent":
            kw["sms_consent"] = parse_bool(text)
        elif target == "channel":
            code = text.lower().replace("-", "_").replace(" ", "_")
            kw["channel"] = code if code in CHANNELS else "other"
        elif target == "submitter":
            kw["submitter"] = _submitter(text)
    kw.setdefault("channel", channel)
    if "received_at_raw" in kw and kw.get("received_at") is None:
        kw.pop("received_at", None)
    if "extra" in extra and isinstance(extra["extra"], str) and extra["extra"].startswith("{"):
        # Our own export's `extra` column: its fields come back as extra fields.
        import json

        try:
            decoded = json.loads(extra["extra"])
        except ValueError:
            decoded = None
        if isinstance(decoded, dict):
            del extra["extra"]
            extra = {str(k): v for k, v in decoded.items()} | extra
    return RequestInput(
        source=source, row_number=record.row, treatments=tuple(treatments),
        message="\n\n".join(messages) or None, extra=extra, raw=raw, **kw,
    )


def _input_of_record_tuple(values: tuple, **kw: Any) -> RequestInput:
    return to_input(Record(*values), **kw)


@no_cyclic_gc()
def import_requests(
    engine: Engine,
    data: str | Path | bytes,
    *,
    fmt: str | None = None,
    source: str | None = None,
    mapping: Mapping[str, str] | None = None,
    channel: str = "web_form",
    actor: audit.Actor | None = None,
    progress: Progress | None = None,
    name: str | None = None,
    fast: bool | None = None,
    prepared: Prepared | None = None,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Import a whole file in one transaction. Raises ReadError when it cannot be read."""
    if channel not in CHANNELS:
        raise ReadError(f"unknown channel {channel!r} (one of: {', '.join(CHANNELS)})")
    prep = prepared or prepare(data, fmt=fmt, source=source, mapping=mapping, name=name)
    actor = actor or audit.SYSTEM
    records = prep.table.records
    total = len(records)
    result = ImportResult(source=prep.source, form_tool=prep.form_tool, mapping=prep.mapping)
    now = now or dt.datetime.now(dt.UTC)
    use_fast = fast if fast is not None else (_HAVE_FAST and total >= FAST_PATH_MIN_ROWS)
    with read_session(engine) as session:
        schedule = Schedule.load(session)
    inputs: list[RequestInput] = []
    assessments = []
    if use_fast:
        from zoelife.ingest import fastpath

        # Records travel to the worker processes as plain tuples (cheaper to unpickle).
        items = [(r.row, r.values, r.problem, r.raw_text) for r in records]
        make_input = partial(_input_of_record_tuple, col_map=prep.mapping, source=prep.source,
                             channel=channel, zone=schedule.zone)
        facts = fastpath.prepare_facts(items, make_input, schedule, now)
    else:
        # Mapped and assessed before the write transaction, in bounded chunks (paced in the
        # server): on SQLite every writer of the process (page runs, webhook deliveries)
        # waits for the one that holds it, and the crisis detector is most of an import's time.
        inputs = [to_input(r, prep.mapping, source=prep.source, channel=channel,
                           zone=schedule.zone) for r in records]
        assessments = assess_in_chunks(inputs)
    with write_session(engine) as session:
        batch = ImportBatch(
            kind="requests", source=prep.source, filename=prep.table.name[:300],
            file_format=prep.table.fmt, form_tool=prep.form_tool,
            mapping={k: v for k, v in prep.mapping.items() if v}, started_at=now,
            created_by=actor.user_id,
        )
        session.add(batch)
        session.flush()
        problems = {i: r.problem for i, r in enumerate(records) if r.problem}
        if use_fast:
            outcomes = fastpath.receive_many(session, items, schedule=schedule,
                                             batch_id=batch.id, now=now, progress=progress,
                                             make_input=make_input, facts=facts)
        else:
            outcomes = []
            for i, (inp, assessment) in enumerate(zip(inputs, assessments, strict=True),
                                                  start=1):
                out = receive(session, inp, schedule=schedule, actor=actor, batch_id=batch.id,
                              audit_each=False, now=now, assessment=assessment)
                if out.kind == "already_imported":
                    out.crisis = assessment.crisis
                outcomes.append(out)
                if progress and (i % 200 == 0 or i == total):
                    progress(i, total)
        for i, (record, out) in enumerate(zip(records, outcomes, strict=True)):
            result.tally(out.kind, out.crisis)
            if out.kind == "rejected":
                reason = problems.get(i) or "; ".join(out.reasons) or "rejected"
                if i in problems and out.quarantined_row_id:
                    session.execute(update(QuarantinedRow)
                                    .where(QuarantinedRow.id == out.quarantined_row_id)
                                    .values(reason=reason))
                result.rejects.append({"row": record.row, "external_id": out.external_id or "",
                                       "reason": reason})
            elif out.warnings:
                result.warnings.append({"row": record.row,
                                        "external_id": out.external_id or "",
                                        "warning": "; ".join(out.warnings)})
        if progress and total == 0:
            progress(0, 0)
        batch.rows, batch.imported = result.rows, result.imported
        batch.duplicates, batch.already_imported = result.duplicates, result.already_imported
        batch.rejected = result.rejected
        batch.crisis_urgent, batch.crisis_review = result.crisis_urgent, result.crisis_review
        batch.finished_at = dt.datetime.now(dt.UTC)
        audit.record(session, actor, "import.requests", "import_batch", batch.id, {
            "source": prep.source, "form_tool": prep.form_tool, "format": prep.table.fmt,
            "rows": result.rows, "imported": result.imported, "duplicates": result.duplicates,
            "already_imported": result.already_imported, "rejected": result.rejected,
            "crisis_urgent": result.crisis_urgent, "crisis_review": result.crisis_review,
        })
        result.batch_id = batch.id
    return result
