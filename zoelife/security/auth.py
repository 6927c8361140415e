"""Signing in with a local account: one message for every failure, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.security import accounts, sessions
from zoelife.security.passwords import hash_password, needs_rehash, verify_password

FAILURE_MESSAGE = "Those details did not work. Check the user name and password and try again."


@dataclass(frozen=True)
class SignInResult:
    token: str | None
    message: str | None = None
    must_change_password: bool = False


def sign_in(session: Session, username: str, password: str, *,
            client_address: str | None = None, now: dt.datetime | None = None) -> SignInResult:
    now = now or dt.datetime.now(dt.UTC)
    user = accounts.find_by_username(session, username or "")
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.is_active:
        if user is not None:
            user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
            user.last_failed_sign_in_at = now
        audit.record(session, audit.Actor(user.id if user else None,
                                          "unknown" if user is None else user.username,
                                          client_address),
                     "sign_in.failure", "staff_user", user.id if user else None,
                     {"reason_code": "bad_credentials" if user is None or not ok
                      else "disabled"})
        return SignInResult(None, FAILURE_MESSAGE)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_sign_ins = 0
    token = sessions.start(session, user, method="password", client_address=client_address,
                           now=now)
    audit.record(session, audit.Actor(user.id, user.username, client_address), "sign_in.success",
                 "staff_user", user.id, {})
    return SignInResult(token, None, user.must_change_password)
