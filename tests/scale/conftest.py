"""Fixtures for the scale tests: demo databases of a given size on SQLite and on PostgreSQL.

PostgreSQL databases are created on the configured server (ZOELIFE_TEST_DATABASE_URL) under a
name of our own and dropped afterwards; nothing else on that server is touched."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from zoelife.db.engine import make_engine
from zoelife.db.migrate import upgrade

PG_URL = os.environ.get("ZOELIFE_TEST_DATABASE_URL", "").strip()
SCALE_BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def load_demo_into(url: str, requests: int, seed: int = 11) -> None:
    from zoelife.demo import load_demo

    engine = make_engine(url)
    try:
        upgrade(engine)
        load_demo(engine, requests=requests, seed=seed)
    finally:
        engine.dispose()


class PgDatabase:
    """A database of our own on the configured PostgreSQL server."""

    def __init__(self, label: str, server_url: str | None = None) -> None:
        base = make_url(server_url or PG_URL)
        self.name = f"zoelife_scale_{label}_{uuid.uuid4().hex[:8]}"
        self.admin_url = base
        self.url = base.set(database=self.name).render_as_string(hide_password=False)

    def create(self) -> str:
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        admin.dispose()
        return self.url

    def drop(self) -> None:
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_database(tmp_path, monkeypatch):
    if not PG_URL:
        pytest.skip("ZOELIFE_TEST_DATABASE_URL is not set (PostgreSQL tests run in CI)")
    # The database is made afresh under a fixed name: so are its audit key and checkpoints
    # (servers started by the test inherit this setting).
    monkeypatch.setenv("ZOELIFE_AUDIT_DIR", str(tmp_path / "audit"))
    db = PgDatabase(os.environ.get("PYTEST_XDIST_WORKER", "w"))
    db.create()
    try:
        yield db.url
    finally:
        db.drop()
