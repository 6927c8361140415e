"""Finding #10 (d): nothing bounded sign-in attempts per client address or overall, so
password spraying (one password on every user name, which the per-account throttle never sees)
and floods that keep the CPU busy with Argon2 were unbounded. Now each address gets
PER_ADDRESS attempts per sliding minute and all addresses together OVERALL; an attempt over
either is refused before the account is looked up or any password checked."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.clock import FIXED_NOW
from zoelife import audit
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import AuditEvent
from zoelife.security import accounts, auth, ratelimit

PW = "a perfectly fine passphrase"
ATTACKER, COLLEAGUE = "203.0.113.9", "198.51.100.20"


@pytest.fixture
def checks(monkeypatch):
    """How many passwords were verified (each is an Argon2 run)."""
    calls = []
    real = auth.verify_password

    def counting(hash_, password):
        calls.append(password)
        return real(hash_, password)

    monkeypatch.setattr(auth, "verify_password", counting)
    return calls


def _users(engine, names):
    with write_session(engine) as s:
        for name in names:
            accounts.create_user(s, name, PW, {"front_desk"}, actor=audit.SYSTEM)


def _try(engine, username, password, address, now):
    with write_session(engine) as s:
        return auth.sign_in(s, username, password, client_address=address, now=now)


def test_spraying_from_one_address_stops_before_argon2(engine, checks):
    names = [f"user{i}" for i in range(ratelimit.PER_ADDRESS + 1)]
    _users(engine, names)
    # One common password on every user name, one attempt a second.
    for i, name in enumerate(names[:-1]):
        result = _try(engine, name, "Summer2026!", ATTACKER, FIXED_NOW + dt.timedelta(seconds=i))
        assert result.token is None and result.message == auth.FAILURE_MESSAGE
    assert len(checks) == ratelimit.PER_ADDRESS
    # The next one, even with the right password, is refused without any check.
    later = FIXED_NOW + dt.timedelta(seconds=ratelimit.PER_ADDRESS)
    result = _try(engine, names[-1], PW, ATTACKER, later)
    assert result.token is None and result.message == auth.RATE_LIMITED_MESSAGE
    assert len(checks) == ratelimit.PER_ADDRESS
    # A colleague elsewhere signs in meanwhile; the account itself was never locked.
    assert _try(engine, names[-1], PW, COLLEAGUE, later).token
    # A minute after its first attempt, the address gets one attempt back (sliding window).
    assert _try(engine, names[0], PW, ATTACKER, FIXED_NOW + dt.timedelta(seconds=60)).token


def test_refusals_are_audited_once_per_window(engine, checks):
    _users(engine, ["desk"])
    for i in range(ratelimit.PER_ADDRESS + 5):
        _try(engine, "desk", "guess", ATTACKER, FIXED_NOW + dt.timedelta(milliseconds=i))
    with read_session(engine) as s:
        codes = [e.changes.get("reason_code") for e in s.execute(
            select(AuditEvent).where(AuditEvent.action == "sign_in.failure")).scalars()]
    assert codes.count("rate_limited_address") == 1
    assert len(codes) == ratelimit.PER_ADDRESS + 1


def test_an_overall_cap_bounds_a_flood_from_many_addresses(engine, checks, monkeypatch):
    monkeypatch.setattr(ratelimit, "LIMITER", ratelimit.sign_in_limiter(per_address=10, overall=5))
    _users(engine, ["desk"])
    results = [_try(engine, "desk", "guess", f"192.0.2.{i}", FIXED_NOW) for i in range(8)]
    assert [r.message == auth.RATE_LIMITED_MESSAGE for r in results] == [False] * 5 + [True] * 3
    assert len(checks) == 5
    # The flood's refusals do not count: a minute later the window is open again.
    assert _try(engine, "desk", PW, COLLEAGUE, FIXED_NOW + dt.timedelta(minutes=1)).token


def test_no_address_only_meets_the_overall_cap(engine, checks):
    """Streamlit reports no address for a loopback peer (a reverse proxy on the same host):
    colleagues behind it must not share one per-address allowance."""
    _users(engine, ["desk"])
    for i in range(ratelimit.PER_ADDRESS * 2):
        assert _try(engine, "desk", PW, None, FIXED_NOW + dt.timedelta(seconds=i)).token
