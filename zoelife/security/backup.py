"""Backups of the embedded SQLite database with SQLite's online backup API.

The backup API copies a consistent snapshot page by page while the app keeps running (a plain
file copy of a WAL database can miss committed pages still in the -wal file). Each backup is
checked before it is kept: `PRAGMA integrity_check` and the audit chain. PostgreSQL is backed up
with its own tools (`pg_dump`); `POSTGRES_GUIDANCE` says how.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, func, select

from zoelife import audit, audit_anchor
from zoelife.db.engine import make_engine, read_session
from zoelife.db.models import AuditEvent
from zoelife.private_files import create_private

POSTGRES_GUIDANCE = (
    "PostgreSQL is backed up with its own tools: "
    "pg_dump --format=custom --file zoelife.dump \"$ZOELIFE_DATABASE_URL\" "
    "(restore: pg_restore --clean --if-exists --dbname \"$ZOELIFE_DATABASE_URL\" zoelife.dump); "
    "see docs/security.md"
)


class BackupError(ValueError):
    pass


def _require_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        raise BackupError(POSTGRES_GUIDANCE)


def _private_file(path: Path) -> None:
    # A leftover file of that name (and its mode) is never reused: see zoelife.private_files.
    create_private(path)


def check_file(path: Path, anchor: audit_anchor.Anchor | None = None) -> int:
    """Raise BackupError unless `path` is an intact Zoelife database; return its audit rows.

    `anchor`: the live database's audit key (a backup file has none beside it). The
    checkpoints are not compared: a backup is an older copy by nature."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a SQLite database ({exc})") from None
    if result != "ok":
        raise BackupError(f"{path}: integrity check failed: {result}")
    if not {"audit_events", "staff_users", "requests"} <= tables:
        raise BackupError(f"{path}: not a Zoelife Intake database")
    engine = make_engine(f"sqlite:///{path}")
    try:
        with read_session(engine) as session:
            chain = audit.verify(session, anchor=anchor, checkpoints=False)
    finally:
        engine.dispose()
    if not chain.ok:
        raise BackupError(f"{path}: audit chain broken at seq {chain.first_broken_seq}: "
                          f"{chain.problem}")
    return chain.checked


def backup(engine: Engine, out: Path, *, overwrite: bool = False) -> int:
    """Copy the live database to `out` (owner-only); return the verified audit row count."""
    _require_sqlite(engine)
    out = Path(out)
    if out.exists() and not overwrite:
        raise BackupError(f"{out}: exists already (use --force to overwrite)")
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent}: no such directory")
    tmp = out.with_name(out.name + ".partial")
    _private_file(tmp)
    raw = engine.raw_connection()
    try:
        dest = sqlite3.connect(tmp)
        try:
            raw.driver_connection.backup(dest)
        finally:
            dest.close()
    finally:
        raw.close()
    try:
        rows = check_file(tmp, audit_anchor.for_bind(engine))
    except BackupError:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out)
    return rows


def _holds_data(engine: Engine) -> bool:
    from sqlalchemy import inspect

    from zoelife.db.models import Request, StaffUser

    if "staff_users" not in inspect(engine).get_table_names():
        return False
    with read_session(engine) as session:
        users = session.execute(select(func.count()).select_from(StaffUser)).scalar_one()
        requests = session.execute(select(func.count()).select_from(Request)).scalar_one()
    return bool(users or requests)


def restore(engine: Engine, source: Path, *, force: bool = False) -> int:
    """Replace the database behind `engine` with the backup `source`; return its audit rows."""
    from zoelife.db.migrate import upgrade

    _require_sqlite(engine)
    anchor = audit_anchor.for_bind(engine)
    rows = check_file(Path(source), anchor)
    if not force and _holds_data(engine):
        raise BackupError("the target database already holds accounts or requests "
                          "(use --force to replace it)")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    raw = engine.raw_connection()
    try:
        # The backup API takes the target's locks, so a running app waits rather than
        # reading a half-written file.
        src.backup(raw.driver_connection)
    finally:
        raw.close()
        src.close()
    engine.dispose()
    upgrade(engine)
    # The restored log is shorter than the last checkpoint by design: say so outside the
    # database, so that verification compares with the restored head from now on.
    with read_session(engine) as session:
        head = session.execute(select(AuditEvent.seq, AuditEvent.hash)
                               .order_by(AuditEvent.seq.desc()).limit(1)).first()
    anchor.append("restore", head.seq if head else 0, head.hash if head else audit.GENESIS_HASH)
    return rows
