"""A course's first treatment: its time kept on the course, the Spravato start and its gate
(what is missing before a first dose), the first TMS session's approval gate, and scheduling
through the status move: a first session chosen as such, or any appointment whose kind reads
as a treatment session of a course not begun (`schedule_appointment`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife import audit, settings
from zoelife.coverage import appointment_kinds, machine
from zoelife.coverage.records.authorizations import (
    authorizations_of,
    history_of,
    open_authorization,
)
from zoelife.coverage.records.common import (
    CoverageError,
    clean,
    event,
    gate_facts_changed,
    request_or_refuse,
)
from zoelife.coverage.records.insurance import coverage_of, latest_benefits
from zoelife.db.models import Authorization, PayerCriteria, SpravatoStart
from zoelife.intake import lifecycle
from zoelife.intake.lifecycle.common import now_or_utc
from zoelife.vocabulary import label

# The reason on the first history row of a `not_needed` course opened only to keep a first
# treatment's time (no authorization was tracked): it says nothing of whether the payer needs
# one, unlike a course staff mark not needed (`pa_required`).
KEPT_ONLY = "opened to keep the first treatment's time; no prior authorization judged"


def record_first_treatment(session: Session, request_id: int, treatment: str,
                           at: dt.datetime, *, actor: audit.Actor) -> Authorization | None:
    """The course's first treatment time, and the days since first contact (for managers)."""
    request = request_or_refuse(session, request_id)
    row = session.execute(select(Authorization).where(
        Authorization.request_id == request_id, Authorization.treatment == treatment,
        Authorization.extension_of_id.is_(None)).order_by(Authorization.id.desc())).scalar()
    if row is None:
        row = open_authorization(session, request_id, treatment, actor=actor, payer_id=None,
                                 status="not_needed", reason=KEPT_ONLY)
    if row.first_treatment_at is None:
        row.first_treatment_at = at
        start = request.first_contact_at or request.received_at
        row.days_to_first_treatment = machine.calendar_days(start, at,
                                                            settings.clinic_zone(session))
        session.flush()
    return row


@dataclass(frozen=True)
class Gate:
    missing: tuple[str, ...]

    @property
    def open(self) -> bool:
        return not self.missing

    def override(self, override_reason: str, not_ready: str, remedy: str) -> str:
        """The reason staff gave to schedule with something missing (stripped); refused
        (`not_ready`: missing ...) when something is missing and no reason was given."""
        reason = override_reason.strip()
        if not self.open and not reason:
            raise CoverageError(not_ready + ": missing " + "; ".join(self.missing)
                                + ". Give a reason to override, or " + remedy + ".")
        return reason

    def record_override(self, session: Session, request_id: int, kind: str, reason: str, *,
                        actor: audit.Actor, now: dt.datetime | None) -> None:
        """The override on the timeline (`<kind>_override`) and in the audit log."""
        event(session, request_id, f"{kind}_override", actor=actor, now=now,
              detail="Missing: " + "; ".join(self.missing) + ". Reason: " + reason)
        audit.record(session, actor, f"coverage.{kind}_override", "request", request_id,
                     {"reason": True, "count": len(self.missing)})


def spravato_start(session: Session, request_id: int) -> SpravatoStart | None:
    return session.get(SpravatoStart, request_id)


def save_spravato_start(session: Session, request_id: int, *, actor: audit.Actor,
                        rems_enrolled_on: dt.date | None, rems_enrolled_by: str | None,
                        ride_home_confirmed: bool, monitored_slot_confirmed: bool,
                        now: dt.datetime | None = None) -> SpravatoStart:
    request_or_refuse(session, request_id)
    if rems_enrolled_on is not None and not (rems_enrolled_by or "").strip():
        raise CoverageError("Say who enrolled the patient in the Spravato REMS.")
    row = spravato_start(session, request_id)
    if row is None:
        row = SpravatoStart(request_id=request_id)
        session.add(row)
    row.rems_enrolled_on = rems_enrolled_on
    row.rems_enrolled_by = clean(rems_enrolled_by, 120) if rems_enrolled_on else None
    row.ride_home_confirmed = bool(ride_home_confirmed)
    row.monitored_slot_confirmed = bool(monitored_slot_confirmed)
    row.updated_at = now_or_utc(now)
    row.updated_by = actor.user_id
    session.flush()
    audit.record(session, actor, "coverage.spravato_start", "request", request_id,
                 {"rems_enrolled": rems_enrolled_on is not None,
                  "ride_home_confirmed": bool(ride_home_confirmed),
                  "monitored_slot_confirmed": bool(monitored_slot_confirmed)})
    gate_facts_changed(session, request_id, actor=actor, now=now)
    return row


def spravato_gate(session: Session, request_id: int) -> Gate:
    """What is still missing before a first Spravato dose may be scheduled."""
    start = spravato_start(session, request_id)
    benefits = latest_benefits(session, request_id).get("spravato")
    missing = []
    if start is None or start.rems_enrolled_on is None:
        missing.append("REMS patient enrolment (date and who enrolled)")
    if benefits is None or benefits.benefit_route is None:
        missing.append("benefit route decided (medical or pharmacy)")
    if start is None or not start.ride_home_confirmed:
        missing.append("ride home confirmed")
    if start is None or not start.monitored_slot_confirmed:
        missing.append("2-hour monitored slot confirmed")
    return Gate(tuple(missing))


def schedule_first_spravato(session: Session, request_id: int, *, actor: audit.Actor,
                            seen_version: int, appointment_at: dt.datetime,
                            override_reason: str = "", now: dt.datetime | None = None,
                            appointment_kind: str = "Spravato first dose",
                            read_as: str = "") -> int:
    """Schedule the first Spravato dose. With the gate open (something missing) it is refused
    unless an override reason is given; the override is audited and kept on the timeline.
    `read_as` says, in a refusal, why an appointment of another kind was taken for it."""

    gate = spravato_gate(session, request_id)
    reason = gate.override(override_reason, read_as + "Not ready for a first Spravato dose",
                           "complete them first")
    version = lifecycle.change_status(
        session, request_id, actor=actor, seen_version=seen_version, to_status="scheduled",
        appointment_at=appointment_at, appointment_kind=appointment_kind, now=now)
    if not gate.open:
        start = spravato_start(session, request_id) or SpravatoStart(
            request_id=request_id, updated_at=now_or_utc(now), updated_by=actor.user_id)
        start.override_reason = reason
        session.add(start)
        gate.record_override(session, request_id, "spravato", reason, actor=actor, now=now)
    record_first_treatment(session, request_id, "spravato", appointment_at, actor=actor)
    return version


FIRST_TREATMENTS = ("tms", "spravato", "ketamine")


def judged_not_needed(session: Session, course: Authorization) -> bool:
    """Whether staff marked the course not needed (opened so, or moved there with a reason),
    rather than it being opened only to keep a first treatment's time (`KEPT_ONLY`)."""
    if course.status != "not_needed":
        return False
    marks = [c for c in history_of(session, course.id) if c.to_status == "not_needed"]
    return not marks or marks[-1].reason != KEPT_ONLY


def pa_required(session: Session, request_id: int, treatment: str) -> str | None:
    """Why the payer requires a prior authorization for this course, or None when it does not
    (as far as the records say). The latest verified benefits decide when they answered; then
    an authorization being tracked (not marked not needed); then staff's judgement that this
    course needs none (a course marked not needed: it never rewrites what the benefits said);
    then the primary payer having criteria on file for the treatment. A `not_needed` course
    opened only to keep a first treatment (an override, a booking) is no such judgement."""
    benefits = latest_benefits(session, request_id).get(treatment)
    courses = [a for a in authorizations_of(session, request_id) if a.treatment == treatment]
    tracked = bool(courses) and courses[-1].status != "not_needed"
    if benefits is not None and benefits.pa_required is True:
        return "the verified benefits say prior authorization is required"
    if tracked:
        return "a prior authorization is being tracked for it"
    if benefits is not None and benefits.pa_required is False:
        return None
    if courses and judged_not_needed(session, courses[-1]):
        return None
    primary = coverage_of(session, request_id, "primary")
    if primary is not None and primary.payer_id is not None and session.execute(
            select(PayerCriteria.id).where(PayerCriteria.payer_id == primary.payer_id,
                                           PayerCriteria.treatment == treatment)).first():
        return "the payer has prior-authorization criteria for it"
    return None


def approved_for(session: Session, request_id: int, treatment: str,
                 day: dt.date) -> Authorization | None:
    """An approved authorization of the course that covers `day` (within its dates, when it
    has them) with sessions left (when it counts them)."""
    for a in reversed(authorizations_of(session, request_id)):
        if a.treatment != treatment or a.status != "approved":
            continue
        if a.start_date is not None and day < a.start_date:
            continue
        if a.end_date is not None and day > a.end_date:
            continue
        if a.approved_units is not None and (a.units_used or 0) >= a.approved_units:
            continue
        return a
    return None


def tms_gate(session: Session, request_id: int, appointment_day: dt.date) -> Gate:
    """What is missing before a first TMS session on `appointment_day`: an approved
    authorization covering that day, when the payer requires one."""
    why = pa_required(session, request_id, "tms")
    if why is None or approved_for(session, request_id, "tms", appointment_day) is not None:
        return Gate(())
    return Gate((f"an approved TMS authorization covering {appointment_day.isoformat()} "
                 f"({why})",))


def schedule_first_treatment(session: Session, request_id: int, treatment: str, *,
                             actor: audit.Actor, seen_version: int, appointment_at: dt.datetime,
                             override_reason: str = "", now: dt.datetime | None = None,
                             appointment_kind: str | None = None, read_as: str = "") -> int:
    """Schedule a course's first treatment session: the request moves to `scheduled` and the
    course keeps the time (for the managers' days from first contact to first treatment). A
    first Spravato dose goes through its start gate (`schedule_first_spravato`), a first TMS
    session through the approval gate. The appointment kind is the form's own ("TMS first
    session") unless staff wrote one (`schedule_appointment`)."""

    if treatment not in FIRST_TREATMENTS:
        raise CoverageError("A first treatment session is for TMS, Spravato or ketamine.")
    if treatment == "spravato":
        return schedule_first_spravato(session, request_id, actor=actor,
                                       seen_version=seen_version, appointment_at=appointment_at,
                                       override_reason=override_reason, now=now,
                                       appointment_kind=appointment_kind or "Spravato first dose",
                                       read_as=read_as)
    gate = Gate(())
    if treatment == "tms":
        day = appointment_at.astimezone(settings.clinic_zone(session)).date()
        gate = tms_gate(session, request_id, day)
    reason = gate.override(override_reason, read_as + "Not ready for a first TMS session",
                           "get the approval first")
    version = lifecycle.change_status(
        session, request_id, actor=actor, seen_version=seen_version, to_status="scheduled",
        appointment_at=appointment_at,
        appointment_kind=appointment_kind or f"{label(treatment)} first session", now=now)
    if not gate.open:
        gate.record_override(session, request_id, "tms", reason, actor=actor, now=now)
    record_first_treatment(session, request_id, treatment, appointment_at, actor=actor)
    return version


def started_courses(session: Session, request_id: int) -> set[str]:
    """The courses whose first treatment the request already has."""
    return {a.treatment for a in authorizations_of(session, request_id)
            if a.first_treatment_at is not None}


def first_treatment_of_appointment(session: Session, request_id: int,
                                   appointment_kind: str) -> str | None:
    """The course whose first treatment an appointment of this kind would be
    (`appointment_kinds.read_kind`), or None: not a treatment session, a later session of a
    course already begun, or a request that is for none of the courses. A kind that leaves
    the course open between several is refused, asking staff to say which."""

    reading = appointment_kinds.read_kind(appointment_kind)
    if not reading.treatment:
        return None
    started = started_courses(session, request_id)
    if reading.courses:
        fresh = [c for c in reading.courses if c not in started]
        if len(fresh) > 1:
            raise CoverageError(
                "This appointment names more than one treatment: schedule one first session "
                "at a time (choose it under \"First treatment session?\").")
        return fresh[0] if fresh else None
    if started:
        return None  # a later session of the course under way
    wanted = (request_or_refuse(session, request_id).treatment_list or "").split(";")
    courses = [t for t in FIRST_TREATMENTS if t in wanted]
    if len(courses) > 1:
        raise CoverageError(
            "The appointment kind does not say which treatment it is and the request is for "
            + " and ".join(label(c) for c in courses) + ": choose it under \"First treatment "
            "session?\", name the treatment in the kind, or call it a consultation, "
            "evaluation or call if it is not a treatment session.")
    return courses[0] if courses else None


def schedule_appointment(session: Session, request_id: int, *, actor: audit.Actor,
                         seen_version: int, appointment_at: dt.datetime | None,
                         appointment_kind: str, first: str | None = None,
                         override_reason: str = "", reason: str | None = None,
                         now: dt.datetime | None = None) -> int:
    """The Status tab's scheduling. A first treatment session chosen as such (`first`) goes
    through `schedule_first_treatment`; otherwise the appointment's kind decides: a treatment
    session of a course the request has not begun meets the same gate (or its override) and
    is counted as the course's first treatment, whatever its kind is called; anything else
    (a consultation, an evaluation, a call, a later session) is a plain move."""

    if first is not None:
        if appointment_at is None:
            raise CoverageError("Choose the date and time of the first session.")
        return schedule_first_treatment(session, request_id, first, actor=actor,
                                        seen_version=seen_version,
                                        appointment_at=appointment_at,
                                        override_reason=override_reason, now=now)
    course = None
    if appointment_at is not None and appointment_kind.strip():
        course = first_treatment_of_appointment(session, request_id, appointment_kind)
    if course is None:
        return lifecycle.change_status(
            session, request_id, actor=actor, seen_version=seen_version,
            to_status="scheduled", reason=reason, appointment_at=appointment_at,
            appointment_kind=appointment_kind, now=now)
    read_as = (f"This appointment is read as the first {label(course)} treatment: its kind "
               "does not say consultation, evaluation or call, and the request has had no "
               f"{label(course)} session yet. ")
    return schedule_first_treatment(session, request_id, course, actor=actor,
                                    seen_version=seen_version, appointment_at=appointment_at,
                                    override_reason=override_reason, now=now,
                                    appointment_kind=appointment_kind.strip(), read_as=read_as)
