"""A first treatment booked through a scheduling tool (Calendly): the same gates as one staff
schedule, except that a webhook cannot ask for an override (docs/coverage.md, "Bookings and the
gates").

The booking is always kept: the person chose a time and was told it is booked, and refusing
the webhook would only lose it. When the appointment reads as a course's first treatment
(`first_treatment_of_appointment`) it is counted as one, as an overridden staff booking is;
when that course's gate is not open (a Spravato start without REMS enrolment, benefit route,
ride home or monitored slot; a first TMS session without the approval the payer requires), or
when the booking does not say which course it is, the coverage timeline gets
`booking_not_ready` with what is missing, and the front desk's worklist a `coverage_start`
step ("Coverage: booked first treatment not ready") due at once, until the gate opens (the
missing items completed on the Coverage tab), staff accept it with a reason, or the booking is
canceled: each writes `booking_settled`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife import audit, settings
from zoelife.coverage.records.common import GATE_FACTS_CHANGED, CoverageError, clean, event
from zoelife.coverage.records.first_treatment import (
    Gate,
    approved_for,
    first_treatment_of_appointment,
    record_first_treatment,
    spravato_gate,
    tms_gate,
)
from zoelife.coverage.records.insurance import latest_benefits
from zoelife.coverage.reminders import BOOKING_FLAGS
from zoelife.db.models import Authorization, CoverageEvent
from zoelife.intake.next_steps import refresh_coverage
from zoelife.vocabulary import label

NOT_READY = "booking_not_ready"
SETTLED = "booking_settled"
UNCLEAR = "which treatment"  # the flag of a booking whose course could not be told


def _gate(session: Session, request_id: int, course: str, at: dt.datetime) -> Gate:
    if course == "spravato":
        return spravato_gate(session, request_id)
    if course == "tms":
        return tms_gate(session, request_id, at.astimezone(settings.clinic_zone(session)).date())
    return Gate(())


def _ready_now(session: Session, request_id: int, course: str, at: dt.datetime) -> bool:
    """Whether a flagged course's gate has opened since. For TMS only an approval covering
    the day, or verified benefits saying no PA is needed: the `not_needed` course the booking
    itself opened to keep its first treatment says nothing of the payer."""
    if course == "tms":
        day = at.astimezone(settings.clinic_zone(session)).date()
        benefits = latest_benefits(session, request_id).get("tms")
        return (approved_for(session, request_id, "tms", day) is not None
                or (benefits is not None and benefits.pa_required is False))
    return _gate(session, request_id, course, at).open


def gate_booking(session: Session, request_id: int, *, kind: str, at: dt.datetime, tool: str,
                 actor: audit.Actor, now: dt.datetime | None = None) -> str | None:
    """Read a booking the scheduling tool has just scheduled (the request is already moved to
    `scheduled`): a first treatment is counted, and one not ready is flagged for staff.
    Returns the flag's words, or None."""
    try:
        course = first_treatment_of_appointment(session, request_id, kind)
    except CoverageError as exc:
        detail = f"Booked in {tool}: the booking does not say which treatment it is. {exc}"
        _flag(session, request_id, None, detail, actor=actor, now=now, count=0)
        return detail
    if course is None:
        return None
    gate = _gate(session, request_id, course, at)
    row = record_first_treatment(session, request_id, course, at, actor=actor)
    if gate.open:
        return None
    detail = (f"Booked in {tool}: {label(course)} start not ready: missing "
              + "; ".join(gate.missing) + ".")
    _flag(session, request_id, row.id if row else None, detail, actor=actor, now=now,
          count=len(gate.missing))
    return detail


def _flag(session: Session, request_id: int, authorization_id: int | None, detail: str, *,
          actor: audit.Actor, now: dt.datetime | None, count: int) -> None:
    event(session, request_id, NOT_READY, actor=actor, now=now, detail=detail,
          authorization_id=authorization_id)
    audit.record(session, actor, "coverage.booking_not_ready", "request", request_id,
                 {"count": count})
    refresh_coverage(session, request_id, now)


def open_flags(session: Session, request_id: int) -> list[CoverageEvent]:
    """The request's bookings still flagged not ready (the latest flag of each course, with no
    settling after it)."""
    latest: dict[int | None, CoverageEvent] = {}
    for e in session.execute(select(CoverageEvent).where(
            CoverageEvent.request_id == request_id,
            CoverageEvent.kind.in_(BOOKING_FLAGS))
            .order_by(CoverageEvent.occurred_at, CoverageEvent.id)).scalars():
        if e.kind == SETTLED and e.authorization_id is None:
            latest.clear()  # settled for the whole request (canceled, or accepted by staff)
        else:
            latest[e.authorization_id] = e
    return [e for e in latest.values() if e.kind == NOT_READY]


def settle_ready(session: Session, request_id: int, *, actor: audit.Actor,
                 now: dt.datetime | None = None) -> int:
    """After a coverage write: each flagged booking whose gate is now open is settled. Returns
    how many."""
    settled = 0
    for flag in open_flags(session, request_id):
        auth = session.get(Authorization, flag.authorization_id) if flag.authorization_id \
            else None
        if auth is None or auth.first_treatment_at is None:
            continue  # the course was not told: staff settle it
        if _ready_now(session, request_id, auth.treatment, auth.first_treatment_at):
            event(session, request_id, SETTLED, actor=actor, now=now,
                  authorization_id=auth.id,
                  detail=f"{label(auth.treatment)} start now ready.")
            settled += 1
    if settled:
        refresh_coverage(session, request_id, now)
    return settled


def settle_booking(session: Session, request_id: int, *, actor: audit.Actor, reason: str,
                   now: dt.datetime | None = None) -> None:
    """Staff accept the booked first treatment as it is (the override the webhook could not
    ask for), or record how it was dealt with: the reason is kept on the timeline, audited
    as a fact only."""
    flags = open_flags(session, request_id)
    if not flags:
        raise CoverageError("No booking of this request is waiting to be checked.")
    if not reason.strip():
        raise CoverageError("Say why the booked first treatment may go ahead, or what was done.")
    event(session, request_id, SETTLED, actor=actor, now=now,
          detail="Accepted by staff. Was: " + " ".join(f.detail or "" for f in flags)
          + " Reason: " + clean(reason, 500))
    audit.record(session, actor, "coverage.booking_settled", "request", request_id,
                 {"reason": True, "count": len(flags)})
    refresh_coverage(session, request_id, now)


def booking_canceled(session: Session, request_id: int, *, actor: audit.Actor, tool: str,
                     now: dt.datetime | None = None) -> None:
    """A canceled booking takes its flag with it. The first treatment it was counted as is
    cleared by the status move back to in progress (`lifecycle.change_status`: the course has
    not begun), so the next booking (a reschedule is a cancellation and a new booking) meets
    the gate again."""
    if open_flags(session, request_id):
        event(session, request_id, SETTLED, actor=actor, now=now,
              detail=f"The booking was canceled in {tool}.")
        refresh_coverage(session, request_id, now)


GATE_FACTS_CHANGED.append(settle_ready)
