"""Everything staff do to a request after it arrives: attempts, status moves, crisis level,
assignment, notes, treatments, details, merging duplicates, linking and splitting people, and the
eligibility pre-screen.

Rules (DESIGN.md):
- an edit of the request's own fields is version-checked (`UPDATE ... WHERE id AND version`):
  from a stale screen it raises `StaleEdit` and nothing is written;
- appends (attempts, notes, screens) never conflict, but an attempt's status move bumps the version;
- every move is kept as history (who, when, why) and every action is audited in the same
  transaction; nothing is deleted.
Every function runs in the caller's transaction (`write_session`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import (
    ContactAttempt,
    CrisisChange,
    EligibilityScreen,
    Note,
    Person,
    PossibleMatch,
    Request,
    RequestTreatment,
    StaffRole,
    StaffUser,
    StatusChange,
)
from zoelife.intake.normalize import (
    clean_name,
    name_key,
    normalize_email,
    normalize_phone,
    search_text,
)
from zoelife.intake.schedule import Schedule, refresh_next_step
from zoelife.intake.service import crisis_rank
from zoelife.vocabulary import (
    ATTEMPT_METHODS,
    ATTEMPT_OUTCOMES,
    CLOSE_REASONS,
    CRISIS_LEVELS,
    FOLLOW_UP_STEPS,
    PRIOR_AUTH_STATUSES,
    STATUS_MOVES,
    SUBMITTERS,
    TREATMENTS,
    label,
)

LEVEL_ORDER = {"none": 0, "review": 1, "urgent": 2}
MAX_NOTE_LENGTH = 5000


class LifecycleError(Exception):
    """A refused action; the message is for the user and carries no patient data."""


class StaleEdit(LifecycleError):
    def __init__(self, request_id: int):
        super().__init__(
            "Someone else changed this request since you opened it. Here is the current state; "
            "your change was not saved."
        )
        self.request_id = request_id


class MoveNotAllowed(LifecycleError):
    pass


class NotFound(LifecycleError):
    pass


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def _load(session: Session, request_id: int, *, lock: bool = False) -> Request:
    q = select(Request).where(Request.id == request_id).execution_options(populate_existing=True)
    if lock:
        q = q.with_for_update()
    request = session.execute(q).scalar_one_or_none()
    if request is None:
        raise NotFound(f"Request {request_id} does not exist.")
    return request


def _versioned_update(session: Session, request_id: int, seen_version: int, now: dt.datetime,
                      values: dict[str, Any]) -> int:
    """Write the request's own fields only if nobody changed it since `seen_version`."""
    result = session.execute(
        update(Request)
        .where(Request.id == request_id, Request.version == seen_version)
        .values(**values, version=seen_version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleEdit(request_id)
    return seen_version + 1


# --------------------------------------------------------------------------- contact attempts


@dataclass(frozen=True)
class AttemptResult:
    attempt_id: int
    status: str
    moved: bool
    next_attempt_due_at: dt.datetime | None
    suggest_unreachable: bool
    version: int


def log_attempt(session: Session, request_id: int, *, actor: audit.Actor, method: str,
                outcome: str | None, note: str | None = None, schedule: Schedule | None = None,
                now: dt.datetime | None = None) -> AttemptResult:
    """Append one contact attempt and apply its move (never refused as stale: it is an append).

    `reached` moves new/attempted to in_progress; any other outcome moves new to attempted.
    """
    now = _now(now)
    if not outcome:
        raise LifecycleError("Choose the attempt's outcome: what happened when you tried.")
    if method not in ATTEMPT_METHODS:
        raise LifecycleError(f"Unknown contact method {method!r}; use one of "
                             f"{', '.join(ATTEMPT_METHODS)}.")
    if outcome not in ATTEMPT_OUTCOMES:
        raise LifecycleError(f"Unknown attempt outcome {outcome!r}; use one of "
                             f"{', '.join(ATTEMPT_OUTCOMES)}.")
    schedule = schedule or Schedule.load(session)
    request = _load(session, request_id, lock=True)
    if not request.is_open:
        raise MoveNotAllowed("This request is closed. Reopen it before logging a contact attempt.")
    attempt = ContactAttempt(request_id=request_id, attempted_at=now, staff_user_id=actor.user_id,
                             method=method, outcome=outcome,
                             note=(note or "").strip()[:MAX_NOTE_LENGTH] or None, created_at=now)
    session.add(attempt)

    old_status = request.status
    new_status = old_status
    if outcome == "reached" and old_status in ("new", "attempted"):
        new_status = "in_progress"
    elif outcome != "reached" and old_status == "new":
        new_status = "attempted"
    count = request.attempt_count + 1
    reached_at = request.reached_at or (now if outcome == "reached" else None)
    next_due = None
    if reached_at is None:
        next_due = schedule.next_attempt_due(now, request.crisis_level, count)
    values: dict[str, Any] = {
        "attempt_count": count,
        "last_attempt_at": now,
        "first_contact_at": request.first_contact_at or now,
        "reached_at": reached_at,
        "next_attempt_due_at": next_due,
        "updated_at": now,
    }
    if new_status == "in_progress" and (old_status != "in_progress"
                                        or request.next_step not in ("wait_person",
                                                                     "wait_other")):
        # Reached, or a follow-up done: the next follow-up by the settings' default (the user
        # may pick another date); a request waiting on someone keeps its chase date.
        values |= {"next_step": "follow_up", "follow_up_at": schedule.follow_up_due(now)}
    elif new_status == "scheduled" and outcome in ("reached", "left_voicemail",
                                                   "message_sent"):
        # The confirmation call (or message) is done: next, whether they came.
        values |= {"next_step": "outcome", "follow_up_at": None}
    moved = new_status != old_status
    if moved:
        values["status"] = new_status
        values["version"] = request.version + 1
        session.add(StatusChange(request_id=request_id, from_status=old_status,
                                 to_status=new_status,
                                 reason=f"contact attempt: {label(outcome).lower()}",
                                 changed_at=now, changed_by=actor.user_id))
    session.execute(update(Request).where(Request.id == request_id).values(**values)
                    .execution_options(synchronize_session=False))
    session.flush()
    refresh_next_step(session, request_id, schedule, now)
    changes: dict[str, Any] = {"method": method, "outcome": outcome}
    if moved:
        changes["status"] = [old_status, new_status]
    if attempt.note:
        changes["note"] = True
    audit.record(session, actor, "request.attempt", "request", request_id, changes)
    return AttemptResult(
        attempt_id=attempt.id, status=new_status, moved=moved, next_attempt_due_at=next_due,
        suggest_unreachable=reached_at is None and count >= schedule.max_attempts,
        version=values.get("version", request.version),
    )


# --------------------------------------------------------------------------- status


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
    """The fields of one allowed move (DESIGN.md's status table)."""
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
    """Move a request to `to_status` if DESIGN.md allows it; returns the new version.

    The move sets the next step (docs/front-desk.md, "The worklist"): in progress → a
    follow-up by `follow_up_at` or the settings' default, after a no-show a rebook within one
    business day; scheduled → the confirmation call the business day before; closed → none."""
    now = _now(now)
    if follow_up_at is not None and follow_up_at.tzinfo is None:
        raise MoveNotAllowed("The follow-up time needs a time zone.")
    request = _load(session, request_id, lock=True)
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
    version = _versioned_update(session, request_id, seen_version, now, values)
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
    audit.record(session, actor, "request.status", "request", request_id, changes)
    return version


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


# --------------------------------------------------------------------------- crisis


@dataclass(frozen=True)
class Acknowledgement:
    """What acknowledging did: true when this call acknowledged the request."""

    acknowledged: bool
    claimed: bool = False  # it was unassigned and is now assigned to the acknowledging user

    def __bool__(self) -> bool:
        return self.acknowledged


def _is_front_desk(session: Session, user_id: int | None) -> bool:
    if user_id is None:
        return False
    return session.execute(
        select(StaffUser.id).join(StaffRole, StaffRole.user_id == StaffUser.id)
        .where(StaffUser.id == user_id, StaffUser.is_active.is_(True),
               StaffRole.role == "front_desk")
    ).first() is not None


def acknowledge(session: Session, request_id: int, *, actor: audit.Actor,
                now: dt.datetime | None = None) -> Acknowledgement:
    """Acknowledge an urgent request, once for everyone, and claim it for the acknowledging
    front-desk user when nobody has it: whoever took the crisis in hand follows it up.

    Falsy when there was nothing to do (already acknowledged, or no longer urgent):
    acknowledging is never refused as stale, and never takes a request from its assignee."""
    now = _now(now)
    claim = _is_front_desk(session, actor.user_id)
    before = session.execute(
        select(Request.assignee_id).where(Request.id == request_id).with_for_update()
    ).first()
    values: dict[str, Any] = dict(
        crisis_acknowledged_at=now, crisis_acknowledged_by=actor.user_id,
        crisis_rank=crisis_rank("urgent", True), version=Request.version + 1, updated_at=now)
    if claim:
        values["assignee_id"] = func.coalesce(Request.assignee_id, actor.user_id)
    result = session.execute(
        update(Request)
        .where(Request.id == request_id, Request.crisis_level == "urgent",
               Request.crisis_acknowledged_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return Acknowledgement(False)
    claimed = claim and before is not None and before.assignee_id is None
    session.add(CrisisChange(request_id=request_id, kind="acknowledged", from_level="urgent",
                             to_level="urgent", changed_at=now, changed_by=actor.user_id))
    session.flush()
    changes: dict[str, Any] = {"crisis_level": "urgent"}
    if claimed:
        changes["assignee_id"] = [None, actor.user_id]
    audit.record(session, actor, "request.acknowledge", "request", request_id, changes)
    return Acknowledgement(True, claimed)


def set_crisis_level(session: Session, request_id: int, *, actor: audit.Actor,
                     seen_version: int, level: str, reason: str | None = None,
                     schedule: Schedule | None = None, now: dt.datetime | None = None) -> int:
    """Raise any time; lowering needs a reason. The manual level stands until new text arrives."""
    now = _now(now)
    if level not in CRISIS_LEVELS:
        raise LifecycleError(f"Unknown crisis level {level!r}.")
    request = _load(session, request_id)
    old = request.crisis_level
    if level == old:
        raise LifecycleError(f"The crisis level is already {label(level).lower()}.")
    lowering = LEVEL_ORDER[level] < LEVEL_ORDER[old]
    reason = (reason or "").strip() or None
    if lowering and not reason:
        raise LifecycleError("Lowering the crisis level needs a reason.")
    schedule = schedule or Schedule.load(session)
    acknowledged = request.crisis_acknowledged_at is not None and level == "urgent"
    values: dict[str, Any] = {"crisis_level": level, "crisis_source": "manual",
                              "crisis_rank": crisis_rank(level, acknowledged)}
    if level == "urgent" and old != "urgent":
        values |= {"crisis_acknowledged_at": None, "crisis_acknowledged_by": None,
                   "oncall_notified_at": None}
    if request.first_contact_at is None:
        values["due_at"] = schedule.first_contact_due(request.received_at, level)
    version = _versioned_update(session, request_id, seen_version, now, values)
    refresh_next_step(session, request_id, schedule, now)
    session.add(CrisisChange(request_id=request_id, kind="lowered" if lowering else "raised",
                             from_level=old, to_level=level, reason=reason, changed_at=now,
                             changed_by=actor.user_id))
    session.flush()
    changes: dict[str, Any] = {"crisis_level": [old, level], "crisis_source": "manual"}
    if reason:
        changes["reason"] = True
    audit.record(session, actor, "request.crisis_level", "request", request_id, changes)
    return version


# --------------------------------------------------------------------------- next step


def set_next_step(session: Session, request_id: int, *, actor: audit.Actor, seen_version: int,
                  step: str, due_at: dt.datetime, schedule: Schedule | None = None,
                  now: dt.datetime | None = None) -> int:
    """The user sets an in-progress request's next step (follow up, or chase while waiting on
    the person or someone else) and its date. Returns the new version."""
    now = _now(now)
    if step not in FOLLOW_UP_STEPS:
        raise LifecycleError("Choose what is next: follow up, or waiting on them or on someone "
                             "else.")
    if due_at is None or due_at.tzinfo is None:
        raise LifecycleError("Choose the date the next step is due.")
    request = _load(session, request_id)
    if request.status != "in_progress":
        raise MoveNotAllowed("Only a request in progress takes a follow-up date; the other "
                             "statuses' next steps follow from their moves.")
    old = request.next_step
    version = _versioned_update(session, request_id, seen_version, now,
                                {"next_step": step, "follow_up_at": due_at})
    refresh_next_step(session, request_id, schedule or Schedule.load(session), now)
    audit.record(session, actor, "request.next_step", "request", request_id,
                 {"next_step": [old, step], "follow_up_at": True})
    return version


# --------------------------------------------------------------------------- assignment, notes


def front_desk_users(session: Session) -> list[tuple[int, str]]:
    rows = session.execute(
        select(StaffUser.id, StaffUser.display_name)
        .join(StaffRole, StaffRole.user_id == StaffUser.id)
        .where(StaffRole.role == "front_desk", StaffUser.is_active.is_(True))
        .order_by(StaffUser.display_name)
    ).all()
    return [(r.id, r.display_name) for r in rows]


def assign(session: Session, request_id: int, *, actor: audit.Actor, seen_version: int,
           assignee_id: int | None, now: dt.datetime | None = None) -> int:
    now = _now(now)
    if assignee_id is not None and assignee_id not in dict(front_desk_users(session)):
        raise LifecycleError("Requests can only be assigned to an active front-desk user.")
    old = session.execute(select(Request.assignee_id).where(Request.id == request_id)).scalar()
    version = _versioned_update(session, request_id, seen_version, now,
                                {"assignee_id": assignee_id})
    audit.record(session, actor, "request.assign", "request", request_id,
                 {"assignee_id": [old, assignee_id]})
    return version


def add_note(session: Session, request_id: int, *, actor: audit.Actor, body: str,
             now: dt.datetime | None = None) -> int:
    now = _now(now)
    body = (body or "").strip()
    if not body:
        raise LifecycleError("The note is empty.")
    if len(body) > MAX_NOTE_LENGTH:
        raise LifecycleError(f"A note holds at most {MAX_NOTE_LENGTH} characters.")
    _load(session, request_id)
    note = Note(request_id=request_id, author_id=actor.user_id, body=body, created_at=now)
    session.add(note)
    session.flush()
    audit.record(session, actor, "request.note", "request", request_id, {"note": True})
    return note.id


# --------------------------------------------------------------------------- request fields


def set_treatments(session: Session, request_id: int, *, actor: audit.Actor, seen_version: int,
                   codes, now: dt.datetime | None = None) -> int:
    now = _now(now)
    wanted = set(codes)
    unknown = wanted - set(TREATMENTS)
    if unknown:
        raise LifecycleError(f"Unknown treatment {sorted(unknown)[0]!r}.")
    request = _load(session, request_id)
    old = set(request.treatment_set)
    version = _versioned_update(session, request_id, seen_version, now,
                                {"treatment_list": ";".join(sorted(wanted))})
    for row in list(request.treatments):
        if row.treatment not in wanted:
            session.delete(row)
    for code in sorted(wanted - old):
        session.add(RequestTreatment(request_id=request_id, treatment=code, origin="staff",
                                     received_local_date=request.received_local_date))
    session.flush()
    audit.record(session, actor, "request.treatments", "request", request_id,
                 {"treatments": [sorted(old), sorted(wanted)]})
    return version


EDITABLE_DETAILS = ("first_name", "last_name", "phone", "email", "date_of_birth",
                    "preferred_contact_time", "submitter", "submitter_name", "insurance",
                    "prior_auth_status", "referring_provider")


def update_details(session: Session, request_id: int, *, actor: audit.Actor, seen_version: int,
                   now: dt.datetime | None = None, **fields: Any) -> int:
    """Edit contact details, insurance and prior authorization. Only changed fields are written."""
    now = _now(now)
    unknown = set(fields) - set(EDITABLE_DETAILS)
    if unknown:
        raise LifecycleError(f"Field {sorted(unknown)[0]!r} cannot be edited here.")
    request = _load(session, request_id)
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip() or None
        if name == "phone" and value is not None:
            checked = normalize_phone(value, strict=False)  # staff heard it: their word
            if not checked.ok:
                raise LifecycleError(f"Phone: {checked.problem}.")
            value = checked.value
        elif name == "email" and value is not None:
            checked = normalize_email(value)
            if not checked.ok:
                raise LifecycleError(f"Email: {checked.problem}.")
            value = checked.value
        elif name in ("first_name", "last_name"):
            value = clean_name(value)
        elif name == "submitter" and value not in SUBMITTERS:
            raise LifecycleError("Submitter must be one of " + ", ".join(SUBMITTERS) + ".")
        elif name == "prior_auth_status" and value is not None and value not in PRIOR_AUTH_STATUSES:
            raise LifecycleError("Unknown prior-authorization status.")
        elif name == "date_of_birth" and value is not None and not isinstance(value, dt.date):
            raise LifecycleError("Date of birth must be a date.")
        elif isinstance(value, str):
            value = value[:300]
        if getattr(request, name) != value:
            clean[name] = value
    if not clean:
        return request.version
    merged = {n: clean.get(n, getattr(request, n)) for n in EDITABLE_DETAILS}
    clean["search_text"] = search_text(merged["first_name"], merged["last_name"],
                                       merged["email"], merged["phone"], request.message)
    clean["has_usable_contact"] = bool(merged["phone"] or merged["email"])
    version = _versioned_update(session, request_id, seen_version, now, clean)
    changes = {k: v for k, v in clean.items() if k not in ("search_text",)}
    if "prior_auth_status" in changes:
        changes["prior_auth_status"] = [request.prior_auth_status, clean["prior_auth_status"]]
    if "submitter" in changes:
        changes["submitter"] = [request.submitter, clean["submitter"]]
    audit.record(session, actor, "request.update", "request", request_id, changes)
    return version


# --------------------------------------------------------------------------- people


def link_people(session: Session, *, actor: audit.Actor, person_id: int, other_person_id: int,
                now: dt.datetime | None = None) -> int:
    """Staff confirm two records are one person: `other` is absorbed into `person`.

    The absorbed person is kept (pointing at the survivor) and its requests move over, and so do
    its open possible matches with third people: the question "is X the same person?" is now
    about the survivor, asked on its page and answerable from X's. Where the survivor already has
    a match with X, that one question stays and the absorbed person's copy is closed with the
    link (status `linked`, resolved by this link).
    """
    now = _now(now)
    if person_id == other_person_id:
        raise LifecycleError("A person cannot be linked to themselves.")
    survivor = session.get(Person, person_id)
    absorbed = session.get(Person, other_person_id)
    if survivor is None or absorbed is None:
        raise NotFound("One of the two people does not exist.")
    if survivor.merged_into_id is not None or absorbed.merged_into_id is not None:
        raise LifecycleError("One of the two records was already linked to someone else.")
    absorbed.merged_into_id = survivor.id
    if survivor.date_of_birth is None and absorbed.date_of_birth is not None:
        survivor.date_of_birth = absorbed.date_of_birth
    moved = session.execute(
        update(Request).where(Request.person_id == absorbed.id)
        .values(person_id=survivor.id, version=Request.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.execute(
        update(PossibleMatch).where(
            ((PossibleMatch.person_id == person_id) & (PossibleMatch.other_person_id == other_person_id))
            | ((PossibleMatch.person_id == other_person_id) & (PossibleMatch.other_person_id == person_id)),
            PossibleMatch.status == "open",
        ).values(status="linked", resolved_at=now, resolved_by=actor.user_id)
        .execution_options(synchronize_session=False)
    )
    carried = _carry_matches_over(session, absorbed.id, survivor.id, actor=actor, now=now)
    session.flush()
    changes: dict[str, Any] = {"person_id": [absorbed.id, survivor.id], "count": moved}
    if carried:
        changes["matches"] = carried
    audit.record(session, actor, "person.link", "person", survivor.id, changes)
    return moved


def _carry_matches_over(session: Session, absorbed_id: int, survivor_id: int, *,
                        actor: audit.Actor, now: dt.datetime) -> int:
    """The absorbed person's open possible matches become the survivor's (see `link_people`).
    Returns how many were moved or folded."""
    pending = session.execute(
        select(PossibleMatch).where(
            PossibleMatch.status == "open",
            (PossibleMatch.person_id == absorbed_id)
            | (PossibleMatch.other_person_id == absorbed_id),
        ).order_by(PossibleMatch.id)
    ).scalars().all()
    for match in pending:
        third = match.other_person_id if match.person_id == absorbed_id else match.person_id
        already = session.execute(
            select(PossibleMatch.id).where(
                ((PossibleMatch.person_id == survivor_id)
                 & (PossibleMatch.other_person_id == third))
                | ((PossibleMatch.person_id == third)
                   & (PossibleMatch.other_person_id == survivor_id))
            )
        ).first()
        if third == survivor_id or already is not None:
            match.status, match.resolved_at, match.resolved_by = "linked", now, actor.user_id
        elif match.person_id == absorbed_id:
            match.person_id = survivor_id
        else:
            match.other_person_id = survivor_id
        session.flush()  # one at a time: (person_id, other_person_id) is unique
    return len(pending)


def dismiss_match(session: Session, match_id: int, *, actor: audit.Actor,
                  now: dt.datetime | None = None) -> None:
    now = _now(now)
    match = session.get(PossibleMatch, match_id)
    if match is None:
        raise NotFound(f"Possible match {match_id} does not exist.")
    if match.status != "open":
        raise LifecycleError("This possible match was already resolved.")
    match.status = "dismissed"
    match.resolved_at = now
    match.resolved_by = actor.user_id
    session.flush()
    audit.record(session, actor, "person.dismiss_match", "possible_match", match_id,
                 {"person_id": [match.person_id, match.other_person_id]})


def split_person(session: Session, request_id: int, *, actor: audit.Actor, seen_version: int,
                 now: dt.datetime | None = None) -> int:
    """A request wrongly linked to a person moves to a new person of its own. Returns its id.

    The person left behind keeps no repeat of it: their requests that were marked as a repeat
    of this one become repeats of their own latest earlier request, or no repeat at all."""
    now = _now(now)
    request = _load(session, request_id)
    old_person = request.person_id
    person = Person(first_name=request.first_name, last_name=request.last_name,
                    name_key=name_key(request.first_name, request.last_name),
                    date_of_birth=request.date_of_birth, created_at=now)
    session.add(person)
    session.flush()
    _versioned_update(session, request_id, seen_version, now,
                      {"person_id": person.id, "repeat_of_id": None})
    repeats = session.execute(
        select(Request.id, Request.received_at).where(Request.repeat_of_id == request_id)
    ).all()
    for repeat_id, received_at in repeats:
        earlier = session.execute(
            select(Request.id).where(Request.person_id == old_person, Request.id != repeat_id,
                                     Request.received_at <= received_at)
            .order_by(Request.received_at.desc(), Request.id.desc()).limit(1)
        ).scalar() if old_person is not None else None
        session.execute(
            update(Request).where(Request.id == repeat_id)
            .values(repeat_of_id=earlier, version=Request.version + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        audit.record(session, actor, "request.update", "request", repeat_id,
                     {"repeat_of_id": [request_id, earlier]})
    if old_person is not None:
        # Remembered as "not the same", so nobody is asked to link them again.
        session.add(PossibleMatch(person_id=person.id, other_person_id=old_person,
                                  reason="split", status="dismissed", created_at=now,
                                  resolved_at=now, resolved_by=actor.user_id))
    session.flush()
    audit.record(session, actor, "person.split", "request", request_id,
                 {"person_id": [old_person, person.id]})
    return person.id


# --------------------------------------------------------------------------- eligibility


def record_eligibility(session: Session, request_id: int, *, actor: audit.Actor,
                       treatment: str, answers: dict[str, Any],
                       now: dt.datetime | None = None) -> EligibilityScreen:
    """Append a pre-screen with `eligibility.screen`'s result; the latest per treatment counts."""
    from zoelife.triage import eligibility

    now = _now(now)
    if treatment not in TREATMENTS:
        raise LifecycleError(f"Unknown treatment {treatment!r}.")
    _load(session, request_id)
    result = eligibility.screen(treatment, answers)
    row = EligibilityScreen(request_id=request_id, treatment=treatment, answers=dict(answers),
                            result=result.result, reasons=list(result.reasons), recorded_at=now,
                            recorded_by=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "request.eligibility", "request", request_id,
                 {"treatments": treatment, "result": result.result, "answers": True})
    return row
