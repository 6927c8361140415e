"""Findings #8 and #16 (LOW): login CSRF and cross-site sign-out.

The one-time grant that `/auth/cookie` exchanges for the HttpOnly sign-in cookie could be
redeemed by any client (curl got the cookie): an attacker could sign in to their own account,
take the grant URL, and have a colleague's browser open it, which then worked as the attacker
(and whatever the colleague entered was recorded under the attacker's name). And
`GET /auth/signout` from any other site signed staff out.

Now the grant is bound to a nonce cookie the signing-in page sets in its own browser just
before the redirect; `/auth/signout` is a same-origin POST. Against a live server with httpx."""

from __future__ import annotations

import httpx
import pytest

from tests.security.attacks.live_b import live_server, staff
from zoelife.db.engine import write_session
from zoelife.security import accounts, sessions
from zoelife.security.web import COOKIE_NAME, NONCE_COOKIE

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("live_b_login_csrf")]


@pytest.fixture(scope="module")
def server(tmp_path_factory, sqlite_template):
    with live_server(tmp_path_factory.mktemp("login_csrf"), sqlite_template) as (srv, engine):
        staff(engine, "mallory", {"front_desk"})
        staff(engine, "desk", {"front_desk"})
        yield srv.base, engine


def _signed_in_with_grant(engine, username: str):
    """A fresh sign-in and the grant its page would hand its own browser."""
    with write_session(engine) as s:
        token = sessions.start(s, accounts.find_by_username(s, username))
        return token, sessions.issue_grant(s, token)


def _alive(engine, token: str) -> bool:
    with write_session(engine) as s:
        return sessions.resolve(s, token, activity=False) is not None


def test_a_grant_url_alone_sets_no_cookie(server):
    """The attacker's own grant, opened by a colleague's browser (or curl): no nonce."""
    base, engine = server
    _token, grant = _signed_in_with_grant(engine, "mallory")
    with httpx.Client(base_url=base) as victim:
        r = victim.get("/auth/cookie", params={"grant": grant.grant})
        assert r.status_code == 204
        assert COOKIE_NAME not in r.cookies and COOKIE_NAME not in victim.cookies
        # A made-up nonce does no better.
        victim.cookies.set(NONCE_COOKIE, "guessed")
        r = victim.get("/auth/cookie", params={"grant": grant.grant})
        assert COOKIE_NAME not in r.cookies
    # The browser that signed in, holding the nonce, still can (the grant was not spent).
    with httpx.Client(base_url=base, cookies={NONCE_COOKIE: grant.nonce}) as own:
        r = own.get("/auth/cookie", params={"grant": grant.grant},
                    headers={"Sec-Fetch-Site": "same-origin"})
        assert r.cookies.get(COOKIE_NAME)
        assert r.headers["cache-control"] == "no-store"


def test_another_site_cannot_send_a_browser_through_the_cookie_route(server):
    base, engine = server
    _token, grant = _signed_in_with_grant(engine, "mallory")
    r = httpx.get(f"{base}/auth/cookie", params={"grant": grant.grant},
                  cookies={NONCE_COOKIE: grant.nonce}, headers={"Sec-Fetch-Site": "cross-site"})
    assert COOKIE_NAME not in r.cookies


def test_a_get_signs_nobody_out(server):
    base, engine = server
    token, _ = _signed_in_with_grant(engine, "desk")
    r = httpx.get(f"{base}/auth/signout", cookies={COOKIE_NAME: token})
    # The route takes POST only; a GET falls through to the app's page (200, no action).
    assert r.status_code in (200, 405)
    assert not any(c.startswith(f"{COOKIE_NAME}=") for c in r.headers.get_list("set-cookie"))
    assert _alive(engine, token)


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "https://evil.example"},  # an older browser: Origin only
    {"Sec-Fetch-Site": "same-site"},  # another app on a sibling host name
    {"Origin": "null"},
])
def test_a_post_from_another_site_signs_nobody_out(server, headers):
    base, engine = server
    token, _ = _signed_in_with_grant(engine, "desk")
    r = httpx.post(f"{base}/auth/signout", cookies={COOKIE_NAME: token}, headers=headers)
    assert r.status_code == 403
    assert "set-cookie" not in r.headers
    assert _alive(engine, token)


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "same-origin"},
    {"Origin": "http://{host}"},
])
def test_the_apps_own_sign_out_still_works(server, headers):
    base, engine = server
    token, _ = _signed_in_with_grant(engine, "desk")
    host = base.removeprefix("http://")
    r = httpx.post(f"{base}/auth/signout", params={"next": "/"}, cookies={COOKIE_NAME: token},
                   headers={k: v.format(host=host) for k, v in headers.items()})
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert not _alive(engine, token)
    assert any(c.startswith(f"{COOKIE_NAME}=") for c in r.headers.get_list("set-cookie"))
