import re

from sqlalchemy import select

from tests.apptest import PASSWORD, all_text, app, sign_in
from zoelife.cli import main
from zoelife.db.engine import make_engine, read_session
from zoelife.db.models import AuditEvent, StaffUser


def _users(db_url):
    eng = make_engine(db_url)
    with read_session(eng) as s:
        users = s.execute(select(StaffUser)).scalars().all()
        actions = s.execute(select(AuditEvent.action)).scalars().all()
    eng.dispose()
    return users, actions


def setup_code(db_url, capsys) -> str:
    """The code as an operator reads it: from `zoelife db upgrade`'s output on the console."""
    capsys.readouterr()
    assert main(["--database", db_url, "db", "upgrade"]) == 0
    found = re.search(r"setup code for the first-run screen: ([0-9A-Z-]+)", capsys.readouterr().out)
    assert found, "db upgrade printed no setup code"
    return found.group(1)


def fill(at, fields: dict[str, str]):
    for label, value in fields.items():
        next(w for w in at.text_input if w.label == label).input(value)
    return at


def test_first_run_asks_for_the_first_admin_and_no_default_account_exists(app_db):
    at = app().run()
    assert not at.exception
    assert "Welcome to Zoelife Intake" in [t.value for t in at.title]
    assert _users(app_db)[0] == []


def test_first_run_creates_the_admin_and_signs_them_in(app_db, capsys):
    code = setup_code(app_db, capsys)
    at = app().run()
    assert any("zoelife db upgrade" in i.value for i in at.info)  # where the code is
    fill(at, {"Setup code": code, "Administrator user name": "clinic.admin",
              "Full name": "Ada Admin", "Password (at least 12 characters)": PASSWORD,
              "Repeat the password": PASSWORD})
    at.button[0].click().run()
    assert not at.exception
    users, actions = _users(app_db)
    assert [u.username for u in users] == ["clinic.admin"]
    assert users[0].role_names == {"admin", "front_desk", "manager"}
    assert users[0].password_hash.startswith("$argon2id$")
    assert "user.create" in actions
    assert "Signed in as" in all_text(at)


def test_first_run_refuses_mismatched_or_short_passwords(app_db, capsys):
    code = setup_code(app_db, capsys)
    at = app().run()
    fill(at, {"Setup code": code, "Administrator user name": "clinic.admin",
              "Password (at least 12 characters)": "short", "Repeat the password": "short"})
    at.button[0].click().run()
    assert at.error and "12" in at.error[0].value
    assert _users(app_db)[0] == []
    # The refused try did not spend the code.
    fill(at, {"Password (at least 12 characters)": PASSWORD, "Repeat the password": PASSWORD})
    at.button[0].click().run()
    assert [u.username for u in _users(app_db)[0]] == ["clinic.admin"]


def test_signed_out_with_an_admin_shows_sign_in(app_db):
    probe = app()
    sign_in(probe, app_db, roles=("admin",), username="boss")
    at = app().run()
    assert "Sign in" in [t.value for t in at.title]
