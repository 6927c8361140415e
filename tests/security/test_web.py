"""The sign-in routes of the app's own server: /auth/cookie and /auth/signout."""

import datetime as dt

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit import config

from tests.apptest import PASSWORD, make_user
from tests.clock import FIXED_NOW
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.models import SignInSession
from zoelife.security import auth, sessions, web
from zoelife.ui import hardening

# Pages read the same fixed clock the seeds use (tests/clock.py).
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def client(app_db):
    return TestClient(Starlette(routes=web.routes()), base_url="http://testserver")


def _signed_in(db_url):
    make_user(db_url, "desk", {"front_desk"})
    eng = make_engine(db_url)
    with write_session(eng) as s:
        token = auth.sign_in(s, "desk", PASSWORD).token
        grant = sessions.issue_grant(s, token)
    return eng, token, grant


def _redeem(client, grant, **kw):
    """/auth/cookie as the browser that signed in calls it: with the grant's nonce cookie."""
    client.cookies.set(web.NONCE_COOKIE, grant.nonce)
    try:
        return client.get("/auth/cookie", params={"grant": grant.grant, **kw.pop("params", {})},
                          follow_redirects=False, **kw)
    finally:
        client.cookies.delete(web.NONCE_COOKIE)


def _session_cookie(r) -> str | None:
    """The Set-Cookie header of the sign-in cookie (the nonce cookie is cleared beside it)."""
    found = [c for c in r.headers.get_list("set-cookie") if c.startswith(f"{web.COOKIE_NAME}=")]
    return found[0] if found else None


def test_cookie_route_sets_an_httponly_samesite_cookie_and_moves_nobody(client, app_db):
    eng, token, grant = _signed_in(app_db)
    r = _redeem(client, grant)
    # 204: asked in the background by the page; a browser that opens the URL stays put.
    assert r.status_code == 204 and "location" not in r.headers
    cookie = _session_cookie(r)
    assert cookie is not None
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie and token not in cookie and grant.grant not in cookie
    assert r.headers["cache-control"] == "no-store"
    value = cookie.split(";")[0].split("=", 1)[1]
    with write_session(eng) as s:
        assert sessions.resolve(s, value).username == "desk"
    # The grant works once.
    again = _redeem(client, grant)
    assert again.status_code == 204 and _session_cookie(again) is None


def test_cookie_is_secure_behind_https(client, app_db):
    _eng, _token, grant = _signed_in(app_db)
    r = _redeem(client, grant, headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in _session_cookie(r)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil",
                                    "javascript:alert(1)", "queue"])
def test_the_way_back_from_sign_out_is_a_same_site_path_only(client, app_db, target):
    r = client.post("/auth/signout", params={"next": target}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_an_unknown_or_expired_grant_sets_nothing(client, app_db):
    eng, token, _grant = _signed_in(app_db)
    with write_session(eng) as s:
        stale = sessions.issue_grant(s, token)
        row = s.query(SignInSession).one()
        row.grant_expires_at = FIXED_NOW - dt.timedelta(seconds=1)
    for grant in (sessions.CookieGrant("made-up", "made-up"), stale):
        r = _redeem(client, grant)
        assert _session_cookie(r) is None


def test_signout_route_ends_the_sign_in_and_clears_the_cookie(client, app_db):
    eng, token, grant = _signed_in(app_db)
    r = _redeem(client, grant)
    cookie = _session_cookie(r).split(";")[0].split("=", 1)[1]
    client.cookies.set(web.COOKIE_NAME, cookie)
    out = client.post("/auth/signout", follow_redirects=False)
    assert out.status_code == 303
    assert f'{web.COOKIE_NAME}=""' in out.headers["set-cookie"] or \
        "Max-Age=0" in out.headers["set-cookie"]
    with read_session(eng) as s:
        assert s.query(SignInSession).one().end_reason == "signed_out"
    with write_session(eng) as s:
        assert sessions.resolve(s, token) is None


def test_the_server_refuses_to_start_with_xsrf_protection_off():
    config.set_option("server.enableXsrfProtection", False)
    try:
        with pytest.raises(hardening.XsrfDisabled, match="enableXsrfProtection"):
            hardening.check_hardening()
    finally:
        config.set_option("server.enableXsrfProtection", True)
    hardening.check_hardening()
    assert web.routes()
