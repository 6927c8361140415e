"""Duplicates (DESIGN.md): the same person, the same treatments, within 24 hours, while the
earlier request is still open. The submission is kept, attached to the earlier request, its text
appended and assessed again; it is not a new inquiry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import IntakeKey, Request, Submission
from zoelife.intake import matching
from zoelife.intake.assessment import (
    assess_ahead,
    evidence_json,
    raise_crisis_from_text,
    request_text,
)
from zoelife.intake.inputs import (
    Outcome,
    RequestInput,
    check_input,
    input_key,
    input_names,
    ledger_entry,
)
from zoelife.intake.normalize import normalize_email, normalize_phone, search_text
from zoelife.triage import Assessment
from zoelife.vocabulary import CHANNELS

DUPLICATE_WINDOW = dt.timedelta(hours=24)
APPENDED_TEXT_MARKER = "\n\n--- later submission, {when} ---\n"


def open_duplicate_target(session: Session, person_id: int, treatments: frozenset[str],
                          received_at: dt.datetime) -> Request | None:
    candidates = session.execute(
        select(Request).where(
            Request.person_id == person_id,
            Request.is_open.is_(True),
            Request.received_at >= received_at - DUPLICATE_WINDOW,
            Request.received_at <= received_at,
        ).order_by(Request.received_at.desc())
    ).scalars().all()
    for candidate in candidates:
        if candidate.treatment_set == set(treatments):
            return candidate
    return None


def attach_duplicate(session, target: Request, inp, source, external_id, assessment,
                     schedule, *, actor, batch_id, now, first, last, email, phone,
                     received_at, existing, audit_each, warnings, digest=None) -> Outcome:
    submission = Submission(
        request_id=target.id, source=source, external_id=external_id,
        channel=inp.channel if inp.channel in CHANNELS else "other", received_at=received_at,
        first_name=first, last_name=last, email=email, phone=phone, message=inp.message,
        treatments=sorted(assessment.treatments),
        fields={k: v for k, v in (inp.raw or {}).items()} | {"extra": inp.extra},
        crisis_level=assessment.crisis, crisis_evidence=evidence_json(assessment),
        import_batch_id=batch_id, created_at=now,
    )
    session.add(submission)
    session.flush()
    if inp.message and inp.message.strip():
        target.message = appended_message(target.message, inp.message, received_at)
        target.search_text = search_text(target.first_name, target.last_name, target.email,
                                         target.phone, target.message)
    raise_crisis_from_text(session, target, schedule, now=now, also=assessment)
    target.updated_at = now
    if existing is not None:
        existing.kind = "submission"
        existing.submission_id = submission.id
        existing.request_id = target.id
        existing.content_digest = digest
    else:
        session.add(IntakeKey(source=source, external_id=external_id, kind="submission",
                              request_id=target.id, submission_id=submission.id,
                              first_seen_at=now, content_digest=digest))
    session.flush()
    if audit_each:
        audit.record(session, actor, "request.duplicate_attached", "request", target.id,
                     {"crisis_level": target.crisis_level, "source": source})
    return Outcome("duplicate", request_id=target.id, submission_id=submission.id,
                   crisis=assessment.crisis, warnings=warnings, external_id=inp.external_id or "")


def appended_message(message: str | None, new: str, received_at: dt.datetime) -> str:
    when = received_at.strftime("%Y-%m-%d %H:%M UTC")
    return (message or "") + APPENDED_TEXT_MARKER.format(when=when) + new


def preassess_duplicate(session: Session, inp: RequestInput, assessment: Assessment, *,
                        now: dt.datetime) -> bool:
    """In a read session, before `receive` opens its write transaction: when `inp` would be
    attached to an open request as a duplicate, assess that request's whole text with `inp`'s
    message appended now, as `raise_crisis_from_text` will inside the transaction (a request's
    text grows with every duplicate: the 30th of 10,000 characters is 300,000 characters,
    1.4 s of triage while every other writer of the process waits). True when it did."""
    source, external_id = input_key(inp)
    if ledger_entry(session, source, external_id) is not None:
        return False  # already received, a conflict or a fixed row: not a plain duplicate
    phone = normalize_phone(inp.phone)
    email = normalize_email(inp.email)
    reasons, _, received_at = check_input(inp, phone, email, now=now)
    if reasons:
        return False
    first, last = input_names(inp)
    match = matching.find_person(session, email=email.value, phone=phone.value,
                                 first_name=first, last_name=last,
                                 date_of_birth=inp.date_of_birth)
    if match.person_id is None:
        return False
    target = open_duplicate_target(session, match.person_id, assessment.treatments,
                                   received_at)
    if target is None:
        return False
    message = target.message
    if inp.message and inp.message.strip():
        message = appended_message(message, inp.message, received_at)
    assess_ahead(request_text(message, target.extra))
    return True


def preassess_duplicates(session: Session, inputs: Sequence[RequestInput],
                         assessments: Sequence[Assessment], *, now: dt.datetime) -> list[bool]:
    """`preassess_duplicate` of each input (a webhook's group of deliveries), after one
    look-up of which of their emails and phones any request holds: a person is found by
    those alone (`matching.find_person`), so an input whose email and phone no request holds
    is nobody's duplicate, and its ledger and person are not read again one by one."""
    contacts = [(normalize_email(inp.email).value, normalize_phone(inp.phone).value)
                for inp in inputs]
    held = {column.key: _held(session, column, {pair[n] for pair in contacts} - {None})
            for n, column in enumerate((Request.email, Request.phone))}
    return [preassess_duplicate(session, inp, assessment, now=now)
            if email in held["email"] or phone in held["phone"] else False
            for inp, assessment, (email, phone) in zip(inputs, assessments, contacts,
                                                        strict=True)]


def _held(session: Session, column, values: set[str]) -> set[str]:
    if not values:
        return set()
    return set(session.execute(select(column).where(column.in_(sorted(values)))
                               .distinct()).scalars())
