"""Payers and their criteria per treatment (the admin's list)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.coverage import checklist, reminders
from zoelife.coverage.records.common import CoverageError, checked_treatment, clean
from zoelife.db.models import Authorization, Payer, PayerCriteria, Request
from zoelife.intake.lifecycle.common import now_or_utc
from zoelife.intake.next_steps import refresh_coverage


def add_payer(session: Session, name: str, *, actor: audit.Actor, payer_code: str | None = None,
              phone: str | None = None, now: dt.datetime | None = None) -> Payer:
    name = clean(name, 200)
    if not name:
        raise CoverageError("A payer needs a name.")
    if session.execute(select(Payer.id).where(Payer.name == name)).first():
        raise CoverageError("A payer of that name is already on the list.")
    payer = Payer(name=name, payer_code=clean(payer_code, 80), phone=clean(phone, 40),
                  is_active=True, created_at=now_or_utc(now))
    session.add(payer)
    session.flush()
    # Named, never valued: the audit row says which fields were set (and the actor who), the
    # payer's row says what they are. A `setting`-prefixed key would keep its value.
    audit.record(session, actor, "payer.add", "payer", payer.id,
                 [k for k, v in (("name", name), ("payer_code", payer.payer_code),
                                 ("phone", payer.phone)) if v])
    return payer


def set_payer_active(session: Session, payer_id: int, active: bool, *,
                     actor: audit.Actor) -> None:
    payer = session.get(Payer, payer_id)
    if payer is None:
        raise CoverageError("That payer does not exist.")
    payer.is_active = active
    audit.record(session, actor, "payer.active", "payer", payer_id, {"is_active": active})


def payers(session: Session, *, active_only: bool = True) -> list[Payer]:
    q = select(Payer).order_by(Payer.name)
    if active_only:
        q = q.where(Payer.is_active)
    return list(session.execute(q).scalars())


def set_criteria(session: Session, payer_id: int, treatment: str, data: dict[str, Any], *,
                 actor: audit.Actor, now: dt.datetime | None = None) -> PayerCriteria:
    checklist.Criteria.from_data(data)  # refuse what the checklist could not read
    checked_treatment(treatment)
    if session.get(Payer, payer_id) is None:
        raise CoverageError("That payer does not exist.")
    row = session.execute(select(PayerCriteria).where(
        PayerCriteria.payer_id == payer_id, PayerCriteria.treatment == treatment)).scalar()
    if row is None:
        row = PayerCriteria(payer_id=payer_id, treatment=treatment)
        session.add(row)
    before = dict(row.criteria or {})
    row.criteria = dict(data)
    row.updated_at = now_or_utc(now)
    row.updated_by = actor.user_id
    session.flush()
    audit.record(session, actor, "payer.criteria", "payer", payer_id,
                 {"treatments": treatment, **criteria_changes(before, data)})
    # The thresholds and the checklist move the reminders of this payer's open courses.
    refresh_coverage(session, session.execute(
        select(Authorization.request_id).distinct()
        .join(Request, Request.id == Authorization.request_id)
        .where(Authorization.payer_id == payer_id, Authorization.treatment == treatment,
               Authorization.status.in_(reminders.ACTIVE), Request.is_open.is_(True))
    ).scalars().all(), now)
    return row


def criteria_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Which criteria changed, by name (`criteria.<key>`), never with values: `audit.record`
    keeps only the fact of the change for these names. A key the checklist does not know is
    reported as `criteria.other`, so that no name an admin typed reaches the audit log."""
    known = set(checklist.CRITERIA_KEYS)
    out: dict[str, Any] = {}
    for key in sorted(set(before) | set(after), key=str):
        if before.get(key) != after.get(key):
            out[f"criteria.{key if key in known else 'other'}"] = True
    return out


def criteria_for(session: Session, payer_id: int | None, treatment: str) -> checklist.Criteria:
    if payer_id is None:
        return checklist.Criteria()
    data = session.execute(select(PayerCriteria.criteria).where(
        PayerCriteria.payer_id == payer_id, PayerCriteria.treatment == treatment)).scalar()
    try:
        return checklist.Criteria.from_data(data)
    except checklist.CriteriaError:
        return checklist.Criteria()
