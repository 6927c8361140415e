"""What managers see of coverage: aggregates only, computed in SQL, never a name, a member id or
a card. Medians use window functions (portable to SQLite ≥ 3.25 and PostgreSQL) over whole days
stored when the decision or the first treatment happened."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, and_, case, func, literal, select
from sqlalchemy.orm import Session

from zoelife.db.models import Authorization, Payer, Request

# Small-cell suppression: no group of fewer than this many requests is shown with its count,
# nor a rate, share or median that would give one away (docs/coverage.md).
SMALL_CELL = 5
FEWER = f"fewer than {SMALL_CELL}"


def is_small(n: int | None) -> bool:
    """A count that must not be shown: a group of 1 to SMALL_CELL - 1 requests."""
    return n is not None and 0 < n < SMALL_CELL


@dataclass(frozen=True)
class PayerRow:
    payer: str
    treatment: str
    decided: int
    approved: int
    median_days_to_decision: float | None

    @property
    def approval_rate(self) -> float | None:
        return self.approved / self.decided if self.decided else None

    @property
    def suppressed(self) -> bool:
        """The whole row is a group too small to show."""
        return is_small(self.decided)

    @property
    def split_small(self) -> bool:
        """The approved or the not-approved part is too small to show (so is the rate)."""
        return is_small(self.approved) or is_small(self.decided - self.approved)


def shown_rows(rows: list[PayerRow], percent) -> list[dict]:
    """The by-payer table as managers see it: a payer and treatment with fewer than
    SMALL_CELL decisions shows "fewer than 5" and nothing else; within a larger group, an
    approved or not-approved part of fewer than SMALL_CELL hides the count and the rate that
    would give it away. `percent` formats a rate."""
    out = []
    for r in rows:
        row = {"Payer": r.payer, "Treatment": r.treatment}
        if r.suppressed:
            row |= {"Decided": FEWER, "Approved": "", "Approval rate": "",
                    "Median days to decision": ""}
        else:
            if is_small(r.approved):
                approved = FEWER
            elif is_small(r.decided - r.approved):
                approved = f"more than {r.decided - SMALL_CELL}"
            else:
                approved = str(r.approved)
            row |= {"Decided": str(r.decided), "Approved": approved,
                    "Approval rate": "" if r.split_small else percent(r.approval_rate),
                    "Median days to decision": "" if r.median_days_to_decision is None
                    else f"{r.median_days_to_decision:g}"}
        out.append(row)
    return out


def _median(values_q, value_col, group_cols):
    """Median of `value_col` per group of `group_cols` from the subquery `values_q`."""
    ranked = select(
        *[values_q.c[g] for g in group_cols], values_q.c[value_col].label("v"),
        func.row_number().over(partition_by=[values_q.c[g] for g in group_cols],
                               order_by=values_q.c[value_col]).label("rn"),
        func.count().over(partition_by=[values_q.c[g] for g in group_cols]).label("n"),
    ).subquery()
    middle = and_(ranked.c.rn >= (ranked.c.n + 1) / 2, ranked.c.rn <= (ranked.c.n + 2) / 2)
    return (select(*[ranked.c[g] for g in group_cols],
                   (func.sum(ranked.c.v) * 1.0 / func.count()).label("median"))
            .where(middle).group_by(*[ranked.c[g] for g in group_cols]))


def by_payer(session: Session) -> list[PayerRow]:
    """PA approval rate and median days from submission to decision, by payer and treatment.
    The first decision of each authorization counts (an appeal's decision is not a second)."""
    payer_name = func.coalesce(Payer.name, literal("(no payer)")).label("payer")
    decided = (select(payer_name, Authorization.treatment.label("treatment"),
                      Authorization.days_to_decision.label("days"),
                      case((Authorization.status == "approved", 1), else_=0).label("ok"))
               .outerjoin(Payer, Payer.id == Authorization.payer_id)
               .where(Authorization.days_to_decision.is_not(None))).subquery()
    totals = session.execute(
        select(decided.c.payer, decided.c.treatment, func.count().label("decided"),
               func.sum(decided.c.ok).label("approved"))
        .group_by(decided.c.payer, decided.c.treatment)
        .order_by(decided.c.payer, decided.c.treatment)).all()
    medians = {(r.payer, r.treatment): r.median for r in session.execute(
        _median(decided, "days", ["payer", "treatment"]))}
    return [PayerRow(t.payer, t.treatment, t.decided, int(t.approved or 0),
                     None if medians.get((t.payer, t.treatment)) is None
                     else float(medians[(t.payer, t.treatment)]))
            for t in totals]


@dataclass(frozen=True)
class Summary:
    with_authorization: int
    lost_at_coverage: int
    median_days_contact_to_treatment: float | None
    first_treatments: int

    @property
    def lost_share(self) -> float | None:
        return (self.lost_at_coverage / self.with_authorization if self.with_authorization
                else None)

    @property
    def lost_share_shown(self) -> bool:
        """The share may be shown: neither the requests lost nor those not lost are a group
        of fewer than SMALL_CELL, and the whole is not either."""
        return not (is_small(self.with_authorization) or is_small(self.lost_at_coverage)
                    or is_small(self.with_authorization - self.lost_at_coverage))

    @property
    def median_shown(self) -> bool:
        return (self.median_days_contact_to_treatment is not None
                and not is_small(self.first_treatments))


def summary(session: Session) -> Summary:
    """Requests that needed an authorization; those lost at coverage (closed without becoming
    patients while their latest authorization was denied or under appeal); and the median days
    from first contact to first treatment."""
    latest = (select(Authorization.request_id, func.max(Authorization.id).label("auth_id"))
              .where(Authorization.status != "not_needed")
              .group_by(Authorization.request_id)).subquery()
    counted = session.execute(
        select(func.count().label("n"),
               func.sum(case((and_(Request.is_open.is_(False),
                                   Request.close_reason != "became_patient",
                                   Authorization.status.in_(("denied", "appeal"))), 1),
                             else_=0)).label("lost"))
        .select_from(latest)
        .join(Request, Request.id == latest.c.request_id)
        .join(Authorization, Authorization.id == latest.c.auth_id)).one()
    treated = (select(literal(1, Integer).label("all_"),
                      Authorization.days_to_first_treatment.label("days"))
               .where(Authorization.days_to_first_treatment.is_not(None))).subquery()
    median = session.execute(_median(treated, "days", ["all_"])).first()
    n_treated = session.execute(select(func.count()).select_from(treated)).scalar_one()
    return Summary(int(counted.n or 0), int(counted.lost or 0),
                   None if median is None else float(median.median), int(n_treated))
