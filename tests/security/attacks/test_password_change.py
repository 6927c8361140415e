"""Finding #5 (MEDIUM): changing one's own password left other sign-ins alive, and guesses of
the current password were unlimited and unaudited (20 wrong current passwords: no throttle, no
audit row).

Now a change ends every other sign-in of the account (an admin's reset ends all of them), and a
wrong current password counts against the same per-account throttle as signing in and is
audited (`password_change.failure`)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.apptest import PASSWORD, make_user, page, sign_in
from zoelife import audit
from zoelife.db.engine import make_engine, write_session
from zoelife.db.models import AuditEvent, SignInSession, StaffUser
from zoelife.security import accounts, auth, sessions

NEW_PW = "a brand new passphrase 42"

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def engine(app_db):
    make_user(app_db, "clinic.admin", ["admin"])
    eng = make_engine(app_db)
    yield eng
    eng.dispose()


def _account_page(app_db, username="desk"):
    at = page("pages/account.py")
    uid = sign_in(at, app_db, roles=("front_desk",), username=username)
    return at.run(), uid


def _change(at, current: str, new: str = NEW_PW):
    fields = {w.label: w for w in at.text_input}
    fields["Current password"].input(current)
    fields["New password (at least 12 characters)"].input(new)
    fields["Repeat the new password"].input(new)
    next(b for b in at.button if b.label == "Change password").click().run()
    return at


def _failures(engine, uid) -> list[dict]:
    with write_session(engine) as s:
        return list(s.execute(select(AuditEvent.changes).where(
            AuditEvent.action == "password_change.failure",
            AuditEvent.entity_id == str(uid))).scalars())


def test_a_password_change_ends_every_other_sign_in(app_db, engine):
    at, uid = _account_page(app_db)
    # The same person is also signed in on a shared front-desk PC (or someone else is).
    with write_session(engine) as s:
        elsewhere = sessions.start(s, s.get(StaffUser, uid))
    _change(at, PASSWORD)
    assert any("changed" in m.value for m in at.success)
    with write_session(engine) as s:
        assert sessions.resolve(s, elsewhere) is None
        reasons = s.execute(select(SignInSession.end_reason)
                            .where(SignInSession.user_id == uid)).scalars().all()
    assert sorted(reasons, key=str) == [None, "password_changed"]  # this tab's sign-in stays
    assert "My account" in [t.value for t in at.run().title]


def test_an_admin_reset_ends_every_sign_in(engine):
    with write_session(engine) as s:
        user = accounts.create_user(s, "desk", PASSWORD, {"front_desk"}, actor=audit.SYSTEM)
        tokens = [sessions.start(s, user) for _ in range(2)]
    with write_session(engine) as s:
        accounts.reset_password(s, accounts.find_by_username(s, "desk"),
                                "temporary passphrase 7", actor=audit.SYSTEM)
    with write_session(engine) as s:
        assert [sessions.resolve(s, t) for t in tokens] == [None, None]


def test_a_wrong_current_password_on_the_page_is_counted_and_audited(app_db, engine):
    at, uid = _account_page(app_db)
    _change(at, "not my password at all")
    assert any("current password is not right" in e.value for e in at.error)
    with write_session(engine) as s:
        user = s.get(StaffUser, uid)
        assert user.failed_sign_ins == 1 and user.password_hash  # kept, not rolled back
    assert _failures(engine, uid) == [{"reason_code": "bad_credentials"}]


def test_twenty_guesses_of_the_current_password_are_throttled(engine, clock):
    with write_session(engine) as s:
        uid = accounts.create_user(s, "desk", PASSWORD, {"front_desk"}, actor=audit.SYSTEM).id
    refused = []
    for n in range(20):
        with write_session(engine) as s:
            user = s.get(StaffUser, uid)
            try:
                auth.change_own_password(s, user, f"guess number {n}", NEW_PW,
                                             actor=audit.Actor(uid, "desk", "203.0.113.7"))
            except auth.WrongCurrentPassword as exc:
                refused.append(str(exc))
        clock.shift(dt.timedelta(seconds=1))
    assert len(refused) == 20
    # Three free failures, then the account waits (15 s, doubling): most guesses are never
    # checked, and the account's sign-in waits too.
    assert refused.count(auth.THROTTLED_CURRENT_PASSWORD) >= 14
    reasons = [f["reason_code"] for f in _failures(engine, uid)]
    assert len(reasons) == 20 and reasons.count("throttled") >= 14
    with write_session(engine) as s:
        assert s.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "sign_in.lockout")).scalar_one() >= 1
        # Even the right password is not confirmed while the account waits.
        with pytest.raises(auth.WrongCurrentPassword):
            auth.change_own_password(s, s.get(StaffUser, uid), PASSWORD, NEW_PW, actor=None)
        assert auth.sign_in(s, "desk", PASSWORD).token is None
