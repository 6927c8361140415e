"""Coverage in the database: payers and their criteria, insurance and card images, benefits,
authorizations and their moves, the Spravato start. Every function takes a session, runs in the
caller's transaction (`write_session`) and audits what it changes: field names only for patient
data (member ids, names, images), values only for the statuses `audit.redact_changes` allows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.coverage import cards, checklist, machine, reminders
from zoelife.db.models import (
    Authorization,
    AuthorizationChange,
    BenefitCheck,
    CardImage,
    Coverage,
    CoverageEvent,
    Payer,
    PayerCriteria,
    Request,
    SpravatoStart,
)
from zoelife.intake.lifecycle import LifecycleError, NotFound, StaleEdit
from zoelife.vocabulary import (
    BENEFIT_ROUTES,
    CARD_SIDES,
    COVERAGE_RANKS,
    SUBSCRIBER_RELATIONS,
    TREATMENTS,
    VERIFY_METHODS,
    label,
)

BENEFITS_FRESH_DAYS = 30


class CoverageError(LifecycleError):
    """A refused coverage action; the page shows the message as it is (it names no data)."""


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def _clean(value: str | None, most: int) -> str | None:
    value = (value or "").strip()
    return value[:most] or None


def _request(session: Session, request_id: int) -> Request:
    request = session.get(Request, request_id)
    if request is None:
        raise NotFound(f"Request {request_id} does not exist.")
    return request


def _treatment(treatment: str) -> str:
    if treatment not in TREATMENTS:
        raise CoverageError(f"Unknown treatment {treatment!r}.")
    return treatment


def event(session: Session, request_id: int, kind: str, *, actor: audit.Actor,
          detail: str | None = None, authorization_id: int | None = None,
          now: dt.datetime | None = None) -> CoverageEvent:
    row = CoverageEvent(request_id=request_id, authorization_id=authorization_id, kind=kind,
                        detail=detail, occurred_at=_now(now), staff_user_id=actor.user_id)
    session.add(row)
    session.flush()
    return row


# --------------------------------------------------------------------------- payers (admin)


def add_payer(session: Session, name: str, *, actor: audit.Actor, payer_code: str | None = None,
              phone: str | None = None, now: dt.datetime | None = None) -> Payer:
    name = _clean(name, 200)
    if not name:
        raise CoverageError("A payer needs a name.")
    if session.execute(select(Payer.id).where(Payer.name == name)).first():
        raise CoverageError("A payer of that name is already on the list.")
    payer = Payer(name=name, payer_code=_clean(payer_code, 80), phone=_clean(phone, 40),
                  is_active=True, created_at=_now(now))
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
    _treatment(treatment)
    if session.get(Payer, payer_id) is None:
        raise CoverageError("That payer does not exist.")
    row = session.execute(select(PayerCriteria).where(
        PayerCriteria.payer_id == payer_id, PayerCriteria.treatment == treatment)).scalar()
    if row is None:
        row = PayerCriteria(payer_id=payer_id, treatment=treatment)
        session.add(row)
    before = dict(row.criteria or {})
    row.criteria = dict(data)
    row.updated_at = _now(now)
    row.updated_by = actor.user_id
    session.flush()
    audit.record(session, actor, "payer.criteria", "payer", payer_id,
                 {"treatments": treatment, **criteria_changes(before, data)})
    # The thresholds and the checklist move the reminders of this payer's open courses.
    reminders.refresh_many(session, session.execute(
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


# --------------------------------------------------------------------------- insurance


def save_coverage(session: Session, request_id: int, *, actor: audit.Actor,
                  rank: str = "primary", payer_id: int | None, plan_name: str | None = None,
                  member_id: str | None = None, group_number: str | None = None,
                  subscriber_name: str | None = None, subscriber_relation: str = "self",
                  now: dt.datetime | None = None) -> Coverage:
    if rank not in COVERAGE_RANKS:
        raise CoverageError(f"Unknown coverage rank {rank!r}.")
    if subscriber_relation not in SUBSCRIBER_RELATIONS:
        raise CoverageError("Choose the subscriber's relation to the patient.")
    _request(session, request_id)
    if payer_id is not None and session.get(Payer, payer_id) is None:
        raise CoverageError("That payer is not on the clinic's list.")
    if rank == "secondary" and coverage_of(session, request_id, "primary") is None:
        raise CoverageError("Enter the primary insurance first.")
    row = coverage_of(session, request_id, rank)
    fresh = row is None
    if fresh:
        row = Coverage(request_id=request_id, rank=rank)
        session.add(row)
    new = {"payer_id": payer_id, "plan_name": _clean(plan_name, 200),
           "member_id": _clean(member_id, 80), "group_number": _clean(group_number, 80),
           "subscriber_name": _clean(subscriber_name, 200),
           "subscriber_relation": subscriber_relation}
    changed = [k for k, val in new.items() if fresh or getattr(row, k) != val]
    for k, val in new.items():
        setattr(row, k, val)
    row.updated_at = _now(now)
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
                     uploaded_at=_now(now), uploaded_by=actor.user_id)
    session.add(card)
    session.flush()
    audit.record(session, actor, "coverage.card", "request", request_id,
                 {"kind": f"{rank}_{side}", "format": image.content_type, "image": True})
    return card


def latest_cards(session: Session, coverage_id: int) -> dict[str, CardImage]:
    rows = session.execute(select(CardImage).where(CardImage.coverage_id == coverage_id)
                           .order_by(CardImage.id)).scalars()
    return {c.side: c for c in rows}


# --------------------------------------------------------------------------- benefits


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
    now = _now(now)
    _request(session, request_id)
    _treatment(treatment)
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
        benefit_route=benefit_route, method=method, reference=_clean(reference, 120),
        verified_at=now, verified_by=actor.user_id,
        stale_after=stale_after or (now + dt.timedelta(days=BENEFITS_FRESH_DAYS)).date())
    session.add(row)
    session.flush()
    audit.record(session, actor, "coverage.benefits", "request", request_id,
                 {"treatments": treatment, "method": method, "benefits": True})
    return row


def latest_benefits(session: Session, request_id: int) -> dict[str, BenefitCheck]:
    rows = session.execute(select(BenefitCheck).where(BenefitCheck.request_id == request_id)
                           .order_by(BenefitCheck.id)).scalars()
    return {b.treatment: b for b in rows}


# --------------------------------------------------------------------------- authorizations


def open_authorization(session: Session, request_id: int, treatment: str, *,
                       actor: audit.Actor, payer_id: int | None,
                       status: str = "gathering", extension_of_id: int | None = None,
                       now: dt.datetime | None = None) -> Authorization:
    """Start tracking one treatment course's authorization (`gathering`, or `not_needed`)."""
    now = _now(now)
    _request(session, request_id)
    _treatment(treatment)
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
                                    changed_at=now, changed_by=actor.user_id))
    audit.record(session, actor, "coverage.authorization", "request", request_id,
                 {"treatments": treatment, "status": [None, status], "kind":
                  "extension" if extension_of_id else "new"})
    reminders.refresh(session, request_id, now)
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
    now = _now(now)
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
    reminders.refresh(session, row.request_id, now)
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
    reminders.refresh(session, row.request_id, now)
    return version


def record_units(session: Session, authorization_id: int, units_used: int, *,
                 actor: audit.Actor, seen_version: int, now: dt.datetime | None = None) -> int:
    row = _auth(session, authorization_id)
    if row.status != "approved":
        raise CoverageError("Sessions are counted against an approved authorization.")
    if units_used < 0:
        raise CoverageError("Sessions used cannot be negative.")
    now = _now(now)
    values: dict[str, Any] = {"units_used": units_used}
    if units_used != row.units_used:
        values["units_at"] = now
    version = _bump(session, row, seen_version, values)
    audit.record(session, actor, "coverage.units", "request", row.request_id,
                 {"treatments": row.treatment, "count": units_used})
    reminders.refresh(session, row.request_id, now)
    return version


def chase_authorization(session: Session, authorization_id: int, *, actor: audit.Actor,
                        seen_version: int, note: str = "",
                        now: dt.datetime | None = None) -> int:
    """Staff chased what the authorization waits on (the records, by phone or fax; the payer's
    decision): its reminder starts again from now. Kept on the coverage timeline."""
    now = _now(now)
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
    reminders.refresh(session, row.request_id, now)
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


# --------------------------------------------------------------------------- first treatment


def record_first_treatment(session: Session, request_id: int, treatment: str,
                           at: dt.datetime, *, actor: audit.Actor) -> Authorization | None:
    """The course's first treatment time, and the days since first contact (for managers)."""
    request = _request(session, request_id)
    row = session.execute(select(Authorization).where(
        Authorization.request_id == request_id, Authorization.treatment == treatment,
        Authorization.extension_of_id.is_(None)).order_by(Authorization.id.desc())).scalar()
    if row is None:
        row = open_authorization(session, request_id, treatment, actor=actor, payer_id=None,
                                 status="not_needed")
    if row.first_treatment_at is None:
        row.first_treatment_at = at
        start = request.first_contact_at or request.received_at
        row.days_to_first_treatment = machine.whole_days(start, at)
        session.flush()
    return row


@dataclass(frozen=True)
class Gate:
    missing: tuple[str, ...]

    @property
    def open(self) -> bool:
        return not self.missing


def spravato_start(session: Session, request_id: int) -> SpravatoStart | None:
    return session.get(SpravatoStart, request_id)


def save_spravato_start(session: Session, request_id: int, *, actor: audit.Actor,
                        rems_enrolled_on: dt.date | None, rems_enrolled_by: str | None,
                        ride_home_confirmed: bool, monitored_slot_confirmed: bool,
                        now: dt.datetime | None = None) -> SpravatoStart:
    _request(session, request_id)
    if rems_enrolled_on is not None and not (rems_enrolled_by or "").strip():
        raise CoverageError("Say who enrolled the patient in the Spravato REMS.")
    row = spravato_start(session, request_id)
    if row is None:
        row = SpravatoStart(request_id=request_id)
        session.add(row)
    row.rems_enrolled_on = rems_enrolled_on
    row.rems_enrolled_by = _clean(rems_enrolled_by, 120) if rems_enrolled_on else None
    row.ride_home_confirmed = bool(ride_home_confirmed)
    row.monitored_slot_confirmed = bool(monitored_slot_confirmed)
    row.updated_at = _now(now)
    row.updated_by = actor.user_id
    session.flush()
    audit.record(session, actor, "coverage.spravato_start", "request", request_id,
                 {"rems_enrolled": rems_enrolled_on is not None,
                  "ride_home_confirmed": bool(ride_home_confirmed),
                  "monitored_slot_confirmed": bool(monitored_slot_confirmed)})
    return row


def spravato_gate(session: Session, request_id: int) -> Gate:
    """What is still missing before a first Spravato dose may be scheduled."""
    start = spravato_start(session, request_id)
    benefits = latest_benefits(session, request_id).get("spravato")
    missing = []
    if start is None or start.rems_enrolled_on is None:
        missing.append("REMS patient enrolment (date and who enrolled)")
    if benefits is None or benefits.benefit_route is None:
        missing.append("benefit route decided (medical or pharmacy)")
    if start is None or not start.ride_home_confirmed:
        missing.append("ride home confirmed")
    if start is None or not start.monitored_slot_confirmed:
        missing.append("2-hour monitored slot confirmed")
    return Gate(tuple(missing))


def schedule_first_spravato(session: Session, request_id: int, *, actor: audit.Actor,
                            seen_version: int, appointment_at: dt.datetime,
                            override_reason: str = "", now: dt.datetime | None = None) -> int:
    """Schedule the first Spravato dose. With the gate open (something missing) it is refused
    unless an override reason is given; the override is audited and kept on the timeline."""
    from zoelife.intake import lifecycle

    gate = spravato_gate(session, request_id)
    reason = override_reason.strip()
    if not gate.open and not reason:
        raise CoverageError("Not ready for a first Spravato dose: missing "
                            + "; ".join(gate.missing)
                            + ". Give a reason to override, or complete them first.")
    version = lifecycle.change_status(
        session, request_id, actor=actor, seen_version=seen_version, to_status="scheduled",
        appointment_at=appointment_at, appointment_kind="Spravato first dose", now=now)
    if not gate.open:
        start = spravato_start(session, request_id) or SpravatoStart(
            request_id=request_id, updated_at=_now(now), updated_by=actor.user_id)
        start.override_reason = reason
        session.add(start)
        event(session, request_id, "spravato_override", actor=actor, now=now,
              detail="Missing: " + "; ".join(gate.missing) + ". Reason: " + reason)
        audit.record(session, actor, "coverage.spravato_override", "request", request_id,
                     {"reason": True, "count": len(gate.missing)})
    record_first_treatment(session, request_id, "spravato", appointment_at, actor=actor)
    return version


FIRST_TREATMENTS = ("tms", "spravato", "ketamine")


def pa_required(session: Session, request_id: int, treatment: str) -> str | None:
    """Why the payer requires a prior authorization for this course, or None when it does not
    (as far as the records say). The latest verified benefits decide when they answered; then
    an authorization being tracked (not marked not needed); then the primary payer having
    criteria on file for the treatment."""
    benefits = latest_benefits(session, request_id).get(treatment)
    courses = [a for a in authorizations_of(session, request_id) if a.treatment == treatment]
    tracked = bool(courses) and courses[-1].status != "not_needed"
    if benefits is not None and benefits.pa_required is True:
        return "the verified benefits say prior authorization is required"
    if tracked:
        return "a prior authorization is being tracked for it"
    if benefits is not None and benefits.pa_required is False:
        return None
    if courses:  # marked not needed by staff
        return None
    primary = coverage_of(session, request_id, "primary")
    if primary is not None and primary.payer_id is not None and session.execute(
            select(PayerCriteria.id).where(PayerCriteria.payer_id == primary.payer_id,
                                           PayerCriteria.treatment == treatment)).first():
        return "the payer has prior-authorization criteria for it"
    return None


def approved_for(session: Session, request_id: int, treatment: str,
                 day: dt.date) -> Authorization | None:
    """An approved authorization of the course that covers `day` (within its dates, when it
    has them) with sessions left (when it counts them)."""
    for a in reversed(authorizations_of(session, request_id)):
        if a.treatment != treatment or a.status != "approved":
            continue
        if a.start_date is not None and day < a.start_date:
            continue
        if a.end_date is not None and day > a.end_date:
            continue
        if a.approved_units is not None and (a.units_used or 0) >= a.approved_units:
            continue
        return a
    return None


def tms_gate(session: Session, request_id: int, appointment_day: dt.date) -> Gate:
    """What is missing before a first TMS session on `appointment_day`: an approved
    authorization covering that day, when the payer requires one."""
    why = pa_required(session, request_id, "tms")
    if why is None or approved_for(session, request_id, "tms", appointment_day) is not None:
        return Gate(())
    return Gate((f"an approved TMS authorization covering {appointment_day.isoformat()} "
                 f"({why})",))


def schedule_first_treatment(session: Session, request_id: int, treatment: str, *,
                             actor: audit.Actor, seen_version: int, appointment_at: dt.datetime,
                             override_reason: str = "", now: dt.datetime | None = None) -> int:
    """Schedule a course's first treatment session: the request moves to `scheduled` and the
    course keeps the time (for the managers' days from first contact to first treatment). A
    first Spravato dose goes through its start gate (`schedule_first_spravato`)."""
    from zoelife.intake import lifecycle

    if treatment not in FIRST_TREATMENTS:
        raise CoverageError("A first treatment session is for TMS, Spravato or ketamine.")
    if treatment == "spravato":
        return schedule_first_spravato(session, request_id, actor=actor,
                                       seen_version=seen_version, appointment_at=appointment_at,
                                       override_reason=override_reason, now=now)
    gate = Gate(())
    if treatment == "tms":
        from zoelife import settings

        day = appointment_at.astimezone(settings.clinic_zone(session)).date()
        gate = tms_gate(session, request_id, day)
    reason = override_reason.strip()
    if not gate.open and not reason:
        raise CoverageError("Not ready for a first TMS session: missing "
                            + "; ".join(gate.missing)
                            + ". Give a reason to override, or get the approval first.")
    version = lifecycle.change_status(
        session, request_id, actor=actor, seen_version=seen_version, to_status="scheduled",
        appointment_at=appointment_at, appointment_kind=f"{label(treatment)} first session",
        now=now)
    if not gate.open:
        event(session, request_id, "tms_override", actor=actor, now=now,
              detail="Missing: " + "; ".join(gate.missing) + ". Reason: " + reason)
        audit.record(session, actor, "coverage.tms_override", "request", request_id,
                     {"reason": True, "count": len(gate.missing)})
    record_first_treatment(session, request_id, treatment, appointment_at, actor=actor)
    return version
