"""Shared fixtures.

`engine` runs a test on SQLite always and again on PostgreSQL when ZOELIFE_TEST_DATABASE_URL
is set (only tests that use `engine` run twice). Each test gets an empty, migrated database:
SQLite from a copied template file, PostgreSQL by truncating a per-worker database.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.clock import FIXED_NOW, travel
from zoelife.db import engine as db_engine
from zoelife.db.engine import make_engine
from zoelife.db.migrate import upgrade
from zoelife.db.models import Base

settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "dev", max_examples=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PG_URL = os.environ.get("ZOELIFE_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path) -> str:
    path = tmp_path / "zoelife.db"
    shutil.copy(sqlite_template, path)
    os.chmod(path, 0o600)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def pg_worker_url(worker_id) -> str | None:
    """A PostgreSQL database of this test process's own, dropped at the end of the session.

    The name carries the process id so that concurrent runs (two developers, CI) never drop
    each other's database."""
    if not PG_URL:
        yield None
        return
    base = make_url(PG_URL)
    name = f"zoelife_test_{worker_id}_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_pg(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, sqlite_url, tmp_path, monkeypatch) -> str:
    if request.param == "sqlite":
        return sqlite_url  # its audit key and checkpoints sit beside the file, in tmp_path
    url = request.getfixturevalue("pg_worker_url")
    _truncate_pg(url)
    # The per-worker database is emptied for each test: so are its audit key and checkpoints
    # (otherwise the checkpoint of the previous test would name this test's log truncated).
    monkeypatch.setenv("ZOELIFE_AUDIT_DIR", str(tmp_path / "audit-pg"))
    return url


@pytest.fixture
def engine(db_url):
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url):
    eng = make_engine(sqlite_url)
    yield eng
    eng.dispose()


@pytest.fixture
def app_db(sqlite_url, monkeypatch) -> str:
    """A fresh SQLite database the app (AppTest, CLI) will use through ZOELIFE_DATABASE_URL."""
    monkeypatch.setenv("ZOELIFE_DATABASE_URL", sqlite_url)
    return sqlite_url


@pytest.fixture
def clock():
    """Time starts at FIXED_NOW (a weekday morning in the clinic) and ticks from there; the
    traveller's ``move_to(instant)`` jumps elsewhere. Returns the traveller."""
    with travel(FIXED_NOW) as traveller:
        yield traveller


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the triage labelled-set figures at the end of every run (the figures docs/triage.md
    quotes). Computed here, on the controller, so parallel runs print them too."""
    from tests.triage.evaluation import summary_lines

    terminalreporter.section("zoelife.triage labelled-set figures")
    for line in summary_lines():
        terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _fresh_sign_in_limiter():
    """The sign-in rate limiter lives in the process: each test starts with empty windows."""
    from zoelife.security import ratelimit

    ratelimit.LIMITER.reset()
    yield
    ratelimit.LIMITER.reset()


@pytest.fixture
def writes(monkeypatch):
    """Counts write transactions, and says whether one is open right now."""
    state = {"open": 0, "count": 0}
    real = db_engine.write_session

    @contextlib.contextmanager
    def counted(engine):
        state["count"] += 1
        state["open"] += 1
        try:
            with real(engine) as session:
                yield session
        finally:
            state["open"] -= 1

    monkeypatch.setattr(db_engine, "write_session", counted)
    return state
