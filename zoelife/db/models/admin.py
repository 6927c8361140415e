"""Staff accounts, their roles and sign-ins; settings; the audit log; webhook signatures seen
(each accepted once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zoelife.db.models.base import Base, RoleType
from zoelife.db.types import JSONText, UTCDateTime


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
    refused. Rows older than the window are pruned (zoelife.ingest.webhook.auth)."""

    __tablename__ = "webhook_signatures"

    signature: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
