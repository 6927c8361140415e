"""The set-based import path: the same database content as calling `service.receive` row by
row, at a fraction of the cost.

How:
1. Each row's own facts (its `RequestInput`, normalization, assessment and the columns of the
   request it would become: `RowFacts`) are computed over chunks in two worker processes for
   big files, niced below the main process, and sent back as plain tuples.
2. Per chunk, the intake keys and the emails and phones the database already holds are read
   with a few bulk queries (leaving out those this file brought in earlier chunks).
3. Rows are decided in file order in memory: intra-file duplicates, repeats, person matches
   and possible matches, exactly as `receive` decides them. Ids are allocated in the same order.
4. Each chunk is written as soon as it is decided (`insert_rows`), while the workers prepare
   the next ones; rows of earlier chunks that a later row changed are updated.

A row whose outcome depends on rows already in the database (its email or phone is there, or its
key was quarantined before) goes through `receive` itself, after the pending rows are written;
the rows it may affect then follow it through `receive` as well. `receive` stays the reference:
tests compare both paths on the same tricky file.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Date, DateTime, Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from zoelife.db.models import (
    ContentItem,
    CrisisChange,
    IntakeKey,
    Person,
    PossibleMatch,
    QuarantinedRow,
    Request,
    RequestTreatment,
    Submission,
)
from zoelife.ingest.memory import no_cyclic_gc
from zoelife.intake import pacing, service
from zoelife.intake.matching import MATCH_CANDIDATES, MATCH_SCAN_ROWS
from zoelife.intake.normalize import (
    Checked,
    name_key,
    normalize_email,
    normalize_phone,
    search_text,
)
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import (
    APPENDED_TEXT_MARKER,
    DUPLICATE_WINDOW,
    Outcome,
    RequestInput,
    assess_input,
    assess_inputs,
    check_input,
    content_digest,
    crisis_rank,
    differing_fields,
    evidence_json,
    input_key,
    input_names,
    quarantine_raw,
    reassessed_extra_text,
    request_values,
    utm_fields,
)
from zoelife.triage import CRISIS_RANK, Assessment, assess, max_level
from zoelife.vocabulary import CHANNELS, SUBMITTERS

PARALLEL_MIN_ROWS = 5000
WORKERS = 2
CHUNK = 2000
IN_CHUNK = 2000  # values per IN (...) list: within SQLite's and PostgreSQL's limits
IMPORT_CACHE_KIB = 256 * 1024
WORKER_NICENESS = 10


# --------------------------------------------------------------------------- step 1: CPU


class RowFacts(NamedTuple):
    """What one row says on its own, without other rows or the database: computed in the
    worker processes. Only builtins, so that sending it back to the main process is cheap
    (pickling the `RequestInput` and `Assessment` objects cost more than computing them); the
    main process rebuilds the input only for the few rows that need it."""
    key: tuple[str, str]
    external_id: str
    crisis: str
    treatments: frozenset[str]
    email: str | None
    phone: str | None
    name_key: str | None
    date_of_birth: dt.date | None
    received_at: dt.datetime | None
    warnings: list[str]
    reasons: list[str]
    path_key: str | None
    # The new request's columns when the row is usable, less what deciding fills in
    # (id, person_id, repeat_of_id, attributed_content_id).
    values: dict[str, Any] | None
    digest: str  # service.content_digest: a repeated key with other content is kept for review


def facts_of_inputs(inputs: Sequence[RequestInput], schedule: Schedule, now: dt.datetime,
                    batch_id: int | None) -> list[tuple]:
    """The `RowFacts` of each input, as plain tuples (unpickling a named tuple costs 20 µs a
    row in the main process, a plain one 2 µs; `RowFacts._make` puts the names back).

    Worked out stage by stage over the whole chunk (every phone, then every email, ...), not
    row by row: each library's code and tables then stay in the processor's caches for a
    whole stage. Row by row, the same calls took 96 µs a row instead of 74."""
    phones = [normalize_phone(inp.phone) for inp in inputs]
    emails = [normalize_email(inp.email) for inp in inputs]
    names = [input_names(inp) for inp in inputs]
    assessments = assess_inputs(inputs)
    return [tuple(_row_facts(*row, schedule, now, batch_id))
            for row in zip(inputs, phones, emails, names, assessments, strict=True)]


def _row_facts(inp: RequestInput, phone: Checked, email: Checked, names: tuple,
               assessment: Assessment, schedule: Schedule, now: dt.datetime,
               batch_id: int | None) -> RowFacts:
    first, last = names
    reasons, warnings, received_at = check_input(inp, phone, email, now=now)
    key = input_key(inp)
    values = None
    if not reasons:
        values = _REQUEST_DEFAULTS | request_values(
            inp, key[0], key[1], assessment, schedule, now=now, first=first, last=last,
            email=email.value, phone=phone.value, received_at=received_at, person_id=None,
            channel=inp.channel if inp.channel in CHANNELS else "other",
            submitter=inp.submitter if inp.submitter in SUBMITTERS else "other",
            batch_id=batch_id, repeat_of=None, fields=utm_fields(inp), usable=True,
            attributed=None)
    return RowFacts(
        key=key, external_id=inp.external_id or "", crisis=assessment.crisis,
        treatments=assessment.treatments, email=email.value, phone=phone.value,
        name_key=name_key(first, last), date_of_birth=inp.date_of_birth,
        received_at=received_at, warnings=warnings, reasons=reasons,
        path_key=service.url_path_key(inp.landing_page), values=values,
        digest=content_digest(inp))


def _facts_of_chunk(make_input: Callable[[Any], RequestInput], schedule: Schedule,
                    now: dt.datetime, batch_id: int | None,
                    items: Sequence[Any]) -> list[tuple]:
    with no_cyclic_gc():
        return facts_of_inputs([make_input(item) for item in items], schedule, now, batch_id)


def _worker_start(forked_from: int | None) -> None:
    # The main process (deciding, writing) is the slower stage; with as many workers as
    # cores, it must not lose its core to them: they yield to it and use what it leaves.
    os.nice(WORKER_NICENESS)
    _die_with_parent(forked_from)


def _die_with_parent(forked_from: int | None) -> None:
    """End this worker when its parent ends, however it ends: a killed import (SIGKILL, the
    OOM killer) otherwise leaves its workers running for good, each holding a copy of the file.
    Linux's parent-death signal; elsewhere nothing. A fork server's workers follow the server,
    which ends with the import."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if forked_from is not None and os.getppid() != forked_from:
        os._exit(1)  # the parent was gone before the signal was set


def facts_in_chunks(items: Sequence[Any], make_input: Callable[[Any], RequestInput],
                    schedule: Schedule, now: dt.datetime, batch_id: int | None,
                    ) -> Iterator[tuple[int, list[tuple]]]:
    """(offset, facts as plain tuples) per chunk of `items`, in order, as soon as each chunk is
    ready: the caller decides one chunk while the workers prepare the next ones. `make_input`
    turns an item (a file's record) into a `RequestInput`, in the workers too; it must pickle."""
    global _INHERITED
    total = len(items)
    work = partial(_facts_of_chunk, make_input, schedule, now, batch_id)
    bounds = chunk_bounds(total, CHUNK)
    if total < PARALLEL_MIN_ROWS or (os.cpu_count() or 1) < 2:
        for start, stop in bounds:
            with pacing.LANE.chunk():  # in this process: paced in the server
                facts = work(items[start:stop])
            yield start, facts
        return
    # Forking a threaded process (the streamlit server) is not safe: use a fork server there.
    forking = threading.active_count() == 1
    ctx = multiprocessing.get_context("fork" if forking else "forkserver")
    starts = [start for start, _ in bounds]
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=ctx, initializer=_worker_start,
                             initargs=(os.getpid() if forking else None,)) as pool:
        if forking:
            # Forked workers already hold the items: each is told where its chunk starts
            # instead of being sent it (28 MB pickled and unpickled for 100,000 rows).
            _INHERITED = items
            try:
                results = pool.map(partial(_facts_of_inherited, work), bounds)
                yield from zip(starts, results, strict=True)
            finally:
                _INHERITED = None
        else:
            results = pool.map(work, [items[start:stop] for start, stop in bounds])
            yield from zip(starts, results, strict=True)


def chunk_bounds(total: int, size: int) -> list[tuple[int, int]]:
    """(start, stop) of chunks of `size` rows, smaller at both ends of a big file: the first
    reaches the main process sooner (it waits for it with nothing else to do), and the last
    leave it little to decide and write once the workers are done."""
    ramp = []
    step = max(1, size // 8)
    while step < size:
        ramp.append(step)
        step *= 2
    middle = total - 2 * sum(ramp)
    if middle < size:
        sizes = [size] * (total // size) + ([total % size] if total % size else [])
    else:
        sizes = ramp + ([middle % size] if middle % size else []) + [size] * (middle // size)
        sizes += ramp[::-1]
    bounds, start = [], 0
    for length in sizes:
        bounds.append((start, start + length))
        start += length
    return bounds


# The items of the import under way, for the workers forked while it runs.
_INHERITED: Sequence[Any] | None = None


def _facts_of_inherited(work: Callable[[Sequence[Any]], list[tuple]],
                        bounds: tuple[int, int]) -> list[tuple]:
    if _INHERITED is None:
        raise RuntimeError("a worker was started without the import's items")
    return work(_INHERITED[bounds[0]:bounds[1]])


# --------------------------------------------------------------------------- ids


class Ids:
    """Primary keys handed out in processing order, as the database would."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pg = session.get_bind().dialect.name == "postgresql"
        self.next: dict[Any, int] = {}
        self.reserved: dict[Any, list[int]] = {}

    def reset(self) -> None:
        self.next.clear()
        self.reserved.clear()

    def take(self, model) -> int:
        if self.pg:
            pool = self.reserved.get(model)
            if not pool:
                table = model.__tablename__
                pool = list(self.session.execute(text(
                    f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608 - table names are ours
                    "FROM generate_series(1, 1000)")).scalars())
                pool.reverse()
                self.reserved[model] = pool
            return pool.pop()
        if model not in self.next:
            self.next[model] = (self.session.execute(select(func.max(model.id))).scalar() or 0) + 1
        value = self.next[model]
        self.next[model] = value + 1
        return value


# --------------------------------------------------------------------------- state


@dataclass
class MemRequest:
    values: dict[str, Any]
    treatments: frozenset[str]


@dataclass
class Pending:
    people: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    treatments: list[dict] = field(default_factory=list)
    crisis: list[dict] = field(default_factory=list)
    submissions: list[dict] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)
    keys: list[dict] = field(default_factory=list)
    matches: list[dict] = field(default_factory=list)


class FastReceiver:
    def __init__(self, session: Session, schedule: Schedule, *, batch_id: int | None,
                 now: dt.datetime, actor=None,
                 input_of: Callable[[int], RequestInput] | None = None) -> None:
        self.session = session
        self.schedule = schedule
        # The full input of row i, rebuilt only for rows that need more than their facts
        # (repeats, rejects, rows that go through `receive`).
        self.input_of = input_of
        self.batch_id = batch_id
        self.now = now
        self.actor = actor
        self.ids = Ids(session)
        self.pending = Pending()
        # In-memory view of what this file created and has not been written yet.
        self.people: dict[int, dict] = {}
        self.by_email: dict[str, list[int]] = {}
        self.by_phone: dict[str, list[int]] = {}
        self.requests: dict[int, MemRequest] = {}
        self.person_requests: dict[int, list[int]] = {}
        self.keys: dict[tuple[str, str], dict] = {}  # keys of this file: {"kind", ids}
        # Of those, already written, and written but changed since.
        self.written_requests: set[int] = set()
        self.written_people: set[int] = set()
        self.changed_requests: set[int] = set()
        self.changed_people: set[int] = set()
        # Values present in the database: rows touching them go through `receive`.
        self.db_emails: set[str] = set()
        self.db_phones: set[str] = set()
        self.db_keys: dict[tuple[str, str],
                           tuple[str, int | None, int | None, str | None]] = {}
        self.path_content: dict[str, int] = {}
        self.campaign_content: dict[str, int] = {}

    # -- preload ----------------------------------------------------------------------

    def preload(self, keys: list[tuple[str, str]], emails: set[str], phones: set[str]) -> None:
        """What the database already holds of these keys, emails and phones (called per chunk,
        before the chunk is decided). Core statements built once, long IN lists: through the
        ORM, with 500 values a list, these lookups cost 0.7 s of an import of 100,000 rows."""
        conn = self.session.connection()
        by_source: dict[str, list[str]] = {}
        for src, ext in keys:
            by_source.setdefault(src, []).append(ext)
        for src, exts in by_source.items():
            for part in _chunks(sorted(set(exts))):
                for row in conn.execute(_KEYS_HELD, {"source": src, "ids": part}):
                    self.db_keys[(src, row.external_id)] = (row.kind, row.request_id,
                                                            row.submission_id,
                                                            row.content_digest)
        for query, values, held in ((_EMAILS_HELD, emails, self.db_emails),
                                    (_PHONES_HELD, phones, self.db_phones)):
            for part in _chunks(sorted(values)):
                held.update(conn.execute(query, {"values": part}).scalars())

    def preload_content(self) -> None:
        query = select(ContentItem.id, ContentItem.url_path,
                       ContentItem.campaign_key).order_by(ContentItem.id)
        for cid, path, campaign in self.session.execute(query):
            if path:
                self.path_content.setdefault(path, cid)
            if campaign:
                self.campaign_content.setdefault(campaign, cid)

    def attributed(self, path: str | None, utm_campaign: str | None) -> int | None:
        """`service.attributed_content_id` from memory; `path` is the landing page's
        `url_path_key`."""
        if path and path != "/" and path in self.path_content:
            return self.path_content[path]
        if utm_campaign:
            found = self.campaign_content.get(utm_campaign.strip().lower())
            if found:
                return found
        return None

    # -- writing ----------------------------------------------------------------------

    def write_pending(self) -> None:
        """Write the rows decided so far, keeping the in-memory view for deciding the rest of
        the file: writing chunk by chunk lets the inserts run while the workers prepare the
        next chunks. Rows written earlier and changed since (a later row of the same person
        added text or a date of birth) are updated."""
        p = self.pending
        s = self.session
        for model, rows in ((Person, p.people), (Request, p.requests),
                            (RequestTreatment, p.treatments), (CrisisChange, p.crisis),
                            (Submission, p.submissions), (QuarantinedRow, p.quarantined),
                            (IntakeKey, p.keys), (PossibleMatch, p.matches)):
            insert_rows(s, model.__table__, rows)
        if self.changed_requests:
            rows = [{"b_id": rid} | {f"v_{c}": self.requests[rid].values[c] for c in _CHANGING}
                    for rid in sorted(self.changed_requests)]
            s.execute(update(Request.__table__).where(Request.id == bindparam("b_id"))
                      .values({c: bindparam(f"v_{c}") for c in _CHANGING}), rows)
        if self.changed_people:
            rows = [{"b_id": pid, "v_date_of_birth": self.people[pid]["date_of_birth"]}
                    for pid in sorted(self.changed_people)]
            s.execute(update(Person.__table__).where(Person.id == bindparam("b_id"))
                      .values(date_of_birth=bindparam("v_date_of_birth")), rows)
        self.written_requests.update(row["id"] for row in p.requests)
        self.written_people.update(row["id"] for row in p.people)
        self.changed_requests.clear()
        self.changed_people.clear()
        self.pending = Pending()

    def flush(self) -> None:
        """Write everything pending and forget the in-memory view: from then on the database
        holds this file's rows, and rows touching them go through `receive`."""
        self.write_pending()
        for mem in self.requests.values():
            for contact in (mem.values["email"], mem.values["phone"]):
                if contact:
                    (self.db_emails if "@" in contact else self.db_phones).add(contact)
        self.people.clear()
        self.by_email.clear()
        self.by_phone.clear()
        self.requests.clear()
        self.person_requests.clear()
        self.written_requests.clear()
        self.written_people.clear()
        for key, info in self.keys.items():
            self.db_keys[key] = (info["kind"], info.get("request_id"), info.get("submission_id"),
                                 info.get("content_digest"))
        self.keys.clear()

    # -- deciding ---------------------------------------------------------------------

    def receive(self, index: int, facts: RowFacts) -> Outcome:
        key = facts.key
        base = {"external_id": facts.external_id}
        known = self.keys.get(key)
        if known is None and key in self.db_keys:
            kind, rid, sid, digest = self.db_keys[key]
            known = {"kind": kind, "request_id": rid, "submission_id": sid,
                     "content_digest": digest}
        if known is not None and known["kind"] in ("request", "submission"):
            if differing_fields(known.get("content_digest"), facts.digest):
                # Same key, other content: `receive` keeps it for review.
                return self._fallback(self.input_of(index), key, facts.crisis)
            return Outcome("already_imported", request_id=known.get("request_id"),
                           submission_id=known.get("submission_id"), crisis=facts.crisis,
                           **base)
        email, phone = facts.email, facts.phone
        touches_db = (email in self.db_emails) or (phone in self.db_phones)
        if known is not None or (not facts.reasons and touches_db):
            return self._fallback(self.input_of(index), key, facts.crisis)
        if facts.reasons:
            return self._quarantine(self.input_of(index), facts)
        values = facts.values
        received_at = facts.received_at
        person_id, possible = self._find_person(email, phone, facts.name_key,
                                                facts.date_of_birth)
        if person_id is not None:
            target = self._duplicate_target(person_id, facts.treatments, received_at)
            if target is not None:
                return self._attach(target, self.input_of(index), facts)
        added = 0
        if person_id is None:
            person_id = self.ids.take(Person)
            person = {"id": person_id, "first_name": values["first_name"],
                      "last_name": values["last_name"], "name_key": facts.name_key,
                      "date_of_birth": facts.date_of_birth, "created_at": self.now,
                      "merged_into_id": None}
            self.pending.people.append(person)
            self.people[person_id] = person
            for other, reason in possible:
                if other == person_id:
                    continue
                self.pending.matches.append({
                    "id": self.ids.take(PossibleMatch), "person_id": person_id,
                    "other_person_id": other, "reason": reason, "status": "open",
                    "created_at": self.now, "resolved_at": None, "resolved_by": None})
                added += 1
        elif facts.date_of_birth and self.people[person_id]["date_of_birth"] is None:
            self.people[person_id]["date_of_birth"] = facts.date_of_birth
            if person_id in self.written_people:
                self.changed_people.add(person_id)
        repeat_of = self._latest_request(person_id, received_at)
        values["person_id"] = person_id
        values["repeat_of_id"] = repeat_of
        values["attributed_content_id"] = self.attributed(facts.path_key,
                                                          values["utm_campaign"])
        rid = self._add_request(values, facts.treatments, facts.crisis)
        self._add_key(key, "request", request_id=rid, digest=facts.digest)
        return Outcome("created", request_id=rid, crisis=facts.crisis,
                       warnings=facts.warnings, repeat_of_id=repeat_of, possible_matches=added,
                       **base)

    def _fallback(self, inp: RequestInput, key: tuple[str, str], crisis: str) -> Outcome:
        self.flush()
        self.ids.reset()  # `receive` takes ids through the ORM
        out = service.receive(self.session, inp, schedule=self.schedule, actor=self.actor,
                              batch_id=self.batch_id, audit_each=False, now=self.now)
        self.session.flush()
        # Its person's contacts now live in the database: related rows follow it here.
        if out.request_id is not None:
            for contact in self.session.execute(
                select(Request.email, Request.phone).where(Request.person_id == select(
                    Request.person_id).where(Request.id == out.request_id).scalar_subquery())
            ):
                if contact.email:
                    self.db_emails.add(contact.email)
                if contact.phone:
                    self.db_phones.add(contact.phone)
        kind = {"created": "request", "duplicate": "submission",
                "rejected": "quarantine"}.get(out.kind)
        if kind and not out.review_reason:  # a conflict leaves the first key as it was
            self.db_keys[key] = (kind, out.request_id, out.submission_id, content_digest(inp))
        if out.kind == "already_imported":
            out.crisis = crisis
        return out

    def _find_person(self, email, phone, key, dob) -> tuple[int | None, list]:
        possible: dict[int, str] = {}
        for value, index, reason in ((email, self.by_email, "same_email"),
                                     (phone, self.by_phone, "same_phone")):
            if not value:
                continue
            # `matching.find_person`'s rule: newest requests first, bounded.
            seen: set[int] = set()
            for rid in reversed(index.get(value, ())[-MATCH_SCAN_ROWS:]):
                pid = self.requests[rid].values["person_id"]
                if pid in seen:
                    continue
                if len(seen) == MATCH_CANDIDATES:
                    break
                seen.add(pid)
                person = self.people[pid]
                same_name = key is not None and person["name_key"] == key
                same_dob = dob is not None and person["date_of_birth"] == dob
                no_name = reason == "same_email" and (key is None or person["name_key"] is None)
                if same_name or same_dob or no_name:
                    return pid, []
                possible.setdefault(pid, reason)
        return None, sorted(possible.items())

    def _duplicate_target(self, person_id, treatments, received_at) -> int | None:
        candidates = [
            rid for rid in self.person_requests.get(person_id, ())
            if self.requests[rid].values["is_open"]
            and received_at - DUPLICATE_WINDOW <= self.requests[rid].values["received_at"]
            <= received_at
        ]
        candidates.sort(key=lambda r: self.requests[r].values["received_at"], reverse=True)
        for rid in candidates:
            if self.requests[rid].treatments == set(treatments):
                return rid
        return None

    def _latest_request(self, person_id, received_at) -> int | None:
        best = None
        for rid in self.person_requests.get(person_id, ()):
            when = self.requests[rid].values["received_at"]
            if when <= received_at and (best is None or (when, rid) > best):
                best = (when, rid)
        return best[1] if best else None

    def _add_request(self, values: dict[str, Any], treatments: frozenset[str],
                     crisis: str) -> int:
        rid = self.ids.take(Request)
        values["id"] = rid
        self.pending.requests.append(values)
        self.requests[rid] = MemRequest(values, frozenset(treatments))
        person_id, email, phone = values["person_id"], values["email"], values["phone"]
        if person_id is not None:
            self.person_requests.setdefault(person_id, []).append(rid)
        if email:
            self.by_email.setdefault(email, []).append(rid)
        if phone:
            self.by_phone.setdefault(phone, []).append(rid)
        for t in sorted(treatments):
            self.pending.treatments.append({"request_id": rid, "treatment": t, "origin": "form",
                                            "received_local_date": values["received_local_date"]})
        self.pending.crisis.append(self._crisis_change(rid, None, crisis, None))
        return rid

    def _crisis_change(self, rid, old, new, reason) -> dict:
        return {"id": self.ids.take(CrisisChange), "request_id": rid, "kind": "assessed",
                "from_level": old, "to_level": new, "reason": reason, "changed_at": self.now,
                "changed_by": None}

    def _add_key(self, key, kind, *, digest, request_id=None, submission_id=None,
                 quarantined_row_id=None) -> None:
        row = {"source": key[0], "external_id": key[1], "kind": kind, "request_id": request_id,
               "submission_id": submission_id, "quarantined_row_id": quarantined_row_id,
               "first_seen_at": self.now, "content_digest": digest}
        self.pending.keys.append(row)
        self.keys[key] = row

    def _attach(self, target_id: int, inp: RequestInput, facts: RowFacts) -> Outcome:
        key, values, received_at = facts.key, facts.values, facts.received_at
        sid = self.ids.take(Submission)
        self.pending.submissions.append({
            "id": sid, "request_id": target_id, "source": key[0], "external_id": key[1],
            "channel": values["channel"], "received_at": received_at,
            "first_name": values["first_name"], "last_name": values["last_name"],
            "email": facts.email, "phone": facts.phone, "message": inp.message,
            "treatments": sorted(facts.treatments),
            "fields": {k: v for k, v in (inp.raw or {}).items()} | {"extra": inp.extra},
            "crisis_level": facts.crisis, "crisis_evidence": values["crisis_evidence"],
            "import_batch_id": self.batch_id, "created_at": self.now,
        })
        target = self.requests[target_id].values
        if inp.message and inp.message.strip():
            when = received_at.strftime("%Y-%m-%d %H:%M UTC")
            target["message"] = ((target["message"] or "") + APPENDED_TEXT_MARKER.format(when=when)
                                 + inp.message)
            target["search_text"] = search_text(target["first_name"], target["last_name"],
                                                target["email"], target["phone"],
                                                target["message"])
        self._raise_crisis(target, facts.crisis)
        target["updated_at"] = self.now
        if target_id in self.written_requests:
            self.changed_requests.add(target_id)
        self._add_key(key, "submission", request_id=target_id, submission_id=sid,
                      digest=facts.digest)
        return Outcome("duplicate", request_id=target_id, submission_id=sid,
                       crisis=facts.crisis, warnings=facts.warnings,
                       external_id=facts.external_id)

    def _raise_crisis(self, target: dict, also: str) -> None:
        """`service.raise_crisis_from_text` on a request not written yet; `also` is the new
        submission's own level (its message overflow included)."""
        extra_text = reassessed_extra_text(target["extra"])
        result = assess((target["message"] or "") + "\n" + extra_text)
        new_level = max_level(max_level(target["crisis_level"], result.crisis), also)
        if CRISIS_RANK[new_level] <= CRISIS_RANK[target["crisis_level"]]:
            return
        old = target["crisis_level"]
        target["crisis_level"] = new_level
        target["crisis_source"] = "auto"
        target["crisis_evidence"] = evidence_json(result)
        if new_level == "urgent":
            target["crisis_acknowledged_at"] = None
            target["crisis_acknowledged_by"] = None
            target["oncall_notified_at"] = None
            target["due_at"] = self.schedule.first_contact_due(target["received_at"], "urgent")
            if target.get("status", "new") == "new":
                target["next_due_at"] = target["due_at"]
        target["crisis_rank"] = crisis_rank(new_level, False)
        target["version"] += 1
        self.pending.crisis.append(self._crisis_change(target["id"], old, new_level,
                                                       "new text arrived"))

    def _quarantine(self, inp: RequestInput, facts: RowFacts) -> Outcome:
        key, reasons = facts.key, facts.reasons
        assessment = assess_input(inp)
        reason = "; ".join(reasons)
        raw = quarantine_raw(inp)
        qid = self.ids.take(QuarantinedRow)
        row = {"id": qid, "batch_id": self.batch_id, "source": key[0], "row_key": key[1],
               "row_number": inp.row_number, "external_id": inp.external_id, "raw": raw,
               "reason": reason, "crisis_level": assessment.crisis,
               "crisis_evidence": evidence_json(assessment), "request_id": None,
               "status": "open", "created_at": self.now, "resolved_at": None}
        self.pending.quarantined.append(row)
        request_id = None
        if assessment.crisis == "urgent":
            # A person in crisis without a usable contact still reaches the queue.
            first, last = input_names(inp)
            values = _REQUEST_DEFAULTS | request_values(
                inp, key[0], key[1], assessment, self.schedule, now=self.now, first=first,
                last=last, email=None, phone=None, received_at=facts.received_at or self.now,
                person_id=None, channel=inp.channel if inp.channel in CHANNELS else "other",
                submitter=inp.submitter if inp.submitter in SUBMITTERS else "other",
                batch_id=self.batch_id, repeat_of=None, fields=dict.fromkeys(UTM_FIELDS),
                usable=False, attributed=self.attributed(facts.path_key, None))
            values["extra"] = dict(inp.extra) | {"_quarantine_reason": reason,
                                                 "_as_received": raw}
            request_id = self._add_request(values, assessment.treatments, assessment.crisis)
            row["request_id"] = request_id
        self._add_key(key, "quarantine", quarantined_row_id=qid, request_id=request_id,
                      digest=facts.digest)
        return Outcome("rejected", quarantined_row_id=qid, request_id=request_id,
                       crisis=assessment.crisis, reasons=reasons,
                       external_id=facts.external_id)


# What a later submission of the same person can change on a request (`_attach`).
_CHANGING = ("message", "search_text", "crisis_level", "crisis_source", "crisis_evidence",
             "crisis_acknowledged_at", "crisis_acknowledged_by", "oncall_notified_at", "due_at",
             "next_due_at", "crisis_rank", "version", "updated_at")
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]],
                chunk: int = 5000) -> None:
    """INSERT `rows` (dicts with the same keys) into `table` in the session's transaction.

    On SQLite the values go through each column type's own bind processor and straight to the
    driver's executemany, column by column: SQLAlchemy's per-row parameter handling costs more
    than SQLite's insert itself. A column that is NULL in every row of a batch is left out of
    that batch's INSERT (binding a third of a request's columns to NULL cost SQLite a third of
    its time), unless the database would fill it with a default. Elsewhere, and when a column
    left out has a Python-side default, the rows go through SQLAlchemy Core's executemany."""
    if not rows:
        return
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    conn = session.connection()
    dialect = conn.dialect
    defaulted = any(c.default is not None and c.name not in rows[0] for c in table.columns)
    if dialect.name != "sqlite" or defaulted:
        for start in range(0, len(rows), chunk):
            session.execute(insert(table), rows[start:start + chunk])
        return
    processors = [_sqlite_processor(c.type.dialect_impl(dialect).bind_processor(dialect),
                                    c.type) for c in columns]
    # NULL is what the database stores for a column left out only where it has no default.
    omittable = [c.default is None and c.server_default is None for c in columns]
    values_of = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    for start in range(0, len(rows), chunk):
        batch = rows[start:start + chunk]
        if any(len(row) != len(names) for row in batch):
            raise ValueError(f"{table.name}: rows of one insert differ in their columns")
        by_column = list(zip(*map(values_of, batch), strict=True))
        kept = [i for i, values in enumerate(by_column)
                if not (omittable[i] and values.count(None) == len(values))]
        sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(  # noqa: S608 - our own names
            table.name, ", ".join(f'"{names[i]}"' for i in kept),
            ", ".join("?" for _ in kept))
        converted = [_converted(processors[i], by_column[i]) if processors[i] else by_column[i]
                     for i in kept]
        conn.exec_driver_sql(sql, list(zip(*converted, strict=True)))


def _sqlite_processor(process: Callable[[Any], Any] | None, column_type) -> Any:
    """SQLite's DATE processor formats a date field by field; `date.isoformat` writes the same
    text in one C call (an import writes hundreds of thousands of dates). Kept only if it
    agrees with the dialect's own format."""
    if process is None or not isinstance(column_type, Date) or isinstance(column_type, DateTime):
        return process
    samples = (dt.date(987, 6, 5), dt.date(2026, 11, 27), dt.datetime(2026, 1, 2, 3, 4, 5))
    if any(process(day) != dt.date.isoformat(day) for day in samples):
        return process
    return dt.date.isoformat


def _converted(process: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """`process` applied to each value but NULL. Many rows share one value object (the
    import's `now`): it is converted once."""
    out = []
    last_in = last_out = None
    for value in values:
        if value is None:  # NULL for every column type here
            out.append(None)
        elif value is last_in:
            out.append(last_out)
        else:
            last_in, last_out = value, process(value)
            out.append(last_out)
    return out


_REQUEST_DEFAULTS = {
    "utm_content": None, "utm_term": None, "prior_auth_status": None,
    "crisis_acknowledged_at": None, "crisis_acknowledged_by": None, "oncall_notified_at": None,
    "close_reason": None, "closed_at": None, "appointment_at": None, "appointment_kind": None,
    "assignee_id": None, "first_contact_at": None, "reached_at": None, "scheduled_at": None,
    "next_attempt_due_at": None, "last_attempt_at": None, "duplicate_of_id": None,
    "follow_up_at": None,
}


_KEYS = IntakeKey.__table__.c
_KEYS_HELD = select(_KEYS.external_id, _KEYS.kind, _KEYS.request_id, _KEYS.submission_id,
                    _KEYS.content_digest).where(
    _KEYS.source == bindparam("source"),
    _KEYS.external_id.in_(bindparam("ids", expanding=True)))
_REQUESTS = Request.__table__.c
_EMAILS_HELD = select(_REQUESTS.email).where(
    _REQUESTS.email.in_(bindparam("values", expanding=True))).distinct()
_PHONES_HELD = select(_REQUESTS.phone).where(
    _REQUESTS.phone.in_(bindparam("values", expanding=True))).distinct()


def _chunks(values: list):
    size = IN_CHUNK
    for start in range(0, len(values), size):
        yield values[start:start + size]


def receive_many(session: Session, items: Sequence[Any], *, schedule: Schedule,
                 batch_id: int | None, now: dt.datetime, actor=None,
                 make_input: Callable[[Any], RequestInput],
                 progress: Callable[[int, int], None] | None = None,
                 facts: Sequence[tuple[int, list[tuple]]] | None = None) -> list[Outcome]:
    """`receive` for every item, in order, in the caller's transaction. Items are
    `RequestInput`s, or anything `make_input` turns into one (a picklable function: it runs in
    the worker processes). `facts`: `prepare_facts` of the same items, worked out before the
    transaction (else each chunk's are worked out here, while it is open)."""
    with _large_page_cache(session), no_cyclic_gc():
        return _receive_many(session, items, schedule=schedule, batch_id=batch_id, now=now,
                             actor=actor, make_input=make_input, progress=progress,
                             facts=facts)


def prepare_facts(items: Sequence[Any], make_input: Callable[[Any], RequestInput],
                  schedule: Schedule, now: dt.datetime) -> list[tuple[int, list[tuple]]] | None:
    """Every chunk's facts (the triage of each message among them), worked out before the
    import's write transaction opens, when this process would work them out (under
    PARALLEL_MIN_ROWS rows: the Import page's usual files): on SQLite every writer of the
    process waits for the one holding the transaction. None for bigger files, whose worker
    processes prepare the next chunks while this one writes (the triage then runs outside
    this process, though the transaction is open meanwhile). The batch is not known yet: the
    rows' `import_batch_id` is filled in by `receive_many`."""
    if len(items) >= PARALLEL_MIN_ROWS and (os.cpu_count() or 1) >= 2:
        return None
    return list(facts_in_chunks(items, make_input, schedule, now, None))


@contextmanager
def _large_page_cache(session: Session) -> Iterator[None]:
    """SQLite's default page cache (2 MB) cannot hold the index pages a big import touches:
    inserting 100,000 requests took 25 s re-reading them instead of 3 s. Enlarged for the
    import's transaction only, then restored."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    before = session.execute(text("PRAGMA cache_size")).scalar()
    session.execute(text(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}"))
    try:
        yield
    finally:
        session.execute(text(f"PRAGMA cache_size = {int(before)}"))


def _receive_many(session: Session, items: Sequence[Any], *, schedule: Schedule,
                  batch_id: int | None, now: dt.datetime, actor,
                  make_input: Callable[[Any], RequestInput],
                  progress: Callable[[int, int], None] | None,
                  facts: Sequence[tuple[int, list[tuple]]] | None) -> list[Outcome]:
    total = len(items)
    receiver = FastReceiver(session, schedule, batch_id=batch_id, now=now, actor=actor,
                            input_of=lambda i: make_input(items[i]))
    receiver.preload_content()
    outcomes: list[Outcome] = []
    chunks = facts if facts is not None else facts_in_chunks(items, make_input, schedule, now,
                                                             batch_id)
    for start, packed in chunks:
        chunk = [RowFacts._make(t) for t in packed]
        if facts is not None:  # worked out before the batch existed
            for f in chunk:
                if f.values is not None:
                    f.values["import_batch_id"] = batch_id
        # Keys and contacts this file already brought are answered from memory (the
        # database holds them only because earlier chunks were written); ask for the rest.
        receiver.preload([f.key for f in chunk if f.key not in receiver.keys],
                         {f.email for f in chunk if f.email and f.email not in receiver.by_email},
                         {f.phone for f in chunk if f.phone and f.phone not in receiver.by_phone})
        for offset, facts in enumerate(chunk, start=start):
            outcomes.append(receiver.receive(offset, facts))
        receiver.write_pending()
        if progress:
            progress(start + len(chunk), total)
    return outcomes
