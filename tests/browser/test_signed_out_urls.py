"""A page's own URL opened signed out, on a server nobody has used yet: its own module and server
(own `xdist_group`), because what it proves is about the server's very first page loads.

With `pages/` beside streamlit_app.py, Streamlit serves that folder the legacy way until some run
calls st.navigation: a fresh server's first loads of /queue or /users ran the page file on its own
and drew a sidebar listing every file ("streamlit app", "audit log", "users", ...); later, with only
the sign-in page registered for a signed-out person, the same URLs showed "Page not found".
Helpers in journey.py, conventions as in test_journeys.py (docs/browser.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.journey import (
    Clinic,
    clinic_database,
    no_exception,
    plant_request,
    require_browser,
    serve,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_signed_out_urls")]

@pytest.fixture(scope="module")
def fresh_clinic(tmp_path_factory) -> Iterator[Clinic]:
    """An admin, a front-desk user and one request; a server no page has been loaded from."""
    require_browser()
    workdir = tmp_path_factory.mktemp("signed_out_urls")
    db_url = clinic_database(workdir, (("admin", {"admin"}, "Ada Admin"),
                                       ("desk", {"front_desk"}, "Dana Desk")))
    with serve(db_url, workdir) as base:
        yield Clinic(base, db_url, workdir / "streamlit.log")


def test_a_page_url_opened_signed_out_shows_only_the_sign_in_and_leads_to_that_page(
        fresh_clinic, tab):
    base = fresh_clinic.base
    request_id = plant_request(fresh_clinic, first="Orla", last="Urlbright",
                               message="Is TMS an option for me?", treatments=("TMS",))
    # The first page load this server ever serves is a page's own URL.
    for path in ("queue", "users", "audit", "settings", "trends", f"request?id={request_id}"):
        tab.goto(f"{base}/{path}")
        expect(tab.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(tab.get_by_role("textbox", name="User name")).to_be_visible()
        expect(tab).to_have_url(f"{base}/{path}")
        # Must not happen: a menu of the files in pages/, or Streamlit's "Page not found".
        expect(tab.get_by_test_id("stSidebarNav")).to_have_count(0)
        expect(tab.get_by_test_id("stSidebar")).to_have_count(0)
        expect(tab.get_by_text("Page not found")).to_have_count(0)
        expect(tab.get_by_text("Urlbright")).to_have_count(0)

    # Signing in there lands on that page (an admin's start page is Staff accounts).
    sign_in(tab, base, "admin", "Ada Admin", path="settings")
    expect(tab.get_by_role("heading", name="Settings")).to_be_visible()
    expect(tab).to_have_url(f"{base}/settings")
    # Signing out ends with a POST to /auth/signout that clears the cookie and reloads the
    # page: wait for it, or the next goto races that navigation.
    with tab.expect_response(lambda r: "/auth/signout" in r.url):
        tab.get_by_role("button", name="Sign out").click()
    tab.wait_for_load_state()
    expect(tab.get_by_role("heading", name="Sign in")).to_be_visible()

    # A request's URL keeps its id through the sign-in.
    sign_in(tab, base, "desk", "Dana Desk", path=f"request?id={request_id}")
    expect(tab.get_by_role("heading", name=f"Request #{request_id}")).to_be_visible()
    expect(tab).to_have_url(re.compile(rf"/request\?id={request_id}$"))
    expect(tab.get_by_text("Orla Urlbright")).to_be_visible()
    no_exception(tab)
