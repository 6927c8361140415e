"""The match stage: each row of a batch decided in order, as `service.receive` decides it, from
a view of what the database holds for the batch's keys, emails and phones and of the rows
the batch itself decided before it.

Per batch, before deciding, a few bulk queries load (`preload`): the intake keys of the
batch, the requests that hold its emails and phones (the newest `MATCH_SCAN_ROWS` per value)
with their people, and every request of those people. Each row is then matched with
`zoelife.intake.matching.decide`, the one matching rule, over the database's requests and
the batch's own. A row goes through `service.receive` itself (after the rows decided before
it are written) only when the database decides more than the view holds: its key was
received before (a conflict, a quarantined row fixed), or its person has an open request in
the database within the duplicate window (whose treatments and text live there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import (
    ContentItem,
    CrisisChange,
    IntakeKey,
    Person,
    PossibleMatch,
    QuarantinedRow,
    Request,
    Submission,
)
from zoelife.ingest.pipeline import store
from zoelife.ingest.pipeline.facts import REQUEST_DEFAULTS, RowFacts, facts_of_inputs
from zoelife.intake import matching, service
from zoelife.intake.assessment import (
    assess_input,
    crisis_rank,
    evidence_json,
    reassessed_extra_text,
)
from zoelife.intake.duplicates import APPENDED_TEXT_MARKER, DUPLICATE_WINDOW
from zoelife.intake.inputs import (
    Outcome,
    RequestInput,
    content_digest,
    differing_fields,
    input_names,
    quarantine_raw,
)
from zoelife.intake.matching import MATCH_SCAN_ROWS
from zoelife.intake.normalize import search_text
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import request_values
from zoelife.triage import CRISIS_RANK, Assessment, assess, max_level
from zoelife.vocabulary import CHANNELS, SUBMITTERS

IN_CHUNK = 2000  # values per IN (...) list: within SQLite's and PostgreSQL's limits
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")


@dataclass(slots=True)
class Seen:
    """A request as matching sees it. `treatments` and `values` only for the batch's own
    (None: a request the database held before)."""
    person_id: int | None
    received_at: dt.datetime
    is_open: bool
    treatments: frozenset[str] | None = None
    values: dict[str, Any] | None = None


@dataclass(slots=True)
class Someone:
    """A person as matching sees them; `values`: the row to insert, for the batch's own."""
    name_key: str | None
    date_of_birth: dt.date | None
    merged_into_id: int | None = None
    values: dict[str, Any] | None = None


class Content:
    """The content items requests are credited to (`service.attributed_content_id`), read
    once per import; `Content.asked(session)`: looked up per request (a batch of one)."""

    def __init__(self, session: Session) -> None:
        self.session: Session | None = None
        self.by_path: dict[str, int] = {}
        self.by_campaign: dict[str, int] = {}
        query = select(ContentItem.id, ContentItem.url_path,
                       ContentItem.campaign_key).order_by(ContentItem.id)
        for cid, path, campaign in session.execute(query):
            if path:
                self.by_path.setdefault(path, cid)
            if campaign:
                self.by_campaign.setdefault(campaign, cid)

    @classmethod
    def asked(cls, session: Session) -> Content:
        content = cls.__new__(cls)
        content.session = session
        return content

    def credited(self, path: str | None, utm_campaign: str | None) -> int | None:
        """`path`: the landing page's `url_path_key`."""
        if self.session is not None:
            return service.attributed_content_id(self.session, path, utm_campaign)
        if path and path != "/" and path in self.by_path:
            return self.by_path[path]
        if utm_campaign:
            found = self.by_campaign.get(utm_campaign.strip().lower())
            if found:
                return found
        return None


_KEYS = IntakeKey.__table__.c
_KEYS_HELD = select(_KEYS.external_id, _KEYS.kind, _KEYS.request_id, _KEYS.submission_id,
                    _KEYS.content_digest).where(
    _KEYS.source == bindparam("source"),
    _KEYS.external_id.in_(bindparam("ids", expanding=True)))
_R = Request.__table__.c
_P = Person.__table__.c


def _holding(column):
    """The requests holding these values, newest MATCH_SCAN_ROWS per value, with people."""
    ranked = select(_R.id, _R.person_id, _R.received_at, _R.is_open, column.label("value"),
                    func.row_number().over(partition_by=column, order_by=_R.id.desc())
                    .label("n")).where(column.in_(bindparam("values", expanding=True)),
                                       _R.person_id.is_not(None)).subquery()
    return select(ranked.c.id, ranked.c.person_id, ranked.c.received_at, ranked.c.is_open,
                  ranked.c.value).where(ranked.c.n <= MATCH_SCAN_ROWS)


_EMAIL_HOLDERS = _holding(_R.email)
_PHONE_HOLDERS = _holding(_R.phone)
_PEOPLE = select(_P.id, _P.name_key, _P.date_of_birth, _P.merged_into_id).where(
    _P.id.in_(bindparam("ids", expanding=True)))
_PEOPLES_REQUESTS = select(_R.id, _R.person_id, _R.received_at, _R.is_open).where(
    _R.person_id.in_(bindparam("ids", expanding=True)))


def _parts(values: Iterable) -> Iterator[list]:
    values = sorted(values)
    for start in range(0, len(values), IN_CHUNK):
        yield values[start:start + IN_CHUNK]


class BatchMatcher:
    """Matches one batch's rows, in order, in the caller's transaction; `write` stores them."""

    def __init__(self, session: Session, schedule: Schedule, content: Content, *,
                 batch_id: int | None, now: dt.datetime, actor=None,
                 input_of: Callable[[int], RequestInput], audit_each: bool = False,
                 assessments: Sequence[Assessment] | None = None) -> None:
        self.session = session
        self.audit_each = audit_each
        self.assessments = assessments
        self.schedule = schedule
        self.content = content
        # The full input of row i of the batch, rebuilt only for rows that need more than
        # their facts (duplicates, rejects, rows that go through `receive`).
        self.input_of = input_of
        self.batch_id = batch_id
        self.now = now
        self.actor = actor
        self.ids = store.Ids(session)
        self.pending = store.Pending()
        self.requests: dict[int, Seen] = {}
        self.people: dict[int, Someone] = {}
        self.by_email: dict[str, list[int]] = {}  # request ids, oldest first
        self.by_phone: dict[str, list[int]] = {}
        self.person_requests: dict[int, list[int]] = {}
        self.keys: dict[tuple[str, str], dict] = {}  # keys of this batch: {"kind", ids}
        self.db_keys: dict[tuple[str, str], tuple[str, int | None, int | None, str | None]] = {}
        # Of the batch's own rows, those written already, and those changed since.
        self.written_requests: set[int] = set()
        self.written_people: set[int] = set()
        self.changed_requests: set[int] = set()
        self.changed_people: dict[int, dt.date] = {}
        self.through_receive: set[int] = set()  # rows `receive` decided (and audited)

    # -- the database's view ------------------------------------------------------------

    def preload(self, chunk: list[RowFacts]) -> None:
        conn = self.session.connection()
        by_source: dict[str, set[str]] = {}
        for f in chunk:
            by_source.setdefault(f.key[0], set()).add(f.key[1])
        for src, exts in by_source.items():
            for part in _parts(exts):
                for row in conn.execute(_KEYS_HELD, {"source": src, "ids": part}):
                    self.db_keys[(src, row.external_id)] = (row.kind, row.request_id,
                                                            row.submission_id,
                                                            row.content_digest)
        for query, values, index in (
                (_EMAIL_HOLDERS, {f.email for f in chunk if f.email}, self.by_email),
                (_PHONE_HOLDERS, {f.phone for f in chunk if f.phone}, self.by_phone)):
            for part in _parts(values):
                for row in conn.execute(query, {"values": part}):
                    self.requests.setdefault(row.id, Seen(row.person_id, row.received_at,
                                                          row.is_open))
                    index.setdefault(row.value, []).append(row.id)
        for ids in self.by_email.values():
            ids.sort()
        for ids in self.by_phone.values():
            ids.sort()
        self._load_people({seen.person_id for seen in self.requests.values()})
        survivors = {self.survivor(pid) for pid in list(self.people)}
        self._load_people(survivors)
        for part in _parts(survivors):
            for row in conn.execute(_PEOPLES_REQUESTS, {"ids": part}):
                self.requests.setdefault(row.id, Seen(row.person_id, row.received_at,
                                                      row.is_open))
        for rid, seen in sorted(self.requests.items()):
            self.person_requests.setdefault(seen.person_id, []).append(rid)

    def _load_people(self, ids: set[int]) -> None:
        conn = self.session.connection()
        for part in _parts(ids - self.people.keys()):
            for row in conn.execute(_PEOPLE, {"ids": part}):
                self.people[row.id] = Someone(row.name_key, row.date_of_birth,
                                              row.merged_into_id)

    def survivor(self, person_id: int) -> int:
        """Who a person linked into another (`merged_into_id`) now is."""
        someone = self.people.get(person_id)
        if someone is not None and someone.merged_into_id is None:
            return person_id
        return matching.survivor(self.session, person_id)

    def _candidates(self, index: dict[str, list[int]], value: str) -> Iterator[tuple]:
        for rid in reversed(index.get(value, ())):
            pid = self.requests[rid].person_id
            someone = self.people[pid]
            yield pid, someone.name_key, someone.date_of_birth

    # -- deciding -----------------------------------------------------------------------

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
                return self._fallback(index, key, facts.crisis)
            return Outcome("already_imported", request_id=known.get("request_id"),
                           submission_id=known.get("submission_id"), crisis=facts.crisis,
                           **base)
        if known is not None:  # a quarantined row, imported again
            return self._fallback(index, key, facts.crisis)
        if facts.reasons:
            return self._quarantine(index, facts)
        values, received_at = facts.values, facts.received_at
        candidates = [(reason, self._candidates(idx, value)) for idx, value, reason in (
            (self.by_email, facts.email, "same_email"),
            (self.by_phone, facts.phone, "same_phone")) if value]
        match = matching.decide(candidates, key=facts.name_key,
                                date_of_birth=facts.date_of_birth, survivor=self.survivor)
        person_id = match.person_id
        if person_id is not None:
            if self._held_open_in_window(person_id, received_at):
                return self._fallback(index, key, facts.crisis)
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
            self.people[person_id] = Someone(facts.name_key, facts.date_of_birth, None, person)
            for other, reason in match.possible_matches:
                if other == person_id:
                    continue
                self.pending.matches.append({
                    "id": self.ids.take(PossibleMatch), "person_id": person_id,
                    "other_person_id": other, "reason": reason, "status": "open",
                    "created_at": self.now, "resolved_at": None, "resolved_by": None})
                added += 1
        elif facts.date_of_birth:
            self._give_birth_date(person_id, facts.date_of_birth)
        repeat_of = self._latest_request(person_id, received_at)
        values = dict(values)
        values["person_id"] = person_id
        values["repeat_of_id"] = repeat_of
        values["import_batch_id"] = self.batch_id
        values["attributed_content_id"] = self.content.credited(facts.path_key,
                                                                values["utm_campaign"])
        rid = self._add_request(values, facts.treatments, facts.crisis)
        self._add_key(key, "request", request_id=rid, digest=facts.digest)
        return Outcome("created", request_id=rid, crisis=facts.crisis,
                       warnings=facts.warnings, repeat_of_id=repeat_of, possible_matches=added,
                       **base)

    def _give_birth_date(self, person_id: int, born: dt.date) -> None:
        """`receive`: a matched person without a birth date gets the row's."""
        someone = self.people.get(person_id)
        if someone is None:
            self._load_people({person_id})
            someone = self.people.get(person_id)
        if someone is None or someone.date_of_birth is not None:
            return
        someone.date_of_birth = born
        if someone.values is not None and person_id not in self.written_people:
            someone.values["date_of_birth"] = born
        else:
            self.changed_people[person_id] = born

    def _held_open_in_window(self, person_id: int, received_at: dt.datetime) -> bool:
        for rid in self.person_requests.get(person_id, ()):
            seen = self.requests[rid]
            if seen.treatments is None and seen.is_open and \
                    received_at - DUPLICATE_WINDOW <= seen.received_at <= received_at:
                return True
        return False

    def _duplicate_target(self, person_id, treatments, received_at) -> int | None:
        candidates = [
            rid for rid in self.person_requests.get(person_id, ())
            if self.requests[rid].treatments is not None and self.requests[rid].is_open
            and received_at - DUPLICATE_WINDOW <= self.requests[rid].received_at <= received_at
        ]
        candidates.sort(key=lambda r: self.requests[r].received_at, reverse=True)
        for rid in candidates:
            if self.requests[rid].treatments == set(treatments):
                return rid
        return None

    def _latest_request(self, person_id, received_at) -> int | None:
        best = None
        for rid in self.person_requests.get(person_id, ()):
            when = self.requests[rid].received_at
            if when <= received_at and (best is None or (when, rid) > best):
                best = (when, rid)
        return best[1] if best else None

    def _add_request(self, values: dict[str, Any], treatments: frozenset[str],
                     crisis: str) -> int:
        rid = self.ids.take(Request)
        values["id"] = rid
        self.pending.requests.append(values)
        self._see(rid, Seen(values["person_id"], values["received_at"], True,
                            frozenset(treatments), values), values["email"], values["phone"])
        for t in sorted(treatments):
            self.pending.treatments.append({"request_id": rid, "treatment": t, "origin": "form",
                                            "received_local_date": values["received_local_date"]})
        self.pending.crisis.append(self._crisis_change(rid, None, crisis, None))
        return rid

    def _see(self, rid: int, seen: Seen, email: str | None, phone: str | None) -> None:
        self.requests[rid] = seen
        if seen.person_id is not None:
            self.person_requests.setdefault(seen.person_id, []).append(rid)
            if email:
                self.by_email.setdefault(email, []).append(rid)
            if phone:
                self.by_phone.setdefault(phone, []).append(rid)

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
        """`service.raise_crisis_from_text` on a request of this batch (never contacted, never
        acknowledged); `also` is the new submission's own level (its overflow included)."""
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

    def _quarantine(self, index: int, facts: RowFacts) -> Outcome:
        inp = self.input_of(index)
        key, reasons = facts.key, facts.reasons
        assessment = self.assessments[index] if self.assessments else assess_input(inp)
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
            values = REQUEST_DEFAULTS | request_values(
                inp, key[0], key[1], assessment, self.schedule, now=self.now, first=first,
                last=last, email=None, phone=None, received_at=facts.received_at or self.now,
                person_id=None, channel=inp.channel if inp.channel in CHANNELS else "other",
                submitter=inp.submitter if inp.submitter in SUBMITTERS else "other",
                batch_id=self.batch_id, repeat_of=None, fields=dict.fromkeys(UTM_FIELDS),
                usable=False, attributed=self.content.credited(facts.path_key, None))
            values["extra"] = dict(inp.extra) | {"_quarantine_reason": reason,
                                                 "_as_received": raw}
            request_id = self._add_request(values, assessment.treatments, assessment.crisis)
            row["request_id"] = request_id
        self._add_key(key, "quarantine", quarantined_row_id=qid, request_id=request_id,
                      digest=facts.digest)
        return Outcome("rejected", quarantined_row_id=qid, request_id=request_id,
                       crisis=assessment.crisis, reasons=reasons,
                       external_id=facts.external_id)

    # -- through `receive` --------------------------------------------------------------

    def _fallback(self, index: int, key: tuple[str, str], crisis: str) -> Outcome:
        inp = self.input_of(index)
        self.write()
        self.ids.reset()  # `receive` takes ids through the ORM
        out = service.receive(self.session, inp, schedule=self.schedule, actor=self.actor,
                              batch_id=self.batch_id, audit_each=self.audit_each, now=self.now,
                              assessment=self.assessments[index] if self.assessments else None)
        self.through_receive.add(index)
        self.session.flush()
        if out.request_id is not None and out.kind in ("created", "rejected"):
            self._adopt(out.request_id)
        elif out.kind == "duplicate" and out.request_id in self.requests:
            # `receive` added to it: from now on the database's version is the one to read.
            seen = self.requests[out.request_id]
            seen.treatments = seen.values = None
        kind = {"created": "request", "duplicate": "submission",
                "rejected": "quarantine"}.get(out.kind)
        if kind and not out.review_reason:  # a conflict leaves the first key as it was
            self.db_keys[key] = (kind, out.request_id, out.submission_id, content_digest(inp))
            self.keys.pop(key, None)
        if out.kind == "already_imported":
            out.crisis = crisis
        return out

    def _adopt(self, request_id: int) -> None:
        """A request `receive` stored (or completed) joins the view, as the database's."""
        row = self.session.execute(select(_R.id, _R.person_id, _R.received_at, _R.is_open,
                                          _R.email, _R.phone).where(_R.id == request_id)).one()
        if row.person_id is None:
            return
        self.people.pop(row.person_id, None)
        self._load_people({row.person_id})
        old = self.requests.pop(request_id, None)
        if old is not None:  # a placeholder completed: seen again with its contacts
            for ids in (self.person_requests.get(old.person_id, []), *self.by_email.values(),
                        *self.by_phone.values()):
                if request_id in ids:
                    ids.remove(request_id)
        self._see(request_id, Seen(row.person_id, row.received_at, row.is_open), row.email,
                  row.phone)

    # -- the store stage ----------------------------------------------------------------

    def write(self) -> None:
        """Store the rows decided so far (`store.write`). The batch's requests stay in the
        view: a later row may still add text to them (then updated)."""
        store.write(self.session, self.pending,
                    [self.requests[rid].values for rid in sorted(self.changed_requests)],
                    sorted(self.changed_people.items()))
        self.written_requests.update(row["id"] for row in self.pending.requests)
        self.written_people.update(row["id"] for row in self.pending.people)
        self.changed_requests.clear()
        self.changed_people.clear()
        self.pending = store.Pending()


def match_batch(session: Session, facts: list[tuple], *, schedule: Schedule, content: Content,
                batch_id: int | None, now: dt.datetime, actor,
                input_of: Callable[[int], RequestInput], audit_each: bool = False,
                assessments: Sequence[Assessment] | None = None) -> list[Outcome]:
    """Match and store one batch (`facts`: `facts.facts_of_chunk` of its rows, in order) in
    the caller's transaction; the outcome of each row. `audit_each`: an audit event per
    request created, attached or quarantined, as `service.receive` records them."""
    matcher = BatchMatcher(session, schedule, content, batch_id=batch_id, now=now, actor=actor,
                           input_of=input_of, audit_each=audit_each, assessments=assessments)
    chunk = [RowFacts._make(t) for t in facts]
    matcher.preload(chunk)
    outcomes = [matcher.receive(i, f) for i, f in enumerate(chunk)]
    matcher.write()
    if audit_each:
        _audit(session, matcher, chunk, outcomes)
    return outcomes


def _audit(session: Session, matcher: BatchMatcher, chunk: list[RowFacts],
           outcomes: list[Outcome]) -> None:
    actor = matcher.actor or audit.SYSTEM
    for i, (facts, out) in enumerate(zip(chunk, outcomes, strict=True)):
        if i in matcher.through_receive:
            continue  # `receive` recorded its own
        source = facts.key[0]
        if out.kind == "created":
            values = matcher.requests[out.request_id].values
            audit.record(session, actor, "request.create", "request", out.request_id,
                         {"channel": values["channel"], "source": source,
                          "crisis_level": out.crisis, "treatments": sorted(facts.treatments),
                          "repeat_of_id": out.repeat_of_id})
        elif out.kind == "duplicate":
            target = matcher.requests[out.request_id].values
            audit.record(session, actor, "request.duplicate_attached", "request",
                         out.request_id, {"crisis_level": target["crisis_level"],
                                          "source": source})
        elif out.kind == "rejected":
            audit.record(session, actor, "request.quarantine", "quarantined_row",
                         out.quarantined_row_id, {"crisis_level": out.crisis, "source": source})


def receive_batch(session: Session, inputs: Sequence[RequestInput], *, schedule: Schedule,
                  now: dt.datetime, actor=None, facts: list[tuple] | None = None,
                  assessments: Sequence[Assessment] | None = None) -> list[Outcome]:
    """Every way in that is not a file (a webhook delivery, a call entered by hand) hands its
    inputs here: a batch of one through the same normalize, triage, match and store stages
    as an import's chunk, in the caller's transaction, audited per request. `facts` and
    `assessments`: worked out before the transaction (`facts.facts_of_inputs`)."""
    if facts is None:
        facts = facts_of_inputs(inputs, schedule, now, assessments)
    return match_batch(session, facts, schedule=schedule, content=Content.asked(session),
                       batch_id=None, now=now, actor=actor, input_of=inputs.__getitem__,
                       audit_each=True, assessments=assessments)
