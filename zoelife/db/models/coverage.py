"""Coverage: payers and their criteria, a request's insurance, card images, benefit checks,
prior authorizations and their history, the Spravato start, the coverage timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from zoelife import vocabulary as v
from zoelife.db.models.base import Base, TreatmentType, choice
from zoelife.db.types import JSONText, UTCDateTime

# Insurance, benefits, prior authorization and the Spravato start (docs/coverage.md). Member
# ids, subscriber names and card images are patient data: front desk only, never exported.

CoverageRankType = choice(v.COVERAGE_RANKS, "coverage_rank")

SubscriberRelationType = choice(v.SUBSCRIBER_RELATIONS, "subscriber_relation")

CardSideType = choice(v.CARD_SIDES, "card_side")

BenefitRouteType = choice(v.BENEFIT_ROUTES, "benefit_route")

VerifyMethodType = choice(v.VERIFY_METHODS, "verify_method")

AuthStatusType = choice(v.AUTH_STATUSES, "auth_status")


class Payer(Base):
    """An insurer on the list the admin keeps; retired, never deleted."""

    __tablename__ = "payers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The payer's id at the clearinghouse (X12 NM1*PR), when known.
    payer_code: Mapped[str | None] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(40))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PayerCriteria(Base):
    """What one payer asks before authorizing one treatment, as data the admin edits
    (`zoelife.coverage.checklist.Criteria` reads it)."""

    __tablename__ = "payer_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("payers.id"))
    treatment: Mapped[str] = mapped_column(TreatmentType)
    criteria: Mapped[Any] = mapped_column(JSONText, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    __table_args__ = (UniqueConstraint("payer_id", "treatment"),)


class Coverage(Base):
    """The insurance a request names: one primary, at most one secondary."""

    __tablename__ = "coverages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    rank: Mapped[str] = mapped_column(CoverageRankType, default="primary")
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"), index=True)
    plan_name: Mapped[str | None] = mapped_column(String(200))
    member_id: Mapped[str | None] = mapped_column(String(80))
    group_number: Mapped[str | None] = mapped_column(String(80))
    subscriber_name: Mapped[str | None] = mapped_column(String(200))
    subscriber_relation: Mapped[str] = mapped_column(SubscriberRelationType, default="self")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    __table_args__ = (UniqueConstraint("request_id", "rank"),)


class CardImage(Base):
    """A photo of an insurance card, checked by its content on upload. Appended: the latest per
    side counts, earlier ones stay."""

    __tablename__ = "card_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    coverage_id: Mapped[int] = mapped_column(ForeignKey("coverages.id"), index=True)
    side: Mapped[str] = mapped_column(CardSideType)
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class BenefitCheck(Base):
    """One verification of benefits for one treatment; appended, the latest counts."""

    __tablename__ = "benefit_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    treatment: Mapped[str] = mapped_column(TreatmentType)
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"))
    in_network: Mapped[bool | None] = mapped_column(Boolean)
    # Money in whole cents, so sums are exact on both databases.
    deductible_cents: Mapped[int | None] = mapped_column(Integer)
    deductible_met_cents: Mapped[int | None] = mapped_column(Integer)
    oop_max_cents: Mapped[int | None] = mapped_column(Integer)
    copay_cents: Mapped[int | None] = mapped_column(Integer)
    coinsurance_percent: Mapped[int | None] = mapped_column(SmallInteger)
    carve_out: Mapped[bool | None] = mapped_column(Boolean)
    carve_out_payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"))
    pa_required: Mapped[bool | None] = mapped_column(Boolean)
    benefit_route: Mapped[str | None] = mapped_column(BenefitRouteType)
    method: Mapped[str] = mapped_column(VerifyMethodType, default="call")
    reference: Mapped[str | None] = mapped_column(String(120))  # call reference or trace number
    verified_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # Benefits change (new plan year, new job): re-verify before the first visit after this.
    stale_after: Mapped[dt.date] = mapped_column(Date)


class Authorization(Base):
    """The prior-authorization tracker of one treatment course (status machine in
    `zoelife.vocabulary.AUTH_MOVES`)."""

    __tablename__ = "authorizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    treatment: Mapped[str] = mapped_column(TreatmentType)
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"), index=True)
    status: Mapped[str] = mapped_column(AuthStatusType, default="gathering")
    # Staff-confirmed evidence the checklist reads: trials, psychotherapy, scores.
    evidence: Mapped[Any] = mapped_column(JSONText, default=dict)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # entered the current status
    records_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Whole days from submission to the (first) decision, stored so medians stay in SQL.
    days_to_decision: Mapped[int | None] = mapped_column(Integer)
    auth_number: Mapped[str | None] = mapped_column(String(80))
    approved_units: Mapped[int | None] = mapped_column(Integer)
    units_used: Mapped[int] = mapped_column(Integer, default=0)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    extension_of_id: Mapped[int | None] = mapped_column(ForeignKey("authorizations.id"))
    first_treatment_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Whole days from the request's first contact to the first treatment.
    days_to_first_treatment: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (Index("ix_authorizations_status", "status", "status_at"),)


class AuthorizationChange(Base):
    __tablename__ = "authorization_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    authorization_id: Mapped[int] = mapped_column(ForeignKey("authorizations.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(choice(v.AUTH_STATUSES, "from_auth_status"))
    to_status: Mapped[str] = mapped_column(choice(v.AUTH_STATUSES, "to_auth_status"))
    reason: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class SpravatoStart(Base):
    """What must be in place before a first Spravato dose (REMS, benefit route, ride, slot)."""

    __tablename__ = "spravato_starts"

    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), primary_key=True)
    rems_enrolled_on: Mapped[dt.date | None] = mapped_column(Date)
    rems_enrolled_by: Mapped[str | None] = mapped_column(String(120))
    ride_home_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    monitored_slot_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # Set when a first dose was scheduled with the gate open, by explicit override.
    override_reason: Mapped[str | None] = mapped_column(Text)


class CoverageEvent(Base):
    """The coverage timeline of a request: records requested, letters sent, overrides."""

    __tablename__ = "coverage_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    authorization_id: Mapped[int | None] = mapped_column(ForeignKey("authorizations.id"))
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
