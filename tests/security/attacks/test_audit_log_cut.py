"""Review finding #3: the audit log could be cut without `zoelife audit verify` noticing.

Someone with write access to the database (not to the server's files) deleted the last rows,
deleted rows and re-hashed the rest with the project's own `compute_hash`, or emptied the
table, and verify said "audit chain intact". Now each row carries an HMAC with a key kept
outside the database, and the chain head is checkpointed outside it after every commit:
each of those attacks is named, on the CLI (exit 1) and in red on the Audit log page."""

from __future__ import annotations

import multiprocessing
import os
import re
import socket
import stat
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, select, text, update
from sqlalchemy.engine import make_url

from tests.apptest import page, sign_in
from zoelife import audit, audit_anchor, cli
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.models import AuditEvent

ADMIN = audit.Actor(None, "the.admin", "192.0.2.10")
ROOT = Path(__file__).resolve().parents[3]


def _rows(engine, n: int) -> None:
    for i in range(n):
        with write_session(engine) as s:
            audit.record(s, ADMIN, "request.view", "request", i, {})


def _verify(db_url: str, capsys) -> tuple[int, str]:
    code = cli.main(["--database", db_url, "audit", "verify"])
    return code, capsys.readouterr().out


def test_deleting_the_last_rows_is_named(engine, db_url, capsys):
    _rows(engine, 10)
    assert _verify(db_url, capsys) == (0, "audit chain intact: 10 rows\n")
    with write_session(engine) as s:
        s.execute(delete(AuditEvent).where(AuditEvent.seq > 5))
    code, out = _verify(db_url, capsys)
    assert code == 1
    assert "BROKEN at seq 6: rows 6 to 10 are missing" in out


def test_emptying_the_log_is_named(engine, db_url, capsys):
    _rows(engine, 4)
    with write_session(engine) as s:
        s.execute(delete(AuditEvent))
    code, out = _verify(db_url, capsys)
    assert code == 1
    assert "every row is missing (the checkpoint of" in out and "recorded 4 rows" in out


@pytest.mark.parametrize("mac", ["kept", "cleared"])
def test_deleting_rows_and_rehashing_the_rest_is_named(engine, db_url, capsys, mac):
    _rows(engine, 8)
    with write_session(engine) as s:
        s.execute(delete(AuditEvent).where(AuditEvent.seq.in_([3, 4])))
        prev = s.execute(select(AuditEvent.hash).where(AuditEvent.seq == 2)).scalar_one()
        for row in s.execute(select(AuditEvent).where(AuditEvent.seq > 4)
                             .order_by(AuditEvent.seq)).scalars().all():
            # Renumbered and re-linked with the project's own hash: a perfect chain of 6 rows.
            row.seq -= 2
            row.prev_hash = prev
            row.hash = prev = audit.compute_hash(prev, row)
            if mac == "cleared":  # pretending the rows predate keying
                row.mac = None
            s.flush()
    code, out = _verify(db_url, capsys)
    assert code == 1
    expected = ("row does not match its MAC" if mac == "kept"
                else "row carries no MAC although keying started before it")
    assert f"BROKEN at seq 3: {expected}" in out


def test_rows_from_before_keying_are_reported_as_legacy_not_passed_silently(
        engine, db_url, capsys):
    # A log written by the version before this change: no MAC, no checkpoint file, no key.
    with write_session(engine) as s:
        prev = audit.GENESIS_HASH
        for seq in (1, 2, 3):
            row = AuditEvent(seq=seq, occurred_at=audit.dt.datetime(2026, 1, seq, tzinfo=audit.dt.UTC),
                             actor_user_id=None, actor_label="old", action="request.view",
                             entity="request", entity_id=str(seq), changes={},
                             client_address=None, prev_hash=prev)
            row.hash = prev = audit.compute_hash(prev, row)
            s.add(row)
    code, out = _verify(db_url, capsys)
    assert code == 0
    assert "audit chain intact: 3 rows; the first 3 were written before keying started" in out
    _rows(engine, 2)  # the upgraded app writes keyed rows from here on
    code, out = _verify(db_url, capsys)
    assert (code, "intact: 5 rows; the first 3" in out) == (0, True)
    # Re-hashing the keyed rows without the key and passing them off as legacy is refused.
    with write_session(engine) as s:
        s.execute(update(AuditEvent).where(AuditEvent.seq == 5).values(mac=None))
    code, out = _verify(db_url, capsys)
    assert code == 1 and "BROKEN at seq 5: row carries no MAC" in out


def test_key_and_checkpoints_live_outside_the_database_owner_only(sqlite_engine, sqlite_url):
    _rows(sqlite_engine, 3)
    anchor = audit_anchor.for_url(sqlite_url)
    db_file = Path(make_url(sqlite_url).database)
    assert anchor.key_path == db_file.with_name("zoelife.db.audit-key")
    assert anchor.head_path == db_file.with_name("zoelife.db.audit-head")
    for path in (anchor.key_path, anchor.head_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = anchor.head_path.read_text().splitlines()
    assert [line.split()[:2] for line in lines] == [["start", "0"], ["head", "1"], ["head", "2"],
                                                   ["head", "3"]]
    with read_session(sqlite_engine) as s:
        head = s.execute(select(AuditEvent).where(AuditEvent.seq == 3)).scalar_one()
    assert lines[-1].split()[2] == head.hash
    # The key is not in the database, and the MAC is not the plain hash.
    assert anchor.key_path.read_text().strip() not in (head.mac, head.hash)


def test_a_rolled_back_write_leaves_no_checkpoint(sqlite_engine, sqlite_url):
    _rows(sqlite_engine, 1)
    anchor = audit_anchor.for_url(sqlite_url)
    before = anchor.head_path.read_text()
    with pytest.raises(RuntimeError):
        with write_session(sqlite_engine) as s:
            audit.record(s, ADMIN, "request.view", "request", 9, {})
            raise RuntimeError("rolled back")
    assert anchor.head_path.read_text() == before
    with read_session(sqlite_engine) as s:
        assert audit.verify(s).ok


def test_the_key_can_come_from_the_environment(sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("ZOELIFE_AUDIT_KEY", "an operator-kept key of enough length 0123456789")
    engine = make_engine(sqlite_url)
    _rows(engine, 2)
    engine.dispose()
    assert not audit_anchor.for_url(sqlite_url).key_path.exists()
    assert _verify(sqlite_url, capsys)[0] == 0
    monkeypatch.setenv("ZOELIFE_AUDIT_KEY", "another key")
    code, out = _verify(sqlite_url, capsys)
    assert code == 1 and "BROKEN at seq 1: row does not match its MAC" in out


def _write_rows(url: str, n: int, label: str) -> None:
    engine = make_engine(url)
    for i in range(n):
        with write_session(engine) as s:
            audit.record(s, audit.Actor(None, label), "request.view", "request", i, {})
    engine.dispose()


def test_several_processes_append_whole_lines(sqlite_url):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_write_rows, args=(sqlite_url, 25, f"p{n}")) for n in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * 4
    lines = audit_anchor.for_url(sqlite_url).head_path.read_text().splitlines()
    assert all(re.fullmatch(r"(start|head) \d+ [0-9a-f]{64} \S+Z", line) for line in lines)
    assert sorted(int(line.split()[1]) for line in lines[1:]) == list(range(1, 101))
    engine = make_engine(sqlite_url)
    with read_session(engine) as s:
        result = audit.verify(s)
    engine.dispose()
    assert (result.ok, result.checked, result.checkpoint_seq) == (True, 100, 100)


def test_checkpoints_also_go_to_syslog_when_configured(sqlite_engine, monkeypatch):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 8631))
        server.settimeout(5)
        monkeypatch.setenv("ZOELIFE_AUDIT_SYSLOG", "udp://127.0.0.1:8631")
        _rows(sqlite_engine, 1)
        message = server.recv(4096).decode()
    assert re.search(r"zoelife audit head seq=1 hash=[0-9a-f]{64} log=zoelife\.db\.audit-head",
                     message)


def test_the_audit_page_shows_a_cut_log_in_red(app_db):
    engine = make_engine(app_db)
    _rows(engine, 6)
    at = page("pages/audit_log.py")
    sign_in(at, app_db, roles=("admin",), username="boss")  # writes its own audit rows
    with write_session(engine) as s:
        s.execute(delete(AuditEvent).where(AuditEvent.seq > 3))
    engine.dispose()
    at.run()
    assert not at.exception
    assert any("The audit log has been cut: audit rows 4 to" in e.value for e in at.error)
    next(b for b in at.button if b.label == "Verify the chain").click().run()
    assert any("broken at event 4: rows 4 to" in e.value for e in at.error)


def test_audit_writes_stay_cheap(sqlite_engine):
    """The per-event cost of the MAC and the checkpoint line (figure in docs/security.md)."""
    with write_session(sqlite_engine) as s:
        audit.record(s, ADMIN, "request.view", "request", 0, {})  # key created, file opened
    anchor = audit_anchor.for_bind(sqlite_engine)
    key = anchor.key(create=False)
    n = 2000
    started = time.perf_counter()
    for i in range(n):
        audit_anchor.mac(key, i, "0" * 64)
        anchor.append("head", i, "0" * 64)
    per_event = (time.perf_counter() - started) / n
    assert per_event < 0.002, f"{per_event * 1e6:.0f} µs per event"


# --------------------------------------------------------------------------- PostgreSQL role


def _documented_role_sql() -> str:
    text_ = (ROOT / "docs" / "security.md").read_text()
    m = re.search(r"<!-- audit-role-sql -->\s*```sql\n(.*?)```", text_, re.S)
    assert m, "docs/security.md lost its audit role SQL block"
    return m.group(1)


def test_the_documented_postgresql_role_cannot_rewrite_the_audit_log(pg_worker_url, tmp_path,
                                                                   monkeypatch):
    if pg_worker_url is None:
        pytest.skip("ZOELIFE_TEST_DATABASE_URL is not set (PostgreSQL only)")
    from tests.conftest import _truncate_pg

    _truncate_pg(pg_worker_url)
    monkeypatch.setenv("ZOELIFE_AUDIT_DIR", str(tmp_path))
    url = make_url(pg_worker_url)
    role = f"zoelife_app_{os.getpid()}"
    sql = (_documented_role_sql().replace("zoelife_app", role)
           .replace("DATABASE zoelife ", f'DATABASE "{url.database}" '))
    owner = create_engine(pg_worker_url, isolation_level="AUTOCOMMIT")
    try:
        with owner.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
            for statement in filter(str.strip, re.sub(r"--[^\n]*", "", sql).split(";")):
                conn.execute(text(statement))
        owner_app = make_engine(pg_worker_url)
        _rows(owner_app, 2)
        owner_app.dispose()
        app = make_engine(url.set(username=role, password="change me")
                          .render_as_string(hide_password=False))
        _rows(app, 2)  # INSERT (and the chain's SELECT and advisory lock) work
        with read_session(app) as s:
            assert audit.verify(s).ok
        for statement in ("UPDATE audit_events SET actor_label = 'x' WHERE seq = 1",
                          "DELETE FROM audit_events WHERE seq = 4",
                          "TRUNCATE audit_events CASCADE"):
            with app.connect() as conn, pytest.raises(Exception, match="permission denied"):
                conn.execute(text(statement))
        with read_session(app) as s:
            assert s.execute(select(AuditEvent.seq).order_by(AuditEvent.seq)).scalars().all() \
                == [1, 2, 3, 4]
        app.dispose()
    finally:
        with owner.connect() as conn:
            conn.execute(text("TRUNCATE audit_events"))
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        owner.dispose()
