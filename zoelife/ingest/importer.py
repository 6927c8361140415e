"""Importing a form tool's export of requests: the parse stage of the pipeline (reading and
field mapping: `prepare`, `to_input`) and the import that streams a file through the pipeline's
other stages (`zoelife.ingest.pipeline`), one transaction per chunk.

A crash or Ctrl-C mid-file keeps the chunks already stored, counted by the file's unfinished
`import_batches` row; the next run of the same file resumes that batch after them, and ends
with the state one clean run gives. One audit event records each finished import.
docs/architecture.md walks one CSV import through the stages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update

from zoelife import audit
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import ImportBatch, QuarantinedRow
from zoelife.ingest import connectors
from zoelife.ingest.memory import no_cyclic_gc
from zoelife.ingest.pipeline import workers
from zoelife.ingest.pipeline.credit import Content
from zoelife.ingest.pipeline.facts import facts_of_chunk
from zoelife.ingest.pipeline.match import match_batch
from zoelife.ingest.pipeline.parse import (
    Prepared,
    input_of_record_tuple,
    prepare,
    saved_mapping,
)
from zoelife.ingest.readers import ReadError
from zoelife.intake.assessment import assess_in_chunks
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import receive
from zoelife.triage import assess
from zoelife.triage.language import load_identifier
from zoelife.vocabulary import CHANNELS

__all__ = ["ImportResult", "ReadError", "import_requests"]

Progress = Callable[[int, int], None]


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


def _file_digest(prep: Prepared, channel: str) -> str:
    """The file and how it is read: a run with another mapping is another import."""
    blob = json.dumps([prep.table.digest, prep.source, channel, prep.table.fmt,
                       sorted((k, v) for k, v in prep.mapping.items() if v),
                       sorted(prep.explicit.items())], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _open_batch(engine: Engine, prep: Prepared, digest: str, actor: audit.Actor,
                now: dt.datetime) -> tuple[int, int, ImportResult, dt.datetime]:
    """The batch this run writes into: the unfinished one of the same file (a run killed
    mid-file), resumed after its stored rows at its own `now`, or a new one. Committed at
    once. Returns (batch id, records already stored, the counts so far, now)."""
    with write_session(engine) as session:
        batch = session.execute(
            select(ImportBatch).where(ImportBatch.kind == "requests",
                                      ImportBatch.file_digest == digest,
                                      ImportBatch.finished_at.is_(None))
            .order_by(ImportBatch.id.desc()).limit(1)).scalar()
        result = ImportResult(source=prep.source, form_tool=prep.form_tool, mapping=prep.mapping)
        if batch is None:
            batch = ImportBatch(
                kind="requests", source=prep.source, filename=prep.table.name[:300],
                file_format=prep.table.fmt, form_tool=prep.form_tool,
                mapping={k: v for k, v in prep.mapping.items() if v}, started_at=now,
                created_by=actor.user_id, file_digest=digest, rows=0, imported=0,
                duplicates=0, already_imported=0, rejected=0, crisis_urgent=0,
                crisis_review=0,
            )
            session.add(batch)
            session.flush()
            return batch.id, 0, result, now
        for name in _COUNTS:
            setattr(result, name, getattr(batch, name))
        for row in session.execute(select(QuarantinedRow.row_number, QuarantinedRow.external_id,
                                          QuarantinedRow.reason)
                                   .where(QuarantinedRow.batch_id == batch.id)
                                   .order_by(QuarantinedRow.id)):
            result.rejects.append({"row": row.row_number, "external_id": row.external_id or "",
                                   "reason": row.reason})
        return batch.id, batch.rows, result, batch.started_at


_COUNTS = ("rows", "imported", "duplicates", "already_imported", "rejected", "crisis_urgent",
           "crisis_review")


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
    """Import a file through the pipeline (docs/architecture.md): records are read as a stream,
    in chunks; each chunk is mapped, normalized and triaged (in worker processes for big
    files), then matched and stored in its own transaction, which also records in the import
    batch how many records are stored. A run killed mid-file keeps the chunks it stored; the
    next run of the same file resumes after them (`_open_batch`). Raises ReadError when the
    file cannot be read.

    `fast=False`: every row through `service.receive`, one at a time (the reference the
    pipeline's match stage is tested against)."""
    if channel not in CHANNELS:
        raise ReadError(f"unknown channel {channel!r} (one of: {', '.join(CHANNELS)})")
    prep = prepared or prepare(data, fmt=fmt, source=source, mapping=mapping, name=name)
    actor = actor or audit.SYSTEM
    records = prep.table.records
    total = len(records)
    with read_session(engine) as session:
        schedule = Schedule.load(session)
        # A mapping saved for this source (numeric-id forms), under the one given now.
        explicit = saved_mapping(session, prep.source) | prep.explicit
        content = Content(session)
    batch_id, done, result, now = _open_batch(engine, prep, _file_digest(prep, channel), actor,
                                              now or dt.datetime.now(dt.UTC))
    make_input = partial(input_of_record_tuple, col_map=prep.mapping, source=prep.source,
                         channel=channel, zone=schedule.zone, explicit=explicit, arrival=now)
    items = ((r.row, r.values, r.problem, r.raw_text, r.submission)
             for r in islice(records, done, None))
    parallel = fast is not False and total - done >= PARALLEL_MIN_ROWS
    work = partial(facts_of_chunk, make_input, schedule, now)
    chunks = workers.chunks_of(items, (stop - start for start, stop in
                                       workers.chunk_bounds(total - done, CHUNK)))
    if fast is False:
        stream = ((chunk, None) for chunk in chunks)
    else:
        stream = workers.ordered_map(work, chunks, parallel=parallel, warm=_warm_triage)
    with _large_page_cache(engine) as enlarged:
        for chunk, facts in stream:
            _store_chunk(engine, chunk, facts, result, batch_id=batch_id, make_input=make_input,
                         schedule=schedule, content=content, actor=actor, now=now,
                         enlarged=enlarged)
            done += len(chunk)
            if progress:
                progress(done, total)
    if progress and total == 0:
        progress(0, 0)
    with write_session(engine) as session:
        session.execute(update(ImportBatch).where(ImportBatch.id == batch_id)
                        .values(finished_at=dt.datetime.now(dt.UTC)))
        audit.record(session, actor, "import.requests", "import_batch", batch_id, {
            "source": prep.source, "form_tool": prep.form_tool, "format": prep.table.fmt,
            "rows": result.rows, "imported": result.imported, "duplicates": result.duplicates,
            "already_imported": result.already_imported, "rejected": result.rejected,
            "crisis_urgent": result.crisis_urgent, "crisis_review": result.crisis_review,
        })
    result.batch_id = batch_id
    return result


def _warm_triage() -> None:
    # Loads the triage's models and trains its learned net, once, before forking. A plainly
    # English message never asks the language model: it is loaded by name, or every process
    # would load its own copy on its first other message.
    assess("Hello, I would like an appointment.")
    load_identifier()


CHUNK = 2000  # records per chunk and transaction
PARALLEL_MIN_ROWS = 5000  # below this, the worker processes cost more than they save
# Enough for the index pages a chunk touches: 64 MB took the same CPU as 256 MB over a
# 100,000-row import (120 s both) and held 150 MB less at its peak; being a bound, it is also
# what keeps a bigger file's peak where a 100,000-row one's is (bench/results.md).
IMPORT_CACHE_KIB = 64 * 1024


def _store_chunk(engine: Engine, chunk: list[tuple], facts: list[tuple] | None,
                 result: ImportResult, *, batch_id: int, make_input, schedule: Schedule,
                 content: Content, actor: audit.Actor, now: dt.datetime,
                 enlarged: dict[int, tuple[Any, int]]) -> None:
    """Match and store one chunk in one transaction, with the batch's counts and position.
    Without `facts` (or with a booking in the chunk: bookings act on requests already
    there, `zoelife.intake.bookings`), row by row through `service.receive`."""
    special = {i: item[4] for i, item in enumerate(chunk) if item[4] is not None
               and item[4].kind in (connectors.BOOKING, connectors.CANCELLATION)}
    inputs = assessments = None
    if facts is None or special:
        # Mapped and assessed before the write transaction, in bounded chunks (paced in the
        # server): on SQLite every writer of the process (page runs, webhook deliveries)
        # waits for the one that holds it, and the crisis detector is most of an import's time.
        inputs = [make_input(item) for item in chunk]
        assessments = assess_in_chunks(inputs)
    with write_session(engine) as session:
        _enlarge_cache(session, enlarged)
        if inputs is None:
            outcomes = match_batch(session, facts, schedule=schedule, content=content,
                                   batch_id=batch_id, now=now, actor=actor,
                                   input_of=lambda i: make_input(chunk[i]))
        else:
            outcomes = []
            for i, (inp, assessment) in enumerate(zip(inputs, assessments, strict=True)):
                if i in special:
                    from zoelife.intake import bookings

                    outcomes.append(bookings.apply(session, inp, special[i], schedule=schedule,
                                                   actor=actor, now=now, assessment=assessment))
                    continue
                out = receive(session, inp, schedule=schedule, actor=actor, batch_id=batch_id,
                              audit_each=False, now=now, assessment=assessment)
                if out.kind == "already_imported":
                    out.crisis = assessment.crisis
                outcomes.append(out)
        for item, out in zip(chunk, outcomes, strict=True):
            row, problem = item[0], item[2]
            result.tally(out.kind, out.crisis)
            if out.kind == "rejected":
                reason = problem or "; ".join(out.reasons) or "rejected"
                if problem and out.quarantined_row_id:
                    session.execute(update(QuarantinedRow)
                                    .where(QuarantinedRow.id == out.quarantined_row_id)
                                    .values(reason=reason))
                result.rejects.append({"row": row, "external_id": out.external_id or "",
                                       "reason": reason})
            elif out.warnings:
                result.warnings.append({"row": row, "external_id": out.external_id or "",
                                        "warning": "; ".join(out.warnings)})
        session.execute(update(ImportBatch).where(ImportBatch.id == batch_id)
                        .values({name: getattr(result, name) for name in _COUNTS}))


@contextmanager
def _large_page_cache(engine: Engine) -> Iterator[dict[int, tuple[Any, int]]]:
    """SQLite's default page cache (2 MB) cannot hold the index pages a big import touches:
    inserting 100,000 requests took 25 s re-reading them instead of 3 s. Each chunk's
    connection gets a large cache (`_enlarge_cache`); at the end every pooled connection
    that got one has its own size back."""
    enlarged: dict[int, tuple[Any, int]] = {}
    try:
        yield enlarged
    finally:
        for raw, before in enlarged.values():
            try:
                raw.execute(f"PRAGMA cache_size = {int(before)}")
            except Exception:  # noqa: BLE001, S110 - a closed connection has nothing to restore
                pass


def _enlarge_cache(session, enlarged: dict[int, tuple[Any, int]]) -> None:
    if session.get_bind().dialect.name != "sqlite":
        return
    raw = session.connection().connection.driver_connection
    if id(raw) not in enlarged:
        before = raw.execute("PRAGMA cache_size").fetchone()[0]
        enlarged[id(raw)] = (raw, before)
        raw.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
