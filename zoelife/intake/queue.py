"""The front desk's worklist and the whole story of one request, read in SQL.

The worklist (docs/front-desk.md, "The worklist") sorts open requests by their next step's due
time (`next_due_at`, stored by zoelife.intake.schedule): unacknowledged urgent first, then
overdue by how overdue, then due soonest. Its tabs split the open requests in three that do not
overlap, plus everything: **To do** (unacknowledged urgent, new, and every next step due by the
end of the clinic's day, except confirmation calls of appointments still ahead), **Scheduled**
(the rest of the scheduled ones) and **Waiting** (the rest: a chase date, a follow-up or the next
attempt after today), **All**. Pages follow keys, not offsets (`after=`), so page 400 costs what
page 1 does; counting, filtering and the neighbours of a request in the same list all happen in
SQL; a page's extra facts (possible matches) are loaded in one batch, never per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from zoelife.coverage import reminders as coverage_reminders
from zoelife.db import search as search_index
from zoelife.db.models import (
    ContactAttempt,
    CrisisChange,
    EligibilityScreen,
    Note,
    Person,
    PossibleMatch,
    Request,
    RequestTreatment,
    StaffUser,
    StatusChange,
    Submission,
)
from zoelife.intake.normalize import fold
from zoelife.vocabulary import CHANNELS, CRISIS_LEVELS, STATUSES, TREATMENTS

ASSIGNEE_CHOICES = ("", "mine", "unassigned")
TABS = ("todo", "scheduled", "waiting", "all")
TAB_LABELS = {"todo": "To do", "scheduled": "Scheduled", "waiting": "Waiting", "all": "All"}


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows. All but `search` round-trip through the URL's query params."""

    statuses: tuple[str, ...] = ()  # empty: every open status
    treatments: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    crisis_levels: tuple[str, ...] = ()
    assignee: str = ""  # "" anyone | "mine" | "unassigned"
    overdue: bool = False
    date_from: dt.date | None = None  # clinic-local received date, inclusive
    date_to: dt.date | None = None
    search: str = ""  # never put in the URL: it may be a name or a phone number
    tab: str = "todo"

    _LISTS = {"statuses": STATUSES, "treatments": TREATMENTS, "channels": CHANNELS,
              "crisis_levels": CRISIS_LEVELS}
    _URL_NAMES = {"statuses": "status", "treatments": "treatment", "channels": "channel",
                  "crisis_levels": "crisis", "assignee": "assignee", "overdue": "overdue",
                  "date_from": "from", "date_to": "to", "tab": "tab"}

    def to_query_params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, key in self._URL_NAMES.items():
            value = getattr(self, name)
            if isinstance(value, tuple) and value:
                out[key] = ",".join(value)
            elif isinstance(value, bool) and value:
                out[key] = "1"
            elif isinstance(value, dt.date):
                out[key] = value.isoformat()
            elif name == "tab":
                if value != "todo":
                    out[key] = value
            elif isinstance(value, str) and value:
                out[key] = value
        return out

    @classmethod
    def from_query_params(cls, params: Mapping[str, Any]) -> QueueFilters:
        """Read filters from a URL; unknown or malformed values are ignored, never an error."""
        kwargs: dict[str, Any] = {}
        for name, key in cls._URL_NAMES.items():
            raw = params.get(key)
            if isinstance(raw, list):
                raw = raw[-1] if raw else None
            if raw is None or raw == "":
                continue
            raw = str(raw)
            if name in cls._LISTS:
                allowed = cls._LISTS[name]
                kwargs[name] = tuple(x for x in dict.fromkeys(raw.split(",")) if x in allowed)
            elif name == "assignee":
                if raw in ASSIGNEE_CHOICES:
                    kwargs[name] = raw
            elif name == "overdue":
                kwargs[name] = raw in ("1", "true", "yes")
            elif name == "tab":
                if raw in TABS:
                    kwargs[name] = raw
            else:
                try:
                    kwargs[name] = dt.date.fromisoformat(raw)
                except ValueError:
                    pass
        return cls(**kwargs)

    def is_default(self) -> bool:
        """No filter set (whichever tab)."""
        return all(getattr(self, f.name) == f.default for f in fields(self) if f.name != "tab")


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


def _due_expr():
    """The next step's due time: set on every open request (zoelife.intake.schedule)."""
    return Request.next_due_at


def horizon_for(now: dt.datetime, zone) -> dt.datetime:
    """The end of the clinic's day: To do holds the next steps due by then."""
    local = now.astimezone(zone)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return midnight.astimezone(dt.UTC)


def _todo(now: dt.datetime, horizon: dt.datetime):
    """To do: unacknowledged urgent, new, and next steps due today, but never the confirmation
    call of an appointment still ahead (those wait under Scheduled)."""
    return or_(
        Request.crisis_rank == 0,
        Request.status == "new",
        and_(Request.status != "scheduled",
             or_(Request.next_due_at.is_(None), Request.next_due_at <= horizon)),
        and_(Request.status == "scheduled",
             or_(Request.appointment_at.is_(None), Request.appointment_at <= now)),
        coverage_reminders.todo_condition(horizon),
    )


def tab_condition(tab: str, now: dt.datetime, horizon: dt.datetime):
    """The tabs split the open requests without overlap (All: no condition)."""
    todo = _todo(now, horizon)
    if tab == "todo":
        return and_(Request.is_open.is_(True), todo)
    if tab == "scheduled":
        return and_(Request.is_open.is_(True), Request.status == "scheduled", ~todo)
    if tab == "waiting":
        return and_(Request.is_open.is_(True), Request.status != "scheduled", ~todo)
    return None


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_terms(query: str) -> list[str]:
    """The folded query, plus its digits when it looks like a phone number."""
    terms = []
    folded = fold(query)
    if folded:
        terms.append(folded)
    if re.fullmatch(r"[\d\s().+-]+", query or "") and len(re.sub(r"\D", "", query)) >= 4:
        terms.append(re.sub(r"\D", "", query))
    return terms


def _search_condition(terms: list[str], fts: bool):
    """Any term in the search text: through the trigram index where it can answer
    (zoelife.db.search), else a plain LIKE."""
    parts = []
    for t in terms:
        if fts and search_index.indexed_term(t):
            parts.append(Request.id.in_(search_index.fts_ids(t)))
        else:
            parts.append(Request.search_text.like(f"%{_like_escape(t)}%", escape="\\"))
    return or_(*parts)


_FTS_KNOWN: dict[str, bool] = {}


def _has_fts(session: Session) -> bool:
    """Whether this database has the SQLite search index (looked up once per database)."""
    bind = session.get_bind()
    key = str(bind.url)
    if key not in _FTS_KNOWN:
        _FTS_KNOWN[key] = search_index.has_fts(session.connection())
    return _FTS_KNOWN[key]


def _conditions(filters: QueueFilters, now: dt.datetime, user_id: int | None,
                fts: bool = False) -> list:
    conds: list = []
    if filters.statuses:
        conds.append(Request.status.in_(filters.statuses))
        if "closed" not in filters.statuses:
            conds.append(Request.is_open.is_(True))
    else:
        # is_open is true exactly for the open statuses (lifecycle keeps them in step), and it
        # alone lets the count and the first keys come from the queue index.
        conds.append(Request.is_open.is_(True))
    if filters.treatments:
        conds.append(exists().where(RequestTreatment.request_id == Request.id,
                                    RequestTreatment.treatment.in_(filters.treatments)))
    if filters.channels:
        conds.append(Request.channel.in_(filters.channels))
    if filters.crisis_levels:
        conds.append(Request.crisis_level.in_(filters.crisis_levels))
    if filters.assignee == "mine":
        conds.append(Request.assignee_id == user_id)
    elif filters.assignee == "unassigned":
        conds.append(Request.assignee_id.is_(None))
    if filters.overdue:
        conds.append(_due_expr() < now)
    if filters.date_from:
        conds.append(Request.received_local_date >= filters.date_from)
    if filters.date_to:
        conds.append(Request.received_local_date <= filters.date_to)
    terms = search_terms(filters.search)
    if terms:
        conds.append(_search_condition(terms, fts))
    return conds


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
    conds = _conditions(filters, now, user_id, _has_fts(session) if filters.search else False)

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
    conds = _conditions(filters, now, user_id, _has_fts(session) if filters.search else False)
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
            Request.sms_consent, Request.crisis_rank, Request.coverage_step,
            Request.coverage_due_at,
        )
        .outerjoin(assignee, assignee.id == Request.assignee_id)
        .where(Request.id.in_(ids.scalar_subquery()))
        .order_by(*order)
    )
    rows = session.execute(query).all()
    return rows[::-1] if before is not None else rows


def _queue_row(r, now: dt.datetime, possible_match: bool) -> QueueRow:
    due = _aware(r.next_due_at)
    step = r.next_step
    if r.status == "scheduled" and r.appointment_at is not None and _aware(r.appointment_at) <= now:
        step, due = "outcome", _aware(r.appointment_at)  # the appointment's time has come
    step, due = coverage_reminders.shown_step(step, due, r.coverage_step, r.coverage_due_at)
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
        appointment_at=_aware(r.appointment_at), phone=r.phone,
        sms_consent=r.sms_consent, email=r.email,
        sort_key=(0 if r.crisis_rank == 0 else 1, 1 if r.next_due_at is None else 0,
                  _aware(r.next_due_at), r.id),
    )


def sort_key_of(session: Session, request_id: int) -> tuple | None:
    """A request's position in the worklist's order (for its neighbours)."""
    r = session.execute(select(Request.crisis_rank, Request.next_due_at, Request.id)
                        .where(Request.id == request_id)).first()
    if r is None:
        return None
    return (0 if r.crisis_rank == 0 else 1, 1 if r.next_due_at is None else 0,
            _aware(r.next_due_at), r.id)


def neighbours(session: Session, filters: QueueFilters, now: dt.datetime, request_id: int,
               horizon: dt.datetime | None = None, user_id: int | None = None
               ) -> tuple[int | None, int | None]:
    """The requests before and after this one in the same filtered list (tab included); a
    request no longer in the list (just moved out of it) still has its place in the order."""
    key = sort_key_of(session, request_id)
    if key is None:
        return None, None
    conds = _conditions(filters, now, user_id, _has_fts(session) if filters.search else False)
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
    conds = _conditions(filters, now, user_id, _has_fts(session) if filters.search else False)
    conds.append(tab_condition("todo", now, horizon))
    if exclude is not None:
        conds.append(Request.id != exclude)
    rows = _rows(session, conds, 1)
    return rows[0].id if rows else None


def _aware(value: Any) -> dt.datetime | None:
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


# --------------------------------------------------------------------------- one request


@dataclass
class RequestDetail:
    request: Request
    treatments: tuple[str, ...]
    assignee_name: str | None
    acknowledged_by_name: str | None
    attempts: list[ContactAttempt]
    status_history: list[StatusChange]
    crisis_history: list[CrisisChange]
    notes: list[Note]
    submissions: list[Submission]
    other_requests: list[Request]
    possible_matches: list[dict[str, Any]]
    screens: dict[str, EligibilityScreen]  # latest per treatment
    staff_names: dict[int, str] = field(default_factory=dict)
    duplicates: list[Request] = field(default_factory=list)  # requests merged into this one


def request_detail(session: Session, request_id: int) -> RequestDetail | None:
    request = session.get(Request, request_id, populate_existing=True)
    if request is None:
        return None
    by_request = {
        model: session.execute(
            select(model).where(model.request_id == request_id).order_by(order.desc())
        ).scalars().all()
        for model, order in ((ContactAttempt, ContactAttempt.attempted_at),
                             (StatusChange, StatusChange.changed_at),
                             (CrisisChange, CrisisChange.changed_at),
                             (Note, Note.created_at),
                             (Submission, Submission.received_at),
                             (EligibilityScreen, EligibilityScreen.recorded_at))
    }
    screens: dict[str, EligibilityScreen] = {}
    for s in by_request[EligibilityScreen]:
        screens.setdefault(s.treatment, s)  # newest first: the first seen counts
    other_requests: list[Request] = []
    matches: list[dict[str, Any]] = []
    if request.person_id is not None:
        other_requests = list(session.execute(
            select(Request).where(Request.person_id == request.person_id,
                                  Request.id != request_id)
            .order_by(Request.received_at.desc()).limit(50)
        ).scalars().all())
        other_person = case((PossibleMatch.person_id == request.person_id,
                             PossibleMatch.other_person_id), else_=PossibleMatch.person_id)
        rows = session.execute(
            select(PossibleMatch.id, PossibleMatch.reason, other_person.label("other_id"),
                   Person.first_name, Person.last_name)
            .join(Person, Person.id == other_person)
            .where(PossibleMatch.status == "open",
                   or_(PossibleMatch.person_id == request.person_id,
                       PossibleMatch.other_person_id == request.person_id))
        ).all()
        latest = {}
        if rows:
            for pid, rid in session.execute(
                select(Request.person_id, func.max(Request.id))
                .where(Request.person_id.in_([r.other_id for r in rows]))
                .group_by(Request.person_id)
            ).all():
                latest[pid] = rid
        matches = [{"match_id": r.id, "reason": r.reason, "person_id": r.other_id,
                    "name": " ".join(p for p in (r.first_name, r.last_name) if p) or "(no name)",
                    "latest_request_id": latest.get(r.other_id)} for r in rows]
    duplicates = list(session.execute(
        select(Request).where(Request.duplicate_of_id == request_id).order_by(Request.id)
    ).scalars().all())
    staff_ids = {request.assignee_id, request.crisis_acknowledged_by}
    staff_ids |= {a.staff_user_id for a in by_request[ContactAttempt]}
    staff_ids |= {s.changed_by for s in by_request[StatusChange]}
    staff_ids |= {c.changed_by for c in by_request[CrisisChange]}
    staff_ids |= {n.author_id for n in by_request[Note]}
    staff_ids |= {s.recorded_by for s in by_request[EligibilityScreen]}
    staff_ids.discard(None)
    names = dict(session.execute(
        select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(staff_ids))
    ).all()) if staff_ids else {}
    return RequestDetail(
        request=request,
        treatments=tuple(sorted(request.treatment_set)),
        assignee_name=names.get(request.assignee_id),
        acknowledged_by_name=names.get(request.crisis_acknowledged_by),
        attempts=list(by_request[ContactAttempt]),
        status_history=list(by_request[StatusChange]),
        crisis_history=list(by_request[CrisisChange]),
        notes=list(by_request[Note]),
        submissions=list(by_request[Submission]),
        other_requests=other_requests,
        possible_matches=matches,
        screens=screens,
        staff_names=names,
        duplicates=duplicates,
    )


def open_request_ids_for_merge(session: Session, request_id: int, person_id: int | None,
                               limit: int = 20) -> list[tuple[int, dt.datetime, str]]:
    """Candidate requests to merge into: the same person's other open requests."""
    if person_id is None:
        return []
    rows = session.execute(
        select(Request.id, Request.received_at, Request.treatment_list)
        .where(Request.person_id == person_id, Request.is_open.is_(True),
               Request.id != request_id)
        .order_by(Request.received_at.desc()).limit(limit)
    ).all()
    return [(r.id, r.received_at, r.treatment_list) for r in rows]
