"""Which person a request belongs to (docs/vocabulary.md's matching rule).

- the same normalized email (unless the names differ)        -> the same person
- the same normalized phone and the same name or birth date  -> the same person
- a phone or email match with a different name               -> a possible match staff confirm

Contact details are read from requests, so a person reached at two numbers over the years
matches on either. People absorbed by a staff link (`merged_into_id`) resolve to the survivor.

A contact shared by many people (a placeholder such as 555-555-5555, a clinic's own number typed
for walk-ins) is looked at through its most recent requests only: at most `MATCH_SCAN_ROWS` of
them, newest first, and at most `MATCH_CANDIDATES` distinct people among them. Without that
bound every new request on such a number was compared with, and offered as a possible match to,
every earlier person on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife.db.models import Person, PossibleMatch, Request
from zoelife.intake.normalize import name_key

MATCH_SCAN_ROWS = 1000
MATCH_CANDIDATES = 50


@dataclass
class MatchResult:
    person_id: int | None  # None: a new person is needed
    possible_matches: list[tuple[int, str]] = field(default_factory=list)  # (person_id, reason)


def survivor(session: Session, person_id: int) -> int:
    seen = set()
    while person_id not in seen:
        seen.add(person_id)
        merged = session.execute(
            select(Person.merged_into_id).where(Person.id == person_id)
        ).scalar()
        if merged is None:
            return person_id
        person_id = merged
    return person_id


Candidate = tuple[int, str | None, dt.date | None]  # (person id, name key, birth date)


def decide(
    candidates: Iterable[tuple[str, Iterable[Candidate]]],
    *,
    key: str | None,
    date_of_birth: dt.date | None,
    survivor: Callable[[int], int],
) -> MatchResult:
    """The matching rule, over the requests holding the same email, then the same phone.

    `candidates`: ("same_email" | "same_phone", the people of the requests holding that value,
    newest request first). Every way in uses this one function: `find_person` reads the
    candidates from the database, the import pipeline's match stage from the database and
    the rows of its own batch (`zoelife.ingest.pipeline.match`). The limits apply here, once:
    at most MATCH_SCAN_ROWS requests and MATCH_CANDIDATES distinct people per value."""
    possible: dict[int, str] = {}
    for reason, rows in candidates:
        seen: set[int] = set()
        for person_id, row_key, row_dob in islice(rows, MATCH_SCAN_ROWS):
            if person_id in seen:
                continue
            if len(seen) == MATCH_CANDIDATES:
                break
            seen.add(person_id)
            pid = survivor(person_id)
            same_name = key is not None and row_key == key
            same_dob = date_of_birth is not None and row_dob == date_of_birth
            # An email alone identifies a person unless a name says otherwise (a parent may
            # write for two children from one address): that stays a possible match.
            no_name_to_compare = reason == "same_email" and (key is None or row_key is None)
            if same_name or same_dob or no_name_to_compare:
                return MatchResult(pid)
            possible.setdefault(pid, reason)
    return MatchResult(None, sorted(possible.items()))


def find_person(
    session: Session,
    *,
    email: str | None,
    phone: str | None,
    first_name: str | None,
    last_name: str | None,
    date_of_birth: dt.date | None,
    exclude_request_id: int | None = None,
) -> MatchResult:
    def rows(column, value) -> Iterator[Candidate]:
        q = (
            select(Request.person_id, Person.name_key, Person.date_of_birth)
            .join(Person, Person.id == Request.person_id)
            .where(column == value)
            .order_by(Request.id.desc())
            .limit(MATCH_SCAN_ROWS)
        )
        if exclude_request_id:
            q = q.where(Request.id != exclude_request_id)
        for row in session.execute(q):
            yield row.person_id, row.name_key, row.date_of_birth

    candidates = [(reason, rows(column, value)) for column, value, reason in (
        (Request.email, email, "same_email"), (Request.phone, phone, "same_phone")) if value]
    return decide(candidates, key=name_key(first_name, last_name),
                  date_of_birth=date_of_birth,
                  survivor=lambda person_id: survivor(session, person_id))


def record_possible_matches(
    session: Session, person_id: int, matches: list[tuple[int, str]], now: dt.datetime
) -> int:
    added = 0
    for other_id, reason in matches:
        if other_id == person_id:
            continue
        exists = session.execute(
            select(PossibleMatch.id).where(
                ((PossibleMatch.person_id == person_id) & (PossibleMatch.other_person_id == other_id))
                | ((PossibleMatch.person_id == other_id) & (PossibleMatch.other_person_id == person_id))
            )
        ).first()
        if exists:
            continue
        session.add(PossibleMatch(person_id=person_id, other_person_id=other_id, reason=reason,
                                  status="open", created_at=now))
        added += 1
    session.flush()
    return added
