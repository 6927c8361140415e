"""The sign-in gate: who is signed in, what they may open, the sign-in and first-run screens.

Every page calls `require(role, ...)` first, so a page opened by URL without the role shows a
refusal and never its data, whether or not it was reached through the navigation.
"""

from __future__ import annotations

import streamlit as st

from zoelife import audit
from zoelife.security import accounts, auth, sessions
from zoelife.security.passwords import PasswordRejected
from zoelife.security.sessions import SessionUser
from zoelife.ui.db import reading, writing

TOKEN_KEY = "zoelife_token"
COOKIE_NAME = "zoelife_session"
# Set by automatic refreshes (fragments) so they read the sign-in without extending it.
_USER_CACHE_KEY = "_zoelife_user_this_run"


def client_address() -> str | None:
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - not available outside a browser session
        return None
    # Under AppTest the context is a mock; only a real address string is recorded.
    return address if isinstance(address, str) else None


def _token() -> str | None:
    token = st.session_state.get(TOKEN_KEY)
    if token:
        return token
    try:
        value = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no cookies outside a browser session
        return None
    return value if isinstance(value, str) else None


def current_user(*, activity: bool = True) -> SessionUser | None:
    """The signed-in user, or None. `activity=False` for automatic refreshes."""
    token = _token()
    if not token:
        return None
    with writing() as session:
        user = sessions.resolve(session, token, activity=activity)
    if user is None:
        st.session_state.pop(TOKEN_KEY, None)
        return None
    st.session_state[TOKEN_KEY] = token
    return user


def actor(user: SessionUser | None) -> audit.Actor:
    if user is None:
        return audit.Actor(None, "anonymous", client_address())
    return audit.Actor(user.user_id, user.username, client_address())


def require(*roles: str, activity: bool = True) -> SessionUser:
    """Stop the page unless a signed-in user holds one of `roles` (any role when empty)."""
    user = current_user(activity=activity)
    if user is None:
        sign_in_screen()
        st.stop()
    if roles and not user.has(*roles):
        st.error(
            "This page is not available to your account. "
            "Ask an administrator if you need access."
        )
        st.stop()
    return user


def sign_out() -> None:
    token = _token()
    with writing() as session:
        user = sessions.resolve(session, token, activity=False)
        if sessions.end(session, token) and user is not None:
            audit.record(session, actor(user), "sign_out", "staff_user", user.user_id, {})
    st.session_state.pop(TOKEN_KEY, None)


def sign_in_screen() -> None:
    from zoelife.ui.components import signed_out_urgent_count

    with reading() as session:
        first_run = not accounts.has_admin(session)
    if first_run:
        first_run_screen()
        return
    st.title("Sign in")
    signed_out_urgent_count()
    with st.form("sign_in", enter_to_submit=True):
        username = st.text_input("User name", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        with writing() as session:
            result = auth.sign_in(session, username, password, client_address=client_address())
        if result.token:
            st.session_state[TOKEN_KEY] = result.token
            st.rerun()
        else:
            st.error(result.message)


def first_run_screen() -> None:
    st.title("Welcome to Zoelife Intake")
    st.write(
        "No administrator exists yet. Create the first administrator account; "
        "there is no default account."
    )
    with st.form("first_admin"):
        username = st.text_input("Administrator user name")
        display_name = st.text_input("Full name")
        password = st.text_input("Password (at least 12 characters)", type="password",
                                 autocomplete="new-password")
        repeat = st.text_input("Repeat the password", type="password",
                               autocomplete="new-password")
        also_front_desk = st.checkbox("This person also works the front desk", value=True)
        load_demo = st.checkbox("Load the demo clinic (fictional people, for trying things out)")
        submitted = st.form_submit_button("Create administrator", type="primary")
    if not submitted:
        return
    if password != repeat:
        st.error("The two passwords differ.")
        return
    roles = {"admin", "front_desk", "manager"} if also_front_desk else {"admin"}
    try:
        with writing() as session:
            if accounts.has_admin(session):
                st.error("An administrator was created meanwhile. Sign in instead.")
                return
            user = accounts.create_user(session, username, password, roles,
                                        display_name=display_name or username,
                                        actor=audit.Actor(None, "first-run", client_address()))
            token = sessions.start(session, user, client_address=client_address())
    except (accounts.AccountError, PasswordRejected) as exc:
        st.error(str(exc))
        return
    st.session_state[TOKEN_KEY] = token
    if load_demo:
        from zoelife import demo
        from zoelife.ui.db import get_engine

        bar = st.progress(0.0, text="Loading the demo clinic…")
        demo.load_demo(get_engine(), requests=5000, seed=7,
                       progress=lambda done, total: bar.progress(min(done / total, 1.0),
                                                                 text="Loading the demo clinic…"))
    st.rerun()
