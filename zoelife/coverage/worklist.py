"""The front desk's coverage work list: authorizations waiting on records, waiting on the payer,
and expiring or nearly used up, with the reminders each one is due. Paged in SQL; the reminder
thresholds come from each payer's criteria (`checklist.Criteria`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from zoelife.coverage import checklist
from zoelife.db.models import Authorization, Payer, PayerCriteria, Request

GROUPS = {
    "records": ("gathering",),
    "payer": ("submitted", "in_review", "appeal"),
    "expiring": ("approved",),
}
GROUP_LABELS = {"records": "Waiting on records", "payer": "Waiting on payer",
                "expiring": "Approved: expiring or nearly used"}
# Approved authorizations are listed only once they come within this many days of their end
# (the longest `expiring_days` a payer may set is checked again per row).
EXPIRING_HORIZON_DAYS = 60


@dataclass(frozen=True)
class WorkItem:
    authorization_id: int
    request_id: int
    name: str
    treatment: str
    payer: str
    status: str
    status_at: dt.datetime
    reminders: tuple[str, ...]


def reminders(row: Authorization, criteria: checklist.Criteria, now: dt.datetime) -> list[str]:
    """What is due on this authorization now (pure, from its row and its payer's thresholds)."""
    out = []
    if row.status == "gathering":
        since = max(m for m in (row.status_at, row.records_requested_at, row.chased_at) if m)
        days = (now - since).days
        if days >= criteria.records_days and checklist_missing(row, criteria):
            out.append(f"records still missing after {days} days")
    if row.status in ("submitted", "in_review", "appeal"):
        since = row.status_at if row.status == "appeal" else (row.submitted_at or row.status_at)
        since = max(since, row.chased_at or since)
        days = (now - since).days
        if days >= criteria.decision_days:
            out.append(f"decision overdue ({days} days since "
                       f"{'appeal' if row.status == 'appeal' else 'submission'})")
    if row.status == "approved":
        today = now.date()
        if row.end_date is not None and row.end_date < today:
            out.append(f"authorization ended {row.end_date.isoformat()}")
        elif row.end_date is not None and (row.end_date - today).days <= criteria.expiring_days:
            out.append(f"authorization ends {row.end_date.isoformat()}: extension due")
        if row.approved_units:
            left = row.approved_units - (row.units_used or 0)
            if left <= criteria.units_left:
                out.append(f"{left} of {row.approved_units} approved sessions left: "
                           "extension due")
    return out


def checklist_missing(row: Authorization, criteria: checklist.Criteria) -> list[str]:
    return checklist.missing(checklist.evaluate(criteria, checklist.Evidence.from_data(
        row.evidence)))


def _query(group: str, now: dt.datetime):
    statuses = GROUPS[group]
    q = (select(Authorization, Request.first_name, Request.last_name, Payer.name,
                PayerCriteria.criteria)
         .join(Request, Request.id == Authorization.request_id)
         .outerjoin(Payer, Payer.id == Authorization.payer_id)
         .outerjoin(PayerCriteria, and_(PayerCriteria.payer_id == Authorization.payer_id,
                                        PayerCriteria.treatment == Authorization.treatment))
         .where(Authorization.status.in_(statuses), Request.is_open))
    if group == "expiring":
        horizon = (now + dt.timedelta(days=EXPIRING_HORIZON_DAYS)).date()
        q = q.where(or_(Authorization.end_date <= horizon,
                        Authorization.approved_units - Authorization.units_used <= 50))
        # An approval that was extended is followed on its extension.
        extended = select(Authorization.extension_of_id).where(
            Authorization.extension_of_id.is_not(None)).scalar_subquery()
        q = q.where(Authorization.id.not_in(extended))
    return q


def count(session: Session, group: str, now: dt.datetime) -> int:
    return session.execute(select(func.count()).select_from(
        _query(group, now).subquery())).scalar_one()


def page(session: Session, group: str, now: dt.datetime, *, offset: int = 0,
         limit: int = 25) -> list[WorkItem]:
    """One page of a group, oldest status first (what has waited longest)."""
    rows = session.execute(_query(group, now).order_by(Authorization.status_at,
                                                       Authorization.id)
                           .offset(offset).limit(limit)).all()
    items = []
    for auth, first, last, payer, data in rows:
        try:
            criteria = checklist.Criteria.from_data(data)
        except checklist.CriteriaError:
            criteria = checklist.Criteria()
        items.append(WorkItem(auth.id, auth.request_id,
                              " ".join(p for p in (first, last) if p) or "(no name)",
                              auth.treatment, payer or "(no payer)", auth.status,
                              auth.status_at, tuple(reminders(auth, criteria, now))))
    return items
