"""Real-browser fixtures: a Streamlit server against a fresh SQLite database, Debian's chromium
driven by Playwright, one chromium per module and a fresh browser context per test (`tab`).
The helpers they use are in `tests/browser/journey.py`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.journey import (
    VIEWPORT,
    Clinic,
    clinic_database,
    launch_chromium,
    module_clinic,
    require_browser,
    serve,
)


@pytest.fixture(scope="module")
def clinic(request, tmp_path_factory) -> Iterator[Clinic]:
    """One server per module on its own database (`journey.module_clinic`)."""
    workdir = tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2])
    with module_clinic(request.module, workdir) as found:
        yield found


@pytest.fixture
def server_db(tmp_path) -> str:
    """The database the server will use; migrated, empty. Seed it before starting the server."""
    return clinic_database(tmp_path)


@pytest.fixture
def streamlit_server(server_db, tmp_path):
    """A server on `server_db`; yields its base URL; stops it afterwards."""
    require_browser()
    with serve(server_db, tmp_path) as base:
        yield base


@pytest.fixture
def browser():
    with launch_chromium() as b:
        yield b


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with launch_chromium() as b:
        yield b


@pytest.fixture
def tab(chromium, request) -> Iterator[Page]:
    """A fresh browser context (no cookies) at the front-desk screen size.

    With ZOELIFE_BROWSER_ARTIFACTS=<dir>, the last screen of every journey is saved there
    (what a failing journey was looking at)."""
    context = chromium.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    try:
        yield page
    finally:
        artifacts = os.environ.get("ZOELIFE_BROWSER_ARTIFACTS")
        if artifacts:
            Path(artifacts).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(artifacts) / f"{request.node.name}.png"),
                            full_page=True)
        context.close()
