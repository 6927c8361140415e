"""Sign-in protection: one message for every failure; growing per-account delays that cannot
lock anyone out for long; every success, failure and lockout audited."""

import datetime as dt

import pytest
from sqlalchemy import select

from zoelife import audit
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import AuditEvent, StaffUser
from zoelife.security import accounts, auth, ratelimit

T0 = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)
PW = "a perfectly fine passphrase"


@pytest.fixture(autouse=True)
def _per_account_throttle_alone(monkeypatch):
    """These tests are about the per-account throttle; the per-address limit (tested in
    tests/security/attacks/test_sign_in_flood.py) would otherwise refuse first."""
    monkeypatch.setattr(ratelimit, "LIMITER",
                        ratelimit.sign_in_limiter(per_address=10**6, overall=10**6))


def _setup(engine):
    with write_session(engine) as s:
        accounts.create_user(s, "desk", PW, {"front_desk"}, actor=audit.SYSTEM)


def _try(engine, password, now, username="desk"):
    with write_session(engine) as s:
        return auth.sign_in(s, username, password, client_address="10.0.0.7", now=now)


def _actions(engine):
    with read_session(engine) as s:
        return [(e.action, e.changes.get("reason_code")) for e in
                s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
                if e.action.startswith("sign_in")]


def test_delays_grow_and_are_capped():
    assert [auth.delay_after(n).total_seconds() for n in range(1, 10)] == \
        [0, 0, 0, 15, 30, 60, 120, 240, 300]
    assert auth.delay_after(50) == auth.MAX_DELAY <= dt.timedelta(minutes=5)


def test_every_failure_reads_the_same(engine):
    _setup(engine)
    with write_session(engine) as s:
        accounts.create_user(s, "gone", PW, {"front_desk"}, actor=audit.SYSTEM)
        accounts.set_active(s, accounts.find_by_username(s, "gone"), False, actor=audit.SYSTEM)
    messages = {
        _try(engine, "wrong password here", T0).message,
        _try(engine, PW, T0, username="nobody").message,
        _try(engine, PW, T0, username="gone").message,
    }
    for n in range(6):
        messages.add(_try(engine, "wrong password here", T0 + dt.timedelta(seconds=n)).message)
    messages.add(_try(engine, PW, T0 + dt.timedelta(seconds=7)).message)  # while throttled
    assert messages == {auth.FAILURE_MESSAGE}


def test_throttling_refuses_even_the_right_password_until_the_wait_is_over(engine):
    _setup(engine)
    now = T0
    for _ in range(3):
        assert _try(engine, "wrong password here", now).token is None
    assert _try(engine, PW, now).token  # three free failures; success resets the count
    for _ in range(4):
        _try(engine, "wrong password here", now)
    # Fourth failure in a row: 15 s wait. The right password is refused during it.
    assert _try(engine, PW, now + dt.timedelta(seconds=14)).token is None
    # Attempts during the wait do not lengthen it.
    for n in range(20):
        _try(engine, "wrong password here", now + dt.timedelta(seconds=n % 14))
    assert _try(engine, PW, now + dt.timedelta(seconds=15)).token
    with read_session(engine) as s:
        assert s.execute(select(StaffUser.failed_sign_ins)).scalar_one() == 0


def test_an_attacker_cannot_lock_the_account_for_long(engine):
    _setup(engine)
    now = T0
    # An attacker hammering the account as fast as the throttle allows, for an hour.
    waits = []
    while now < T0 + dt.timedelta(hours=1):
        _try(engine, "attacker guess 0001", now)
        with read_session(engine) as s:
            until = s.execute(select(StaffUser.throttled_until)).scalar_one()
        if until and until > now:
            waits.append(until - now)
            now = until
        else:
            now += dt.timedelta(seconds=1)
    assert max(waits) == auth.MAX_DELAY
    # The owner gets in as soon as the current wait ends, at most MAX_DELAY later.
    assert _try(engine, PW, now).token


def test_failures_successes_and_lockouts_are_audited(engine):
    _setup(engine)
    for n in range(4):
        _try(engine, "wrong password here", T0 + dt.timedelta(seconds=n))
    _try(engine, PW, T0 + dt.timedelta(seconds=5))  # throttled
    _try(engine, PW, T0 + dt.timedelta(seconds=30))
    _try(engine, PW, T0, username="no.such.user")
    assert _actions(engine) == [
        ("sign_in.failure", "bad_credentials"), ("sign_in.failure", "bad_credentials"),
        ("sign_in.failure", "bad_credentials"), ("sign_in.lockout", None),
        ("sign_in.failure", "bad_credentials"), ("sign_in.failure", "throttled"),
        ("sign_in.success", None), ("sign_in.failure", "bad_credentials"),
    ]
    with read_session(engine) as s:
        rows = s.execute(select(AuditEvent).where(AuditEvent.action.startswith("sign_in"))).scalars()
        assert {r.client_address for r in rows} == {"10.0.0.7"}
        assert audit.verify(s).ok
