"""The set-based import path: the same database content as calling `service.receive` row by
row, at a fraction of the cost.

How:
1. Normalization and assessment (phonenumbers, email-validator, triage: CPU-bound) run first,
   over chunks in two worker processes for big files.
2. The intake keys of the file, and which of its emails and phones already occur in the
   database, are read with a few bulk queries.
3. Rows are decided in file order in memory: intra-file duplicates, repeats, person matches
   and possible matches, exactly as `receive` decides them. Ids are allocated in the same order.
4. Everything is written with bulk INSERTs.

A row whose outcome depends on rows already in the database (its email or phone is there, or its
key was quarantined before) goes through `receive` itself, after the pending rows are written;
the rows it may affect then follow it through `receive` as well. `receive` stays the reference:
tests compare both paths on the same tricky file.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, text
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
from zoelife.intake import service
from zoelife.intake.normalize import name_key, normalize_email, normalize_phone, search_text
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import (
    APPENDED_TEXT_MARKER,
    DUPLICATE_WINDOW,
    Outcome,
    RequestInput,
    assess_input,
    check_input,
    crisis_rank,
    evidence_json,
    input_key,
    input_names,
    quarantine_raw,
    request_values,
    utm_fields,
)
from zoelife.triage import CRISIS_RANK, assess, max_level
from zoelife.vocabulary import CHANNELS, SUBMITTERS

PARALLEL_MIN_ROWS = 5000
WORKERS = 2
CHUNK = 2000
IN_CHUNK = 500  # values per IN (...) list


# --------------------------------------------------------------------------- step 1: CPU


def _prepare_one(inp: RequestInput):
    phone, email = normalize_phone(inp.phone), normalize_email(inp.email)
    first, last = input_names(inp)
    # The search text of the request this row would become (folding is slow: do it here).
    search = search_text(first, last, email.value, phone.value, inp.message)
    return (assess_input(inp), phone, email, (first, last), search)


def _prepare_chunk(inputs: Sequence[RequestInput]) -> list:
    return [_prepare_one(i) for i in inputs]


def prepared_chunks(inputs: Sequence[RequestInput]) -> Iterator[tuple[int, list]]:
    """(offset, prepared rows) per chunk, in order, as soon as each chunk is ready: the caller
    decides one chunk while the workers prepare the next ones."""
    total = len(inputs)
    if total < PARALLEL_MIN_ROWS or (os.cpu_count() or 1) < 2:
        for start in range(0, total, CHUNK):
            yield start, _prepare_chunk(inputs[start:start + CHUNK])
        return
    # Forking a threaded process (the streamlit server) is not safe: use a fork server there.
    ctx = multiprocessing.get_context("fork" if threading.active_count() == 1 else "forkserver")
    starts = list(range(0, total, CHUNK))
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=ctx) as pool:
        results = pool.map(_prepare_chunk, [inputs[s:s + CHUNK] for s in starts])
        yield from zip(starts, results, strict=True)


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

    def __bool__(self) -> bool:
        return bool(self.people or self.requests or self.quarantined or self.keys
                    or self.submissions)


class FastReceiver:
    def __init__(self, session: Session, schedule: Schedule, *, batch_id: int | None,
                 now: dt.datetime, actor=None) -> None:
        self.session = session
        self.schedule = schedule
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
        # Values present in the database: rows touching them go through `receive`.
        self.db_emails: set[str] = set()
        self.db_phones: set[str] = set()
        self.db_keys: dict[tuple[str, str], tuple[str, int | None, int | None]] = {}
        self.path_content: dict[str, int] = {}
        self.campaign_content: dict[str, int] = {}

    # -- preload ----------------------------------------------------------------------

    def preload(self, keys: list[tuple[str, str]], emails: set[str], phones: set[str]) -> None:
        """What the database already holds of these keys, emails and phones (called per chunk,
        before the chunk is decided)."""
        s = self.session
        by_source: dict[str, list[str]] = {}
        for src, ext in keys:
            by_source.setdefault(src, []).append(ext)
        for src, exts in by_source.items():
            for part in _chunks(sorted(set(exts))):
                for row in s.execute(select(IntakeKey.external_id, IntakeKey.kind,
                                            IntakeKey.request_id, IntakeKey.submission_id)
                                     .where(IntakeKey.source == src,
                                            IntakeKey.external_id.in_(part))):
                    self.db_keys[(src, row.external_id)] = (row.kind, row.request_id,
                                                            row.submission_id)
        for part in _chunks(sorted(emails)):
            self.db_emails.update(s.execute(select(Request.email).where(
                Request.email.in_(part)).distinct()).scalars())
        for part in _chunks(sorted(phones)):
            self.db_phones.update(s.execute(select(Request.phone).where(
                Request.phone.in_(part)).distinct()).scalars())

    def preload_content(self) -> None:
        query = select(ContentItem.id, ContentItem.url_path,
                       ContentItem.campaign_key).order_by(ContentItem.id)
        for cid, path, campaign in self.session.execute(query):
            if path:
                self.path_content.setdefault(path, cid)
            if campaign:
                self.campaign_content.setdefault(campaign, cid)

    def attributed(self, landing_page: str | None, utm_campaign: str | None) -> int | None:
        path = service.url_path_key(landing_page)
        if path and path != "/" and path in self.path_content:
            return self.path_content[path]
        if utm_campaign:
            found = self.campaign_content.get(utm_campaign.strip().lower())
            if found:
                return found
        return None

    # -- writing ----------------------------------------------------------------------

    def flush(self) -> None:
        """Write everything pending; from then on the database holds this file's rows."""
        p = self.pending
        s = self.session
        for model, rows in ((Person, p.people), (Request, p.requests),
                            (RequestTreatment, p.treatments), (CrisisChange, p.crisis),
                            (Submission, p.submissions), (QuarantinedRow, p.quarantined),
                            (IntakeKey, p.keys), (PossibleMatch, p.matches)):
            for start in range(0, len(rows), 5000):
                # Core executemany: one statement per table and chunk, types still applied.
                s.execute(insert(model.__table__), rows[start:start + 5000])
        for mem in self.requests.values():
            for contact in (mem.values["email"], mem.values["phone"]):
                if contact:
                    (self.db_emails if "@" in contact else self.db_phones).add(contact)
        self.pending = Pending()
        self.people.clear()
        self.by_email.clear()
        self.by_phone.clear()
        self.requests.clear()
        self.person_requests.clear()
        for key, info in self.keys.items():
            self.db_keys[key] = (info["kind"], info.get("request_id"), info.get("submission_id"))
        self.keys.clear()

    # -- deciding ---------------------------------------------------------------------

    def receive(self, inp: RequestInput, prepared) -> Outcome:
        assessment, phone, email, names, search = prepared
        key = input_key(inp)
        base = {"external_id": inp.external_id or ""}
        known = self.keys.get(key)
        if known is None and key in self.db_keys:
            kind, rid, sid = self.db_keys[key]
            known = {"kind": kind, "request_id": rid, "submission_id": sid}
        if known is not None and known["kind"] in ("request", "submission"):
            return Outcome("already_imported", request_id=known.get("request_id"),
                           submission_id=known.get("submission_id"), crisis=assessment.crisis,
                           **base)
        reasons, warnings, received_at = check_input(inp, phone, email)
        touches_db = (email.value in self.db_emails) or (phone.value in self.db_phones)
        if known is not None or (not reasons and touches_db):
            return self._fallback(inp, assessment)
        first, last = names
        if reasons:
            return self._quarantine(inp, key, reasons, assessment, first, last, received_at)
        fields = utm_fields(inp)
        channel = inp.channel if inp.channel in CHANNELS else "other"
        submitter = inp.submitter if inp.submitter in SUBMITTERS else "other"
        person_id, possible = self._find_person(email.value, phone.value, first, last,
                                                inp.date_of_birth)
        if person_id is not None:
            target = self._duplicate_target(person_id, assessment.treatments, received_at)
            if target is not None:
                return self._attach(target, inp, key, assessment, first, last, email.value,
                                    phone.value, received_at, warnings)
        added = 0
        if person_id is None:
            person_id = self.ids.take(Person)
            person = {"id": person_id, "first_name": first, "last_name": last,
                      "name_key": name_key(first, last), "date_of_birth": inp.date_of_birth,
                      "created_at": self.now, "merged_into_id": None}
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
        elif inp.date_of_birth and self.people[person_id]["date_of_birth"] is None:
            self.people[person_id]["date_of_birth"] = inp.date_of_birth
        repeat_of = self._latest_request(person_id, received_at)
        rid = self._new_request(inp, key, assessment, first=first, last=last,
                                email=email.value, phone=phone.value, received_at=received_at,
                                person_id=person_id, channel=channel, submitter=submitter,
                                repeat_of=repeat_of, fields=fields, usable=True, search=search)
        self._add_key(key, "request", request_id=rid)
        return Outcome("created", request_id=rid, crisis=assessment.crisis, warnings=warnings,
                       repeat_of_id=repeat_of, possible_matches=added, **base)

    def _fallback(self, inp: RequestInput, assessment) -> Outcome:
        if self.pending:
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
        key = input_key(inp)
        kind = {"created": "request", "duplicate": "submission",
                "rejected": "quarantine"}.get(out.kind)
        if kind:
            self.db_keys[key] = (kind, out.request_id, out.submission_id)
        if out.kind == "already_imported":
            out.crisis = assessment.crisis
        return out

    def _find_person(self, email, phone, first, last, dob) -> tuple[int | None, list]:
        key = name_key(first, last)
        possible: dict[int, str] = {}
        for value, index, reason in ((email, self.by_email, "same_email"),
                                     (phone, self.by_phone, "same_phone")):
            if not value:
                continue
            seen: set[int] = set()
            for rid in index.get(value, ()):
                pid = self.requests[rid].values["person_id"]
                if pid in seen:
                    continue
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

    def _new_request(self, inp, key, assessment, *, first, last, email, phone, received_at,
                     person_id, channel, submitter, repeat_of, fields, usable,
                     search=None) -> int:
        values = request_values(
            inp, key[0], key[1], assessment, self.schedule, now=self.now, first=first,
            last=last, email=email, phone=phone, received_at=received_at, person_id=person_id,
            channel=channel, submitter=submitter, batch_id=self.batch_id, repeat_of=repeat_of,
            fields=fields, usable=usable, search=search,
            attributed=self.attributed(inp.landing_page, fields["utm_campaign"]))
        rid = self.ids.take(Request)
        row = _request_row(values) | {"id": rid}
        self.pending.requests.append(row)
        mem = MemRequest(row, frozenset(assessment.treatments))
        self.requests[rid] = mem
        if person_id is not None:
            self.person_requests.setdefault(person_id, []).append(rid)
        if email:
            self.by_email.setdefault(email, []).append(rid)
        if phone:
            self.by_phone.setdefault(phone, []).append(rid)
        for t in sorted(assessment.treatments):
            self.pending.treatments.append({"request_id": rid, "treatment": t, "origin": "form",
                                            "received_local_date": row["received_local_date"]})
        self.pending.crisis.append(self._crisis_change(rid, None, assessment.crisis, None))
        return rid

    def _crisis_change(self, rid, old, new, reason) -> dict:
        return {"id": self.ids.take(CrisisChange), "request_id": rid, "kind": "assessed",
                "from_level": old, "to_level": new, "reason": reason, "changed_at": self.now,
                "changed_by": None}

    def _add_key(self, key, kind, *, request_id=None, submission_id=None,
                 quarantined_row_id=None) -> None:
        row = {"source": key[0], "external_id": key[1], "kind": kind, "request_id": request_id,
               "submission_id": submission_id, "quarantined_row_id": quarantined_row_id,
               "first_seen_at": self.now}
        self.pending.keys.append(row)
        self.keys[key] = row

    def _attach(self, target_id, inp, key, assessment, first, last, email, phone,
                received_at, warnings) -> Outcome:
        sid = self.ids.take(Submission)
        self.pending.submissions.append({
            "id": sid, "request_id": target_id, "source": key[0], "external_id": key[1],
            "channel": inp.channel if inp.channel in CHANNELS else "other",
            "received_at": received_at, "first_name": first, "last_name": last,
            "email": email, "phone": phone, "message": inp.message,
            "treatments": sorted(assessment.treatments),
            "fields": {k: v for k, v in (inp.raw or {}).items()} | {"extra": inp.extra},
            "crisis_level": assessment.crisis, "crisis_evidence": evidence_json(assessment),
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
        self._raise_crisis(target)
        target["updated_at"] = self.now
        self._add_key(key, "submission", request_id=target_id, submission_id=sid)
        return Outcome("duplicate", request_id=target_id, submission_id=sid,
                       crisis=assessment.crisis, warnings=warnings,
                       external_id=inp.external_id or "")

    def _raise_crisis(self, target: dict) -> None:
        """`service.raise_crisis_from_text` on a request not written yet."""
        extra_text = "\n".join(f"{k}: {v}" for k, v in (target["extra"] or {}).items()
                               if isinstance(v, str))
        result = assess((target["message"] or "") + "\n" + extra_text)
        new_level = max_level(target["crisis_level"], result.crisis)
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
        target["crisis_rank"] = crisis_rank(new_level, False)
        target["version"] += 1
        self.pending.crisis.append(self._crisis_change(target["id"], old, new_level,
                                                       "new text arrived"))

    def _quarantine(self, inp, key, reasons, assessment, first, last, received_at) -> Outcome:
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
            request_id = self._new_request(
                inp, key, assessment, first=first, last=last, email=None, phone=None,
                received_at=received_at or self.now, person_id=None,
                channel=inp.channel if inp.channel in CHANNELS else "other",
                submitter=inp.submitter if inp.submitter in SUBMITTERS else "other",
                repeat_of=None,
                fields={"utm_source": None, "utm_medium": None, "utm_campaign": None,
                        "utm_content": None, "utm_term": None},
                usable=False)
            self.requests[request_id].values["extra"] = dict(inp.extra) | {
                "_quarantine_reason": reason, "_as_received": raw}
            row["request_id"] = request_id
        self._add_key(key, "quarantine", quarantined_row_id=qid, request_id=request_id)
        return Outcome("rejected", quarantined_row_id=qid, request_id=request_id,
                       crisis=assessment.crisis, reasons=reasons,
                       external_id=inp.external_id or "")


_REQUEST_DEFAULTS = {
    "utm_content": None, "utm_term": None, "prior_auth_status": None,
    "crisis_acknowledged_at": None, "crisis_acknowledged_by": None, "oncall_notified_at": None,
    "close_reason": None, "closed_at": None, "appointment_at": None, "appointment_kind": None,
    "assignee_id": None, "first_contact_at": None, "reached_at": None, "scheduled_at": None,
    "next_attempt_due_at": None, "last_attempt_at": None, "duplicate_of_id": None,
}


def _request_row(values: dict[str, Any]) -> dict[str, Any]:
    return _REQUEST_DEFAULTS | values


def _chunks(values: list, size: int = IN_CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def receive_many(session: Session, inputs: Sequence[RequestInput], *, schedule: Schedule,
                 batch_id: int | None, now: dt.datetime, actor=None,
                 progress: Callable[[int, int], None] | None = None) -> list[Outcome]:
    """`receive` for every input, in order, in the caller's transaction."""
    total = len(inputs)
    receiver = FastReceiver(session, schedule, batch_id=batch_id, now=now, actor=actor)
    receiver.preload_content()
    outcomes: list[Outcome] = []
    for start, prepared in prepared_chunks(inputs):
        chunk = inputs[start:start + len(prepared)]
        # Keys already known from this file are answered from memory; ask only for the rest.
        keys = [input_key(i) for i in chunk]
        receiver.preload([k for k in keys if k not in receiver.keys],
                         {p[2].value for p in prepared if p[2].value},
                         {p[1].value for p in prepared if p[1].value})
        for inp, prep in zip(chunk, prepared, strict=True):
            outcomes.append(receiver.receive(inp, prep))
        if progress:
            progress(start + len(prepared), total)
    receiver.flush()
    if progress:
        progress(total, total)
    return outcomes
