"""Finding #7 (MEDIUM): first run handed the clinic to whoever reached the URL first: until an
administrator existed, anyone who could open the page created one.

Now the first-run screen also asks for a one-time setup code that `zoelife db upgrade` (and so
`make run`) prints on the server's console while no administrator exists; only its hash is
stored, it works once, and a newer code replaces it. Or the operator creates the administrator
with `zoelife users add`."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.apptest import PASSWORD, app, read_db
from zoelife.cli import main
from zoelife.db.models import AuditEvent, Setting, StaffUser
from zoelife.security import setup_code

FORM = {"Administrator user name": "mallory", "Full name": "Mallory",
        "Password (at least 12 characters)": PASSWORD, "Repeat the password": PASSWORD}


def _upgrade(db_url, capsys) -> str:
    capsys.readouterr()
    assert main(["--database", db_url, "db", "upgrade"]) == 0
    return capsys.readouterr().out


def _code(out: str) -> str:
    return re.search(r"first-run screen: ([0-9A-Z-]+)", out).group(1)


def _try(code: str | None):
    at = app().run()
    assert "Welcome to Zoelife Intake" in [t.value for t in at.title]
    for label, value in (FORM | ({"Setup code": code} if code else {})).items():
        next(w for w in at.text_input if w.label == label).input(value)
    next(b for b in at.button if b.label == "Create administrator").click().run()
    assert not at.exception
    return at


def _users(db_url):
    return read_db(db_url, lambda s: s.execute(select(StaffUser.username)).scalars().all())


def _failures(db_url):
    return read_db(db_url, lambda s: s.execute(
        select(AuditEvent.changes).where(AuditEvent.action == "first_run.failure")
        .order_by(AuditEvent.seq)).scalars().all())


def test_a_visitor_without_the_code_creates_no_administrator(app_db):
    at = _try(None)
    assert any("setup code is not right" in e.value for e in at.error)
    assert _users(app_db) == []
    assert _failures(app_db) == [{"reason_code": "no_setup_code"}]


def test_a_guessed_code_is_refused_and_audited(app_db, capsys):
    _upgrade(app_db, capsys)
    _try("ABCD-EFGH-JKMN-PQRS")
    assert _users(app_db) == []
    assert _failures(app_db) == [{"reason_code": "bad_setup_code"}]


def test_the_code_from_the_console_works_once_and_only_its_hash_is_kept(app_db, capsys):
    out = _upgrade(app_db, capsys)
    code = _code(out)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    stored = read_db(app_db, lambda s: s.get(Setting, setup_code.ROW_NAME).value)
    assert code not in str(stored) and code.replace("-", "") not in str(stored)
    _try(code.lower())  # as typed, in any case
    assert _users(app_db) == ["mallory"]
    assert read_db(app_db, lambda s: s.get(Setting, setup_code.ROW_NAME)) is None  # spent
    # With an administrator, the upgrade prints no code any more.
    assert "setup code" not in _upgrade(app_db, capsys)


def test_a_newer_code_replaces_the_older(app_db, capsys):
    old = _code(_upgrade(app_db, capsys))
    new = _code(_upgrade(app_db, capsys))
    assert old != new
    _try(old)
    assert _users(app_db) == []
    _try(new)
    assert _users(app_db) == ["mallory"]
