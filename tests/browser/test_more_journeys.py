"""The first-run journey: a server on an EMPTY database (no account at all), so it cannot share
the demo clinic of test_journeys.py; its own `xdist_group` lets it run beside that module under
`pytest -n 2 --dist loadgroup`. Helpers in journey.py, conventions as in test_journeys.py
(docs/browser.md).
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.apptest import PASSWORD
from tests.browser.journey import (
    Clinic,
    no_exception,
    queue_rows,
    sign_in,
)
from zoelife.db.engine import read_session
from zoelife.db.models import Request, StaffUser

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_first_run")]


# A migrated database with no account and no request: the app shows its first-run screen.
CLINIC_STAFF = ()


def console_setup_code(db_url: str) -> str:
    """What the operator reads on the server's console: `zoelife db upgrade`'s setup code."""
    out = subprocess.run([sys.executable, "-m", "zoelife", "--database", db_url, "db",
                          "upgrade"], check=True, capture_output=True, text=True).stdout
    return re.search(r"first-run screen: ([0-9A-Z-]+)", out).group(1)


def _counts(clinic: Clinic) -> tuple[list[tuple[str, set[str]]], int]:
    engine = clinic.engine()
    try:
        with read_session(engine) as session:
            users = [(u.username, u.role_names)
                     for u in session.execute(select(StaffUser)).scalars()]
            requests = session.execute(select(func.count()).select_from(Request)).scalar_one()
            return users, requests
    finally:
        engine.dispose()


def test_first_run_creates_the_admin_loads_the_demo_and_the_sign_in_holds(clinic, tab):
    base = clinic.base
    tab.goto(base)
    expect(tab.get_by_role("heading", name="Welcome to Zoelife Intake")).to_be_visible()
    assert _counts(clinic) == ([], 0)

    tab.get_by_label("Setup code").fill(console_setup_code(clinic.db_url))
    tab.get_by_role("textbox", name="Administrator user name").fill("fern.first")
    tab.get_by_role("textbox", name="Full name").fill("Fern First")
    tab.get_by_role("textbox", name="Password (at least 12 characters)").fill(PASSWORD)
    tab.get_by_role("textbox", name="Repeat the password").fill(PASSWORD)
    expect(tab.get_by_role("checkbox", name="This person also works the front desk")) \
        .to_be_checked()
    # The checkbox's input is visually hidden behind Streamlit's own box: click its label.
    tab.get_by_text("Load the demo clinic (fictional people, for trying things out)").click()
    expect(tab.get_by_role("checkbox", name=re.compile("^Load the demo clinic"))).to_be_checked()
    tab.get_by_role("button", name="Create administrator").click()

    # Signed in at once (through /auth/cookie), on the queue, which holds the demo clinic.
    tab.wait_for_url(re.compile(r"^(?!.*/auth/).*$"))
    expect(tab.get_by_text("Signed in as Fern First")).to_be_visible(timeout=90_000)
    expect(tab.get_by_role("heading", name="Queue")).to_be_visible()
    expect(queue_rows(tab).first).to_be_attached()
    expect(tab.get_by_text(re.compile(r"^[\d,]+ requests? in To do"))).to_be_visible()
    users, requests = _counts(clinic)
    assert users == [("fern.first", {"admin", "front_desk", "manager"})]
    assert requests >= 1000, requests  # the demo clinic, not a handful of rows
    no_exception(tab)

    # Signing out ends with a POST to /auth/signout (clears the cookie, reloads the page).
    with tab.expect_response(lambda r: "/auth/signout" in r.url):
        tab.get_by_role("button", name="Sign out").click()
    tab.wait_for_load_state()
    expect(tab.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(tab.get_by_text("Signed in as Fern First")).to_have_count(0)

    sign_in(tab, base, "fern.first", "Fern First")
    expect(tab.get_by_role("heading", name="Queue")).to_be_visible()
    tab.reload()
    expect(tab.get_by_text("Signed in as Fern First")).to_be_visible()
    expect(tab.get_by_role("heading", name="Queue")).to_be_visible()
    expect(queue_rows(tab).first).to_be_attached()
    # Must not happen: the first-run screen again once an administrator exists (anyone could
    # otherwise create another one), or the sign-in screen after the reload.
    expect(tab.get_by_role("heading", name="Welcome to Zoelife Intake")).to_have_count(0)
    expect(tab.get_by_role("heading", name="Sign in")).to_have_count(0)
    no_exception(tab)
