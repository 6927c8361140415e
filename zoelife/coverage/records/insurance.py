"""A request's insurance (primary, secondary), its card images, and the benefits checked
per treatment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.coverage import cards
from zoelife.coverage.records.authorizations import authorizations_of
from zoelife.coverage.records.common import (
    BENEFITS_FRESH_DAYS,
    CoverageError,
    checked_treatment,
    clean,
    gate_facts_changed,
    request_or_refuse,
)
from zoelife.db.models import Authorization, BenefitCheck, CardImage, Coverage, Payer, Request
from zoelife.intake.lifecycle.common import now_or_utc
from zoelife.vocabulary import (
    BENEFIT_ROUTES,
    CARD_SIDES,
    COVERAGE_RANKS,
    SUBSCRIBER_RELATIONS,
    VERIFY_METHODS,
    label,
)


def save_coverage(session: Session, request_id: int, *, actor: audit.Actor,
                  rank: str = "primary", payer_id: int | None, plan_name: str | None = None,
                  member_id: str | None = None, group_number: str | None = None,
                  subscriber_name: str | None = None, subscriber_relation: str = "self",
                  now: dt.datetime | None = None) -> Coverage:
    if rank not in COVERAGE_RANKS:
        raise CoverageError(f"Unknown coverage rank {rank!r}.")
    if subscriber_relation not in SUBSCRIBER_RELATIONS:
        raise CoverageError("Choose the subscriber's relation to the patient.")
    request_or_refuse(session, request_id)
    if payer_id is not None and session.get(Payer, payer_id) is None:
        raise CoverageError("That payer is not on the clinic's list.")
    if rank == "secondary" and coverage_of(session, request_id, "primary") is None:
        raise CoverageError("Enter the primary insurance first.")
    row = coverage_of(session, request_id, rank)
    fresh = row is None
    if fresh:
        row = Coverage(request_id=request_id, rank=rank)
        session.add(row)
    new = {"payer_id": payer_id, "plan_name": clean(plan_name, 200),
           "member_id": clean(member_id, 80), "group_number": clean(group_number, 80),
           "subscriber_name": clean(subscriber_name, 200),
           "subscriber_relation": subscriber_relation}
    changed = [k for k, val in new.items() if fresh or getattr(row, k) != val]
    for k, val in new.items():
        setattr(row, k, val)
    row.updated_at = now_or_utc(now)
    row.updated_by = actor.user_id
    session.flush()
    audit.record(session, actor, "coverage.insurance", "request", request_id,
                 {"kind": rank, **{k: {"changed": True} for k in changed}})
    return row


def coverage_of(session: Session, request_id: int, rank: str) -> Coverage | None:
    return session.execute(select(Coverage).where(
        Coverage.request_id == request_id, Coverage.rank == rank)).scalar()


def upload_card(session: Session, request_id: int, *, actor: audit.Actor, rank: str,
                side: str, data: bytes, now: dt.datetime | None = None) -> CardImage:
    """Store a card photo after `cards.validate`; refusals raise `CoverageError`."""
    if side not in CARD_SIDES:
        raise CoverageError(f"Unknown card side {side!r}.")
    row = coverage_of(session, request_id, rank)
    if row is None:
        raise CoverageError("Save the insurance before adding its card.")
    try:
        image = cards.validate(data, side=side)
    except cards.CardRefused as exc:
        raise CoverageError(str(exc)) from None
    card = CardImage(coverage_id=row.id, side=side, content_type=image.content_type,
                     size_bytes=len(image.data), sha256=image.sha256, data=image.data,
                     uploaded_at=now_or_utc(now), uploaded_by=actor.user_id)
    session.add(card)
    session.flush()
    audit.record(session, actor, "coverage.card", "request", request_id,
                 {"kind": f"{rank}_{side}", "format": image.content_type, "image": True})
    return card


def latest_cards(session: Session, coverage_id: int) -> dict[str, CardImage]:
    rows = session.execute(select(CardImage).where(CardImage.coverage_id == coverage_id)
                           .order_by(CardImage.id)).scalars()
    return {c.side: c for c in rows}





def record_benefits(session: Session, request_id: int, treatment: str, *, actor: audit.Actor,
                    payer_id: int | None = None, in_network: bool | None = None,
                    deductible_cents: int | None = None,
                    deductible_met_cents: int | None = None, oop_max_cents: int | None = None,
                    copay_cents: int | None = None, coinsurance_percent: int | None = None,
                    carve_out: bool | None = None, carve_out_payer_id: int | None = None,
                    pa_required: bool | None = None, benefit_route: str | None = None,
                    method: str = "call", reference: str | None = None,
                    stale_after: dt.date | None = None,
                    now: dt.datetime | None = None) -> BenefitCheck:
    now = now_or_utc(now)
    request_or_refuse(session, request_id)
    checked_treatment(treatment)
    if method not in VERIFY_METHODS:
        raise CoverageError("Say how the benefits were verified.")
    if benefit_route is not None and benefit_route not in BENEFIT_ROUTES:
        raise CoverageError("The benefit route is medical or pharmacy.")
    for name, cents in (("deductible", deductible_cents), ("deductible met", deductible_met_cents),
                        ("out-of-pocket maximum", oop_max_cents), ("copay", copay_cents)):
        if cents is not None and cents < 0:
            raise CoverageError(f"The {name} cannot be negative.")
    if coinsurance_percent is not None and not 0 <= coinsurance_percent <= 100:
        raise CoverageError("Coinsurance is a percentage from 0 to 100.")
    if method == "call" and not (reference or "").strip():
        raise CoverageError("A verification by phone needs the call reference number.")
    row = BenefitCheck(
        request_id=request_id, treatment=treatment, payer_id=payer_id, in_network=in_network,
        deductible_cents=deductible_cents, deductible_met_cents=deductible_met_cents,
        oop_max_cents=oop_max_cents, copay_cents=copay_cents,
        coinsurance_percent=coinsurance_percent, carve_out=carve_out,
        carve_out_payer_id=carve_out_payer_id if carve_out else None, pa_required=pa_required,
        benefit_route=benefit_route, method=method, reference=clean(reference, 120),
        verified_at=now, verified_by=actor.user_id,
        stale_after=stale_after or (now + dt.timedelta(days=BENEFITS_FRESH_DAYS)).date())
    session.add(row)
    session.flush()
    audit.record(session, actor, "coverage.benefits", "request", request_id,
                 {"treatments": treatment, "method": method, "benefits": True})
    gate_facts_changed(session, request_id, actor=actor, now=now)
    return row


def latest_benefits(session: Session, request_id: int) -> dict[str, BenefitCheck]:
    rows = session.execute(select(BenefitCheck).where(BenefitCheck.request_id == request_id)
                           .order_by(BenefitCheck.id)).scalars()
    return {b.treatment: b for b in rows}


@dataclass(frozen=True)
class RequestCoverage:
    """What the request page's facts say of coverage: read from the coverage records, with the
    request's own `insurance` text and `prior_auth_status` only as a read-only fallback for
    requests that have no coverage record (rows from before the tracker)."""

    insurance: str | None
    prior_authorization: str | None


def request_coverage(session: Session, request: Request) -> RequestCoverage:
    primary = coverage_of(session, request.id, "primary")
    if primary is not None:
        payer = session.get(Payer, primary.payer_id) if primary.payer_id else None
        insurance = ", ".join(x for x in (payer.name if payer else None, primary.plan_name)
                              if x) or "entered on the Coverage tab (no payer chosen)"
    elif request.insurance:
        insurance = f"{request.insurance} (as the request said; not entered on the Coverage tab)"
    else:
        insurance = None
    latest: dict[str, Authorization] = {}
    for a in authorizations_of(session, request.id):
        latest[a.treatment] = a  # in id order: the last one of a treatment counts
    if latest:
        prior = "; ".join(f"{label(t)}: {label(a.status).lower()}" for t, a in latest.items())
    elif request.prior_auth_status:
        prior = f"{label(request.prior_auth_status)} (recorded before the tracker; read only)"
    else:
        prior = None
    return RequestCoverage(insurance, prior)
