"""Signing in with a local account: one message for every failure, per-account throttling,
everything audited.

Throttling (OWASP ASVS 2.2.1): the first FREE_FAILURES wrong passwords in a row cost nothing;
each further one makes the account wait before the next attempt is even checked, doubling from
BASE_DELAY up to MAX_DELAY. Attempts made while waiting are refused with the same message and do
not lengthen the wait, so someone who knows a colleague's user name can hold that account for
at most MAX_DELAY at a time, never lock it for good. A run of failures is forgotten after
RESET_AFTER without a failure. The counter resets on success.

Before all that, `ratelimit.LIMITER` bounds password checks per client address and overall per
sliding minute (password spraying, Argon2 CPU exhaustion).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import StaffUser
from zoelife.security import accounts, ratelimit, sessions
from zoelife.security.passwords import (
    PasswordRejected,
    check_rules,
    hash_password,
    needs_rehash,
    verify_password,
)

FAILURE_MESSAGE = "Those details did not work. Check the user name and password and try again."
RATE_LIMITED_MESSAGE = ("Too many sign-in attempts from here in the last minute. Wait a minute, "
                        "then try again.")

FREE_FAILURES = 3
BASE_DELAY = dt.timedelta(seconds=15)
MAX_DELAY = dt.timedelta(minutes=5)
RESET_AFTER = dt.timedelta(hours=1)


@dataclass(frozen=True)
class SignInResult:
    token: str | None
    message: str | None = None
    must_change_password: bool = False
    user_id: int | None = None


def delay_after(failures: int) -> dt.timedelta:
    """How long an account waits after `failures` wrong passwords in a row."""
    if failures <= FREE_FAILURES:
        return dt.timedelta(0)
    # The exponent is capped so a long run of failures cannot overflow the timedelta.
    return min(BASE_DELAY * (2 ** min(failures - FREE_FAILURES - 1, 20)), MAX_DELAY)


@dataclass(frozen=True)
class _Seen:
    """What a sign-in attempt read of the account before checking the password."""

    user_id: int | None
    username: str | None
    password_hash: str | None
    throttled: bool


@dataclass(frozen=True)
class _Checked:
    seen: _Seen
    ok: bool  # the password matched (never checked while throttled)
    new_hash: str | None  # a stronger hash of the same password, made outside any lock


def _see(session: Session, username: str, now: dt.datetime) -> _Seen:
    user = accounts.find_by_username(session, username or "")
    if user is None:
        return _Seen(None, None, None, False)
    throttled = user.throttled_until is not None and now < user.throttled_until
    return _Seen(user.id, user.username, user.password_hash, throttled)


def _check(seen: _Seen, password: str) -> _Checked:
    """The slow part (Argon2, tens of milliseconds of CPU): no transaction needed."""
    if seen.throttled:
        # Spend the time of a real check so the wait is not an oracle for the account's
        # existence, but do not check: a right guess during the wait must not be confirmed.
        verify_password(None, password or "")
        return _Checked(seen, False, None)
    ok = verify_password(seen.password_hash, password or "")
    new_hash = hash_password(password) if ok and needs_rehash(seen.password_hash) else None
    return _Checked(seen, ok, new_hash)


def _record(session: Session, checked: _Checked, *, client_address: str | None,
            now: dt.datetime) -> SignInResult:
    """The outcome of a checked attempt, written (and audited) in `session`."""
    seen = checked.seen
    user = session.get(StaffUser, seen.user_id) if seen.user_id is not None else None
    who = audit.Actor(user.id if user else None, "unknown" if user is None else user.username,
                      client_address)
    throttled = seen.throttled or (user is not None and user.throttled_until is not None
                                   and now < user.throttled_until)
    if user is not None and throttled:
        audit.record(session, who, "sign_in.failure", "staff_user", user.id,
                     {"reason_code": "throttled"})
        return SignInResult(None, FAILURE_MESSAGE)
    # A password changed or reset since it was read: the check no longer counts.
    ok = checked.ok and user is not None and user.password_hash == seen.password_hash
    if not ok or user is None or not user.is_active:
        if user is not None:
            _count_failure(session, user, who, now)
        audit.record(session, who, "sign_in.failure", "staff_user", user.id if user else None,
                     {"reason_code": "bad_credentials" if user is None or not ok
                      else "disabled"})
        return SignInResult(None, FAILURE_MESSAGE)
    if checked.new_hash:
        user.password_hash = checked.new_hash
    user.failed_sign_ins = 0
    user.throttled_until = None
    token = sessions.start(session, user, method="password", client_address=client_address,
                           now=now)
    audit.record(session, who, "sign_in.success", "staff_user", user.id, {"method": "password"})
    return SignInResult(token, None, user.must_change_password, user.id)


WRONG_CURRENT_PASSWORD = "The current password is not right."
THROTTLED_CURRENT_PASSWORD = ("Too many wrong passwords for this account. Wait a few minutes, "
                              "then try again.")


def check_current_password(session: Session, user, password: str, *,
                           actor: audit.Actor | None, now: dt.datetime | None = None) -> str | None:
    """None when `password` is the account's current one; otherwise why not, after counting
    the failure against the account's sign-in throttle and auditing it. While the account
    waits, nothing is checked (a right guess is not confirmed)."""
    now = now or dt.datetime.now(dt.UTC)
    who = actor or audit.Actor(user.id, user.username, None)
    if user.throttled_until is not None and now < user.throttled_until:
        verify_password(None, password or "")
        audit.record(session, who, "password_change.failure", "staff_user", user.id,
                     {"reason_code": "throttled"})
        return THROTTLED_CURRENT_PASSWORD
    if not verify_password(user.password_hash, password or ""):
        _count_failure(session, user, who, now)
        audit.record(session, who, "password_change.failure", "staff_user", user.id,
                     {"reason_code": "bad_credentials"})
        return WRONG_CURRENT_PASSWORD
    user.failed_sign_ins = 0
    user.throttled_until = None
    return None


class WrongCurrentPassword(ValueError):
    """The current password given to change it was wrong, or the account is waiting after too
    many wrong passwords. The failure was counted and audited in the caller's session: the
    caller keeps (commits) that session and shows the message."""


def change_own_password(session: Session, user: StaffUser, current: str, new: str, *,
                        actor: audit.Actor | None, keep_session_id: int | None = None,
                        now: dt.datetime | None = None) -> None:
    """The user replaces their password; the current one must be given.

    Wrong current passwords count against the same per-account throttle as signing in and are
    audited (`password_change.failure`), so a borrowed, unlocked screen cannot be used to guess
    it. Success ends every other sign-in of the account (`keep_session_id`, the sign-in that
    made the change, stays): whoever else held one is out."""
    now = now or dt.datetime.now(dt.UTC)
    refused = check_current_password(session, user, current, actor=actor, now=now)
    if refused:
        raise WrongCurrentPassword(refused)
    if current == new:
        raise PasswordRejected("Choose a password different from the current one.")
    check_rules(new, username=user.username)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = now
    ended = sessions.end_all_for_user(session, user.id, "password_changed", now=now,
                                      except_session_id=keep_session_id)
    session.flush()
    audit.record(session, actor, "user.password_change", "staff_user", user.id,
                 {"password": {"changed": True}, "must_change_password": False,
                  "count": ended})


def _rate_limited(client_address: str | None, now: dt.datetime):
    """The limiter's refusal of this attempt, or None. Asked before the account is looked up
    or any password checked (see ratelimit)."""
    decision = ratelimit.LIMITER.attempt(client_address, now)
    return None if decision.allowed else decision


def _refused(session: Session, decision, client_address: str | None) -> SignInResult:
    if decision.first_refusal:  # one audit row per refused burst, not one per attempt
        audit.record(session, audit.Actor(None, "unknown", client_address),
                     "sign_in.failure", "staff_user", None,
                     {"reason_code": f"rate_limited_{decision.reason}"})
    return SignInResult(None, RATE_LIMITED_MESSAGE)


def sign_in(session: Session, username: str, password: str, *,
            client_address: str | None = None, now: dt.datetime | None = None) -> SignInResult:
    """Check and record one attempt in the caller's transaction (CLI, tests)."""
    now = now or dt.datetime.now(dt.UTC)
    refusal = _rate_limited(client_address, now)
    if refusal is not None:
        return _refused(session, refusal, client_address)
    checked = _check(_see(session, username, now), password)
    return _record(session, checked, client_address=client_address, now=now)


def sign_in_engine(engine: Engine, username: str, password: str, *,
                   client_address: str | None = None,
                   now: dt.datetime | None = None) -> SignInResult:
    """`sign_in` for the server: the account is read, the password checked with no
    transaction open, and only then is the outcome written. On SQLite a write transaction
    holds the process-wide write lock, which every page run and webhook delivery may need:
    a sign-in form hammered with guesses must not hold it through each Argon2 check."""
    now = now or dt.datetime.now(dt.UTC)
    refusal = _rate_limited(client_address, now)
    if refusal is not None:
        with write_session(engine) as session:
            return _refused(session, refusal, client_address)
    with read_session(engine) as session:
        seen = _see(session, username, now)
    checked = _check(seen, password)
    with write_session(engine) as session:
        return _record(session, checked, client_address=client_address, now=now)


def _count_failure(session: Session, user, who: audit.Actor, now: dt.datetime) -> None:
    last = user.last_failed_sign_in_at
    if last is not None and now - last >= RESET_AFTER:
        user.failed_sign_ins = 0
    user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
    user.last_failed_sign_in_at = now
    wait = delay_after(user.failed_sign_ins)
    if wait:
        user.throttled_until = now + wait
        audit.record(session, who, "sign_in.lockout", "staff_user", user.id,
                     {"count": user.failed_sign_ins, "kind": f"{int(wait.total_seconds())}s"})
    session.flush()


def sign_in_sso(session: Session, email: str | None, *, client_address: str | None = None,
                now: dt.datetime | None = None,
                email_verified: bool | None = None) -> SignInResult:
    """Single sign-on: the identity provider vouched for `email`; match an active account.

    `email_verified` is the provider's claim: an address it says it has not verified opens
    nothing (anyone can type someone else's address at some providers). Providers that do not
    send the claim (Entra ID) are trusted as before."""
    now = now or dt.datetime.now(dt.UTC)
    user = accounts.find_by_email(session, email) if email else None
    if email and email_verified is False:
        return _sso_refused(session, user, client_address, "sso_unverified_email",
                            "Your single sign-on provider has not verified your email address, "
                            "so it cannot open Zoelife Intake. Verify it with the provider, or "
                            "ask an administrator.")
    if user is None or not user.is_active:
        return _sso_refused(session, user, client_address,
                            "sso_no_email" if not email else
                            ("sso_unknown_email" if user is None else "disabled"),
                            "Your single sign-on account has no access to Zoelife Intake. "
                            "Ask an administrator to add your email address.")
    token = sessions.start(session, user, method="oidc", client_address=client_address, now=now)
    audit.record(session, audit.Actor(user.id, user.username, client_address), "sign_in.success",
                 "staff_user", user.id, {"method": "oidc"})
    return SignInResult(token, None, False, user.id)


def _sso_refused(session: Session, user, client_address: str | None, reason_code: str,
                 message: str) -> SignInResult:
    """A refused single sign-on, audited with its reason."""
    audit.record(session, audit.Actor(user.id if user else None,
                                      user.username if user else "unknown", client_address),
                 "sign_in.failure", "staff_user", user.id if user else None,
                 {"reason_code": reason_code, "method": "oidc"})
    return SignInResult(None, message)
