import datetime as dt
import os
import stat

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from tests.clock import FIXED_NOW
from zoelife.db.engine import DatabaseUnavailable, make_engine, read_session, write_session
from zoelife.db.models import ContactAttempt, StaffUser


def _user(session, name="a"):
    u = StaffUser(username=name, display_name=name, created_at=FIXED_NOW,
                  is_active=True, must_change_password=False, failed_sign_ins=0)
    session.add(u)
    session.flush()
    return u


def test_times_round_trip_as_utc(engine):
    moment = dt.datetime(2026, 3, 8, 6, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    with write_session(engine) as s:
        u = _user(s)
        u.created_at = moment
    with read_session(engine) as s:
        stored = s.execute(select(StaffUser.created_at)).scalar_one()
    assert stored == moment
    assert stored.utcoffset() == dt.timedelta(0)


def test_naive_datetime_refused(engine):
    with pytest.raises(StatementError):
        with write_session(engine) as s:
            s.add(StaffUser(username="n", display_name="n", created_at=dt.datetime(2026, 1, 1),
                            is_active=True, must_change_password=False, failed_sign_ins=0))


def test_check_constraint_rejects_unknown_outcome(engine):
    with write_session(engine) as s:
        _user(s)
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO contact_attempts (request_id, attempted_at, method, outcome, created_at)"
                " VALUES (1, '2026-01-01', 'call', 'teleported', '2026-01-01')"))


def test_foreign_keys_enforced(engine):
    with pytest.raises(IntegrityError):
        with write_session(engine) as s:
            s.add(ContactAttempt(request_id=999, attempted_at=FIXED_NOW,
                                 method="call", outcome="reached",
                                 created_at=FIXED_NOW))


def test_failed_write_leaves_nothing(engine):
    with pytest.raises(RuntimeError):
        with write_session(engine) as s:
            _user(s, "kept-out")
            raise RuntimeError("boom")
    with read_session(engine) as s:
        assert s.execute(select(StaffUser)).first() is None


def test_sqlite_file_is_private_and_wal(tmp_path):
    path = tmp_path / "sub" / "z.db"
    eng = make_engine(f"sqlite:///{path}", create=True)
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    eng.dispose()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_missing_folder_is_refused_never_a_new_empty_clinic(tmp_path):
    """A folder that is not there (a disk not mounted, a mistyped path) would otherwise hold a
    new, empty database, and the clinic's requests would seem gone."""
    path = tmp_path / "not-mounted" / "zoelife.db"
    with pytest.raises(DatabaseUnavailable) as caught:
        make_engine(f"sqlite:///{path}")
    assert caught.value.reason == "missing_folder" and not caught.value.retryable
    assert "`zoelife db upgrade`" in str(caught.value)
    assert not path.parent.exists()


def test_opening_a_new_database_waits_while_another_connection_writes_it(tmp_path):
    """Servers starting together on a new file: one of them holds it in rollback mode while it
    writes the first tables, and SQLite refuses the others' switch to WAL at once ("database is
    locked", no busy timeout). They wait for it instead, and the file ends in WAL mode."""
    import sqlite3
    import threading

    path = tmp_path / "new.db"
    first = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    first.execute("BEGIN IMMEDIATE")
    first.execute("CREATE TABLE started_first (x)")
    done = threading.Timer(0.3, lambda: first.execute("COMMIT"))
    done.start()
    eng = make_engine(f"sqlite:///{path}")
    try:
        with eng.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("SELECT count(*) FROM started_first").scalar() == 0
    finally:
        done.join()
        first.close()
        eng.dispose()
