"""What the match stage sees (`MatchView`): the database's requests and people for a batch's
keys, emails and phones, loaded in a few bulk queries (`preload`), and the batch's own requests
as they are decided (`see`): the intake keys of the batch, the requests that hold its emails
and phones (the newest `MATCH_SCAN_ROWS` per value) with their people, and every request of
those people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from zoelife.db.models import IntakeKey, Person, Request
from zoelife.ingest.pipeline.facts import RowFacts
from zoelife.intake import matching
from zoelife.intake.duplicates import DUPLICATE_WINDOW
from zoelife.intake.matching import MATCH_SCAN_ROWS

IN_CHUNK = 2000  # values per IN (...) list: within SQLite's and PostgreSQL's limits


@dataclass(slots=True)
class Seen:
    """A request as matching sees it. `treatments` and `values` only for the batch's own
    (None: a request the database held before)."""
    person_id: int | None
    received_at: dt.datetime
    is_open: bool
    treatments: frozenset[str] | None = None
    values: dict[str, Any] | None = None


@dataclass(slots=True)
class Someone:
    """A person as matching sees them; `values`: the row to insert, for the batch's own."""
    name_key: str | None
    date_of_birth: dt.date | None
    merged_into_id: int | None = None
    values: dict[str, Any] | None = None


_KEYS = IntakeKey.__table__.c
_KEYS_HELD = select(_KEYS.external_id, _KEYS.kind, _KEYS.request_id, _KEYS.submission_id,
                    _KEYS.content_digest).where(
    _KEYS.source == bindparam("source"),
    _KEYS.external_id.in_(bindparam("ids", expanding=True)))
_R = Request.__table__.c
_P = Person.__table__.c


def _holding(column):
    """The requests holding these values, newest MATCH_SCAN_ROWS per value, with people."""
    ranked = select(_R.id, _R.person_id, _R.received_at, _R.is_open, column.label("value"),
                    func.row_number().over(partition_by=column, order_by=_R.id.desc())
                    .label("n")).where(column.in_(bindparam("values", expanding=True)),
                                       _R.person_id.is_not(None)).subquery()
    return select(ranked.c.id, ranked.c.person_id, ranked.c.received_at, ranked.c.is_open,
                  ranked.c.value).where(ranked.c.n <= MATCH_SCAN_ROWS)


_EMAIL_HOLDERS = _holding(_R.email)
_PHONE_HOLDERS = _holding(_R.phone)
_PEOPLE = select(_P.id, _P.name_key, _P.date_of_birth, _P.merged_into_id).where(
    _P.id.in_(bindparam("ids", expanding=True)))
_PEOPLES_REQUESTS = select(_R.id, _R.person_id, _R.received_at, _R.is_open).where(
    _R.person_id.in_(bindparam("ids", expanding=True)))


def _parts(values: Iterable) -> Iterator[list]:
    values = sorted(values)
    for start in range(0, len(values), IN_CHUNK):
        yield values[start:start + IN_CHUNK]


class MatchView:
    """The requests and people matching looks at, by id, email, phone and person."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.requests: dict[int, Seen] = {}
        self.people: dict[int, Someone] = {}
        self.by_email: dict[str, list[int]] = {}  # request ids, oldest first
        self.by_phone: dict[str, list[int]] = {}
        self.person_requests: dict[int, list[int]] = {}
        # What the database holds for the batch's keys: (kind, request, submission, digest).
        self.db_keys: dict[tuple[str, str], tuple[str, int | None, int | None, str | None]] = {}

    def preload(self, chunk: list[RowFacts]) -> None:
        """The database's part of the view for this batch, in a few bulk queries."""
        conn = self.session.connection()
        by_source: dict[str, set[str]] = {}
        for f in chunk:
            by_source.setdefault(f.key[0], set()).add(f.key[1])
        for src, exts in by_source.items():
            for part in _parts(exts):
                for row in conn.execute(_KEYS_HELD, {"source": src, "ids": part}):
                    self.db_keys[(src, row.external_id)] = (row.kind, row.request_id,
                                                            row.submission_id,
                                                            row.content_digest)
        for query, values, index in (
                (_EMAIL_HOLDERS, {f.email for f in chunk if f.email}, self.by_email),
                (_PHONE_HOLDERS, {f.phone for f in chunk if f.phone}, self.by_phone)):
            for part in _parts(values):
                for row in conn.execute(query, {"values": part}):
                    self.requests.setdefault(row.id, Seen(row.person_id, row.received_at,
                                                          row.is_open))
                    index.setdefault(row.value, []).append(row.id)
        for ids in self.by_email.values():
            ids.sort()
        for ids in self.by_phone.values():
            ids.sort()
        self.load_people({seen.person_id for seen in self.requests.values()})
        survivors = {self.survivor(pid) for pid in list(self.people)}
        self.load_people(survivors)
        for part in _parts(survivors):
            for row in conn.execute(_PEOPLES_REQUESTS, {"ids": part}):
                self.requests.setdefault(row.id, Seen(row.person_id, row.received_at,
                                                      row.is_open))
        for rid, seen in sorted(self.requests.items()):
            self.person_requests.setdefault(seen.person_id, []).append(rid)

    def load_people(self, ids: set[int]) -> None:
        conn = self.session.connection()
        for part in _parts(ids - self.people.keys()):
            for row in conn.execute(_PEOPLE, {"ids": part}):
                self.people[row.id] = Someone(row.name_key, row.date_of_birth,
                                              row.merged_into_id)

    def survivor(self, person_id: int) -> int:
        """Who a person linked into another (`merged_into_id`) now is."""
        someone = self.people.get(person_id)
        if someone is not None and someone.merged_into_id is None:
            return person_id
        return matching.survivor(self.session, person_id)

    def candidates(self, index: dict[str, list[int]], value: str) -> Iterator[tuple]:
        for rid in reversed(index.get(value, ())):
            pid = self.requests[rid].person_id
            someone = self.people[pid]
            yield pid, someone.name_key, someone.date_of_birth

    def see(self, rid: int, seen: Seen, email: str | None, phone: str | None) -> None:
        """A request joins the view (one of the batch's own, or one `receive` stored)."""
        self.requests[rid] = seen
        if seen.person_id is not None:
            self.person_requests.setdefault(seen.person_id, []).append(rid)
            if email:
                self.by_email.setdefault(email, []).append(rid)
            if phone:
                self.by_phone.setdefault(phone, []).append(rid)

    def held_open_in_window(self, person_id: int, received_at: dt.datetime) -> bool:
        for rid in self.person_requests.get(person_id, ()):
            seen = self.requests[rid]
            if seen.treatments is None and seen.is_open and \
                    received_at - DUPLICATE_WINDOW <= seen.received_at <= received_at:
                return True
        return False

    def duplicate_target(self, person_id, treatments, received_at) -> int | None:
        candidates = [
            rid for rid in self.person_requests.get(person_id, ())
            if self.requests[rid].treatments is not None and self.requests[rid].is_open
            and received_at - DUPLICATE_WINDOW <= self.requests[rid].received_at <= received_at
        ]
        candidates.sort(key=lambda r: self.requests[r].received_at, reverse=True)
        for rid in candidates:
            if self.requests[rid].treatments == set(treatments):
                return rid
        return None

    def latest_request(self, person_id, received_at) -> int | None:
        best = None
        for rid in self.person_requests.get(person_id, ()):
            when = self.requests[rid].received_at
            if when <= received_at and (best is None or (when, rid) > best):
                best = (when, rid)
        return best[1] if best else None

    def adopt(self, request_id: int) -> None:
        """A request `receive` stored (or completed) joins the view, as the database's."""
        row = self.session.execute(select(_R.id, _R.person_id, _R.received_at, _R.is_open,
                                          _R.email, _R.phone).where(_R.id == request_id)).one()
        if row.person_id is None:
            return
        self.people.pop(row.person_id, None)
        self.load_people({row.person_id})
        old = self.requests.pop(request_id, None)
        if old is not None:  # a placeholder completed: seen again with its contacts
            for ids in (self.person_requests.get(old.person_id, []), *self.by_email.values(),
                        *self.by_phone.values()):
                if request_id in ids:
                    ids.remove(request_id)
        self.see(request_id, Seen(row.person_id, row.received_at, row.is_open), row.email,
                 row.phone)
