"""Engine and sessions for the embedded SQLite default and PostgreSQL.

Write transactions on SQLite start with `BEGIN IMMEDIATE`: a deferred transaction that reads and
then writes can fail at once with SQLITE_BUSY when another writer committed in between, which the
busy timeout does not cover. Starting every writing transaction with the write lock makes writers
queue up behind the timeout instead, and keeps the audit chain's read-then-append atomic.
Reads stay deferred so page renders never wait for writers (WAL).
"""

from __future__ import annotations

import os
import stat
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from zoelife import config

DEFAULT_SQLITE_PATH = Path("data") / "zoelife.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000

_WRITE_OPTION = "zoelife_write"


def database_url() -> str:
    """The configured database: `ZOELIFE_DATABASE_URL`, or the SQLite file under `data/`."""
    url = config.get("ZOELIFE_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _prepare_sqlite_file(url: str, *, create: bool) -> None:
    db = make_url(url).database
    if not db or db == ":memory:" or db.startswith("file:"):
        return
    path = Path(db)
    if not path.parent.is_dir():
        if not create:
            # A folder that is not there is a disk not mounted or a path mistyped, never a
            # new clinic: an empty database there would hide every request.
            raise DatabaseUnavailable(_MISSING_FOLDER_MESSAGE, reason="missing_folder",
                                      retryable=False)
        path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Patient data: readable and writable by the owner only, from the first byte.
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, stat.S_IRUSR | stat.S_IWUSR)
        os.close(fd)
    else:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


def make_engine(url: str | None = None, *, create: bool = False, **kwargs) -> Engine:
    """A new engine for `url` (default: the configured database). The app and the `zoelife`
    command use `shared_engine`; this is for databases of their own (a backup file, tests).

    A SQLite file whose folder does not exist is refused (`DatabaseUnavailable`,
    `missing_folder`) unless `create` (only `zoelife db upgrade` creates a clinic)."""
    url = url or database_url()
    # A failing statement's message (logged, shown by a traceback) would otherwise list its
    # bound values: names, phone numbers, messages. Every engine of the app hides them.
    kwargs["hide_parameters"] = True
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        _prepare_sqlite_file(url, create=create)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    if backend == "postgresql":
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 10)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "handle_error", _drop_row_detail)
        return engine
    raise ValueError(f"unsupported database backend: {backend}")


def _drop_row_detail(context):
    """PostgreSQL's DETAIL line repeats the values of the failing row or key ("Failing row
    contains (Quentin, …)", "Key (email)=(…) already exists"): drop it from the error, as
    hide_parameters drops the bound values."""
    from sqlalchemy import exc as sa_exc

    orig = context.original_exception
    diag = getattr(orig, "diag", None)
    if not getattr(diag, "message_detail", None):
        return None
    orig.args = (diag.message_primary or str(orig).split("\n", 1)[0],)
    return sa_exc.DBAPIError.instance(
        context.statement, context.parameters, orig, context.dialect.loaded_dbapi.Error,
        hide_parameters=True, connection_invalidated=context.is_disconnect,
        dialect=context.dialect)


_SHARED: dict[str, Engine] = {}
_UPGRADED: set[str] = set()
_SHARED_GUARD = threading.Lock()


def shared_engine(url: str | None = None, *, migrate: bool = True,
                  create: bool = False) -> Engine:
    """The process's one engine for `url` (default: the configured database), built once
    however many threads ask at once and, unless `migrate=False`, upgraded to the current
    schema once. The pages, the webhook, the sign-in routes, the on-call check and the
    `zoelife` command all take it from here, so every writer of the process takes its turn
    on one lock (`_in_process_writer_turn`). `create` lets `zoelife db upgrade` make a new
    SQLite file and folder (`make_engine`).

    Held here rather than in Streamlit's `st.cache_resource`, which any visitor's websocket can
    empty with a `clear_cache` message: that rebuilt the engine and re-ran the migrations once
    per message (53 anonymous messages, 53 rebuilds), and gave the pages and the webhook
    different engines, hence different writer locks."""
    from zoelife.db import migrate as migrations

    url = url or database_url()
    engine = _SHARED.get(url)
    if engine is not None and (url in _UPGRADED or not migrate):
        return engine
    with _SHARED_GUARD:
        engine = _SHARED.get(url)
        if engine is None:
            engine = make_engine(url, create=create)
            _SHARED[url] = engine
        if migrate and url not in _UPGRADED:
            migrations.upgrade(engine)
            _UPGRADED.add(url)
        return engine


def _use_wal(cursor) -> None:
    """Put the file in WAL mode (kept in the file once set). The switch needs the file to itself
    for a moment, and SQLite answers "database is locked" at once, without the busy timeout,
    when another connection opens the same new file in that moment (several servers, or several
    `zoelife db upgrade`, starting together on a new database): retried until the timeout."""
    import sqlite3

    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - driver callback
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        _use_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - driver callback
        if conn.get_execution_options().get(_WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def is_sqlite(engine_or_session: Engine | Session) -> bool:
    bind = engine_or_session.get_bind() if isinstance(engine_or_session, Session) else engine_or_session
    return bind.dialect.name == "sqlite"


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; closed (its transaction discarded) at the end, never committed.

    Objects loaded here stay readable after the block, detached."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction commits at the end, or rolls back whole on any error.

    Infrastructure faults (read-only file, full disk, busy past the timeout, lost connection)
    come out as `DatabaseUnavailable`, with a message a page can show; other errors unchanged."""
    write_engine = engine.execution_options(**{_WRITE_OPTION: True})
    with _in_process_writer_turn(engine), Session(write_engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException as exc:
            try:
                session.rollback()
            except Exception:  # noqa: BLE001 - a dead connection cannot roll back; the server did
                pass
            translated = as_unavailable(exc) if isinstance(exc, Exception) else None
            if translated is None or translated is exc:
                raise
            raise translated from exc


_WRITER_LOCKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_WRITER_LOCKS_GUARD = threading.Lock()


@contextmanager
def _in_process_writer_turn(engine: Engine) -> Iterator[None]:
    """SQLite has one writer at a time. Threads of one process (the server's webhook thread pool,
    page sessions) wait for their turn on a Python lock, handed over as soon as the writer
    commits, instead of each polling SQLite's busy handler, which sleeps up to 100 ms between
    tries and made the webhook's p99 latency seconds long under concurrent deliveries.
    Other processes still queue through the busy timeout. PostgreSQL: no lock (row locks)."""
    if engine.dialect.name != "sqlite":
        yield
        return
    with _WRITER_LOCKS_GUARD:
        lock = _WRITER_LOCKS.get(engine)
        if lock is None:
            lock = _WRITER_LOCKS[engine] = threading.RLock()
    if not lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
        raise DatabaseUnavailable(_SQLITE_BUSY_MESSAGE, reason="busy", retryable=True)
    try:
        yield
    finally:
        lock.release()


# --------------------------------------------------------------------------- faults


class DatabaseUnavailable(RuntimeError):
    """The database refused or lost a transaction for a reason outside the user's input.

    `str(exc)` is a human message a page can show as is (it names no patient data and no SQL);
    `retryable` says whether trying the same action again may work (a lost connection or a busy
    database) or needs someone to act first (a read-only file, a full disk). The transaction was
    rolled back whole: nothing of it was written.
    """

    def __init__(self, message: str, *, reason: str, retryable: bool) -> None:
        super().__init__(message)
        self.reason = reason
        self.retryable = retryable


_SQLITE_BUSY_MESSAGE = (
    "The database stayed busy with other work for too long, so nothing was saved. Try again."
)

_SQLITE_FAULTS = (
    # (text in sqlite3's message, reason, human message, retryable)
    ("readonly", "read_only",
     "The database is read-only, so nothing was saved. Ask an administrator to check the "
     "database file's permissions and the disk it is on.", False),
    ("read-only", "read_only",
     "The database is read-only, so nothing was saved. Ask an administrator to check the "
     "database file's permissions and the disk it is on.", False),
    ("full", "full",
     "The disk holding the database is full, so nothing was saved. Ask an administrator to "
     "free space, then try again.", False),
    ("locked", "busy", _SQLITE_BUSY_MESSAGE, True),
    ("busy", "busy", _SQLITE_BUSY_MESSAGE, True),
    ("no such table", "no_schema",
     "The database holds none of the clinic's tables: its file was removed or replaced while "
     "the app was running, or it was never set up. Nothing was saved. Ask an administrator to "
     "check the database file (and to run `zoelife db upgrade` for a new one).", False),
    ("disk i/o error", "io_error",
     "The database could not be written (disk error), so nothing was saved. Ask an "
     "administrator to check the server's disk.", False),
    ("unable to open", "cannot_open",
     "The database file could not be opened, so nothing was saved. Ask an administrator to "
     "check the database file and its folder.", False),
)

_MISSING_FOLDER_MESSAGE = (
    "The database's folder does not exist, so no clinic was opened (is its disk mounted?). "
    "Nothing was saved. For a new clinic, an administrator runs `zoelife db upgrade` (or "
    "`make run`), which creates it."
)

_CONNECTION_LOST = (
    "The connection to the database was lost (it may be restarting), so nothing was saved. "
    "Try again in a moment."
)


def as_unavailable(exc: BaseException) -> DatabaseUnavailable | None:
    """The DatabaseUnavailable an infrastructure error stands for, or None for other errors
    (constraint violations, programming errors), which stay what they are."""
    from sqlalchemy import exc as sa_exc

    if isinstance(exc, DatabaseUnavailable):
        return exc
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    if exc.connection_invalidated:
        return DatabaseUnavailable(_CONNECTION_LOST, reason="connection_lost", retryable=True)
    if not isinstance(exc, sa_exc.OperationalError):
        if isinstance(exc, sa_exc.InterfaceError):
            return DatabaseUnavailable(_CONNECTION_LOST, reason="connection_lost",
                                       retryable=True)
        return None
    text_ = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    module = type(exc.orig).__module__ if exc.orig is not None else ""
    if module.startswith("sqlite3"):
        for needle, reason, message, retryable in _SQLITE_FAULTS:
            if needle in text_:
                return DatabaseUnavailable(message, reason=reason, retryable=retryable)
        return None
    # PostgreSQL (psycopg): an OperationalError is a server or connection fault, such as
    # "terminating connection due to administrator command" or "server closed the connection".
    return DatabaseUnavailable(_CONNECTION_LOST, reason="connection_lost", retryable=True)


def retrying(fn, attempts: int = 3, delay: float = 0.5):
    """Call `fn()` (a whole transaction: it must open its own session) until it succeeds, up
    to `attempts` times, when it fails with a retryable `DatabaseUnavailable` (or a database
    error that stands for one). Waits `delay`, doubling, between tries; re-raises the last
    error translated, so the caller can show it."""
    import time

    wait = delay
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except Exception as exc:
            translated = as_unavailable(exc)
            if translated is None:
                raise
            if not translated.retryable or attempt == attempts:
                if translated is exc:
                    raise
                raise translated from exc
            time.sleep(wait)
            wait *= 2
    raise AssertionError("unreachable")
