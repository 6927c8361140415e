"""Requests and what hangs on them: treatments, intake keys, attached submissions, contact
attempts, status and crisis history, notes, pre-screens, on-call notifications; and the
partial indexes the queue and the trend pages read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zoelife import vocabulary as v
from zoelife.db.models.base import (
    AttemptMethodType,
    AttemptOutcomeType,
    Base,
    ChannelType,
    CloseReasonType,
    CrisisLevelType,
    CrisisSourceType,
    IntakeKeyKindType,
    PriorAuthType,
    StatusType,
    SubmitterType,
    TreatmentType,
    choice,
    one_of,
)
from zoelife.db.types import JSONText, UTCDateTime


class Request(Base):
    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(120))
    external_id: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(ChannelType)
    submitter: Mapped[str] = mapped_column(SubmitterType, default="self")
    submitter_name: Mapped[str | None] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)

    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The received time in the clinic's time zone, split for portable GROUP BY (trends, heat map).
    # Recomputed when the time zone setting changes.
    received_local_date: Mapped[dt.date] = mapped_column(Date)
    received_local_hour: Mapped[int] = mapped_column(SmallInteger)
    received_local_weekday: Mapped[int] = mapped_column(SmallInteger)  # Monday = 0

    first_name: Mapped[str | None] = mapped_column(String(120))
    last_name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), index=True)  # normalized
    phone: Mapped[str | None] = mapped_column(String(32), index=True)  # E.164
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    has_usable_contact: Mapped[bool] = mapped_column(Boolean, default=True)
    message: Mapped[str | None] = mapped_column(Text)
    heard_about: Mapped[str | None] = mapped_column(String(200))
    referring_provider: Mapped[str | None] = mapped_column(String(300))
    landing_page: Mapped[str | None] = mapped_column(String(1000))
    utm_source: Mapped[str | None] = mapped_column(String(200))
    utm_medium: Mapped[str | None] = mapped_column(String(200))
    utm_campaign: Mapped[str | None] = mapped_column(String(200), index=True)
    utm_content: Mapped[str | None] = mapped_column(String(200))
    utm_term: Mapped[str | None] = mapped_column(String(200))
    insurance: Mapped[str | None] = mapped_column(String(200))
    prior_auth_status: Mapped[str | None] = mapped_column(PriorAuthType)
    sms_consent: Mapped[bool | None] = mapped_column(Boolean)
    preferred_contact_time: Mapped[str | None] = mapped_column(String(200))
    extra: Mapped[Any] = mapped_column(JSONText, default=dict)  # import columns we do not map, never dropped
    # Lowercased, accent-free name/email/phone digits/message for the queue's free-text search.
    search_text: Mapped[str | None] = mapped_column(Text)

    crisis_level: Mapped[str] = mapped_column(CrisisLevelType, default="none")
    crisis_source: Mapped[str] = mapped_column(CrisisSourceType, default="auto")
    crisis_evidence: Mapped[Any] = mapped_column(JSONText, default=list)
    crisis_acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    crisis_acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # 0 urgent unacknowledged, 1 urgent acknowledged, 2 review, 3 none: the queue's first keys.
    crisis_rank: Mapped[int] = mapped_column(SmallInteger, default=3)
    oncall_notified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    status: Mapped[str] = mapped_column(StatusType, default="new")
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    close_reason: Mapped[str | None] = mapped_column(CloseReasonType)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    appointment_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    appointment_kind: Mapped[str | None] = mapped_column(String(80))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)

    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    first_contact_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reached_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    scheduled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # first move to scheduled
    next_attempt_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The worklist (zoelife.intake.schedule.Schedule.next_step): what is to be done next and by
    # when; set on every open request, cleared on closing. `follow_up_at` is the date a user
    # chose (or a move set: rebook, confirmation call), kept when the settings change.
    next_step: Mapped[str | None] = mapped_column(String(24))
    next_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    follow_up_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The earliest coverage reminder of an open request (zoelife.coverage.reminders): when it
    # is due no later than the request's own step, `next_due_at` is its due time.
    coverage_step: Mapped[str | None] = mapped_column(String(24))
    coverage_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    attributed_content_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_items.id"), index=True
    )
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    # Denormalized ';'-joined treatment interests, sorted, for display and export.
    treatment_list: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    treatments: Mapped[list[RequestTreatment]] = relationship(
        back_populates="request", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        CheckConstraint(
            "(status = 'closed') = (close_reason IS NOT NULL)", name="close_reason_iff_closed"
        ),
        CheckConstraint("crisis_rank BETWEEN 0 AND 3", name="crisis_rank_range"),
        CheckConstraint("version >= 1", name="version_positive"),
        # The queue: open requests by crisis rank, then oldest first.
        Index("ix_requests_queue", "is_open", "crisis_rank", "received_at"),
        Index("ix_requests_received_at", "received_at"),
        # The worklist: open requests by their next step's due time, covering what the tabs and
        # the order read (a tab's count and its page's ids come from the index alone).
        Index("ix_requests_worklist", "is_open", "next_due_at", "crisis_rank", "status",
              "appointment_at", "id", "coverage_due_at"),
        # Trends: counts by local date and channel.
        Index("ix_requests_trend", "received_local_date", "channel"),
        Index("ix_requests_status_received", "status", "received_at"),
        # The request page lists the requests merged into this one (a full scan at 1M rows
        # without it). Partial: only duplicates are indexed, so `duplicate_of_id IS NULL`
        # (every insight query) can never be planned through it.
        Index("ix_requests_duplicate_of_id", "duplicate_of_id",
              sqlite_where=text("duplicate_of_id IS NOT NULL"),
              postgresql_where=text("duplicate_of_id IS NOT NULL")),
    )

    @property
    def treatment_set(self) -> frozenset[str]:
        return frozenset(t.treatment for t in self.treatments)


class RequestTreatment(Base):
    __tablename__ = "request_treatments"

    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), primary_key=True)
    treatment: Mapped[str] = mapped_column(TreatmentType, primary_key=True)
    # Where the interest came from: form (their own field), text (inferred), staff.
    origin: Mapped[str] = mapped_column(String(16), default="form")
    # Copied from the request so trends by treatment need no join.
    received_local_date: Mapped[dt.date] = mapped_column(Date)

    request: Mapped[Request] = relationship(back_populates="treatments")

    __table_args__ = (Index("ix_request_treatments_trend", "treatment", "received_local_date"),)


class IntakeKey(Base):
    """Every (source, external_id) ever received, whatever became of it: the idempotency ledger."""

    __tablename__ = "intake_keys"

    source: Mapped[str] = mapped_column(String(120), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(IntakeKeyKindType)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    quarantined_row_id: Mapped[int | None] = mapped_column(ForeignKey("quarantined_rows.id"))
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Per-field digests of what the first delivery said (no patient data in clear): a later
    # delivery of the same key with different content is kept for review, not dropped.
    # NULL for keys recorded before it existed.
    content_digest: Mapped[str | None] = mapped_column(String(200))


class Submission(Base):
    """A later submission that was a duplicate: kept whole, attached to the earlier request."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    source: Mapped[str] = mapped_column(String(120))
    external_id: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(ChannelType)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    first_name: Mapped[str | None] = mapped_column(String(120))
    last_name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    message: Mapped[str | None] = mapped_column(Text)
    treatments: Mapped[Any] = mapped_column(JSONText, default=list)
    fields: Mapped[Any] = mapped_column(JSONText, default=dict)  # every canonical and extra field as received
    crisis_level: Mapped[str] = mapped_column(CrisisLevelType, default="none")
    crisis_evidence: Mapped[Any] = mapped_column(JSONText, default=list)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("source", "external_id"),)


class ContactAttempt(Base):
    __tablename__ = "contact_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    attempted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    method: Mapped[str] = mapped_column(AttemptMethodType)
    outcome: Mapped[str] = mapped_column(AttemptOutcomeType)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class StatusChange(Base):
    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(choice(v.STATUSES, "from_status"))
    to_status: Mapped[str] = mapped_column(choice(v.STATUSES, "to_status"))
    close_reason: Mapped[str | None] = mapped_column(CloseReasonType)
    reason: Mapped[str | None] = mapped_column(Text)
    appointment_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    appointment_kind: Mapped[str | None] = mapped_column(String(80))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class CrisisChange(Base):
    """Crisis history: automatic assessments, staff raising/lowering, acknowledgements."""

    __tablename__ = "crisis_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # assessed | raised | lowered | acknowledged
    from_level: Mapped[str | None] = mapped_column(choice(v.CRISIS_LEVELS, "from_level"))
    to_level: Mapped[str] = mapped_column(choice(v.CRISIS_LEVELS, "to_level"))
    reason: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    __table_args__ = (
        CheckConstraint(
            one_of("kind", ("assessed", "raised", "lowered", "acknowledged")), name="kind_known"
        ),
        # Every open page asks for the newest urgent change at each refresh
        # (zoelife.intake.arrivals.latest_urgent_change_id): one index seek.
        Index("ix_crisis_changes_to_level_id", "to_level", "id"),
    )


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class EligibilityScreen(Base):
    """Front-desk pre-screen answers per treatment; appended, the latest one counts."""

    __tablename__ = "eligibility_screens"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    treatment: Mapped[str] = mapped_column(TreatmentType)
    answers: Mapped[Any] = mapped_column(JSONText)
    result: Mapped[str] = mapped_column(String(40))
    reasons: Mapped[Any] = mapped_column(JSONText)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class OnCallNotification(Base):
    __tablename__ = "oncall_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))  # email | webhook
    target: Mapped[str] = mapped_column(String(300))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)


# The queue only ever scans open rows; PostgreSQL and SQLite both support partial indexes.
Index(
    "ix_requests_open_due",
    Request.due_at,
    postgresql_where=text("is_open"),
    sqlite_where=text("is_open"),
)

# Requests that are not inquiries (staff-merged duplicates, spam) are few: the trend pages count
# everything through the covering trend indexes and subtract these, found through this index.
# zoelife.insights.queries.not_inquiry repeats the condition verbatim (SQLite matches a partial
# index only on the same expression, with the literal).
NOT_INQUIRY_SQL = "duplicate_of_id IS NOT NULL OR close_reason = 'spam'"

Index(
    "ix_requests_not_inquiry",
    Request.received_local_date,
    postgresql_where=text(NOT_INQUIRY_SQL),
    sqlite_where=text(NOT_INQUIRY_SQL),
)
