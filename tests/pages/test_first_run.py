from sqlalchemy import select

from tests.apptest import PASSWORD, all_text, app, sign_in
from zoelife.db.engine import make_engine, read_session
from zoelife.db.models import AuditEvent, StaffUser


def _users(db_url):
    eng = make_engine(db_url)
    with read_session(eng) as s:
        users = s.execute(select(StaffUser)).scalars().all()
        actions = s.execute(select(AuditEvent.action)).scalars().all()
    eng.dispose()
    return users, actions


def test_first_run_asks_for_the_first_admin_and_no_default_account_exists(app_db):
    at = app().run()
    assert not at.exception
    assert "Welcome to Zoelife Intake" in [t.value for t in at.title]
    assert _users(app_db)[0] == []


def test_first_run_creates_the_admin_and_signs_them_in(app_db):
    at = app().run()
    at.text_input[0].input("clinic.admin")
    at.text_input[1].input("Ada Admin")
    at.text_input[2].input(PASSWORD)
    at.text_input[3].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    users, actions = _users(app_db)
    assert [u.username for u in users] == ["clinic.admin"]
    assert users[0].role_names == {"admin", "front_desk", "manager"}
    assert users[0].password_hash.startswith("$argon2id$")
    assert "user.create" in actions
    assert "Signed in as" in all_text(at)


def test_first_run_refuses_mismatched_or_short_passwords(app_db):
    at = app().run()
    at.text_input[0].input("clinic.admin")
    at.text_input[2].input("short")
    at.text_input[3].input("short")
    at.button[0].click().run()
    assert at.error and "12" in at.error[0].value
    assert _users(app_db)[0] == []


def test_signed_out_with_an_admin_shows_sign_in(app_db):
    probe = app()
    sign_in(probe, app_db, roles=("admin",), username="boss")
    at = app().run()
    assert "Sign in" in [t.value for t in at.title]
