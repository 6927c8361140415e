"""Schema upgrades with Alembic, safe when several servers start at once.

On PostgreSQL the upgrade runs under a session-level advisory lock, so two app servers starting
together run the migrations once, one after the other. On SQLite the write lock does the same:
all pending migrations run in one `BEGIN IMMEDIATE` transaction.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# An arbitrary constant shared by every server of this application ("ZOELIFE" in ASCII-ish).
ADVISORY_LOCK_KEY = 0x5A4F454C49
FEATURE_MARKER = "zoelife"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config()
    # On SQLite the migration transaction takes the write lock up front (BEGIN IMMEDIATE), so a
    # second server waits and then finds the schema already at head.
    with engine.execution_options(zoelife_write=True).connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
            conn.commit()
        try:
            # Every pending migration in this one transaction. Begun here, before Alembic looks
            # at the connection: otherwise Alembic commits after each migration on SQLite (it
            # treats SQLite's DDL as non-transactional), the write lock is let go in between,
            # and a second server starting at the same moment runs the next migration too.
            conn.begin()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            conn.commit()
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
                conn.commit()


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
