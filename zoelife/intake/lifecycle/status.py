"""Status moves (docs/vocabulary.md's status table): what a move asks for, the move itself, closing
as unreachable once the cadence ran out, and merging a duplicate into an open request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import Authorization, CoverageEvent, Request, StatusChange
from zoelife.intake.lifecycle.common import (
    MoveNotAllowed,
    NotFound,
    StaleEdit,
    load_request,
    now_or_utc,
    versioned_update,
)
from zoelife.intake.next_steps import refresh_next_step
from zoelife.intake.schedule import Schedule
from zoelife.vocabulary import CLOSE_REASONS, STATUS_MOVES, label


def allowed_moves(status: str) -> tuple[str, ...]:
    return STATUS_MOVES.get(status, ())


def allowed_close_reasons(from_status: str) -> tuple[str, ...]:
    """Close reasons offered from `from_status` (duplicate goes through mark_duplicate)."""
    return tuple(r for r in CLOSE_REASONS
                 if r != "duplicate" and (r != "became_patient" or from_status == "scheduled"))


@dataclass(frozen=True)
class MoveForm:
    """What a status move asks for, so a form shows only those fields."""

    to_status: str
    close_reasons: tuple[str, ...] = ()  # closing: pick one of these (no default)
    appointment: bool = False  # scheduling: date, time (clinic zone) and kind
    reason: str | None = None  # None: no reason field; "required" or "optional"


def move_form(from_status: str, to_status: str) -> MoveForm:
    """The fields of one allowed move (docs/vocabulary.md's status table)."""
    if to_status not in allowed_moves(from_status):
        raise MoveNotAllowed(f"A request that is {label(from_status).lower()} cannot move to "
                             f"{label(to_status).lower()}.")
    if to_status == "closed":
        return MoveForm(to_status, close_reasons=allowed_close_reasons(from_status),
                        reason="optional")
    if to_status == "scheduled":
        return MoveForm(to_status, appointment=True)
    if from_status == "closed":
        return MoveForm(to_status, reason="required")  # a reopen
    return MoveForm(to_status, reason="optional")


def offers_unreachable(request: Request, max_attempts: int) -> bool:
    """After the cadence's last unanswered attempt the page offers to close as unreachable."""
    return (request.is_open and request.reached_at is None
            and request.attempt_count >= max_attempts
            and "closed" in allowed_moves(request.status))


def close_unreachable(session: Session, request_id: int, *, actor: audit.Actor,
                      seen_version: int, now: dt.datetime | None = None) -> int:
    """Close after the cadence ran out without reaching the person; returns the new version."""
    count = session.execute(
        select(Request.attempt_count).where(Request.id == request_id)).scalar()
    if count is None:
        raise NotFound(f"Request {request_id} does not exist.")
    return change_status(session, request_id, actor=actor, seen_version=seen_version,
                         to_status="closed", close_reason="unreachable",
                         reason=f"not reached after {count} attempt{'s' if count != 1 else ''}",
                         now=now)


def change_status(session: Session, request_id: int, *, actor: audit.Actor, seen_version: int,
                  to_status: str, close_reason: str | None = None, reason: str | None = None,
                  appointment_at: dt.datetime | None = None,
                  appointment_kind: str | None = None, duplicate_of_id: int | None = None,
                  follow_up_at: dt.datetime | None = None, schedule: Schedule | None = None,
                  now: dt.datetime | None = None) -> int:
    """Move a request to `to_status` if docs/vocabulary.md allows it; returns the new version.

    The move sets the next step (docs/front-desk.md, "The worklist"): in progress → a
    follow-up by `follow_up_at` or the settings' default, after a no-show a rebook within one
    business day; scheduled → the confirmation call the business day before; closed → none."""
    now = now_or_utc(now)
    if follow_up_at is not None and follow_up_at.tzinfo is None:
        raise MoveNotAllowed("The follow-up time needs a time zone.")
    request = load_request(session, request_id, lock=True)
    if request.version != seen_version:
        raise StaleEdit(request_id)
    old = request.status
    if to_status not in allowed_moves(old):
        raise MoveNotAllowed(f"A request that is {label(old).lower()} cannot move to "
                             f"{label(to_status).lower()}.")
    reason = (reason or "").strip() or None
    values: dict[str, Any] = {"status": to_status}
    if to_status == "closed":
        if close_reason not in CLOSE_REASONS:
            raise MoveNotAllowed("Closing needs a close reason.")
        if close_reason == "became_patient" and old != "scheduled":
            raise MoveNotAllowed("Only a scheduled request can close as became patient.")
        if close_reason == "duplicate" and duplicate_of_id is None:
            raise MoveNotAllowed("Use “Mark as duplicate” to close a request as a duplicate.")
        values |= {"close_reason": close_reason, "closed_at": now, "is_open": False,
                   "next_attempt_due_at": None, "next_step": None, "next_due_at": None,
                   "follow_up_at": None, "coverage_step": None, "coverage_due_at": None}
        if duplicate_of_id is not None:
            values["duplicate_of_id"] = duplicate_of_id
    elif close_reason:
        raise MoveNotAllowed("A close reason is only for closing.")
    if old == "closed":
        if not reason:
            raise MoveNotAllowed("Reopening a closed request needs a reason.")
        values |= {"close_reason": None, "closed_at": None, "is_open": True}
    if to_status == "scheduled":
        if appointment_at is None or not (appointment_kind or "").strip():
            raise MoveNotAllowed("Scheduling needs the appointment's date, time and kind.")
        if appointment_at.tzinfo is None:
            raise MoveNotAllowed("The appointment time needs a time zone.")
        values |= {"appointment_at": appointment_at,
                   "appointment_kind": appointment_kind.strip()[:80],
                   "scheduled_at": request.scheduled_at or now}
    schedule = schedule or Schedule.load(session)
    if to_status == "scheduled":
        confirm = schedule.confirm_due(appointment_at, now)
        values |= ({"next_step": "confirm", "follow_up_at": confirm} if confirm
                   else {"next_step": "outcome", "follow_up_at": None})
    elif to_status == "in_progress":
        if old == "scheduled":
            values |= {"next_step": "rebook",
                       "follow_up_at": follow_up_at or schedule.rebook_due(now)}
        else:
            values |= {"next_step": "follow_up",
                       "follow_up_at": follow_up_at or schedule.follow_up_due(now)}
    not_had = _first_treatments_not_had(session, request, to_status, close_reason, now,
                                        actor=actor)
    version = versioned_update(session, request_id, seen_version, now, values)
    if to_status != "closed":
        refresh_next_step(session, request_id, schedule, now)
    session.add(StatusChange(
        request_id=request_id, from_status=old, to_status=to_status, close_reason=close_reason,
        reason=reason, appointment_at=values.get("appointment_at"),
        appointment_kind=values.get("appointment_kind"), changed_at=now,
        changed_by=actor.user_id))
    session.flush()
    changes: dict[str, Any] = {"status": [old, to_status]}
    if close_reason:
        changes["close_reason"] = close_reason
    if duplicate_of_id is not None:
        changes["duplicate_of_id"] = duplicate_of_id
    if to_status == "scheduled":
        changes["appointment_kind"] = values["appointment_kind"]
        changes["appointment_at"] = True
    if reason:
        changes["reason"] = True
    if not_had:
        changes["first_treatment_cleared"] = not_had
    audit.record(session, actor, "request.status", "request", request_id, changes)
    return version


def _first_treatments_not_had(session: Session, request: Request, to_status: str,
                              close_reason: str | None, now: dt.datetime, *,
                              actor: audit.Actor) -> list[str]:
    """A course's first treatment kept from the appointment the request leaves, when that
    appointment has not happened (docs/coverage.md, "First treatments moved back"): moved back
    to in progress (a no-show or a reschedule, whenever it is recorded), or closed before its
    time other than as became patient. Its time and days are cleared, so the managers' days to
    first treatment count only treatments had and the next booking meets the gate again; the
    coverage timeline says so. Returns the courses cleared."""
    at = request.appointment_at
    if request.status != "scheduled" or at is None or to_status not in ("in_progress", "closed"):
        return []
    if to_status == "closed" and (close_reason == "became_patient" or now >= at):
        return []
    move = "moved back to in progress" if to_status == "in_progress" else "closed before it"
    cleared = []
    for auth in session.execute(select(Authorization).where(
            Authorization.request_id == request.id,
            Authorization.first_treatment_at.is_not(None))).scalars():
        if auth.first_treatment_at != at:
            continue  # a course begun at an earlier appointment
        auth.first_treatment_at = None
        auth.days_to_first_treatment = None
        session.add(CoverageEvent(
            request_id=request.id, authorization_id=auth.id, kind="first_treatment_not_had",
            occurred_at=now, staff_user_id=actor.user_id,
            detail=f"The first {label(auth.treatment)} treatment booked for this appointment "
                   f"did not take place (the request was {move}): no longer counted, and the "
                   "next booking of it meets the gate again."))
        cleared.append(auth.treatment)
    session.flush()
    return sorted(cleared)


def mark_duplicate(session: Session, request_id: int, *, actor: audit.Actor, seen_version: int,
                   duplicate_of_id: int, now: dt.datetime | None = None) -> int:
    """Merge: close this request as a duplicate of another open one. Nothing is deleted."""
    if duplicate_of_id == request_id:
        raise MoveNotAllowed("A request cannot be a duplicate of itself.")
    target = session.get(Request, duplicate_of_id)
    if target is None:
        raise NotFound(f"Request {duplicate_of_id} does not exist.")
    if not target.is_open:
        raise MoveNotAllowed(f"Request {duplicate_of_id} is closed; a duplicate is attached to "
                             "an open request.")
    if target.duplicate_of_id == request_id:
        raise MoveNotAllowed(f"Request {duplicate_of_id} is already a duplicate of this one.")
    return change_status(session, request_id, actor=actor, seen_version=seen_version,
                         to_status="closed", close_reason="duplicate",
                         duplicate_of_id=duplicate_of_id,
                         reason=f"duplicate of request {duplicate_of_id}", now=now)
