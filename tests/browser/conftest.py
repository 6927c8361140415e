"""Real-browser fixtures: a Streamlit server on a free port with a fresh SQLite database, and
Debian's chromium driven by Playwright.

Browser tests are skipped only when /usr/bin/chromium is absent and ZOELIFE_REQUIRE_BROWSER is
not set; with it set, a missing browser fails the test instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from zoelife.db.engine import make_engine
from zoelife.db.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
START_TIMEOUT_S = 60


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("ZOELIFE_REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing and ZOELIFE_REQUIRE_BROWSER is set "
                    "(apt-get install -y chromium)")
    pytest.skip(f"{CHROMIUM} is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server_db(tmp_path) -> str:
    """The database the server will use; migrated, empty. Seed it before starting the server."""
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def streamlit_server(server_db, tmp_path):
    """Start `streamlit run streamlit_app.py`; yield its base URL; stop it afterwards."""
    _require_browser()
    port = _free_port()
    env = dict(os.environ, ZOELIFE_DATABASE_URL=server_db, ZOELIFE_ONCALL_CHECK_SECONDS="0")
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.serverAddress", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.close()
            pytest.fail("streamlit did not start:\n" + (tmp_path / "streamlit.log").read_text())
        time.sleep(0.2)  # polling the health endpoint, not waiting on the UI
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
