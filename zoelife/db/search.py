"""The index behind the queue's free-text search (`requests.search_text`: folded name, email,
phone digits and message).

- SQLite: an FTS5 table with the trigram tokenizer over `requests.search_text` (external
  content, kept in step by triggers, so every writer, bulk inserts included, keeps it current).
  A `LIKE '%term%'` on it is answered from the index for terms of 3 characters or more with no
  LIKE wildcard in them (an ESCAPE clause, or a shorter term, would scan): those fall back to
  the plain LIKE on `requests`.
- PostgreSQL: a GIN index with `pg_trgm`'s `gin_trgm_ops` on `requests.search_text`, which the
  planner uses for the same `LIKE '%term%'` by itself. Creating the extension needs the right
  to; where it is refused (or not installed) the migration goes on without the index and the
  search scans, as it did before.

Neither object is in the ORM models: `include_object` keeps them out of the models-vs-schema
comparison.
"""

from __future__ import annotations

import logging

from sqlalchemy import bindparam, column, select, table, text
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

FTS_TABLE = "request_search"
TRGM_INDEX = "ix_requests_search_trgm"
# SQLite: the open requests' search text alone (partial, covering), for searches of open
# requests, which the trigram index answers slowly when a term is in many closed ones.
OPEN_INDEX = "ix_requests_open_search"
MIN_INDEXED = 3  # the trigram index answers terms of at least this many characters

_fts = table(FTS_TABLE, column("rowid"), column("search_text"))

# Our own constant names only (no input): written out, not formatted.
_SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS request_search USING fts5(search_text, "
    "content='requests', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS request_search_ai AFTER INSERT ON requests BEGIN "
    "INSERT INTO request_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS request_search_ad AFTER DELETE ON requests BEGIN "
    "INSERT INTO request_search(request_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS request_search_au AFTER UPDATE OF search_text ON requests "
    "BEGIN INSERT INTO request_search(request_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO request_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO request_search(request_search) VALUES ('rebuild')",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS request_search_ai", "DROP TRIGGER IF EXISTS request_search_ad",
    "DROP TRIGGER IF EXISTS request_search_au", "DROP TABLE IF EXISTS request_search",
)


def create(conn: Connection) -> bool:
    """Create the search index on this database; False where PostgreSQL refused pg_trgm."""
    if conn.dialect.name == "sqlite":
        for statement in _SQLITE_CREATE:
            conn.exec_driver_sql(statement)
        return True
    if conn.dialect.name == "postgresql":
        try:
            with conn.begin_nested():
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:  # no right to, or not installed: search without the index
            log.warning("pg_trgm is not available (%s); the queue's text search will scan",
                        type(exc).__name__)
            return False
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_requests_search_trgm ON requests "
                             "USING gin (search_text gin_trgm_ops)")
        return True
    return False


def create_open_index(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_requests_open_search ON requests "
                             "(search_text, is_open) WHERE is_open = 1")


def drop_open_index(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_requests_open_search")


def drop(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for statement in _SQLITE_DROP:
            conn.exec_driver_sql(statement)
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_requests_search_trgm")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic's comparison: the search index's objects are not models."""
    if type_ == "table" and name and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_")):
        return False
    return not (type_ == "index" and name in (TRGM_INDEX, OPEN_INDEX))


def indexed_term(term: str) -> bool:
    return len(term) >= MIN_INDEXED and not any(c in term for c in "%_\\")


def fts_ids(term: str):
    """Ids of requests whose search text holds `term` (SQLite, through the trigram index)."""
    return select(_fts.c.rowid).where(_fts.c.search_text.like(f"%{term}%"))


_OPEN_IDS = text(
    "SELECT rowid FROM requests INDEXED BY ix_requests_open_search "
    "WHERE is_open = 1 AND search_text LIKE :pattern ESCAPE '\\'")


def open_ids(pattern: str):
    """Ids of open requests whose search text is LIKE `pattern` (escaped with a backslash;
    SQLite, any term): a scan of the open requests' own index, named because the planner would
    rather walk the worklist index and read every open row."""
    return _OPEN_IDS.bindparams(bindparam("pattern", pattern, unique=True)).columns(
        column("rowid"))


def has_open_index(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite" and conn.execute(text(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = :n"),
        {"n": OPEN_INDEX}).first() is not None


def has_fts(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite" and conn.execute(text(
        "SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": FTS_TABLE}).first() is not None
