"""Server-side sign-in sessions: idle and absolute expiry, revocable.

The browser holds a random token; the database keeps only its SHA-256, so a copy of the
database does not hand out live sign-ins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zoelife import settings
from zoelife.db.models import SignInSession, StaffUser


@dataclass(frozen=True)
class SessionUser:
    """Who is signed in, as the pages see them."""

    user_id: int
    username: str
    display_name: str
    roles: frozenset[str]
    session_id: int
    must_change_password: bool = False

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def roles_string(roles) -> str:
    return ",".join(sorted(roles))


def start(session: Session, user: StaffUser, *, method: str = "password",
          client_address: str | None = None, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    hours = settings.get(session, "session_absolute_hours")
    token = secrets.token_urlsafe(32)
    session.add(SignInSession(
        token_hash=token_hash(token), user_id=user.id, method=method, created_at=now,
        last_activity_at=now, expires_at=now + dt.timedelta(hours=hours),
        client_address=client_address, roles_at_sign_in=roles_string(user.role_names),
    ))
    session.flush()
    return token


def resolve(session: Session, token: str | None, *, activity: bool = True,
            now: dt.datetime | None = None) -> SessionUser | None:
    """The signed-in user for `token`, or None (and the session ended) when it has lapsed.

    `activity=False` for automatic refreshes: they read the session without extending it.
    """
    if not isinstance(token, str) or not token:
        return None
    now = now or dt.datetime.now(dt.UTC)
    row = session.execute(
        select(SignInSession).where(SignInSession.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if row is None or row.ended_at is not None:
        return None
    user = session.get(StaffUser, row.user_id)
    idle = dt.timedelta(minutes=settings.get(session, "idle_timeout_minutes"))
    reason = None
    if user is None or not user.is_active:
        reason = "user_disabled"
    elif roles_string(user.role_names) != row.roles_at_sign_in:
        reason = "roles_changed"
    elif now >= row.expires_at:
        reason = "absolute_timeout"
    elif now - row.last_activity_at >= idle:
        reason = "idle_timeout"
    if reason:
        row.ended_at = now
        row.end_reason = reason
        session.flush()
        return None
    if activity:
        row.last_activity_at = now
        session.flush()
    return SessionUser(user.id, user.username, user.display_name, user.role_names, row.id,
                       user.must_change_password)


def end(session: Session, token: str | None, reason: str = "signed_out",
        now: dt.datetime | None = None) -> bool:
    if not token:
        return False
    now = now or dt.datetime.now(dt.UTC)
    result = session.execute(
        update(SignInSession)
        .where(SignInSession.token_hash == token_hash(token), SignInSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )
    return result.rowcount > 0


def end_all_for_user(session: Session, user_id: int, reason: str,
                     now: dt.datetime | None = None) -> int:
    now = now or dt.datetime.now(dt.UTC)
    result = session.execute(
        update(SignInSession)
        .where(SignInSession.user_id == user_id, SignInSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )
    return result.rowcount
