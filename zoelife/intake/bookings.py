"""Bookings from a scheduling tool (Calendly) are not new requests.

- A booking (`invitee.created`) schedules the person's open request: the most recent open one
  of the same person (docs/vocabulary.md's matching), moved to `scheduled` with the appointment's time
  and kind. Its answers are attached as a submission (assessed: words of crisis still raise
  the request's level). Without an open request, the booking opens one, already scheduled.
- A booked first treatment meets the coverage gates without an override: kept, counted, and
  flagged for staff when not ready (`zoelife.coverage.records.booked`).
- A cancellation (`invitee.canceled`) puts the request its booking scheduled back on the
  worklist (`scheduled` -> `in_progress`, with the reason), and takes its flag with it.
Each is recorded in the intake ledger under the invitee's id, so a re-sent booking or
cancellation changes nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.coverage.records import booked as booked_gates
from zoelife.db.models import IntakeKey, Request
from zoelife.ingest.connectors import CANCELLATION, Submission
from zoelife.intake import lifecycle, matching
from zoelife.intake.duplicates import attach_duplicate
from zoelife.intake.inputs import (
    Outcome,
    RequestInput,
    check_input,
    content_digest,
    input_key,
    input_names,
)
from zoelife.intake.normalize import normalize_email, normalize_phone, parse_datetime
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import receive
from zoelife.triage import Assessment

CANCELED_SUFFIX = "#canceled"
DEFAULT_KIND = "booked online"


def _appointment(sub: Submission) -> tuple[dt.datetime | None, str]:
    booking = sub.booking or {}
    start = parse_datetime(booking.get("start_time"), dt.UTC) if booking.get("start_time") \
        else None
    return start, str(booking.get("name") or DEFAULT_KIND)[:80]


def _schedule(session: Session, request: Request, sub: Submission, *, actor: audit.Actor,
              now: dt.datetime) -> None:
    start, kind = _appointment(sub)
    if start is None or "scheduled" not in lifecycle.allowed_moves(request.status):
        return
    lifecycle.change_status(session, request.id, actor=actor, seen_version=request.version,
                            to_status="scheduled", appointment_at=start,
                            appointment_kind=kind, reason=f"booked in {sub.tool}", now=now)
    # The gates of a first treatment, without the override a webhook cannot ask for: the
    # booking is kept and, when not ready, flagged for staff (docs/coverage.md).
    booked_gates.gate_booking(session, request.id, kind=kind, at=start, tool=sub.tool, actor=actor,
                        now=now)


def _person_open_request(session: Session, inp: RequestInput) -> Request | None:
    first, last = input_names(inp)
    match = matching.find_person(session, email=normalize_email(inp.email).value,
                                 phone=normalize_phone(inp.phone).value, first_name=first,
                                 last_name=last, date_of_birth=inp.date_of_birth)
    if match.person_id is None:
        return None
    return session.execute(
        select(Request).where(Request.person_id == match.person_id, Request.is_open.is_(True))
        .order_by(Request.received_at.desc(), Request.id.desc()).limit(1)).scalar()


def apply(session: Session, inp: RequestInput, sub: Submission, *, schedule: Schedule,
          actor: audit.Actor, now: dt.datetime, assessment: Assessment) -> Outcome:
    source, external_id = input_key(inp)
    if sub.kind == CANCELLATION:
        return _cancel(session, source, external_id, inp, sub, actor=actor, now=now)
    existing = session.get(IntakeKey, (source, external_id))
    if existing is not None:
        return Outcome("already_imported", request_id=existing.request_id,
                       external_id=inp.external_id or "")
    target = _person_open_request(session, inp)
    if target is None:
        out = receive(session, inp, schedule=schedule, actor=actor, now=now,
                      assessment=assessment)
        if out.request_id is not None and out.kind != "rejected":
            _schedule(session, session.get(Request, out.request_id), sub, actor=actor, now=now)
        return out
    phone, email = normalize_phone(inp.phone), normalize_email(inp.email)
    _, warnings, received_at = check_input(inp, phone, email, now=now)
    first, last = input_names(inp)
    out = attach_duplicate(session, target, inp, source, external_id, assessment, schedule,
                           actor=actor, batch_id=None, now=now, first=first, last=last,
                           email=email.value, phone=phone.value,
                           received_at=received_at or now, existing=None, audit_each=True,
                           warnings=warnings, digest=content_digest(inp))
    session.refresh(target)
    _schedule(session, target, sub, actor=actor, now=now)
    return out


def _cancel(session: Session, source: str, external_id: str, inp: RequestInput,
            sub: Submission, *, actor: audit.Actor, now: dt.datetime) -> Outcome:
    key = f"{external_id[:190]}{CANCELED_SUFFIX}"
    if session.get(IntakeKey, (source, key)) is not None:
        return Outcome("already_imported", external_id=inp.external_id or "")
    booked = session.get(IntakeKey, (source, external_id))
    request = session.get(Request, booked.request_id) if booked and booked.request_id else None
    if request is None:
        request = _person_open_request(session, inp)
    if request is not None and request.status == "scheduled":
        lifecycle.change_status(session, request.id, actor=actor, seen_version=request.version,
                                to_status="in_progress",
                                reason=f"the booking was canceled in {sub.tool}", now=now)
        booked_gates.booking_canceled(session, request.id, actor=actor, tool=sub.tool,
                                      now=now)
    session.add(IntakeKey(source=source, external_id=key, kind="submission",
                          request_id=request.id if request is not None else None,
                          first_seen_at=now, content_digest=content_digest(inp)))
    session.flush()
    return Outcome("duplicate", request_id=request.id if request is not None else None,
                   external_id=inp.external_id or "")
