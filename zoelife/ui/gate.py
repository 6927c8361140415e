"""The sign-in gate: what a signed-in user may open, and the timer that closes a page whose
sign-in lapsed. Who is signed in: `sign_in`; the browser's cookie: `sign_in_cookie`; the sign-in,
password and first-run screens: `sign_in_screens` (all reached through this module too).

Every page calls `require(role, ...)` first, so a page opened by URL without the role shows a
refusal and never its data, whether or not it was reached through the navigation.

Where the sign-in lives: a server-side row (zoelife.security.sessions). The page keeps its token
in `st.session_state`; right after signing in, the page asks `/auth/cookie`
(zoelife.security.web) in the background for an HttpOnly cookie holding a second token of the
same sign-in, so a reload or a new tab stays signed in (`st.context.cookies`). Ending the
sign-in on the server ends both tokens.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from zoelife import config
from zoelife.security.sessions import SessionUser
from zoelife.security.web import COOKIE_NAME
from zoelife.ui.db import faults_shown
from zoelife.ui.sign_in import actor, client_address, current_user, sign_out
from zoelife.ui.sign_in_cookie import (
    TOKEN_KEY,
    _exchange_grant,  # noqa: F401 - tests reach the cookie scripts through the gate
    _post,  # noqa: F401
    cookie_url,
    emit_cookie_request,
    just_signed_in,
)
from zoelife.ui.sign_in_screens import change_password_screen, sign_in_screen

REFUSAL = "This page is not available to your account. Ask an administrator if you need access."

__all__ = ["COOKIE_NAME", "REFUSAL", "TOKEN_KEY", "actor", "change_password_screen",
           "client_address", "cookie_url", "current_user", "emit_cookie_request",
           "just_signed_in", "require", "sign_in_screen", "sign_out"]


def require(*roles: str, activity: bool = True) -> SessionUser:
    """Stop the page unless a signed-in user holds one of `roles` (any role when empty)."""
    user = current_user(activity=activity)
    if user is None:
        sign_in_screen()
        st.stop()
    if user.must_change_password:
        change_password_screen(user, forced=True)
        st.stop()
    if roles and not user.has(*roles):
        st.error(REFUSAL, icon=":material/block:")
        st.stop()
    emit_cookie_request()
    _watch_sign_in()
    return user


SESSION_CHECK_ENV = "ZOELIFE_SESSION_CHECK_SECONDS"
DEFAULT_SESSION_CHECK_SECONDS = config.VARIABLES[SESSION_CHECK_ENV].default


def session_check_seconds() -> float:
    """How often an open page re-checks its sign-in (default 15 s; the browser tests shorten
    it). Between checks a lapsed page may show what it showed for at most this long."""
    return config.get(SESSION_CHECK_ENV)


def _watch_sign_in() -> None:
    """A timer on every signed-in page: when the sign-in has lapsed (idle or absolute limit),
    been ended (signed out elsewhere, password changed) or the account was disabled or its
    roles changed, rerun the whole page, whose gate then shows the sign-in screen instead of
    the patient data still on screen. The check is not activity: an open page left alone
    must not keep its sign-in alive."""

    @st.fragment(run_every=dt.timedelta(seconds=session_check_seconds()))
    @faults_shown(key="sign_in_watch_retry")  # its automatic runs are outside the page's handler
    def sign_in_watch() -> None:
        if current_user(activity=False) is None:
            st.rerun(scope="app")

    sign_in_watch()
