"""The worklist read in SQL: one page of rows in its order (keys, not offsets), the tabs'
counts, a request's neighbours in the same list, the next due request, and the counts the
alerts read (unacknowledged urgent, the latest arrival)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from zoelife.db.models import PossibleMatch, Request, StaffUser
from zoelife.intake.queue.filters import QueueFilters, conditions, tab_condition


@dataclass(frozen=True)
class QueueRow:
    id: int
    received_at: dt.datetime
    first_name: str | None
    last_name: str | None
    submitter: str
    submitter_name: str | None
    channel: str
    treatments: tuple[str, ...]
    crisis_level: str
    crisis_acknowledged: bool
    status: str
    assignee_id: int | None
    assignee_name: str | None
    due: dt.datetime | None  # the contact due now: first contact, or the next attempt
    attempt_count: int
    next_attempt_due_at: dt.datetime | None
    is_repeat: bool
    has_usable_contact: bool
    possible_match: bool = False
    overdue: bool = False
    next_step: str | None = None
    appointment_at: dt.datetime | None = None
    phone: str | None = None
    sms_consent: bool | None = None
    email: str | None = None
    sort_key: tuple = ()

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or "(no name)"


# The worklist's order: unacknowledged urgent first, then by the next step's due time (most
# overdue first), requests without one (closed) last, then by id. Each key is also a keyset
# position: `after=row.sort_key` continues the list after that row.
def _sort_columns():
    return (case((Request.crisis_rank == 0, 0), else_=1),
            case((Request.next_due_at.is_(None), 1), else_=0),
            Request.next_due_at, Request.id)


def _after(key: tuple, *, backwards: bool = False):
    """Rows after (or before) `key` in the worklist's order, as one SQL condition."""
    first, no_due, due, rid = key
    k1, k2, k3, k4 = _sort_columns()

    def beyond(column, value):
        return column < value if backwards else column > value

    if no_due:
        tail = beyond(k4, rid)
    else:
        tail = or_(beyond(k3, due), and_(k3 == due, beyond(k4, rid)))
    return or_(beyond(k1, first), and_(k1 == first, or_(beyond(k2, no_due),
                                                        and_(k2 == no_due, tail))))


@dataclass(frozen=True)
class TabCounts:
    todo: int
    scheduled: int
    waiting: int
    all: int
    overdue: int  # open requests past their next step's due time

    def __getitem__(self, tab: str) -> int:
        return getattr(self, tab)


def tab_counts(session: Session, filters: QueueFilters, now: dt.datetime, horizon: dt.datetime,
               user_id: int | None = None) -> TabCounts:
    """Each tab's count under the filters, and how many are overdue, in one pass."""
    conds = conditions(session, filters, now, user_id)

    def n(cond):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    row = session.execute(
        select(n(tab_condition("todo", now, horizon)),
               n(tab_condition("scheduled", now, horizon)),
               n(tab_condition("waiting", now, horizon)), func.count(),
               n(and_(Request.is_open.is_(True), Request.next_due_at < now)))
        .select_from(Request).where(and_(*conds))
    ).one()
    return TabCounts(*(int(v) for v in row))


def queue_page(session: Session, filters: QueueFilters, now: dt.datetime, page: int = 1,
               page_size: int = 25, user_id: int | None = None,
               horizon: dt.datetime | None = None, after: tuple | None = None,
               before: tuple | None = None) -> tuple[list[QueueRow], int]:
    """One page of the filters' tab in the worklist's order, and how many requests match.

    `after` (a row's `sort_key`) continues after that row and `before` ends before it, without
    counting rows already passed; without either, `page` is the page number (an offset, for
    links to page N)."""
    page = max(int(page), 1)
    page_size = max(min(int(page_size), 500), 1)
    horizon = horizon or now
    conds = conditions(session, filters, now, user_id)
    in_tab = tab_condition(filters.tab, now, horizon)
    if in_tab is not None:
        conds.append(in_tab)
    total = session.execute(
        select(func.count()).select_from(Request).where(and_(*conds))
    ).scalar_one()
    rows = _rows(session, conds, page_size, after=after, before=before,
                 offset=(page - 1) * page_size if after is None and before is None else 0)
    matched = _people_with_open_matches(session, {r.person_id for r in rows if r.person_id})
    return [_queue_row(r, now, r.person_id in matched) for r in rows], total


def _rows(session: Session, conds: list, limit: int, *, after: tuple | None = None,
          before: tuple | None = None, offset: int = 0) -> list:
    assignee = aliased(StaffUser)
    keys = _sort_columns()
    where = list(conds)
    if after is not None:
        where.append(_after(after))
    if before is not None:
        where.append(_after(before, backwards=True))
    order = [k.desc() for k in keys] if before is not None else list(keys)
    # The page's ids first (from the worklist index alone when no other filter is set), then
    # their rows: the sort never carries whole rows.
    ids = select(Request.id).where(and_(*where)).order_by(*order).limit(limit)
    if offset:
        ids = ids.offset(offset)
    query = (
        select(
            Request.id, Request.received_at, Request.first_name, Request.last_name,
            Request.submitter, Request.submitter_name, Request.channel, Request.treatment_list,
            Request.crisis_level, Request.crisis_acknowledged_at, Request.status,
            Request.assignee_id, assignee.display_name.label("assignee_name"),
            Request.next_due_at, Request.attempt_count, Request.next_attempt_due_at,
            Request.repeat_of_id, Request.has_usable_contact, Request.person_id,
            Request.next_step, Request.appointment_at, Request.phone, Request.email,
            Request.sms_consent, Request.crisis_rank,
        )
        .outerjoin(assignee, assignee.id == Request.assignee_id)
        .where(Request.id.in_(ids.scalar_subquery()))
        .order_by(*order)
    )
    rows = session.execute(query).all()
    return rows[::-1] if before is not None else rows


def _queue_row(r, now: dt.datetime, possible_match: bool) -> QueueRow:
    due = aware(r.next_due_at)
    step = r.next_step
    if r.status == "scheduled" and r.appointment_at is not None and aware(r.appointment_at) <= now:
        step, due = "outcome", aware(r.appointment_at)  # the appointment's time has come
    return QueueRow(
        id=r.id, received_at=r.received_at, first_name=r.first_name, last_name=r.last_name,
        submitter=r.submitter, submitter_name=r.submitter_name, channel=r.channel,
        treatments=tuple(t for t in (r.treatment_list or "").split(";") if t),
        crisis_level=r.crisis_level, crisis_acknowledged=r.crisis_acknowledged_at is not None,
        status=r.status, assignee_id=r.assignee_id, assignee_name=r.assignee_name,
        due=due, attempt_count=r.attempt_count,
        next_attempt_due_at=r.next_attempt_due_at, is_repeat=r.repeat_of_id is not None,
        has_usable_contact=bool(r.has_usable_contact), possible_match=possible_match,
        overdue=due is not None and due < now, next_step=step,
        appointment_at=aware(r.appointment_at), phone=r.phone,
        sms_consent=r.sms_consent, email=r.email,
        sort_key=(0 if r.crisis_rank == 0 else 1, 1 if r.next_due_at is None else 0,
                  aware(r.next_due_at), r.id),
    )


def sort_key_of(session: Session, request_id: int) -> tuple | None:
    """A request's position in the worklist's order (for its neighbours)."""
    r = session.execute(select(Request.crisis_rank, Request.next_due_at, Request.id)
                        .where(Request.id == request_id)).first()
    if r is None:
        return None
    return (0 if r.crisis_rank == 0 else 1, 1 if r.next_due_at is None else 0,
            aware(r.next_due_at), r.id)


def neighbours(session: Session, filters: QueueFilters, now: dt.datetime, request_id: int,
               horizon: dt.datetime | None = None, user_id: int | None = None
               ) -> tuple[int | None, int | None]:
    """The requests before and after this one in the same filtered list (tab included); a
    request no longer in the list (just moved out of it) still has its place in the order."""
    key = sort_key_of(session, request_id)
    if key is None:
        return None, None
    conds = conditions(session, filters, now, user_id)
    in_tab = tab_condition(filters.tab, now, horizon or now)
    if in_tab is not None:
        conds.append(in_tab)
    before = _rows(session, conds, 1, before=key)
    after = _rows(session, conds, 1, after=key)
    return (before[0].id if before else None), (after[0].id if after else None)


def next_due_request(session: Session, now: dt.datetime, horizon: dt.datetime,
                     exclude: int | None = None, user_id: int | None = None,
                     filters: QueueFilters | None = None) -> int | None:
    """The first request of To do (under the filters), other than `exclude`: the next one to
    work on after an action."""
    filters = filters or QueueFilters()
    conds = conditions(session, filters, now, user_id)
    conds.append(tab_condition("todo", now, horizon))
    if exclude is not None:
        conds.append(Request.id != exclude)
    rows = _rows(session, conds, 1)
    return rows[0].id if rows else None


def aware(value: Any) -> dt.datetime | None:
    """A CASE over UTCDateTime columns comes back untyped on some drivers: make it aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _people_with_open_matches(session: Session, person_ids: set[int]) -> set[int]:
    if not person_ids:
        return set()
    rows = session.execute(
        select(PossibleMatch.person_id, PossibleMatch.other_person_id).where(
            PossibleMatch.status == "open",
            or_(PossibleMatch.person_id.in_(person_ids),
                PossibleMatch.other_person_id.in_(person_ids)),
        )
    ).all()
    found: set[int] = set()
    for a, b in rows:
        found |= {a, b}
    return found & person_ids


def count_unacknowledged_urgent(session: Session) -> int:
    return session.execute(
        select(func.count()).select_from(Request).where(
            Request.is_open.is_(True), Request.crisis_rank == 0)
    ).scalar_one()


def unacknowledged_urgent(session: Session, limit: int = 20) -> list[tuple[int, str, dt.datetime]]:
    """The oldest unacknowledged urgent requests, for the crisis banner: (id, name, received)."""
    rows = session.execute(
        select(Request.id, Request.first_name, Request.last_name, Request.received_at)
        .where(Request.is_open.is_(True), Request.crisis_rank == 0)
        .order_by(Request.received_at, Request.id).limit(limit)
    ).all()
    return [(r.id, " ".join(p for p in (r.first_name, r.last_name) if p) or "(no name)",
             r.received_at) for r in rows]


def latest_request_id(session: Session) -> int:
    """The newest request's id: the auto-refresh compares it to spot arrivals cheaply."""
    return session.execute(select(func.coalesce(func.max(Request.id), 0))).scalar_one()
