"""ORM models: the whole schema, decided once for every part of the product.

Times are `UTCDateTime` (UTC in, UTC out). Enumerated values come from `zoelife.vocabulary`
and are enforced by CHECK constraints in the database, not only in Python.
Nothing is deleted by a staff action: rows are closed, linked, or marked, never removed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from zoelife import vocabulary as v
from zoelife.db.types import JSONText, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def choice(values: tuple[str, ...], name: str) -> Enum:
    """A string column limited to `values`, in Python and by a CHECK constraint named `name`
    (portable, no native enum); the constraint is `one_of`'s, added by `_check_choices`."""
    return Enum(
        *values,
        name=name,
        native_enum=False,
        create_constraint=False,
        validate_strings=True,
        length=max(len(x) for x in values),
    )


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The CHECK condition limiting `column` to `values`: `column = 'a' OR column = 'b' ...`.

    Not `column IN ('a', 'b', 'c')`: SQLite builds a temporary table for an IN list of three
    or more values every time a statement runs, and an executemany INSERT runs its statement
    once per row. That cost 2 µs per constrained column per row: over a third of an
    import's insert time."""
    for value in values:
        if not _PLAIN_VALUE.fullmatch(value):
            raise ValueError(f"{column}: {value!r} is not a plain lowercase word")
    return " OR ".join(f"{column} = '{value}'" for value in values)


_PLAIN_VALUE = re.compile(r"[a-z][a-z_]*")


ChannelType = choice(v.CHANNELS, "channel")
SubmitterType = choice(v.SUBMITTERS, "submitter")
TreatmentType = choice(v.TREATMENTS, "treatment")
StatusType = choice(v.STATUSES, "status")
CloseReasonType = choice(v.CLOSE_REASONS, "close_reason")
CrisisLevelType = choice(v.CRISIS_LEVELS, "crisis_level")
CrisisSourceType = choice(v.CRISIS_SOURCES, "crisis_source")
AttemptMethodType = choice(v.ATTEMPT_METHODS, "attempt_method")
AttemptOutcomeType = choice(v.ATTEMPT_OUTCOMES, "attempt_outcome")
PriorAuthType = choice(v.PRIOR_AUTH_STATUSES, "prior_auth_status")
ContentChannelType = choice(v.CONTENT_CHANNELS, "content_channel")
RoleType = choice(v.ROLES, "role")
MatchStatusType = choice(v.MATCH_STATUSES, "match_status")
QuarantineStatusType = choice(v.QUARANTINE_STATUSES, "quarantine_status")
IntakeKeyKindType = choice(v.INTAKE_KEY_KINDS, "intake_key_kind")
MessageDirectionType = choice(v.MESSAGE_DIRECTIONS, "message_direction")
MessageKindType = choice(v.MESSAGE_KINDS, "message_kind")


# --------------------------------------------------------------------------- staff


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    # Null for accounts that only sign in through single sign-on.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Throttling state for sign-in failures (security issue).
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_sign_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    throttled_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list[StaffRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)


class StaffRole(Base):
    __tablename__ = "staff_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(RoleType, primary_key=True)

    user: Mapped[StaffUser] = relationship(back_populates="roles")


class SignInSession(Base):
    """A server-side sign-in. The browser holds the token; only its SHA-256 is stored."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    method: Mapped[str] = mapped_column(String(16), default="password")  # password | oidc
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # absolute limit
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(40))
    client_address: Mapped[str | None] = mapped_column(String(64))
    # The roles the session was granted; a change of roles ends the session.
    roles_at_sign_in: Mapped[str] = mapped_column(String(120), default="")
    # The HttpOnly cookie holds a second token for the same sign-in (zoelife.security.web): the
    # page's token never travels in a URL. The one-time grant that the cookie route exchanges
    # for it lives 60 seconds; only hashes are stored.
    cookie_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    grant_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    grant_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


# --------------------------------------------------------------------------- settings, audit


class Setting(Base):
    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONText)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class AuditEvent(Base):
    """Append-only, hash-chained. `seq` is the chain position; see zoelife.audit."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity: Mapped[str | None] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(80))
    changes: Mapped[Any] = mapped_column(JSONText, default=dict)
    client_address: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # HMAC-SHA256 of (seq, hash) with a key kept outside the database; NULL only for rows
    # written before keying started (see zoelife.audit_anchor).
    mac: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)


class WebhookSignature(Base):
    """Timestamped webhook signatures already accepted: a replay inside the time window is
    refused. Rows older than the window are pruned (zoelife.ingest.webhook)."""

    __tablename__ = "webhook_signatures"

    signature: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


# --------------------------------------------------------------------------- people


class Person(Base):
    """The patient-to-be. Contact details live on each request; matching reads them there."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str | None] = mapped_column(String(120))
    last_name: Mapped[str | None] = mapped_column(String(120))
    # Casefolded, accent-free "first last" used for matching.
    name_key: Mapped[str | None] = mapped_column(String(240), index=True)
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # When staff link two records of one person, the absorbed one points at the survivor.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class PossibleMatch(Base):
    """Two people who share a phone or an email but not a name: staff link or dismiss."""

    __tablename__ = "possible_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    other_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))  # same_phone | same_email
    status: Mapped[str] = mapped_column(MatchStatusType, default="open")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    __table_args__ = (
        UniqueConstraint("person_id", "other_person_id"),
        CheckConstraint("person_id <> other_person_id", name="distinct_people"),
    )


# --------------------------------------------------------------------------- requests


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
              "appointment_at", "id"),
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


# --------------------------------------------------------------------------- conversations
# Texts both ways, missed calls and voicemails through Twilio (docs/conversations.md).


class SmsTemplate(Base):
    """A text the front desk sends in one click; the admin edits them. Placeholders: only
    {first_name} and {clinic}. `cadence`: the attempt cadence may send it by itself."""

    __tablename__ = "sms_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    body: Mapped[str] = mapped_column(Text)
    cadence: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class Conversation(Base):
    """One phone number's thread in the shared inbox, pointing at the request its messages
    belong to now. `possible_match`: open requests of several people share the number."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), unique=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    possible_match: Mapped[bool] = mapped_column(Boolean, default=False)
    unread: Mapped[int] = mapped_column(Integer, default=0)
    last_message_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    last_inbound_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Message(Base):
    """One text, missed call or voicemail, either way. `provider_sid` (Twilio's MessageSid,
    CallSid or RecordingSid) is unique: a delivery Twilio repeats is stored once. A voicemail
    keeps its transcript; the audio stays with Twilio (`recording_url`)."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    direction: Mapped[str] = mapped_column(MessageDirectionType)
    kind: Mapped[str] = mapped_column(MessageKindType, default="sms")
    body: Mapped[str | None] = mapped_column(Text)
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # inbound: received | missed | recorded; outbound: queued | sending | sent | delivered |
    # undelivered | failed (Twilio's words) | refused (never sent: no consent, opted out)
    status: Mapped[str] = mapped_column(String(20))
    error_code: Mapped[str | None] = mapped_column(String(20))
    crisis_level: Mapped[str] = mapped_column(CrisisLevelType, default="none")
    crisis_evidence: Mapped[Any] = mapped_column(JSONText, default=list)
    recording_url: Mapped[str | None] = mapped_column(String(500))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("sms_templates.id"))
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # What sent it by itself: after_hours_crisis | auto_reply | text_back | cadence | keyword
    automatic: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class SmsConsentEvent(Base):
    """The person's texting consent, per number, appended: STOP, START, a text to us, staff.
    The latest event of a number says whether it opted out."""

    __tablename__ = "sms_consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), index=True)
    consent: Mapped[bool] = mapped_column(Boolean)
    via: Mapped[str] = mapped_column(String(20))  # stop | start | texted_in | staff
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


# --------------------------------------------------------------------------- coverage
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


# --------------------------------------------------------------------------- imports


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # requests | content
    source: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str | None] = mapped_column(String(300))
    file_format: Mapped[str | None] = mapped_column(String(20))
    form_tool: Mapped[str | None] = mapped_column(String(40))
    mapping: Mapped[Any] = mapped_column(JSONText, default=dict)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    already_imported: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    crisis_urgent: Mapped[int] = mapped_column(Integer, default=0)
    crisis_review: Mapped[int] = mapped_column(Integer, default=0)


class QuarantinedRow(Base):
    """A row that could not become a request: kept with its reason, never dropped."""

    __tablename__ = "quarantined_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"), index=True)
    source: Mapped[str] = mapped_column(String(120))
    # The external id, or a hash of the row's content when the export has no ids.
    row_key: Mapped[str] = mapped_column(String(200))
    row_number: Mapped[int | None] = mapped_column(Integer)
    external_id: Mapped[str | None] = mapped_column(String(200))
    raw: Mapped[Any] = mapped_column(JSONText, default=dict)
    reason: Mapped[str] = mapped_column(Text)
    crisis_level: Mapped[str] = mapped_column(CrisisLevelType, default="none")
    crisis_evidence: Mapped[Any] = mapped_column(JSONText, default=list)
    # An urgent reject still reaches the queue as a request marked "no usable contact".
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    status: Mapped[str] = mapped_column(QuarantineStatusType, default="open")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("source", "row_key"),)


# --------------------------------------------------------------------------- content


class ContentItem(Base):
    __tablename__ = "content_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    # Lowercased path of the url without trailing slash: what landing pages are matched on.
    url_path: Mapped[str] = mapped_column(String(1000), index=True)
    # The slug that UTM campaigns are matched on (last path segment, unless set by hand).
    campaign_key: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    published_local_date: Mapped[dt.date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(ContentChannelType, default="blog")
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    topics: Mapped[list[ContentTopic]] = relationship(
        back_populates="item", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def topic_set(self) -> frozenset[str]:
        return frozenset(t.topic for t in self.topics)


class ContentTopic(Base):
    __tablename__ = "content_topics"

    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), primary_key=True)
    topic: Mapped[str] = mapped_column(TreatmentType, primary_key=True)
    origin: Mapped[str] = mapped_column(String(16), default="inferred")  # inferred | staff

    item: Mapped[ContentItem] = relationship(back_populates="topics")


class DemoLift(Base):
    """What the demo generator planted: which content item lifted which topic, by how much."""

    __tablename__ = "demo_lifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), unique=True)
    topic: Mapped[str] = mapped_column(TreatmentType)
    multiplier: Mapped[float]
    window_days: Mapped[int] = mapped_column(Integer)
    extra_requests: Mapped[int] = mapped_column(Integer)


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


def _check_choices(metadata: MetaData) -> None:
    """Every `choice` column gets its CHECK constraint, named after the choice."""
    for table in metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, Enum):
                table.append_constraint(CheckConstraint(
                    one_of(column.name, tuple(column.type.enums)), name=column.type.name))


_check_choices(Base.metadata)
