"""Faults: PostgreSQL restarting under the app, a read-only or full SQLite database, and the
server killed during a webhook delivery or an import (tests in test_kill.py)."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import event, func, select, text

from tests.scale.pgcluster import Cluster
from zoelife import audit
from zoelife.db.engine import (
    DatabaseUnavailable,
    make_engine,
    read_session,
    retrying,
    write_session,
)
from zoelife.db.migrate import upgrade
from zoelife.db.models import AuditEvent, Setting

pytestmark = pytest.mark.slow


def _write_event(engine, n: int) -> int:
    with write_session(engine) as session:
        audit.record(session, audit.SYSTEM, "fault.test", "test", str(n), {"n": n})
    with read_session(engine) as session:
        return session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def _audit_count(engine) -> int:
    with read_session(engine) as session:
        return session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


@pytest.fixture
def cluster():
    c = Cluster()
    try:
        c.init()
        c.start()
        yield c
    finally:
        c.stop()


def test_postgresql_restart_is_survived(cluster):
    engine = make_engine(cluster.url)  # pool_pre_ping is on for PostgreSQL
    try:
        upgrade(engine)
        before = _write_event(engine, 1)

        # A pooled connection is idle while the server restarts: the next write must
        # reconnect by itself (the pre-ping finds the dead connection and replaces it).
        cluster.restart()
        assert _write_event(engine, 2) == before + 1

        # A transaction in flight while the server restarts fails with a clean, retryable error
        # and leaves nothing behind; the same action tried again succeeds.
        counts_before = _audit_count(engine)
        with pytest.raises(DatabaseUnavailable) as caught:
            with write_session(engine) as session:
                audit.record(session, audit.SYSTEM, "fault.test", "test", "lost", {"n": 3})
                session.flush()
                cluster.restart()
                session.execute(text("SELECT 1"))
        assert caught.value.retryable
        assert "try again" in str(caught.value).lower()
        assert _audit_count(engine) == counts_before

        attempts = []

        def action():
            attempts.append(1)
            with write_session(engine) as session:
                audit.record(session, audit.SYSTEM, "fault.test", "test", "retried", {"n": 3})
                if len(attempts) == 1:
                    # The first try meets the restart mid-transaction, the second succeeds.
                    session.flush()
                    cluster.restart()
                    session.execute(text("SELECT 1"))

        retrying(action, attempts=3, delay=0.2)
        assert len(attempts) == 2
        assert _audit_count(engine) == counts_before + 1
        with read_session(engine) as session:
            assert audit.verify(session).ok
    finally:
        engine.dispose()


def test_postgresql_down_gives_retryable_error_not_a_crash(cluster):
    engine = make_engine(cluster.url)
    try:
        upgrade(engine)
        _write_event(engine, 1)
        cluster._run("pg_ctl", "-D", str(cluster.data), "-w", "-m", "fast", "stop")
        with pytest.raises(DatabaseUnavailable) as caught:
            with write_session(engine) as session:
                audit.record(session, audit.SYSTEM, "fault.test", "test", "down", {})
        assert caught.value.retryable
        cluster.start()
        assert _write_event(engine, 2) == 2
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- SQLite


def _sqlite_counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return (
                session.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
                session.execute(select(func.count()).select_from(Setting)).scalar_one(),
            )
    finally:
        engine.dispose()


def _big_write(session) -> None:
    # Several tables and enough bytes to need new pages: a half-done write would show.
    audit.record(session, audit.SYSTEM, "fault.test", "test", "big", {"blob": "x" * 200})
    for i in range(300):
        session.add(Setting(name=f"fault_{i}", value="y" * 400, updated_at=_utcnow()))
    session.flush()


def _utcnow():
    from tests.clock import live_server_now

    return live_server_now()


def test_read_only_sqlite_file_gives_clear_error_and_writes_nothing(sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    _write_event(engine, 1)
    engine.dispose()
    before = _sqlite_counts(sqlite_url)
    path = sqlite_url.removeprefix("sqlite:///")
    os.chmod(path, stat.S_IRUSR)
    # root ignores file permissions; open the file read-only as well so the test means the same
    # thing whoever runs it (the app sees SQLite's own "readonly database" error either way).
    ro_url = f"sqlite:///file:{path}?mode=ro&uri=true" if os.geteuid() == 0 else sqlite_url
    ro_engine = make_engine(ro_url)
    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            with write_session(ro_engine) as session:
                _big_write(session)
        assert caught.value.reason == "read_only"
        assert not caught.value.retryable
        assert "read-only" in str(caught.value) and "nothing was saved" in str(caught.value)
    finally:
        ro_engine.dispose()
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    assert _sqlite_counts(sqlite_url) == before


def test_full_sqlite_database_gives_clear_error_and_writes_nothing(sqlite_url):
    before = _sqlite_counts(sqlite_url)
    engine = make_engine(sqlite_url)

    @event.listens_for(engine, "connect")
    def _cap(dbapi_connection, _record):
        # A "disk" with no room to grow: the file may not get any bigger than it is.
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count={pages}")
        cursor.close()

    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            with write_session(engine) as session:
                _big_write(session)
        assert caught.value.reason == "full"
        assert "full" in str(caught.value) and "nothing was saved" in str(caught.value)
        # The app keeps working for reads.
        with read_session(engine) as session:
            assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() \
                == before[0]
    finally:
        engine.dispose()
    assert _sqlite_counts(sqlite_url) == before


def test_locked_past_busy_timeout_is_retryable(sqlite_url, monkeypatch):
    import zoelife.db.engine as db_engine

    monkeypatch.setattr(db_engine, "SQLITE_BUSY_TIMEOUT_MS", 200)
    holder = make_engine(sqlite_url)
    waiter = make_engine(sqlite_url)
    try:
        with write_session(holder) as held:
            held.execute(text("UPDATE settings SET name = name"))
            with pytest.raises(DatabaseUnavailable) as caught:
                with write_session(waiter) as session:
                    audit.record(session, audit.SYSTEM, "fault.test", "test", "x", {})
            assert caught.value.reason == "busy"
            assert caught.value.retryable
        _write_event(waiter, 1)
    finally:
        holder.dispose()
        waiter.dispose()


def test_database_file_replaced_under_a_running_app_gives_clear_error(tmp_path):
    """The SQLite file is deleted (or swapped for an empty one) while the server runs: the
    next query meets a database without the clinic's tables. The page gets the clear message,
    not a raw "no such table" error with SQL in it."""
    path = tmp_path / "clinic.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        _write_event(engine, 1)
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            (tmp_path / f"clinic.db{suffix}").unlink(missing_ok=True)
        for fn in (lambda: _audit_count(engine), lambda: _write_event(engine, 2)):
            with pytest.raises(DatabaseUnavailable) as caught:
                retrying(fn, attempts=1)
            assert caught.value.reason == "no_schema" and not caught.value.retryable
            assert "SELECT" not in str(caught.value) and "audit" not in str(caught.value)
            assert "Nothing was saved" in str(caught.value)
    finally:
        engine.dispose()
