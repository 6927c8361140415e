"""Payers and their criteria per treatment (the admin's list)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.coverage import checklist
from zoelife.coverage.records.common import CoverageError, checked_treatment, clean
from zoelife.db.models import Payer, PayerCriteria
from zoelife.intake.lifecycle.common import now_or_utc


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
    # Payer names are the clinic's list, not patient data: kept in the audit row.
    audit.record(session, actor, "payer.add", "payer", payer.id, {"setting_payer": name})
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
    row.criteria = dict(data)
    row.updated_at = now_or_utc(now)
    row.updated_by = actor.user_id
    session.flush()
    audit.record(session, actor, "payer.criteria", "payer", payer_id,
                 {"treatments": treatment, "setting_criteria": dict(data)})
    return row


def criteria_for(session: Session, payer_id: int | None, treatment: str) -> checklist.Criteria:
    if payer_id is None:
        return checklist.Criteria()
    data = session.execute(select(PayerCriteria.criteria).where(
        PayerCriteria.payer_id == payer_id, PayerCriteria.treatment == treatment)).scalar()
    try:
        return checklist.Criteria.from_data(data)
    except checklist.CriteriaError:
        return checklist.Criteria()
