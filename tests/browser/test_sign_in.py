"""Sign in, reload, still signed in (HttpOnly cookie); sign out, reload, signed out."""

import pytest
from playwright.sync_api import expect

from tests.apptest import PASSWORD, make_user
from zoelife.security.web import COOKIE_NAME

pytestmark = pytest.mark.browser


def test_sign_in_survives_a_reload_and_sign_out_survives_one_too(server_db, streamlit_server,
                                                                  browser):
    make_user(server_db, "boss", {"admin", "front_desk", "manager"})
    context = browser.new_context()
    page = context.new_page()
    page.goto(streamlit_server)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=30_000)
    page.get_by_role("textbox", name="User name").fill("boss")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    # Signing in sends the browser once through /auth/cookie, which sets the cookie.
    with page.expect_response(lambda r: "/auth/cookie" in r.url, timeout=30_000) as grant:
        page.get_by_role("button", name="Sign in").click()
    assert grant.value.status == 204
    page.wait_for_load_state()
    expect(page.get_by_text("Signed in as Boss")).to_be_visible(timeout=30_000)
    # An HttpOnly, SameSite=Lax cookie the page's scripts cannot read.
    cookie = _session_cookie(context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]
    assert page.evaluate("() => document.cookie").find(COOKIE_NAME) == -1

    page.reload()
    expect(page.get_by_text("Signed in as Boss")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Sign in")).to_have_count(0)

    other = context.new_page()  # a new tab
    other.goto(streamlit_server)
    expect(other.get_by_text("Signed in as Boss")).to_be_visible(timeout=30_000)
    other.close()

    with page.expect_response(lambda r: "/auth/signout" in r.url, timeout=30_000):
        page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=30_000)
    assert [c for c in context.cookies() if c["name"] == COOKIE_NAME] == []
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Signed in as Boss")).to_have_count(0)
    context.close()


def _session_cookie(context):
    cookies = [c for c in context.cookies() if c["name"] == COOKIE_NAME]
    assert len(cookies) == 1, context.cookies()
    return cookies[0]
