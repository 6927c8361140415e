"""The request's own fields and what is appended to it: the next step of a request in
progress, its assignee, notes, treatment interests, contact details and the eligibility
pre-screen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import (
    EligibilityScreen,
    Note,
    Request,
    RequestTreatment,
    StaffRole,
    StaffUser,
)
from zoelife.intake.lifecycle.common import (
    MAX_NOTE_LENGTH,
    LifecycleError,
    MoveNotAllowed,
    load_request,
    now_or_utc,
    versioned_update,
)
from zoelife.intake.next_steps import refresh_next_step
from zoelife.intake.normalize import clean_name, normalize_email, normalize_phone, search_text
from zoelife.intake.schedule import Schedule
from zoelife.triage import eligibility
from zoelife.vocabulary import FOLLOW_UP_STEPS, PRIOR_AUTH_STATUSES, SUBMITTERS, TREATMENTS


def set_next_step(session: Session, request_id: int, *, actor: audit.Actor, seen_version: int,
                  step: str, due_at: dt.datetime, schedule: Schedule | None = None,
                  now: dt.datetime | None = None) -> int:
    """The user sets an in-progress request's next step (follow up, or chase while waiting on
    the person or someone else) and its date. Returns the new version."""
    now = now_or_utc(now)
    if step not in FOLLOW_UP_STEPS:
        raise LifecycleError("Choose what is next: follow up, or waiting on them or on someone "
                             "else.")
    if due_at is None or due_at.tzinfo is None:
        raise LifecycleError("Choose the date the next step is due.")
    request = load_request(session, request_id)
    if request.status != "in_progress":
        raise MoveNotAllowed("Only a request in progress takes a follow-up date; the other "
                             "statuses' next steps follow from their moves.")
    old = request.next_step
    version = versioned_update(session, request_id, seen_version, now,
                                {"next_step": step, "follow_up_at": due_at})
    refresh_next_step(session, request_id, schedule or Schedule.load(session), now)
    audit.record(session, actor, "request.next_step", "request", request_id,
                 {"next_step": [old, step], "follow_up_at": True})
    return version





def front_desk_users(session: Session) -> list[tuple[int, str]]:
    rows = session.execute(
        select(StaffUser.id, StaffUser.display_name)
        .join(StaffRole, StaffRole.user_id == StaffUser.id)
        .where(StaffRole.role == "front_desk", StaffUser.is_active.is_(True))
        .order_by(StaffUser.display_name)
    ).all()
    return [(r.id, r.display_name) for r in rows]


def assign(session: Session, request_id: int, *, actor: audit.Actor, seen_version: int,
           assignee_id: int | None, now: dt.datetime | None = None) -> int:
    now = now_or_utc(now)
    if assignee_id is not None and assignee_id not in dict(front_desk_users(session)):
        raise LifecycleError("Requests can only be assigned to an active front-desk user.")
    old = session.execute(select(Request.assignee_id).where(Request.id == request_id)).scalar()
    version = versioned_update(session, request_id, seen_version, now,
                                {"assignee_id": assignee_id})
    audit.record(session, actor, "request.assign", "request", request_id,
                 {"assignee_id": [old, assignee_id]})
    return version


def add_note(session: Session, request_id: int, *, actor: audit.Actor, body: str,
             now: dt.datetime | None = None) -> int:
    now = now_or_utc(now)
    body = (body or "").strip()
    if not body:
        raise LifecycleError("The note is empty.")
    if len(body) > MAX_NOTE_LENGTH:
        raise LifecycleError(f"A note holds at most {MAX_NOTE_LENGTH} characters.")
    load_request(session, request_id)
    note = Note(request_id=request_id, author_id=actor.user_id, body=body, created_at=now)
    session.add(note)
    session.flush()
    audit.record(session, actor, "request.note", "request", request_id, {"note": True})
    return note.id





def set_treatments(session: Session, request_id: int, *, actor: audit.Actor, seen_version: int,
                   codes, now: dt.datetime | None = None) -> int:
    now = now_or_utc(now)
    wanted = set(codes)
    unknown = wanted - set(TREATMENTS)
    if unknown:
        raise LifecycleError(f"Unknown treatment {sorted(unknown)[0]!r}.")
    request = load_request(session, request_id)
    old = set(request.treatment_set)
    version = versioned_update(session, request_id, seen_version, now,
                                {"treatment_list": ";".join(sorted(wanted))})
    for row in list(request.treatments):
        if row.treatment not in wanted:
            session.delete(row)
    for code in sorted(wanted - old):
        session.add(RequestTreatment(request_id=request_id, treatment=code, origin="staff",
                                     received_local_date=request.received_local_date))
    session.flush()
    audit.record(session, actor, "request.treatments", "request", request_id,
                 {"treatments": [sorted(old), sorted(wanted)]})
    return version


EDITABLE_DETAILS = ("first_name", "last_name", "phone", "email", "date_of_birth",
                    "preferred_contact_time", "submitter", "submitter_name", "insurance",
                    "prior_auth_status", "referring_provider")


def update_details(session: Session, request_id: int, *, actor: audit.Actor, seen_version: int,
                   now: dt.datetime | None = None, **fields: Any) -> int:
    """Edit contact details, insurance and prior authorization. Only changed fields are written."""
    now = now_or_utc(now)
    unknown = set(fields) - set(EDITABLE_DETAILS)
    if unknown:
        raise LifecycleError(f"Field {sorted(unknown)[0]!r} cannot be edited here.")
    request = load_request(session, request_id)
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip() or None
        if name == "phone" and value is not None:
            checked = normalize_phone(value, strict=False)  # staff heard it: their word
            if not checked.ok:
                raise LifecycleError(f"Phone: {checked.problem}.")
            value = checked.value
        elif name == "email" and value is not None:
            checked = normalize_email(value)
            if not checked.ok:
                raise LifecycleError(f"Email: {checked.problem}.")
            value = checked.value
        elif name in ("first_name", "last_name"):
            value = clean_name(value)
        elif name == "submitter" and value not in SUBMITTERS:
            raise LifecycleError("Submitter must be one of " + ", ".join(SUBMITTERS) + ".")
        elif name == "prior_auth_status" and value is not None and value not in PRIOR_AUTH_STATUSES:
            raise LifecycleError("Unknown prior-authorization status.")
        elif name == "date_of_birth" and value is not None and not isinstance(value, dt.date):
            raise LifecycleError("Date of birth must be a date.")
        elif isinstance(value, str):
            value = value[:300]
        if getattr(request, name) != value:
            clean[name] = value
    if not clean:
        return request.version
    merged = {n: clean.get(n, getattr(request, n)) for n in EDITABLE_DETAILS}
    clean["search_text"] = search_text(merged["first_name"], merged["last_name"],
                                       merged["email"], merged["phone"], request.message)
    clean["has_usable_contact"] = bool(merged["phone"] or merged["email"])
    version = versioned_update(session, request_id, seen_version, now, clean)
    changes = {k: v for k, v in clean.items() if k not in ("search_text",)}
    if "prior_auth_status" in changes:
        changes["prior_auth_status"] = [request.prior_auth_status, clean["prior_auth_status"]]
    if "submitter" in changes:
        changes["submitter"] = [request.submitter, clean["submitter"]]
    audit.record(session, actor, "request.update", "request", request_id, changes)
    return version





def record_eligibility(session: Session, request_id: int, *, actor: audit.Actor,
                       treatment: str, answers: dict[str, Any],
                       now: dt.datetime | None = None) -> EligibilityScreen:
    """Append a pre-screen with `eligibility.screen`'s result; the latest per treatment counts."""

    now = now_or_utc(now)
    if treatment not in TREATMENTS:
        raise LifecycleError(f"Unknown treatment {treatment!r}.")
    load_request(session, request_id)
    result = eligibility.screen(treatment, answers)
    row = EligibilityScreen(request_id=request_id, treatment=treatment, answers=dict(answers),
                            result=result.result, reasons=list(result.reasons), recorded_at=now,
                            recorded_by=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "request.eligibility", "request", request_id,
                 {"treatments": treatment, "result": result.result, "answers": True})
    return row
