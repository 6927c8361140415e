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

from zoelife import audit, settings
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import ImportBatch, QuarantinedRow
from zoelife.ingest import connectors
from zoelife.ingest.fields import (
    DEFAULT_SOURCES,
    auto_mapping,
    detect_form_tool,
    fold_header,
    is_metadata,
    looks_like_email,
    looks_like_phone,
    names_metadata,
)
from zoelife.ingest.memory import no_cyclic_gc
from zoelife.ingest.readers import ReadError, Record, Table, read_table
from zoelife.intake.normalize import parse_bool, parse_date, parse_datetime
from zoelife.intake.schedule import Schedule, change_setting
from zoelife.intake.service import (
    METADATA_FIELDS_KEY,
    RequestInput,
    assess_in_chunks,
    receive,
)
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
    explicit: dict[str, str] = field(default_factory=dict)  # staff's mapping (or the saved one)


def prepare(data: str | Path | bytes, *, fmt: str | None = None, source: str | None = None,
            mapping: Mapping[str, str] | None = None, name: str | None = None) -> Prepared:
    """Read the file and choose the mapping (what the Import page previews). ReadError if the
    file cannot be read at all."""
    table = read_table(data, fmt=fmt, name=name, source_name=source)
    tools = {r.submission.tool for r in table.records[:50] if r.submission is not None} \
        - {"generic"}
    form_tool = detect_form_tool(table.headers) or (tools.pop() if len(tools) == 1 else None)
    col_map = auto_mapping(table.headers, mapping)
    # Records a connector read are mapped as their tool documents: the preview shows that
    # (and the page sends it back as the mapping), not a guess from the labels alone.
    documented: dict[str, str | None] = {}
    for record in table.records[:200]:
        sub = record.submission
        if sub is not None and sub.tool != "generic":
            for header, target in connectors.mapping_for(list(record.values), sub,
                                                         dict(mapping or {})).items():
                documented.setdefault(header, target)
    col_map = {h: documented[h] if h in documented else col_map.get(h) for h in table.headers}
    unknown = [c for c in (mapping or {}) if c not in col_map
               and fold_header(c) not in {fold_header(h) for h in table.headers}]
    if unknown:
        raise ReadError(f"{table.name}: --map names a column the file does not have: "
                        f"{unknown[0]!r}")
    src = (source or DEFAULT_SOURCES.get(form_tool) or form_tool or "file-import").strip()[:120]
    if not src:
        raise ReadError("the source name is empty")
    return Prepared(table, form_tool, col_map, src, dict(mapping or {}))


def saved_mapping(session, source: str) -> dict[str, str]:
    """The field mapping saved for a source (setting `source_field_mappings`)."""
    saved = settings.get(session, "source_field_mappings") or {}
    found = saved.get(source) if isinstance(saved, dict) else None
    return dict(found) if isinstance(found, dict) else {}


def save_mapping(session, source: str, mapping: Mapping[str, str], *, actor=None) -> bool:
    """Save (replace) the field mapping of one source; audited as a setting change."""
    saved = dict(settings.get(session, "source_field_mappings") or {})
    saved[source] = {str(k): str(v) for k, v in mapping.items() if v}
    return change_setting(session, "source_field_mappings", saved, actor=actor)


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
             zone: ZoneInfo, explicit: Mapping[str, str] | None = None,
             arrival: dt.datetime | None = None) -> RequestInput:
    """One read row as the service's input. Values stay as received; the service normalizes.

    A record read by a connector (`record.submission`) is mapped by what its tool documents
    (`connectors.mapping_for`); its tool's metadata, and unmapped fields that look like
    metadata (`fields.is_metadata`), are kept in extra and listed under METADATA_FIELDS_KEY so
    the crisis detector never reads them. Email and phone are recognised by value when no
    label names them. A tool that sends no submission time (`Submission.untimed`) is received
    at `arrival` (the delivery's, or the import's time), whichever way it came."""
    values = record.values
    if record.problem is not None:
        return RequestInput(source=source, channel=channel, row_number=record.row,
                            raw={"_record": record.raw_text or ""})
    sub = record.submission
    time_zone = zone  # how a received time without an offset is read
    if sub is not None:
        col_map = connectors.mapping_for(list(values), sub, dict(explicit or {}),
                                         table_map=dict(col_map))
        if sub.utc:
            time_zone = _UTC
    tool_metadata = sub.metadata if sub is not None else frozenset()
    hold = sub.hold_reason if sub is not None else None
    if sub is not None and sub.kind == connectors.LEAD_NOTIFICATION and not hold:
        hold = ("Meta lead notification: a file holds only the lead's id, not the lead: "
                "import the leads download (or the Graph API's lead) instead")
    kw: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    metadata: list[str] = []
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
                if header in tool_metadata or is_metadata(header, value):
                    metadata.append(header)
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
            # Tools that say so in the header ("Submit Date (UTC)") or document it write UTC,
            # others local; an explicit offset in the value wins over both.
            col_zone = _UTC if "utc" in fold_header(header).split() else time_zone
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
    if sub is not None and sub.untimed and arrival is not None and "received_at_raw" not in kw:
        kw["received_at"] = arrival
    if "email" not in kw and "phone" not in kw:
        _contact_by_value(extra, tool_metadata, kw)
        metadata = [h for h in metadata if h in extra]
    numeric_ids = sub is not None and sub.numeric_ids and any(
        connectors.is_numeric_key(h) and col_map.get(h) is None for h in extra)
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
    if metadata:
        earlier = extra.get(METADATA_FIELDS_KEY)
        earlier = earlier if isinstance(earlier, list) else []
        extra[METADATA_FIELDS_KEY] = sorted({*earlier, *(h for h in metadata if h in extra)})
    return RequestInput(
        source=source, row_number=record.row, treatments=tuple(treatments),
        message="\n\n".join(messages) or None, extra=extra, raw=raw,
        numeric_ids=numeric_ids, hold_reason=hold,
        **kw,
    )


def _contact_by_value(extra: dict[str, Any], tool_metadata: frozenset[str],
                      kw: dict[str, Any]) -> None:
    """No label names an email or a phone (numeric-id forms, custom relays): the first
    unmapped value shaped like one is used, and leaves the extra fields."""
    for header, value in list(extra.items()):
        if header in tool_metadata:
            continue
        if "email" not in kw and looks_like_email(value):
            kw["email"] = extra.pop(header)
        elif "phone" not in kw and looks_like_phone(value) and not names_metadata(header):
            kw["phone"] = extra.pop(header)


def _input_of_record_tuple(values: tuple, **kw: Any) -> RequestInput:
    return to_input(Record(*values), **kw)


_UTC = ZoneInfo("UTC")


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
    # Bookings act on requests already there (zoelife.intake.bookings): row by row.
    special = {i: r.submission for i, r in enumerate(records) if r.submission is not None
               and r.submission.kind in (connectors.BOOKING, connectors.CANCELLATION)}
    use_fast = use_fast and not special
    with read_session(engine) as session:
        schedule = Schedule.load(session)
        # A mapping saved for this source (numeric-id forms), under the one given now.
        explicit = saved_mapping(session, prep.source) | prep.explicit
    inputs: list[RequestInput] = []
    assessments = []
    if use_fast:
        from zoelife.ingest import fastpath

        # Records travel to the worker processes as plain tuples (cheaper to unpickle).
        items = [(r.row, r.values, r.problem, r.raw_text, r.submission) for r in records]
        make_input = partial(_input_of_record_tuple, col_map=prep.mapping, source=prep.source,
                             channel=channel, zone=schedule.zone, explicit=explicit,
                             arrival=now)
        facts = fastpath.prepare_facts(items, make_input, schedule, now)
    else:
        # Mapped and assessed before the write transaction, in bounded chunks (paced in the
        # server): on SQLite every writer of the process (page runs, webhook deliveries)
        # waits for the one that holds it, and the crisis detector is most of an import's time.
        inputs = [to_input(r, prep.mapping, source=prep.source, channel=channel,
                           zone=schedule.zone, explicit=explicit, arrival=now)
                  for r in records]
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
                if i - 1 in special:
                    from zoelife.intake import bookings

                    out = bookings.apply(session, inp, special[i - 1], schedule=schedule,
                                         actor=actor, now=now, assessment=assessment)
                    outcomes.append(out)
                    continue
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
