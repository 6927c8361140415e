"""The match stage: each row of a batch decided in order, as `service.receive` decides it, from
what the match stage sees (`match_view.MatchView`: what the database holds for the batch's
keys, emails and phones, and the rows the batch itself decided before it).

Each row is matched with `zoelife.intake.matching.decide`, the one matching rule, over the
database's requests and the batch's own. A row goes through `service.receive` itself (after
the rows decided before it are written) only when the database decides more than the view
holds: its key was received before (a conflict, a quarantined row fixed), or its person has
an open request in the database within the duplicate window (whose treatments and text live
there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import (
    CrisisChange,
    Person,
    PossibleMatch,
    QuarantinedRow,
    Request,
    Submission,
)
from zoelife.ingest.pipeline import store
from zoelife.ingest.pipeline.credit import Content
from zoelife.ingest.pipeline.facts import REQUEST_DEFAULTS, RowFacts, facts_of_inputs
from zoelife.ingest.pipeline.match_view import MatchView, Seen, Someone
from zoelife.intake import matching, service
from zoelife.intake.assessment import (
    assess_input,
    crisis_rank,
    evidence_json,
    reassessed_extra_text,
)
from zoelife.intake.duplicates import APPENDED_TEXT_MARKER
from zoelife.intake.inputs import (
    Outcome,
    RequestInput,
    content_digest,
    differing_fields,
    input_names,
    quarantine_raw,
)
from zoelife.intake.normalize import search_text
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import request_values
from zoelife.triage import CRISIS_RANK, Assessment, assess, max_level
from zoelife.vocabulary import CHANNELS, SUBMITTERS

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")


class BatchMatcher(MatchView):
    """Matches one batch's rows, in order, in the caller's transaction, over what it sees
    (`MatchView`, which it keeps current); `write` stores them."""

    def __init__(self, session: Session, schedule: Schedule, content: Content, *,
                 batch_id: int | None, now: dt.datetime, actor=None,
                 input_of: Callable[[int], RequestInput], audit_each: bool = False,
                 assessments: Sequence[Assessment] | None = None) -> None:
        super().__init__(session)
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
        self.keys: dict[tuple[str, str], dict] = {}  # keys of this batch: {"kind", ids}
        # Of the batch's own rows, those written already, and those changed since.
        self.written_requests: set[int] = set()
        self.written_people: set[int] = set()
        self.changed_requests: set[int] = set()
        self.changed_people: dict[int, dt.date] = {}
        self.through_receive: set[int] = set()  # rows `receive` decided (and audited)

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
        candidates = [(reason, self.candidates(idx, value)) for idx, value, reason in (
            (self.by_email, facts.email, "same_email"),
            (self.by_phone, facts.phone, "same_phone")) if value]
        match = matching.decide(candidates, key=facts.name_key,
                                date_of_birth=facts.date_of_birth, survivor=self.survivor)
        person_id = match.person_id
        if person_id is not None:
            if self.held_open_in_window(person_id, received_at):
                return self._fallback(index, key, facts.crisis)
            target = self.duplicate_target(person_id, facts.treatments, received_at)
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
        repeat_of = self.latest_request(person_id, received_at)
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
            self.load_people({person_id})
            someone = self.people.get(person_id)
        if someone is None or someone.date_of_birth is not None:
            return
        someone.date_of_birth = born
        if someone.values is not None and person_id not in self.written_people:
            someone.values["date_of_birth"] = born
        else:
            self.changed_people[person_id] = born


    def _add_request(self, values: dict[str, Any], treatments: frozenset[str],
                     crisis: str) -> int:
        rid = self.ids.take(Request)
        values["id"] = rid
        self.pending.requests.append(values)
        self.see(rid, Seen(values["person_id"], values["received_at"], True,
                            frozenset(treatments), values), values["email"], values["phone"])
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
            self.adopt(out.request_id)
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
