"""The whole story of one request, for its page: the request, its treatments, attempts,
status and crisis history, notes, attached submissions, the person's other requests and
possible matches, the latest pre-screens, and which open requests it could merge into."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from zoelife.db.models import (
    ContactAttempt,
    CrisisChange,
    EligibilityScreen,
    Note,
    Person,
    PossibleMatch,
    Request,
    StaffUser,
    StatusChange,
    Submission,
)

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
