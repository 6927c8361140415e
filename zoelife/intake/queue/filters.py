"""What the worklist shows: its tabs, its filters (kept in the URL, the search text never) and
their SQL conditions, the search through the trigram index (zoelife.db.search)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import and_, exists, or_
from sqlalchemy.orm import Session

from zoelife.coverage import reminders as coverage_reminders
from zoelife.db import search as search_index
from zoelife.db.models import Request, RequestTreatment
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


def due_expr():
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


def _search_condition(terms: list[str], index: SearchIndex, open_only: bool):
    """Any term in the search text: through the open requests' own index when only open ones
    are searched, else the trigram index where it can answer (zoelife.db.search), else a plain
    LIKE."""
    parts = []
    for t in terms:
        pattern = f"%{_like_escape(t)}%"
        if open_only and index.open_requests:
            parts.append(Request.id.in_(search_index.open_ids(pattern)))
        elif index.trigrams and search_index.indexed_term(t):
            parts.append(Request.id.in_(search_index.fts_ids(t)))
        else:
            parts.append(Request.search_text.like(pattern, escape="\\"))
    return or_(*parts)


@dataclass(frozen=True)
class SearchIndex:
    trigrams: bool  # SQLite's FTS5 trigram table
    open_requests: bool  # SQLite's partial index of the open requests' search text


_INDEXES_KNOWN: dict[str, SearchIndex] = {}


def search_indexes(session: Session) -> SearchIndex:
    """This database's search indexes (looked up once per database)."""
    key = str(session.get_bind().url)
    if key not in _INDEXES_KNOWN:
        conn = session.connection()
        _INDEXES_KNOWN[key] = SearchIndex(search_index.has_fts(conn),
                                          search_index.has_open_index(conn))
    return _INDEXES_KNOWN[key]


def conditions(session: Session, filters: QueueFilters, now: dt.datetime,
               user_id: int | None) -> list:
    """The filters as SQL conditions (the tab's condition apart: `tab_condition`)."""
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
        conds.append(due_expr() < now)
    if filters.date_from:
        conds.append(Request.received_local_date >= filters.date_from)
    if filters.date_to:
        conds.append(Request.received_local_date <= filters.date_to)
    terms = search_terms(filters.search)
    if terms:
        open_only = not filters.statuses or "closed" not in filters.statuses
        conds.append(_search_condition(terms, search_indexes(session), open_only))
    return conds
