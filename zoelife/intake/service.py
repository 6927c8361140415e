"""Receiving one request, whatever way it came in (webhook, file import, manual entry, demo).

`receive` applies DESIGN.md's rules in one place:
- the same `(source, external_id)` is never stored twice (the `intake_keys` ledger);
- a submission without a usable phone or email, or without a readable received time, is
  quarantined with its reason; its text is still assessed and an `urgent` one still reaches the
  queue as a request marked "no usable contact";
- the person is found (or a possible match recorded);
- a **duplicate** (same person, same treatments, within 24 hours, earlier request still open) is
  attached to the earlier request as a submission, its text appended and assessed again;
- otherwise a new request, marked as a **repeat** of the person's most recent earlier one.
Everything happens in the caller's transaction.

The rooms it draws on: `inputs` (what a submission is, its checks and keys), `assessment` (the
crisis reading of new and whole texts), `duplicates` (attaching to an open request) and
`attribution` (the content item credited).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.coverage.reminders import earlier
from zoelife.db.models import (
    CrisisChange,
    IntakeKey,
    Person,
    QuarantinedRow,
    Request,
    RequestTreatment,
)
from zoelife.intake import matching
from zoelife.intake.assessment import assess_input, crisis_rank, evidence_json
from zoelife.intake.attribution import attributed_content_id
from zoelife.intake.duplicates import attach_duplicate, open_duplicate_target
from zoelife.intake.inputs import (
    Outcome,
    RequestInput,
    check_input,
    clip,
    conflict_key,
    content_digest,
    differing_fields,
    input_key,
    input_names,
    ledger_entry,
    quarantine_raw,
    utm_fields,
)
from zoelife.intake.normalize import name_key, normalize_email, normalize_phone, search_text
from zoelife.intake.schedule import Schedule
from zoelife.triage import Assessment, max_level
from zoelife.vocabulary import CHANNELS, SUBMITTERS


def receive(
    session: Session,
    inp: RequestInput,
    *,
    schedule: Schedule,
    actor: audit.Actor | None = None,
    batch_id: int | None = None,
    audit_each: bool = True,
    now: dt.datetime | None = None,
    assessment: Assessment | None = None,
) -> Outcome:
    """`assessment`: `assess_input(inp)` worked out before the write transaction began, so a
    long message is not assessed while every other writer waits (see `receive_one`)."""
    now = now or dt.datetime.now(dt.UTC)
    actor = actor or audit.SYSTEM
    source, external_id = input_key(inp)
    outcome_base = {"external_id": inp.external_id or ""}

    digest = content_digest(inp)
    existing = ledger_entry(session, source, external_id)
    review_reason = None
    if existing is not None and existing.kind in ("request", "submission"):
        differ = differing_fields(existing.content_digest, digest)
        if not differ:
            return Outcome("already_imported", request_id=existing.request_id,
                           submission_id=existing.submission_id, **outcome_base)
        # The same id with different content: a second form entry, an edited one, or someone
        # else's delivery under a taken id. Never dropped: kept for review, and assessed.
        review_reason = (f"id {external_id[:80]!r} was already received from {source} with a "
                         f"different {', '.join(differ)}; kept for review")
        external_id = conflict_key(external_id, digest)
        existing = ledger_entry(session, source, external_id)
        if existing is not None:  # this same conflicting content, sent again
            return Outcome("already_imported", request_id=existing.request_id,
                           quarantined_row_id=existing.quarantined_row_id,
                           review_reason=review_reason, **outcome_base)

    assessment = assessment or assess_input(inp)
    phone = normalize_phone(inp.phone)
    email = normalize_email(inp.email)
    reasons, warnings, received_at = check_input(inp, phone, email, now=now)
    first, last = input_names(inp)

    if reasons or review_reason:
        out = _quarantine(session, inp, source, external_id, [review_reason] * bool(review_reason)
                          + reasons, assessment, schedule, actor=actor, batch_id=batch_id,
                          now=now, first=first, last=last, received_at=received_at,
                          existing=existing, audit_each=audit_each, digest=digest,
                          contact=(email.value, phone.value) if review_reason else None)
        out.review_reason = review_reason
        return out

    fields = utm_fields(inp)
    channel = inp.channel if inp.channel in CHANNELS else "other"
    submitter = inp.submitter if inp.submitter in SUBMITTERS else "other"

    # A fixed row whose urgent text already put a "no usable contact" request in the queue
    # completes that request: staff may already be working it, and a second one would split
    # its story in two.
    placeholder = _placeholder_for(session, existing)
    match = matching.find_person(session, email=email.value, phone=phone.value,
                                 first_name=first, last_name=last,
                                 date_of_birth=inp.date_of_birth,
                                 exclude_request_id=placeholder.id if placeholder else None)

    if match.person_id is not None and placeholder is None:
        dup = open_duplicate_target(session, match.person_id, assessment.treatments,
                                    received_at)
        if dup is not None:
            return attach_duplicate(session, dup, inp, source, external_id, assessment,
                                    schedule, actor=actor, batch_id=batch_id, now=now,
                                    first=first, last=last, email=email.value,
                                    phone=phone.value, received_at=received_at,
                                    existing=existing, audit_each=audit_each,
                                    warnings=warnings, digest=digest)

    if match.person_id is None:
        person = Person(first_name=first, last_name=last, name_key=name_key(first, last),
                        date_of_birth=inp.date_of_birth, created_at=now)
        session.add(person)
        session.flush()
        person_id = person.id
        added = matching.record_possible_matches(session, person_id, match.possible_matches, now)
    else:
        person_id = match.person_id
        added = 0
        if inp.date_of_birth:
            session.execute(update(Person).where(Person.id == person_id,
                                                 Person.date_of_birth.is_(None))
                            .values(date_of_birth=inp.date_of_birth))

    repeat_q = select(Request.id).where(Request.person_id == person_id,
                                        Request.received_at <= received_at)
    if placeholder is not None:
        repeat_q = repeat_q.where(Request.id != placeholder.id)
    repeat_of = session.execute(
        repeat_q.order_by(Request.received_at.desc(), Request.id.desc()).limit(1)
    ).scalar()

    if placeholder is not None:
        request = _complete_placeholder(
            session, placeholder, inp, assessment, schedule, now=now, first=first, last=last,
            email=email.value, phone=phone.value, received_at=received_at,
            person_id=person_id, channel=channel, submitter=submitter, repeat_of=repeat_of,
            fields=fields)
    else:
        request = _new_request(session, inp, source, external_id, assessment, schedule,
                               now=now, first=first, last=last, email=email.value,
                               phone=phone.value, received_at=received_at,
                               person_id=person_id, channel=channel, submitter=submitter,
                               batch_id=batch_id, repeat_of=repeat_of, fields=fields,
                               usable=True)
    if existing is not None:  # a quarantined row imported again once fixed
        existing.kind = "request"
        existing.content_digest = digest
        existing.request_id = request.id
        if existing.quarantined_row_id:
            row = session.get(QuarantinedRow, existing.quarantined_row_id)
            if row is not None:
                row.status = "reimported"
                row.resolved_at = now
    else:
        session.add(IntakeKey(source=source, external_id=external_id, kind="request",
                              request_id=request.id, first_seen_at=now, content_digest=digest))
    session.flush()
    if audit_each:
        audit.record(session, actor, "request.create", "request", request.id,
                     {"channel": channel, "source": source,
                      "crisis_level": assessment.crisis,
                      "treatments": sorted(assessment.treatments),
                      "repeat_of_id": repeat_of})
    return Outcome("created", request_id=request.id, crisis=assessment.crisis,
                   warnings=warnings, repeat_of_id=repeat_of, possible_matches=added,
                   **outcome_base)


def request_values(inp, source, external_id, assessment, schedule, *, now, first, last,
                   email, phone, received_at, person_id, channel, submitter, batch_id,
                   repeat_of, fields, usable, attributed) -> dict[str, Any]:
    """The columns of a new request (shared with the set-based import path)."""
    local_date, hour, weekday = schedule.local_parts(received_at)
    return dict(
        source=source, external_id=external_id, channel=channel, submitter=submitter,
        submitter_name=clip(inp.submitter_name, 200), person_id=person_id,
        received_at=received_at, received_local_date=local_date, received_local_hour=hour,
        received_local_weekday=weekday, first_name=first, last_name=last, email=email,
        phone=phone, date_of_birth=inp.date_of_birth, has_usable_contact=usable,
        message=inp.message, heard_about=clip(inp.heard_about, 200),
        referring_provider=clip(inp.referring_provider, 300),
        landing_page=clip(inp.landing_page, 1000), insurance=clip(inp.insurance, 200),
        sms_consent=inp.sms_consent,
        preferred_contact_time=clip(inp.preferred_contact_time, 200),
        extra=dict(inp.extra),
        search_text=search_text(first, last, email, phone, inp.message),
        crisis_level=assessment.crisis, crisis_source="auto",
        crisis_evidence=evidence_json(assessment),
        crisis_rank=crisis_rank(assessment.crisis, False),
        status="new", is_open=True,
        due_at=(due := schedule.first_contact_due(received_at, assessment.crisis)),
        next_step="first_contact", next_due_at=due,
        repeat_of_id=repeat_of, import_batch_id=batch_id,
        attributed_content_id=attributed,
        treatment_list=";".join(sorted(assessment.treatments)), created_at=now,
        updated_at=now, version=1, attempt_count=0, **fields,
    )


def _new_request(session, inp, source, external_id, assessment, schedule, *, now, first, last,
                 email, phone, received_at, person_id, channel, submitter, batch_id,
                 repeat_of, fields, usable) -> Request:
    values = request_values(
        inp, source, external_id, assessment, schedule, now=now, first=first, last=last,
        email=email, phone=phone, received_at=received_at, person_id=person_id,
        channel=channel, submitter=submitter, batch_id=batch_id, repeat_of=repeat_of,
        fields=fields, usable=usable,
        attributed=attributed_content_id(session, inp.landing_page, fields["utm_campaign"]))
    request = Request(**values)
    session.add(request)
    session.flush()
    for t in sorted(assessment.treatments):
        session.add(RequestTreatment(request_id=request.id, treatment=t, origin="form",
                                     received_local_date=values["received_local_date"]))
    session.add(CrisisChange(request_id=request.id, kind="assessed", from_level=None,
                             to_level=assessment.crisis, changed_at=now))
    session.flush()
    return request


def _placeholder_for(session: Session, existing: IntakeKey | None) -> Request | None:
    if existing is None or existing.kind != "quarantine" or not existing.quarantined_row_id:
        return None
    row = session.get(QuarantinedRow, existing.quarantined_row_id)
    if row is None or row.request_id is None:
        return None
    return session.get(Request, row.request_id)


def _complete_placeholder(session, request: Request, inp, assessment, schedule, *, now, first,
                          last, email, phone, received_at, person_id, channel, submitter,
                          repeat_of, fields) -> Request:
    """Turn an urgent "no usable contact" request into a full one, once its row is fixed.

    The crisis level can only rise (new text), and status, attempts and acknowledgement stay:
    the front desk may already have acted on it."""
    local_date, hour, weekday = schedule.local_parts(received_at)
    request.person_id = person_id
    request.channel, request.submitter = channel, submitter
    request.submitter_name = clip(inp.submitter_name, 200)
    request.received_at = received_at
    request.received_local_date, request.received_local_hour = local_date, hour
    request.received_local_weekday = weekday
    request.first_name, request.last_name = first, last
    request.email, request.phone = email, phone
    request.date_of_birth = inp.date_of_birth
    request.has_usable_contact = True
    request.message = inp.message
    request.heard_about = clip(inp.heard_about, 200)
    request.referring_provider = clip(inp.referring_provider, 300)
    request.landing_page = clip(inp.landing_page, 1000)
    request.insurance = clip(inp.insurance, 200)
    request.sms_consent = inp.sms_consent
    request.preferred_contact_time = clip(inp.preferred_contact_time, 200)
    request.extra = dict(inp.extra)
    request.search_text = search_text(first, last, email, phone, inp.message)
    request.repeat_of_id = repeat_of
    request.attributed_content_id = attributed_content_id(session, inp.landing_page,
                                                          fields["utm_campaign"])
    for key, value in fields.items():
        setattr(request, key, value)
    level = max_level(request.crisis_level, assessment.crisis)
    if level != request.crisis_level:
        session.add(CrisisChange(request_id=request.id, kind="assessed",
                                 from_level=request.crisis_level, to_level=level,
                                 reason="new text arrived", changed_at=now))
        request.crisis_level = level
        request.crisis_evidence = evidence_json(assessment)
        request.crisis_rank = crisis_rank(level, request.crisis_acknowledged_at is not None)
    if request.first_contact_at is None:
        request.due_at = schedule.first_contact_due(received_at, request.crisis_level)
        if request.status == "new":  # or a coverage reminder due earlier
            request.next_due_at = earlier(request.due_at, request.coverage_due_at)
    have = {t.treatment for t in request.treatments}
    for t in request.treatments:
        t.received_local_date = local_date
    for t in sorted(set(assessment.treatments) - have):
        request.treatments.append(RequestTreatment(treatment=t, origin="form",
                                                   received_local_date=local_date))
    request.treatment_list = ";".join(sorted(have | set(assessment.treatments)))
    request.version += 1
    request.updated_at = now
    session.flush()
    return request


def _quarantine(session, inp, source, external_id, reasons, assessment, schedule, *, actor,
                batch_id, now, first, last, received_at, existing, audit_each, digest=None,
                contact: tuple[str | None, str | None] | None = None) -> Outcome:
    """Keep an unusable (or, with `contact`, a conflicting but usable) submission for review;
    an urgent one also becomes a request in the queue, with its contact when it has one."""
    reason = "; ".join(reasons)
    if existing is not None and existing.kind == "quarantine":
        row = session.get(QuarantinedRow, existing.quarantined_row_id)
        if row is not None:
            # Not quarantined twice; the reason and batch follow the latest attempt.
            row.reason = reason
            row.batch_id = batch_id or row.batch_id
            row.row_number = inp.row_number
            return Outcome("rejected", quarantined_row_id=row.id, request_id=row.request_id,
                           crisis=assessment.crisis, reasons=reasons,
                           external_id=inp.external_id or "")
    row = QuarantinedRow(
        batch_id=batch_id, source=source, row_key=external_id, row_number=inp.row_number,
        external_id=inp.external_id, raw=quarantine_raw(inp),
        reason=reason, crisis_level=assessment.crisis,
        crisis_evidence=evidence_json(assessment), status="open", created_at=now,
    )
    session.add(row)
    session.flush()
    request_id = None
    if assessment.crisis == "urgent":
        # An urgent message must reach the queue even when nobody can be called back yet.
        when = received_at or now
        email, phone = contact or (None, None)
        request = _new_request(
            session, inp, source, external_id, assessment, schedule, now=now, first=first,
            last=last, email=email, phone=phone, received_at=when, person_id=None,
            channel=inp.channel if inp.channel in CHANNELS else "other",
            submitter=inp.submitter if inp.submitter in SUBMITTERS else "other",
            batch_id=batch_id, repeat_of=None,
            fields={"utm_source": None, "utm_medium": None, "utm_campaign": None,
                    "utm_content": None, "utm_term": None},
            usable=bool(email or phone),
        )
        request.extra = dict(inp.extra) | {"_quarantine_reason": reason,
                                           "_as_received": row.raw}
        row.request_id = request.id
        request_id = request.id
    session.add(IntakeKey(source=source, external_id=external_id, kind="quarantine",
                          quarantined_row_id=row.id, request_id=request_id, first_seen_at=now,
                          content_digest=digest))
    session.flush()
    if audit_each:
        audit.record(session, actor, "request.quarantine", "quarantined_row", row.id,
                     {"crisis_level": assessment.crisis, "source": source})
    return Outcome("rejected", quarantined_row_id=row.id, request_id=request_id,
                   crisis=assessment.crisis, reasons=reasons, external_id=inp.external_id or "")
