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

import pytest
from playwright.sync_api import expect

from tests.browser.journey import (
    no_exception,
    plant_request,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_signed_out_urls")]

# An admin, a front-desk user and one request; a server no page has been loaded from
# (the `clinic` fixture of tests/browser/conftest.py).


def test_a_page_url_opened_signed_out_shows_only_the_sign_in_and_leads_to_that_page(
        clinic, tab):
    base = clinic.base
    request_id = plant_request(clinic, first="Orla", last="Urlbright",
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
