"""Each open request's next step and its due time, stored on the request (`next_step`,
`next_due_at`, with the earliest coverage reminder): worked out again after every change of a
request or of its coverage, and filled in where a migration added the columns. The rules are
`Schedule.next_step`'s (zoelife.intake.schedule).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zoelife.coverage import reminders as coverage_reminders
from zoelife.db.models import Authorization, Request
from zoelife.intake.schedule import Schedule, request_batches


def refresh_next_step(session: Session, request_id: int, schedule: Schedule,
                      now: dt.datetime) -> tuple[str | None, dt.datetime | None]:
    """Work out and store one request's next step after a change (in the caller's
    transaction; not a version bump: it follows from fields already written), with its
    earliest coverage reminder (zoelife.coverage.reminders): `next_due_at` is the earlier of
    the two due times. Returns the request's own step and due time."""
    request = session.get(Request, request_id, populate_existing=True)
    step, due = schedule.next_step(request, now)
    reminder = (coverage_reminders.earliest(session, request_id, schedule)
                if step is not None else None)
    values = coverage_reminders.combined(step, due, reminder)
    if any(getattr(request, k) != v for k, v in values.items()):
        session.execute(update(Request).where(Request.id == request_id)
                        .values(**values)
                        .execution_options(synchronize_session=False))
        session.expire(request)
    return step, due


_NEXT_STEP_FACTS = (
    Request.id, Request.status, Request.crisis_level, Request.received_at, Request.due_at,
    Request.first_contact_at, Request.reached_at, Request.last_attempt_at,
    Request.next_attempt_due_at, Request.next_step, Request.follow_up_at,
    Request.appointment_at, Request.scheduled_at, Request.updated_at,
)


def fill_missing_next_steps(session: Session, now: dt.datetime | None = None,
                            batch: int = 2000) -> int:
    """Give every open request without a next step its step and due time (rows from before
    the worklist, or written by a path that predates it). Returns how many were filled."""
    now = now or dt.datetime.now(dt.UTC)
    schedule = Schedule.load(session)
    filled = 0
    # Named columns, not the whole model: a migration runs this against the schema of its own
    # revision, which a later revision's columns are not part of yet.
    missing = select(*_NEXT_STEP_FACTS).where(Request.is_open.is_(True),
                                              Request.next_due_at.is_(None))
    for rows in request_batches(session, missing, batch):
        for r in rows:
            step, due = schedule.next_step(r, now)
            session.execute(update(Request).where(Request.id == r.id)
                            .values(next_step=step, next_due_at=due)
                            .execution_options(synchronize_session=False))
            filled += 1
    return filled


def refresh_coverage(session: Session, request_ids: int | Iterable[int],
                     now: dt.datetime | None = None) -> int:
    """Work out the worklist columns of one request (or several: a payer's thresholds changed)
    again after a coverage change, in the caller's transaction; returns how many."""
    ids = [request_ids] if isinstance(request_ids, int) else list(dict.fromkeys(request_ids))
    schedule = Schedule.load(session)
    now = now or dt.datetime.now(dt.UTC)
    for rid in ids:
        refresh_next_step(session, rid, schedule, now)
    return len(ids)


def fill_coverage_reminders(session: Session, now: dt.datetime | None = None) -> int:
    """Give every open request with an authorization in play its coverage reminder (the
    migration that added the columns). Named columns only, like `earliest_for`."""
    schedule = Schedule.load(session)
    now = now or dt.datetime.now(dt.UTC)
    ids = session.execute(
        select(Authorization.request_id).distinct()
        .join(Request, Request.id == Authorization.request_id)
        .where(Request.is_open.is_(True),
               Authorization.status.in_(coverage_reminders.ACTIVE))).scalars().all()
    found = coverage_reminders.earliest_for(session, ids, schedule)
    for rid, reminder in found.items():
        row = session.execute(select(*_NEXT_STEP_FACTS).where(Request.id == rid)).one()
        step, due = schedule.next_step(row, now)
        session.execute(update(Request).where(Request.id == rid)
                        .values(**coverage_reminders.combined(step, due, reminder))
                        .execution_options(synchronize_session=False))
    return len(found)
