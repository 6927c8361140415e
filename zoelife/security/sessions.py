"""Server-side sign-in sessions: idle and absolute expiry, revocable.

The browser holds a random token; the database keeps only its SHA-256, so a copy of the
database does not hand out live sign-ins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from zoelife import audit, settings
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
    method: str = "password"

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


# Activity is recorded at most once a minute per sign-in: every page run asks who is signed
# in, and recording each one took the process-wide write lock (on SQLite) on every run. The
# idle limit is counted in minutes, so a sign-in may lapse up to this much early, never late.
ACTIVITY_GRANULARITY = dt.timedelta(minutes=1)


def _lapse_reason(session: Session, row: SignInSession, user: StaffUser | None,
                  now: dt.datetime) -> str | None:
    idle = dt.timedelta(minutes=settings.get(session, "idle_timeout_minutes"))
    if user is None or not user.is_active:
        return "user_disabled"
    if roles_string(user.role_names) != row.roles_at_sign_in:
        return "roles_changed"
    if now >= row.expires_at:
        return "absolute_timeout"
    if now - row.last_activity_at >= idle:
        return "idle_timeout"
    return None


def _session_user(user: StaffUser, row: SignInSession) -> SessionUser:
    return SessionUser(user.id, user.username, user.display_name, user.role_names, row.id,
                       user.must_change_password, row.method)


def peek(session: Session, token: str | None, *, activity: bool = True,
         now: dt.datetime | None = None) -> tuple[SessionUser | None, bool]:
    """`resolve` without writing: (the signed-in user or None, whether `resolve` must run in a
    write transaction: the sign-in lapsed and must be ended, or activity is due to be
    recorded). Most page runs need no write at all."""
    if not isinstance(token, str) or not token:
        return None, False
    now = now or dt.datetime.now(dt.UTC)
    row = _find(session, token)
    if row is None or row.ended_at is not None:
        return None, False
    user = session.get(StaffUser, row.user_id)
    if _lapse_reason(session, row, user, now):
        return None, True
    due = activity and now - row.last_activity_at >= ACTIVITY_GRANULARITY
    return _session_user(user, row), due


def resolve(session: Session, token: str | None, *, activity: bool = True,
            now: dt.datetime | None = None) -> SessionUser | None:
    """The signed-in user for `token`, or None (and the session ended) when it has lapsed.

    `activity=False` for automatic refreshes: they read the session without extending it.
    Activity is recorded at most once per ACTIVITY_GRANULARITY.
    """
    if not isinstance(token, str) or not token:
        return None
    now = now or dt.datetime.now(dt.UTC)
    row = _find(session, token)
    if row is None or row.ended_at is not None:
        return None
    user = session.get(StaffUser, row.user_id)
    reason = _lapse_reason(session, row, user, now)
    if reason:
        row.ended_at = now
        row.end_reason = reason
        row.grant_hash = None
        row.grant_expires_at = None
        session.flush()

        audit.record(session, audit.Actor(row.user_id, user.username if user else "unknown",
                                          row.client_address),
                     "session.end", "sign_in_session", row.id, {"reason_code": reason})
        return None
    if activity and now - row.last_activity_at >= ACTIVITY_GRANULARITY:
        row.last_activity_at = now
        session.flush()
    return _session_user(user, row)


def end(session: Session, token: str | None, reason: str = "signed_out",
        now: dt.datetime | None = None) -> bool:
    if not token:
        return False
    now = now or dt.datetime.now(dt.UTC)
    result = session.execute(
        update(SignInSession)
        .where(_matches(token), SignInSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason, grant_hash=None, grant_expires_at=None)
    )
    return result.rowcount > 0


def end_all_for_user(session: Session, user_id: int, reason: str,
                     now: dt.datetime | None = None, *,
                     except_session_id: int | None = None) -> int:
    """End every open sign-in of the user (but `except_session_id`); how many were open."""
    now = now or dt.datetime.now(dt.UTC)
    query = update(SignInSession).where(SignInSession.user_id == user_id,
                                        SignInSession.ended_at.is_(None))
    if except_session_id is not None:
        query = query.where(SignInSession.id != except_session_id)
    result = session.execute(
        query.values(ended_at=now, end_reason=reason, grant_hash=None, grant_expires_at=None)
    )
    return result.rowcount


def _matches(token: str):
    # Either the page's token or the cookie's token names the sign-in.
    digest = token_hash(token)
    return or_(SignInSession.token_hash == digest, SignInSession.cookie_token_hash == digest)


def _find(session: Session, token: str) -> SignInSession | None:
    return session.execute(select(SignInSession).where(_matches(token))).scalars().first()


def end_by_id(session: Session, session_id: int, reason: str,
              now: dt.datetime | None = None) -> bool:
    now = now or dt.datetime.now(dt.UTC)
    result = session.execute(
        update(SignInSession)
        .where(SignInSession.id == session_id, SignInSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason, grant_hash=None, grant_expires_at=None)
    )
    return result.rowcount > 0


def open_sessions(session: Session, user_id: int | None = None,
                  now: dt.datetime | None = None) -> list[SignInSession]:
    """Sign-ins not ended and not past their absolute limit (idle ones end at their next use)."""
    now = now or dt.datetime.now(dt.UTC)
    query = select(SignInSession).where(SignInSession.ended_at.is_(None),
                                        SignInSession.expires_at > now)
    if user_id is not None:
        query = query.where(SignInSession.user_id == user_id)
    return list(session.execute(query.order_by(SignInSession.created_at.desc())).scalars())


# --------------------------------------------------------------------------- cookie grants

GRANT_SECONDS = 60


class CookieGrant(NamedTuple):
    """What the page that signed in hands its own browser: `grant` travels in the URL,
    `nonce` in a short-lived cookie the page sets just before sending the browser there."""

    grant: str
    nonce: str


def _grant_digest(grant: str, nonce: str) -> str:
    return token_hash(f"{grant}.{nonce}")


def issue_grant(session: Session, token: str, now: dt.datetime | None = None) -> CookieGrant | None:
    """A one-time, 60-second grant the browser exchanges for the HttpOnly cookie.

    The grant is what travels in the URL, never a sign-in token: it is useless once used or
    after a minute, and the database keeps only its hash. It is bound to a nonce that only the
    browser that signed in holds (as a cookie), so a grant URL that leaks, or one an attacker
    got for their own sign-in and sends to a colleague (login CSRF), opens nothing elsewhere."""
    now = now or dt.datetime.now(dt.UTC)
    row = _find(session, token)
    if row is None or row.ended_at is not None:
        return None
    grant, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    row.grant_hash = _grant_digest(grant, nonce)
    row.grant_expires_at = now + dt.timedelta(seconds=GRANT_SECONDS)
    session.flush()
    return CookieGrant(grant, nonce)


def redeem_grant(session: Session, grant: str | None, nonce: str | None,
                 now: dt.datetime | None = None) -> str | None:
    """Consume a grant presented with its nonce: the cookie token for its sign-in, or None
    (unknown, used, expired, or without the nonce of the browser it was issued to)."""
    for part in (grant, nonce):
        if not isinstance(part, str) or not part or len(part) > 200:
            return None
    now = now or dt.datetime.now(dt.UTC)
    row = session.execute(
        select(SignInSession).where(SignInSession.grant_hash == _grant_digest(grant, nonce))
    ).scalar_one_or_none()
    if row is None:
        return None
    valid = row.ended_at is None and row.grant_expires_at is not None and \
        now < row.grant_expires_at and now < row.expires_at
    row.grant_hash = None
    row.grant_expires_at = None
    if not valid:
        session.flush()
        return None
    cookie_token = secrets.token_urlsafe(32)
    row.cookie_token_hash = token_hash(cookie_token)
    session.flush()
    return cookie_token


def expires_at(session: Session, token: str) -> dt.datetime | None:
    row = _find(session, token)
    return None if row is None else row.expires_at


def session_row(session: Session, token: str | None) -> SignInSession | None:
    return _find(session, token) if token else None
