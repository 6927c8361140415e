"""The sign-in's two tokens in the browser: the one this tab keeps in `st.session_state`, and the
HttpOnly cookie a reload or a new tab reads (`st.context.cookies`). Right after signing in, the
page asks `/auth/cookie` (zoelife.security.web) in the background for the cookie, with a grant
only this browser can redeem; after signing out, `/auth/signout` clears it. Only our own fixed
scripts and URLs we built reach the HTML."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode, urlsplit

import streamlit as st

from zoelife.security import sessions
from zoelife.security.web import COOKIE_NAME, NONCE_COOKIE, NONCE_PATH, safe_next
from zoelife.ui.db import writing

TOKEN_KEY = "zoelife_token"
GRANT_KEY = "_zoelife_cookie_grant"
CLEAR_COOKIE_KEY = "_zoelife_clear_cookie"
# This tab asked /auth/cookie for the sign-in cookie: the browser holds it, although this
# session's own view of the cookies (taken when its page loaded) does not show it.
COOKIE_ASKED_KEY = "_zoelife_cookie_asked"


def cookie_token() -> str | None:
    """The sign-in cookie's token, unless this tab signed out."""
    if st.session_state.get(CLEAR_COOKIE_KEY):
        # Signed out in this tab: the browser's cookie names an ended sign-in anyway.
        return None
    try:
        value = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no cookies outside a browser session
        return None
    return value if isinstance(value, str) and value else None


def sign_in_token() -> str | None:
    """This tab's token, else the cookie's."""
    token = st.session_state.get(TOKEN_KEY)
    if token:
        return token
    return cookie_token()


def signed_in(token: str) -> None:
    """Remember the new sign-in in this tab and arrange for the cookie to be set."""
    st.session_state[TOKEN_KEY] = token
    st.session_state.pop(CLEAR_COOKIE_KEY, None)
    with writing() as session:
        grant = sessions.issue_grant(session, token)
    if grant:
        st.session_state[GRANT_KEY] = tuple(grant)


def _current_path() -> str:
    """This page's path and query (a request's id, the queue's filters: never patient data),
    for the way back from /auth/cookie and /auth/signout."""
    try:
        url = st.context.url
        params = st.query_params.to_dict()
    except Exception:  # noqa: BLE001
        return "/"
    if not isinstance(url, str):
        return "/"
    path = urlsplit(url).path or "/"
    return safe_next(f"{path}?{urlencode(params)}" if params else path)


def cookie_url(grant: str) -> str:
    return "/auth/cookie?" + urlencode({"grant": grant})


_SAFE_NONCE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def _script(js: str) -> None:
    st.html(f"<script>{js}</script>", unsafe_allow_javascript=True)


def _exchange_grant(url: str, nonce: str) -> None:
    """Set the grant's nonce cookie in this browser (only it then can redeem the grant) and
    redeem the grant at /auth/cookie with a background request, whose answer sets the
    HttpOnly sign-in cookie. A request, not a navigation: the page stays as it is, and nothing
    the page does meanwhile (Streamlit updating the address bar, a second run) can cancel it
    after the server spent the grant, which once left a sign-in without its cookie. Our own
    fixed script and a URL we built (a URL-safe grant): no public text can reach the HTML."""
    if not url.startswith("/auth/cookie?"):
        raise ValueError("grants are redeemed at the app's own /auth/cookie route only")
    if not _SAFE_NONCE.match(nonce):
        raise ValueError("a grant nonce is URL-safe base64")
    _script(f'document.cookie = "{NONCE_COOKIE}={nonce}; Path={NONCE_PATH}; Max-Age=60; '
            'SameSite=Strict" + (location.protocol === "https:" ? "; Secure" : "");'
            f'fetch({_js_string(url)}, {{credentials: "same-origin", cache: "no-store", '
            'redirect: "manual"});')


def _post(url: str) -> None:
    """Submit an empty form to /auth/signout: a same-origin POST (a GET signs nobody out)."""
    if not url.startswith("/auth/signout?"):
        raise ValueError("sign-out posts go to the app's own /auth/signout route only")
    _script('const f = document.createElement("form"); f.method = "post"; '
            f"f.action = {_js_string(url)}; document.body.appendChild(f); f.submit();")


def _js_string(url: str) -> str:
    return json.dumps(url).replace("</", "<\\/")


def just_signed_in() -> bool:
    """Signed in during this page's life, the cookie not yet asked for."""
    return bool(st.session_state.get(GRANT_KEY))


def emit_cookie_request() -> None:
    """Once after signing in: have the browser redeem the grant for the sign-in cookie."""
    pending = st.session_state.pop(GRANT_KEY, None)
    if pending:
        grant, nonce = pending
        _exchange_grant(cookie_url(grant), nonce)
        st.session_state[COOKIE_ASKED_KEY] = True


def emit_cookie_clear() -> None:
    """After signing out: let /auth/signout clear the browser's cookie."""
    if st.session_state.get(CLEAR_COOKIE_KEY) == True:  # noqa: E712 - only once per sign-out
        st.session_state[CLEAR_COOKIE_KEY] = "sent"
        try:
            has_cookie = bool(st.context.cookies.get(COOKIE_NAME))
        except Exception:  # noqa: BLE001
            has_cookie = False
        if has_cookie or st.session_state.pop(COOKIE_ASKED_KEY, False):
            _post("/auth/signout?" + urlencode({"next": _current_path()}))
