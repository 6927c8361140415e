"""Server-side sessions: idle and absolute limits, automatic refreshes, revocation, grants."""

import datetime as dt

import pytest
from sqlalchemy import select

from tests.clock import FIXED_NOW, travel
from zoelife import audit
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import AuditEvent, SignInSession
from zoelife.intake.schedule import change_setting
from zoelife.security import accounts, sessions

# Pages read the same fixed clock the seeds use (tests/clock.py).
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clock():
    """Stopped at FIXED_NOW: grants expire 60 s after they are issued, and a ticking clock let
    a slow database setup move "issued" past FIXED_NOW (a grant redeemed at FIXED_NOW + 61 s
    was then still valid)."""
    with travel(FIXED_NOW, tick=False) as traveller:
        yield traveller

T0 = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)
PW = "a perfectly fine passphrase"


def _user(engine, name="desk", roles=("front_desk",)):
    with write_session(engine) as s:
        return accounts.create_user(s, name, PW, set(roles), actor=audit.SYSTEM).id


def _start(engine, user_id, now=T0):
    with write_session(engine) as s:
        return sessions.start(s, s.get(accounts.StaffUser, user_id), now=now)


def _resolve(engine, token, now, activity=True):
    with write_session(engine) as s:
        return sessions.resolve(s, token, activity=activity, now=now)


def test_idle_timeout_and_auto_refresh_does_not_extend_it(engine):
    uid = _user(engine)
    token = _start(engine, uid)
    assert _resolve(engine, token, T0 + dt.timedelta(minutes=10)).user_id == uid  # activity
    # Automatic refreshes for 14 more minutes: readable, but they do not count as activity.
    for minute in range(11, 25):
        assert _resolve(engine, token, T0 + dt.timedelta(minutes=minute), activity=False)
    # 15 minutes after the last real activity (at minute 10) the sign-in has ended.
    assert _resolve(engine, token, T0 + dt.timedelta(minutes=25), activity=False) is None
    assert _resolve(engine, token, T0 + dt.timedelta(minutes=25, seconds=1)) is None
    with read_session(engine) as s:
        row = s.execute(select(SignInSession)).scalar_one()
        assert row.end_reason == "idle_timeout"
        ends = s.execute(select(AuditEvent).where(AuditEvent.action == "session.end")).scalars().all()
        assert [e.changes for e in ends] == [{"reason_code": "idle_timeout"}]


def test_activity_keeps_the_session_alive(engine):
    uid = _user(engine)
    token = _start(engine, uid)
    for minute in range(14, 14 * 10, 14):
        assert _resolve(engine, token, T0 + dt.timedelta(minutes=minute))


def test_idle_timeout_is_a_setting(engine):
    uid = _user(engine)
    with write_session(engine) as s:
        change_setting(s, "idle_timeout_minutes", 5, actor=audit.SYSTEM)
    token = _start(engine, uid)
    assert _resolve(engine, token, T0 + dt.timedelta(minutes=4, seconds=59))
    assert _resolve(engine, token, T0 + dt.timedelta(minutes=9, seconds=59)) is None


def test_absolute_limit_of_12_hours_despite_activity(engine):
    uid = _user(engine)
    token = _start(engine, uid)
    now = T0
    while now < T0 + dt.timedelta(hours=11, minutes=50):
        now += dt.timedelta(minutes=10)
        assert _resolve(engine, token, now)
    assert _resolve(engine, token, T0 + dt.timedelta(hours=12)) is None


def test_disabling_or_changing_roles_ends_sessions_at_next_action(engine):
    uid = _user(engine)
    other = _user(engine, "boss", ("admin",))
    t1 = _start(engine, uid)
    with write_session(engine) as s:
        accounts.set_roles(s, s.get(accounts.StaffUser, uid), {"front_desk", "manager"},
                           actor=audit.SYSTEM)
    assert _resolve(engine, t1, T0 + dt.timedelta(minutes=1)) is None
    t2 = _start(engine, uid, T0 + dt.timedelta(minutes=2))
    assert _resolve(engine, t2, T0 + dt.timedelta(minutes=3)).roles == {"front_desk", "manager"}
    with write_session(engine) as s:
        accounts.set_active(s, s.get(accounts.StaffUser, uid), False, actor=audit.SYSTEM)
    assert _resolve(engine, t2, T0 + dt.timedelta(minutes=4)) is None
    t3 = _start(engine, other)
    assert _resolve(engine, t3, T0 + dt.timedelta(minutes=4))


def test_admin_ends_any_users_sessions_and_sign_out_ends_one(engine):
    uid = _user(engine)
    a, b = _start(engine, uid), _start(engine, uid)
    with write_session(engine) as s:
        assert sessions.end(s, a, now=T0)
    assert _resolve(engine, a, T0) is None and _resolve(engine, b, T0)
    with write_session(engine) as s:
        assert sessions.end_all_for_user(s, uid, "ended_by_admin", now=T0) == 1
    assert _resolve(engine, b, T0) is None


def test_cookie_grant_is_one_time_short_lived_and_names_the_same_sign_in(engine):
    uid = _user(engine)
    token = _start(engine, uid, FIXED_NOW)
    with write_session(engine) as s:
        grant = sessions.issue_grant(s, token)
    with write_session(engine) as s:
        assert sessions.redeem_grant(s, grant.grant, None) is None  # the nonce is needed
        assert sessions.redeem_grant(s, grant.grant, "another-browser") is None
    with write_session(engine) as s:
        cookie = sessions.redeem_grant(s, *grant)
    assert cookie and cookie != token and grant.grant not in (token, cookie)
    with write_session(engine) as s:
        assert sessions.redeem_grant(s, *grant) is None  # used
    page_user = _resolve(engine, token, FIXED_NOW)
    cookie_user = _resolve(engine, cookie, FIXED_NOW)
    assert page_user.session_id == cookie_user.session_id
    # Signing out through either token ends both.
    with write_session(engine) as s:
        sessions.end(s, cookie)
    assert _resolve(engine, token, FIXED_NOW) is None
    # A grant redeemed after 60 seconds gives nothing.
    token2 = _start(engine, uid, FIXED_NOW)
    with write_session(engine) as s:
        late = sessions.issue_grant(s, token2)
    with write_session(engine) as s:
        assert sessions.redeem_grant(s, *late, now=FIXED_NOW
                                     + dt.timedelta(seconds=61)) is None
    with read_session(engine) as s:
        hashes = [r.token_hash for r in s.execute(select(SignInSession)).scalars()]
    assert token not in hashes and sessions.token_hash(token) in hashes
