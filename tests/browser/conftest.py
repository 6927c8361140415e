"""Real-browser fixtures and helpers: a Streamlit server on a free port (`serve`, the same
`LiveServer` the scale tests use) against a fresh SQLite database, and Debian's chromium driven
by Playwright (`launch_chromium`).

Browser tests are skipped only when /usr/bin/chromium is absent and ZOELIFE_REQUIRE_BROWSER is
not set; with it set, a missing browser fails the test instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.apptest import PASSWORD
from tests.scale.liveserver import LiveServer
from zoelife import audit
from zoelife.db.engine import make_engine, write_session
from zoelife.db.migrate import upgrade
from zoelife.security import accounts

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("ZOELIFE_REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing and ZOELIFE_REQUIRE_BROWSER is set "
                    "(apt-get install -y chromium)")
    pytest.skip(f"{CHROMIUM} is not installed")


def clinic_database(workdir: Path, staff: Iterable[tuple[str, set[str], str]] = ()) -> str:
    """A migrated SQLite database in `workdir` with these (user name, roles, display name)
    accounts, all with the test password; returns its URL."""
    url = f"sqlite:///{workdir / 'clinic.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        with write_session(engine) as session:
            for username, roles, name in staff:
                accounts.create_user(session, username, PASSWORD, roles, display_name=name,
                                     actor=audit.SYSTEM)
    finally:
        engine.dispose()
    return url


@contextmanager
def serve(db_url: str, workdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run streamlit_app.py` on a free port against `db_url`, its log in
    `workdir/streamlit.log`; yields the base URL."""
    with LiveServer(db_url, env=extra_env, log_path=workdir / "streamlit.log") as server:
        yield server.base


@contextmanager
def launch_chromium():
    """Debian's chromium, headless, for as long as the block runs."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def server_db(tmp_path) -> str:
    """The database the server will use; migrated, empty. Seed it before starting the server."""
    return clinic_database(tmp_path)


@pytest.fixture
def streamlit_server(server_db, tmp_path):
    """A server on `server_db`; yields its base URL; stops it afterwards."""
    _require_browser()
    with serve(server_db, tmp_path) as base:
        yield base


@pytest.fixture
def browser():
    with launch_chromium() as b:
        yield b
