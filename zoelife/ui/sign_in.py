"""Who is signed in: the server-side sign-in row (zoelife.security.sessions) the tab's token
or the browser's cookie names (`sign_in_cookie`), or a single sign-on through `st.login`, which
starts one; the client's address for audit rows; signing out."""

from __future__ import annotations

import datetime as dt
import logging
from typing import NoReturn

import streamlit as st

from zoelife import audit, settings
from zoelife.db.engine import DatabaseUnavailable
from zoelife.security import auth, sessions
from zoelife.security.sessions import SessionUser
from zoelife.ui.db import reading, writing
from zoelife.ui.sign_in_cookie import (
    CLEAR_COOKIE_KEY,
    GRANT_KEY,
    TOKEN_KEY,
    cookie_token,
    sign_in_token,
    signed_in,
)

log = logging.getLogger(__name__)

SSO_REFUSED_KEY = "_zoelife_sso_refused"
HAD_SESSION_KEY = "_zoelife_had_session"


def client_address(*, forwarded: bool = False) -> str | None:
    """The client's address as Streamlit reports it (audit rows, sign-ins, the sign-in limit):
    None for a connection from this machine (Streamlit gives no address for localhost, as
    when a reverse proxy on the same machine forwards every visitor) and where there is no
    real client (outside a session, AppTest's stand-in context).

    `forwarded=True`, for the per-address bound on anonymous page runs: for a connection from
    this machine, the last X-Forwarded-For hop the proxy added, or "local"; still None where
    there is no real client, which is not bounded."""
    try:
        address = st.context.ip_address
        headers = st.context.headers if forwarded else None
    except Exception:  # noqa: BLE001 - not available outside a browser session
        return None
    if isinstance(address, str):
        return address
    if address is not None or not forwarded:
        return None  # AppTest's mock context records no address
    hops = headers.get("X-Forwarded-For") if hasattr(headers, "get") else None
    if isinstance(hops, str) and hops.strip():
        return hops.split(",")[-1].strip()[:64]
    return "local"


def sso_user_email() -> tuple[bool, str | None, int | None, bool | None]:
    """(logged in through st.login, email claim, issued-at claim, email_verified claim)."""
    try:
        user = st.user
        if not user.get("is_logged_in", False):
            return False, None, None, None
        email = user.get("email")
        iat = user.get("iat")
        verified = user.get("email_verified")
    except Exception:  # noqa: BLE001 - no auth configured or outside a session
        return False, None, None, None
    if isinstance(verified, str):  # some providers send the claim as a string
        verified = {"true": True, "false": False}.get(verified.strip().lower())
    return (True, email if isinstance(email, str) else None,
            iat if isinstance(iat, int) else None,
            verified if isinstance(verified, bool) else None)


def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets.toml at all
        return False


def sso_providers() -> list[str | None]:
    """Named `[auth.NAME]` sections, or [None] for a single unnamed provider."""
    try:
        section = st.secrets["auth"]
        names = [k for k, v in section.items() if hasattr(v, "items")]
    except Exception:  # noqa: BLE001
        return [None]
    return names or [None]


def current_user(*, activity: bool = True) -> SessionUser | None:
    """The signed-in user, or None. `activity=False` for automatic refreshes."""
    token = sign_in_token()
    user = None
    if token:
        # Read first: a write transaction (the process-wide write lock on SQLite) only when a
        # lapsed sign-in must be ended or activity is due (at most once a minute).
        with reading() as session:
            user, needs_write = sessions.peek(session, token, activity=activity)
        if needs_write:
            try:
                with writing() as session:
                    user = sessions.resolve(session, token, activity=activity)
            except DatabaseUnavailable as exc:
                # Recording activity must not block reading: a read-only, full or busy
                # database keeps the peeked answer (a lapsed sign-in stays signed out) and
                # the page's own reads go on; its writes show the fault.
                log.warning("sign-in activity not recorded: %s", exc.reason)
    if user is not None:
        st.session_state[TOKEN_KEY] = token
        st.session_state[HAD_SESSION_KEY] = user.method
        return user
    st.session_state.pop(TOKEN_KEY, None)
    return _from_sso(token)


def _from_sso(stale_token: str | None) -> SessionUser | None:
    logged_in, email, iat, verified = sso_user_email()
    if not logged_in:
        if stale_token and stale_token == cookie_token() and sso_configured():
            # The browser still holds the cookie of an ended sign-in (st.logout's round trip
            # cannot clear it): drop it, or the next single sign-on would be ended as its own.
            st.session_state[CLEAR_COOKIE_KEY] = True
        return None
    if st.session_state.pop(HAD_SESSION_KEY, None) == "oidc" or stale_token:
        # The app's own sign-in ended (idle, absolute limit, sign-out, disabled): end the
        # provider's 30-day cookie too, so a reload cannot start a fresh sign-in silently.
        _logout()
    if st.session_state.get(SSO_REFUSED_KEY):
        return None
    with reading() as session:
        idle = settings.get(session, "idle_timeout_minutes")
    now = dt.datetime.now(dt.UTC)
    if iat is not None and now - dt.datetime.fromtimestamp(iat, dt.UTC) > dt.timedelta(minutes=idle):
        # A provider sign-in older than the idle limit may not open a new app sign-in.
        _logout()
    with writing() as session:
        result = auth.sign_in_sso(session, email, client_address=client_address(),
                                  email_verified=verified)
    if result.token is None:
        st.session_state[SSO_REFUSED_KEY] = result.message
        return None
    signed_in(result.token)
    with writing() as session:
        return sessions.resolve(session, result.token)


def _logout() -> NoReturn:
    """st.logout(), then end this run. st.logout() only queues a redirect for the browser, and
    Streamlit starts every new run by dropping what is still queued: a rerun after it (the sign-out
    button's, the queue's automatic refresh) would lose the redirect and leave the 30-day identity
    cookie to sign in again."""
    st.logout()
    st.stop()


def actor(user: SessionUser | None) -> audit.Actor:
    if user is None:
        return audit.Actor(None, "anonymous", client_address())
    return audit.Actor(user.user_id, user.username, client_address())


def sign_out() -> None:
    """End this tab's sign-in and the cookie's sign-in on the server, then clear the cookie."""
    with writing() as session:
        for token in {st.session_state.get(TOKEN_KEY), cookie_token()} - {None}:
            user = sessions.resolve(session, token, activity=False)
            if sessions.end(session, token) and user is not None:
                audit.record(session, actor(user), "sign_out", "staff_user", user.user_id, {})
    st.session_state.pop(TOKEN_KEY, None)
    st.session_state.pop(GRANT_KEY, None)
    if st.session_state.pop(HAD_SESSION_KEY, None) == "oidc" and sso_user_email()[0]:
        # One navigation only: a /auth/signout redirect beside st.logout's could cancel it and
        # leave Streamlit's identity cookie behind. The page it lands on drops our cookie.
        st.session_state[CLEAR_COOKIE_KEY] = "sent"
        _logout()
    else:
        st.session_state[CLEAR_COOKIE_KEY] = True
