"""Coverage reminders as next steps of the front desk's worklist (docs/coverage.md, "Reminders
in the worklist").

Each authorization still in play may have a reminder with a fixed due time, worked out from its
own dates and its payer's thresholds (`checklist.Criteria`):

- `coverage_records`: gathering, the checklist still misses something, `records_days` after it
  was opened, the last records request letter or the last chase;
- `coverage_decision`: submitted, in review or under appeal, `decision_days` after submission
  (the appeal) or the last chase;
- `coverage_extension`: approved and not extended, by the close of the business day
  `expiring_days` before it ends, or once `units_left` or fewer approved sessions remain (due
  when the sessions used were recorded);
- `coverage_start`: a first treatment booked through a scheduling tool while its gate was not
  open (`records.booked`), due when it was booked, until settled.

A request's earliest reminder is stored on it (`coverage_step`, `coverage_due_at`), and its
`next_due_at` is the earlier of its own next step's due time and that reminder's: the worklist
then orders, counts and pages coverage reminders with every other due step, through the same
index. `zoelife.intake.next_steps.refresh_next_step` (every change of a request) and
`recompute_all` (a settings change) call `earliest`; every coverage write calls
`next_steps.refresh_coverage` (this module knows nothing of the schedule but what it is handed).
Because every due time is fixed when its facts change, nothing needs recomputing as time passes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased

from zoelife.coverage import checklist
from zoelife.db.models import Authorization, CoverageEvent, PayerCriteria, Request
from zoelife.vocabulary import COVERAGE_STEPS

STEPS = COVERAGE_STEPS
ACTIVE = ("gathering", "submitted", "in_review", "appeal", "approved")
# What to do, said on the request's Coverage tab beside the worklist's label.
ACTIONS = {
    "coverage_records": "send the records request letter or call the referring provider, "
                        "then mark it chased",
    "coverage_decision": "call the payer for the decision, then mark it chased",
    "coverage_extension": "request an extension from the payer",
    "coverage_start": "complete what is missing below, or call the person to move the booking, "
                      "or accept it with a reason",
}
# A first treatment booked through a scheduling tool while its gate was not open
# (`records.booked`): flagged by `booking_not_ready`, until `booking_settled`, or until the
# appointment is moved back before it happened (`first_treatment_not_had`, written by the
# status move: nothing is booked any more).
BOOKING_FLAGS = ("booking_not_ready", "booking_settled", "first_treatment_not_had")


@dataclass(frozen=True)
class Reminder:
    step: str
    due_at: dt.datetime
    authorization_id: int
    treatment: str
    why: str  # "records still missing", "decision due", ...


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _latest(*moments: dt.datetime | None) -> dt.datetime | None:
    present = [_aware(m) for m in moments if m is not None]
    return max(present) if present else None


def earlier(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    """The earlier of two due times, either of which may be missing."""
    if a is None or b is None:
        return a if b is None else b
    return min(_aware(a), _aware(b))


def end_of_day(schedule, day: dt.date) -> dt.datetime:
    """The close of the clinic's business day on `day` (the next business day when closed)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=schedule.zone).astimezone(dt.UTC)
    return schedule.close_of_business_day_after(start, 0)


def reminders_for(auth: Any, criteria: checklist.Criteria, *, extended: bool, schedule
                  ) -> list[Reminder]:
    """The reminders one authorization has, each with its due time (pure: from the row's dates,
    its evidence and its payer's thresholds). `auth` is an Authorization or a row with its
    columns; `extended`: an extension of it is tracked."""
    out: list[Reminder] = []
    chased = getattr(auth, "chased_at", None)

    def add(step: str, due: dt.datetime, why: str) -> None:
        out.append(Reminder(step, due, auth.id, auth.treatment, why))

    if auth.status == "gathering":
        missing = checklist.missing(checklist.evaluate(
            criteria, checklist.Evidence.from_data(auth.evidence)))
        if missing:
            since = _latest(auth.status_at, auth.records_requested_at, chased)
            add("coverage_records", since + dt.timedelta(days=criteria.records_days),
                "records still missing")
    elif auth.status in ("submitted", "in_review", "appeal"):
        start = auth.status_at if auth.status == "appeal" else (auth.submitted_at
                                                                 or auth.status_at)
        since = _latest(start, chased)
        add("coverage_decision", since + dt.timedelta(days=criteria.decision_days),
            "appeal decision due" if auth.status == "appeal" else "payer decision due")
    elif auth.status == "approved" and not extended:
        if auth.end_date is not None:
            add("coverage_extension",
                end_of_day(schedule, auth.end_date - dt.timedelta(days=criteria.expiring_days)),
                f"authorization ends {auth.end_date.isoformat()}")
        if auth.approved_units:
            left = auth.approved_units - (auth.units_used or 0)
            if left <= criteria.units_left:
                add("coverage_extension",
                    _aware(getattr(auth, "units_at", None) or auth.status_at),
                    f"{max(left, 0)} of {auth.approved_units} approved sessions left")
    return out


_AUTH_FACTS = (Authorization.id, Authorization.request_id, Authorization.treatment,
               Authorization.status, Authorization.evidence, Authorization.status_at,
               Authorization.submitted_at, Authorization.records_requested_at,
               Authorization.chased_at, Authorization.end_date, Authorization.approved_units,
               Authorization.units_used, Authorization.units_at)


def booking_flags(session: Session, request_ids: list[int]) -> dict[int, list[Reminder]]:
    """Each request's bookings still flagged not ready, due when flagged (at once: the booked
    time is the person's, and only staff can act). Named columns only, like `earliest_for`."""
    out: dict[int, list[Reminder]] = {}
    for i in range(0, len(request_ids), 500):
        latest: dict[int, dict[int | None, Any]] = {}
        for row in session.execute(
                select(CoverageEvent.request_id, CoverageEvent.authorization_id,
                       CoverageEvent.kind, CoverageEvent.detail, CoverageEvent.occurred_at,
                       Authorization.treatment)
                .outerjoin(Authorization, Authorization.id == CoverageEvent.authorization_id)
                .where(CoverageEvent.request_id.in_(request_ids[i:i + 500]),
                       CoverageEvent.kind.in_(BOOKING_FLAGS))
                .order_by(CoverageEvent.occurred_at, CoverageEvent.id)).all():
            mine = latest.setdefault(row.request_id, {})
            if row.kind == "booking_settled" and row.authorization_id is None:
                mine.clear()  # canceled, or accepted by staff: the whole request
            else:
                mine[row.authorization_id] = row
        for rid, rows in latest.items():
            flags = [Reminder("coverage_start", _aware(r.occurred_at), r.authorization_id or 0,
                              r.treatment or "", r.detail or "booked first treatment not ready")
                     for r in rows.values() if r.kind == "booking_not_ready"]
            if flags:
                out[rid] = flags
    return out


def earliest_for(session: Session, request_ids: Iterable[int], schedule
                 ) -> dict[int, Reminder]:
    """Each request's earliest coverage reminder (requests without one are left out). Named
    columns only: a migration runs this against the schema of its own revision."""
    ids = list(request_ids)
    if not ids:
        return {}
    later = aliased(Authorization)
    extended = exists().where(later.extension_of_id == Authorization.id)
    found: dict[int, Reminder] = {}
    for i in range(0, len(ids), 500):
        rows = session.execute(
            select(*_AUTH_FACTS, PayerCriteria.criteria, extended.label("extended"))
            .outerjoin(PayerCriteria, and_(PayerCriteria.payer_id == Authorization.payer_id,
                                           PayerCriteria.treatment == Authorization.treatment))
            .where(Authorization.request_id.in_(ids[i:i + 500]),
                   Authorization.status.in_(ACTIVE))).all()
        for row in rows:
            try:
                criteria = checklist.Criteria.from_data(row.criteria)
            except checklist.CriteriaError:
                criteria = checklist.Criteria()
            for r in reminders_for(row, criteria, extended=bool(row.extended),
                                   schedule=schedule):
                best = found.get(row.request_id)
                if best is None or (r.due_at, r.authorization_id) < (best.due_at,
                                                                     best.authorization_id):
                    found[row.request_id] = r
    for rid, flags in booking_flags(session, ids).items():
        for r in flags:
            best = found.get(rid)
            if best is None or r.due_at <= best.due_at:
                found[rid] = r
    return found


def of_request(session: Session, request_id: int, schedule) -> dict[int, list[Reminder]]:
    """Every reminder of a request's authorizations, by authorization id (the Coverage tab)."""
    later = aliased(Authorization)
    extended = exists().where(later.extension_of_id == Authorization.id)
    out: dict[int, list[Reminder]] = {}
    for row in session.execute(
            select(*_AUTH_FACTS, PayerCriteria.criteria, extended.label("extended"))
            .outerjoin(PayerCriteria, and_(PayerCriteria.payer_id == Authorization.payer_id,
                                           PayerCriteria.treatment == Authorization.treatment))
            .where(Authorization.request_id == request_id,
                   Authorization.status.in_(ACTIVE))).all():
        try:
            criteria = checklist.Criteria.from_data(row.criteria)
        except checklist.CriteriaError:
            criteria = checklist.Criteria()
        found = reminders_for(row, criteria, extended=bool(row.extended), schedule=schedule)
        if found:
            out[row.id] = sorted(found, key=lambda r: r.due_at)
    for r in booking_flags(session, [request_id]).get(request_id, []):
        out[r.authorization_id] = sorted([*out.get(r.authorization_id, []), r],
                                         key=lambda x: x.due_at)
    return out


def earliest(session: Session, request_id: int, schedule) -> Reminder | None:
    return earliest_for(session, [request_id], schedule).get(request_id)


def combined(step: str | None, due: dt.datetime | None, reminder: Reminder | None
             ) -> dict[str, Any]:
    """The stored worklist columns of a request from its own next step and its earliest
    coverage reminder (a closed request, `step` None, has neither)."""
    if step is None or reminder is None:
        return {"next_step": step, "next_due_at": due, "coverage_step": None,
                "coverage_due_at": None}
    return {"next_step": step, "next_due_at": earlier(due, reminder.due_at),
            "coverage_step": reminder.step, "coverage_due_at": reminder.due_at}


def shown_step(step: str | None, due: dt.datetime | None, coverage_step: str | None,
               coverage_due: dt.datetime | None) -> tuple[str | None, dt.datetime | None]:
    """The next step a worklist row or a request page shows: the coverage reminder when it is
    due no later than the request's own step."""
    coverage_due = _aware(coverage_due)
    if coverage_step and coverage_due is not None and (due is None
                                                       or coverage_due <= _aware(due)):
        return coverage_step, coverage_due
    return step, due


def todo_condition(horizon: dt.datetime):
    """The worklist's To do also holds any request whose coverage reminder is due by the end
    of the clinic's day (a scheduled one included, whose own next step waits under
    Scheduled)."""
    # Never NULL (the tabs negate To do: NOT (... OR NULL) would drop the row from every tab).
    return and_(Request.coverage_due_at.is_not(None), Request.coverage_due_at <= horizon)
