"""`zoelife users`, `zoelife backup` / `zoelife restore` round trip."""

import io
import os
import shutil
import stat

import pytest
from sqlalchemy import func, select

from tests.apptest import make_user
from zoelife import audit, cli
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.models import AuditEvent, Setting, StaffUser
from zoelife.intake.schedule import change_setting
from zoelife.security import accounts, auth
from zoelife.security.cli import read_password

PW = "a perfectly fine passphrase"


def _stdin(monkeypatch, text):
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def _user(url, name):
    eng = make_engine(url)
    with read_session(eng) as s:
        user = accounts.find_by_username(s, name)
    eng.dispose()
    return user


def test_users_add_reads_the_password_twice_from_stdin(sqlite_url, monkeypatch, capsys):
    _stdin(monkeypatch, f"{PW}\n{PW}\n")
    assert cli.main(["--database", sqlite_url, "users", "add", "ada", "--role", "admin",
                     "--role", "front_desk", "--email", "Ada@Clinic.test"]) == 0
    user = _user(sqlite_url, "ada")
    assert user.role_names == {"admin", "front_desk"} and user.email == "ada@clinic.test"
    assert user.password_hash.startswith("$argon2id$") and PW not in user.password_hash
    assert "created ada" in capsys.readouterr().out


def test_users_add_refuses_mismatch_short_and_common_passwords(sqlite_url, monkeypatch, capsys):
    for text, reason in ((f"{PW}\n{PW}x\n", "differ"), ("short\nshort\n", "12"),
                         ("password1234\npassword1234\n", "too common"), ("", "no password")):
        _stdin(monkeypatch, text)
        assert cli.main(["--database", sqlite_url, "users", "add", "ada", "--role",
                         "admin"]) == 2
        assert reason in capsys.readouterr().err
    assert _user(sqlite_url, "ada") is None


def test_the_password_is_never_an_argument():
    with pytest.raises(SystemExit):
        cli.main(["users", "add", "ada", "--role", "admin", "--password", PW])


def test_read_password_from_a_prompt(monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    answers = iter([PW, PW])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert read_password() == PW


def test_disable_enable_reset_roles_and_end_sessions(sqlite_url, monkeypatch, capsys):
    make_user(sqlite_url, "boss", {"admin"}, password=PW)
    make_user(sqlite_url, "desk", {"front_desk"}, password=PW)
    base = ["--database", sqlite_url, "users"]
    assert cli.main(base + ["disable", "desk"]) == 0
    assert not _user(sqlite_url, "desk").is_active
    assert cli.main(base + ["disable", "boss"]) == 2  # the last administrator stays
    assert "last active administrator" in capsys.readouterr().err
    assert cli.main(base + ["enable", "desk"]) == 0
    _stdin(monkeypatch, "temporary passphrase 1\ntemporary passphrase 1\n")
    assert cli.main(base + ["reset", "desk"]) == 0
    assert _user(sqlite_url, "desk").must_change_password
    assert cli.main(base + ["roles", "desk", "--role", "front_desk,manager"]) == 0
    assert _user(sqlite_url, "desk").role_names == {"front_desk", "manager"}
    assert cli.main(base + ["end-sessions", "desk"]) == 0
    assert cli.main(base + ["list"]) == 0
    out = capsys.readouterr().out
    assert "desk\tfront_desk,manager\tactive (must change password)" in out
    assert cli.main(base + ["disable", "nobody"]) == 2


def test_backup_and_restore_round_trip(sqlite_url, tmp_path, capsys):
    make_user(sqlite_url, "boss", {"admin"}, password=PW)
    eng = make_engine(sqlite_url)
    with write_session(eng) as s:
        auth.sign_in(s, "boss", PW)
        change_setting(s, "clinic_name", "Round Trip Clinic", actor=audit.SYSTEM)
    eng.dispose()
    out = tmp_path / "backup.db"
    assert cli.main(["--database", sqlite_url, "backup", str(out)]) == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert cli.main(["--database", sqlite_url, "backup", str(out)]) == 2  # no silent overwrite

    target = f"sqlite:///{tmp_path / 'restored.db'}"
    # Restoring to another database needs the audit key that signed the backup's rows.
    assert cli.main(["--database", target, "restore", str(out)]) == 2
    assert "the audit key is missing" in capsys.readouterr().err
    shutil.copy(tmp_path / "zoelife.db.audit-key", tmp_path / "restored.db.audit-key")
    assert cli.main(["--database", target, "restore", str(out)]) == 0
    eng = make_engine(target)
    with read_session(eng) as s:
        assert [u.username for u in s.execute(select(StaffUser)).scalars()] == ["boss"]
        assert s.get(Setting, "clinic_name").value == "Round Trip Clinic"
        assert audit.verify(s).ok
        restored = s.execute(select(func.count()).select_from(AuditEvent)).scalar()
    eng.dispose()
    # The backup holds every row committed before it (its own "backup" row comes after).
    assert restored >= 3
    # Restoring over a database that holds data needs --force.
    assert cli.main(["--database", target, "restore", str(out)]) == 2
    assert cli.main(["--database", target, "restore", str(out), "--force"]) == 0
    capsys.readouterr()


def test_restore_refuses_a_file_that_is_not_a_backup(sqlite_url, tmp_path, capsys):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert cli.main(["--database", sqlite_url, "restore", str(junk)]) == 2
    assert "junk.db" in capsys.readouterr().err


def test_postgres_backup_prints_pg_dump_guidance(capsys):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    from zoelife.security import backup

    with pytest.raises(backup.BackupError, match="pg_dump"):
        backup.backup(make_engine(url), "x")
