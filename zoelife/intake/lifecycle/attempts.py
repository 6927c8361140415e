"""Contact attempts: append one and apply its move."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import ContactAttempt, Request, StatusChange
from zoelife.intake.lifecycle.common import (
    MAX_NOTE_LENGTH,
    LifecycleError,
    MoveNotAllowed,
    load_request,
    now_or_utc,
)
from zoelife.intake.next_steps import refresh_next_step
from zoelife.intake.schedule import Schedule
from zoelife.vocabulary import ATTEMPT_METHODS, ATTEMPT_OUTCOMES, label


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
    now = now_or_utc(now)
    if not outcome:
        raise LifecycleError("Choose the attempt's outcome: what happened when you tried.")
    if method not in ATTEMPT_METHODS:
        raise LifecycleError(f"Unknown contact method {method!r}; use one of "
                             f"{', '.join(ATTEMPT_METHODS)}.")
    if outcome not in ATTEMPT_OUTCOMES:
        raise LifecycleError(f"Unknown attempt outcome {outcome!r}; use one of "
                             f"{', '.join(ATTEMPT_OUTCOMES)}.")
    schedule = schedule or Schedule.load(session)
    request = load_request(session, request_id, lock=True)
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
