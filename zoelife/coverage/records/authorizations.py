"""Prior authorizations: opening one (or an extension), its moves (`coverage.machine`),
evidence, units used, the checklist it is judged by, its history and the coverage timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.coverage import checklist, machine
from zoelife.coverage.records.common import (
    CoverageError,
    checked_treatment,
    event,
    gate_facts_changed,
    request_or_refuse,
)
from zoelife.coverage.records.payer_admin import criteria_for
from zoelife.db.models import Authorization, AuthorizationChange, CoverageEvent
from zoelife.intake.lifecycle import StaleEdit
from zoelife.intake.lifecycle.common import now_or_utc
from zoelife.intake.next_steps import refresh_coverage
from zoelife.vocabulary import label


def open_authorization(session: Session, request_id: int, treatment: str, *,
                       actor: audit.Actor, payer_id: int | None,
                       status: str = "gathering", extension_of_id: int | None = None,
                       reason: str = "", now: dt.datetime | None = None) -> Authorization:
    """Start tracking one treatment course's authorization (`gathering`, or `not_needed`);
    `reason` is kept on its first history row."""
    now = now_or_utc(now)
    request_or_refuse(session, request_id)
    checked_treatment(treatment)
    if status not in ("gathering", "not_needed"):
        raise CoverageError("A new authorization starts as gathering records or not needed.")
    evidence: dict[str, Any] = {}
    if extension_of_id is not None:
        previous = session.get(Authorization, extension_of_id)
        if previous is None or previous.request_id != request_id or previous.status != "approved":
            raise CoverageError("Only an approved authorization of this request can be extended.")
        evidence = dict(previous.evidence or {})
    row = Authorization(request_id=request_id, treatment=treatment, payer_id=payer_id,
                        status=status, evidence=evidence, opened_at=now, status_at=now,
                        extension_of_id=extension_of_id, units_used=0, version=1)
    session.add(row)
    session.flush()
    session.add(AuthorizationChange(authorization_id=row.id, from_status=None, to_status=status,
                                    reason=reason.strip() or None, changed_at=now,
                                    changed_by=actor.user_id))
    audit.record(session, actor, "coverage.authorization", "request", request_id,
                 {"treatments": treatment, "status": [None, status], "kind":
                  "extension" if extension_of_id else "new"})
    refresh_coverage(session, request_id, now)
    return row


def _auth(session: Session, authorization_id: int) -> Authorization:
    row = session.execute(select(Authorization).where(Authorization.id == authorization_id)
                          .execution_options(populate_existing=True)).scalar()
    if row is None:
        raise CoverageError("That authorization does not exist.")
    return row


def _bump(session: Session, row: Authorization, seen_version: int,
          values: dict[str, Any]) -> int:
    """Write the authorization's fields only if nobody changed it since `seen_version`."""
    result = session.execute(
        update(Authorization)
        .where(Authorization.id == row.id, Authorization.version == seen_version)
        .values(**values, version=seen_version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise StaleEdit(row.request_id)
    session.refresh(row)
    return seen_version + 1


def move_authorization(session: Session, authorization_id: int, to_status: str, *,
                       actor: audit.Actor, seen_version: int, reason: str = "",
                       decision: machine.Decision | None = None,
                       now: dt.datetime | None = None) -> int:
    """One move of the status machine, with its dates; returns the new version."""
    now = now_or_utc(now)
    row = _auth(session, authorization_id)
    if row.version != seen_version:
        raise StaleEdit(row.request_id)
    try:
        machine.check_move(row.status, to_status, reason=reason, decision=decision)
    except machine.MoveRefused as exc:
        raise CoverageError(str(exc)) from None
    old = row.status
    values: dict[str, Any] = {"status": to_status, "status_at": now}
    if to_status == "submitted":
        values["submitted_at"] = now
    if to_status in machine.DECIDED:
        values["decided_at"] = now
        if row.days_to_decision is None and row.submitted_at is not None:
            values["days_to_decision"] = machine.whole_days(row.submitted_at, now)
    if to_status == "approved" and decision is not None:
        values |= {"auth_number": decision.auth_number.strip()[:80],
                   "approved_units": decision.approved_units,
                   "start_date": decision.start_date, "end_date": decision.end_date}
    version = _bump(session, row, seen_version, values)
    session.add(AuthorizationChange(authorization_id=row.id, from_status=old, to_status=to_status,
                                    reason=reason.strip() or None, changed_at=now,
                                    changed_by=actor.user_id))
    session.flush()
    changes: dict[str, Any] = {"status": [old, to_status], "treatments": row.treatment}
    if reason.strip():
        changes["reason"] = True
    if to_status == "approved":
        changes |= {"auth_number": True, "count": decision.approved_units}
    audit.record(session, actor, "coverage.authorization", "request", row.request_id, changes)
    refresh_coverage(session, row.request_id, now)
    if to_status == "approved":
        gate_facts_changed(session, row.request_id, actor=actor, now=now)
    return version


def set_evidence(session: Session, authorization_id: int, evidence: dict[str, Any], *,
                 actor: audit.Actor, seen_version: int, now: dt.datetime | None = None) -> int:
    """Staff-confirmed trials, psychotherapy and scores, which the checklist reads."""
    row = _auth(session, authorization_id)
    checklist.Evidence.from_data(evidence)
    version = _bump(session, row, seen_version, {"evidence": dict(evidence)})
    audit.record(session, actor, "coverage.evidence", "request", row.request_id,
                 {"treatments": row.treatment, "evidence": True,
                  "count": len(evidence.get("trials") or [])})
    refresh_coverage(session, row.request_id, now)
    return version


def record_units(session: Session, authorization_id: int, units_used: int, *,
                 actor: audit.Actor, seen_version: int, now: dt.datetime | None = None) -> int:
    row = _auth(session, authorization_id)
    if row.status != "approved":
        raise CoverageError("Sessions are counted against an approved authorization.")
    if units_used < 0:
        raise CoverageError("Sessions used cannot be negative.")
    now = now_or_utc(now)
    values: dict[str, Any] = {"units_used": units_used}
    if units_used != row.units_used:
        values["units_at"] = now
    version = _bump(session, row, seen_version, values)
    audit.record(session, actor, "coverage.units", "request", row.request_id,
                 {"treatments": row.treatment, "count": units_used})
    refresh_coverage(session, row.request_id, now)
    return version


def chase_authorization(session: Session, authorization_id: int, *, actor: audit.Actor,
                        seen_version: int, note: str = "",
                        now: dt.datetime | None = None) -> int:
    """Staff chased what the authorization waits on (the records, by phone or fax; the payer's
    decision): its reminder starts again from now. Kept on the coverage timeline."""
    now = now_or_utc(now)
    row = _auth(session, authorization_id)
    if row.status not in ("gathering", "submitted", "in_review", "appeal"):
        raise CoverageError("Only an authorization waiting on records or on the payer is "
                            "chased; an approved one is extended.")
    version = _bump(session, row, seen_version, {"chased_at": now})
    what = "records" if row.status == "gathering" else "payer decision"
    note = (note or "").strip()
    event(session, row.request_id, "chased", actor=actor, now=now, authorization_id=row.id,
          detail=f"Chased the {what} ({label(row.treatment)})"
                 + (f": {note[:500]}" if note else ""))
    audit.record(session, actor, "coverage.chase", "request", row.request_id,
                 {"treatments": row.treatment, "status": row.status, "note": bool(note)})
    refresh_coverage(session, row.request_id, now)
    return version


def checklist_of(session: Session, row: Authorization) -> list[checklist.Item]:
    return checklist.evaluate(criteria_for(session, row.payer_id, row.treatment),
                              checklist.Evidence.from_data(row.evidence))


def authorizations_of(session: Session, request_id: int) -> list[Authorization]:
    return list(session.execute(select(Authorization).where(
        Authorization.request_id == request_id).order_by(Authorization.id)).scalars())


def history_of(session: Session, authorization_id: int) -> list[AuthorizationChange]:
    return list(session.execute(select(AuthorizationChange).where(
        AuthorizationChange.authorization_id == authorization_id)
        .order_by(AuthorizationChange.id)).scalars())


def timeline(session: Session, request_id: int) -> list[CoverageEvent]:
    return list(session.execute(select(CoverageEvent).where(
        CoverageEvent.request_id == request_id).order_by(CoverageEvent.id)).scalars())
