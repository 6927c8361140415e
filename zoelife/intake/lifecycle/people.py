"""People: link two records as one person (their requests and open possible matches move
to the survivor), dismiss a possible match, and split a wrongly linked request off to a new
person. Nothing is deleted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import Person, PossibleMatch, Request
from zoelife.intake.lifecycle.common import (
    LifecycleError,
    NotFound,
    load_request,
    now_or_utc,
    versioned_update,
)
from zoelife.intake.normalize import name_key


def link_people(session: Session, *, actor: audit.Actor, person_id: int, other_person_id: int,
                now: dt.datetime | None = None) -> int:
    """Staff confirm two records are one person: `other` is absorbed into `person`.

    The absorbed person is kept (pointing at the survivor) and its requests move over, and so do
    its open possible matches with third people: the question "is X the same person?" is now
    about the survivor, asked on its page and answerable from X's. Where the survivor already has
    a match with X, that one question stays and the absorbed person's copy is closed with the
    link (status `linked`, resolved by this link).
    """
    now = now_or_utc(now)
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
    now = now_or_utc(now)
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
    now = now_or_utc(now)
    request = load_request(session, request_id)
    old_person = request.person_id
    person = Person(first_name=request.first_name, last_name=request.last_name,
                    name_key=name_key(request.first_name, request.last_name),
                    date_of_birth=request.date_of_birth, created_at=now)
    session.add(person)
    session.flush()
    versioned_update(session, request_id, seen_version, now,
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
