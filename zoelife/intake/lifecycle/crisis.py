"""The crisis level: acknowledging an urgent request (and claiming it), raising or lowering
the level by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import CrisisChange, Request, StaffRole, StaffUser
from zoelife.intake.assessment import crisis_rank
from zoelife.intake.lifecycle.common import (
    LifecycleError,
    load_request,
    now_or_utc,
    versioned_update,
)
from zoelife.intake.next_steps import refresh_next_step
from zoelife.intake.schedule import Schedule
from zoelife.vocabulary import CRISIS_LEVELS, label

LEVEL_ORDER = {"none": 0, "review": 1, "urgent": 2}


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
    now = now_or_utc(now)
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
    now = now_or_utc(now)
    if level not in CRISIS_LEVELS:
        raise LifecycleError(f"Unknown crisis level {level!r}.")
    request = load_request(session, request_id)
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
    version = versioned_update(session, request_id, seen_version, now, values)
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
