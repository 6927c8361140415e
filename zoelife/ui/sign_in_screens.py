"""The screens shown instead of a page: sign in (local account or single sign-on), change the
password (forced after an administrator's reset), and the first run, which creates the first
administrator with the one-time setup code the server printed."""

from __future__ import annotations

import streamlit as st

from zoelife import audit
from zoelife.security import accounts, auth, sessions, setup_code
from zoelife.security.passwords import MIN_LENGTH, PasswordRejected
from zoelife.security.sessions import SessionUser
from zoelife.ui.components import signed_out_urgent_count
from zoelife.ui.db import get_engine, reading, writing
from zoelife.ui.sign_in import (
    SSO_REFUSED_KEY,
    actor,
    client_address,
    sso_configured,
    sso_providers,
)
from zoelife.ui.sign_in_cookie import emit_cookie_clear, signed_in


def sign_in_screen() -> None:

    emit_cookie_clear()
    with reading() as session:
        first_run = not accounts.has_admin(session)
    if first_run:
        first_run_screen()
        return
    st.title("Sign in")
    signed_out_urgent_count()
    refused = st.session_state.get(SSO_REFUSED_KEY)
    if refused:
        st.error(refused)
        if st.button("Sign out of single sign-on", key="sso_sign_out"):
            st.session_state.pop(SSO_REFUSED_KEY, None)
            st.logout()
    elif sso_configured():
        for provider in sso_providers():
            title = "Sign in with single sign-on" + (f" ({provider})" if provider else "")
            if st.button(title, type="primary", key=f"sso_{provider or 'default'}"):
                if provider:
                    st.login(provider)
                else:
                    st.login()
        st.caption("Or sign in with a local account:")
    with st.form("sign_in", enter_to_submit=True):
        username = st.text_input("User name", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password",
                                 max_chars=512)
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        # Bounded per address and overall inside auth (ratelimit); the password is checked
        # before any write lock is taken (auth.sign_in_engine).
        result = auth.sign_in_engine(get_engine(), username, password,
                                     client_address=client_address())
        if result.token:
            signed_in(result.token)
            st.rerun()
        else:
            st.error(result.message)


def change_password_screen(user: SessionUser, *, forced: bool = False) -> None:
    if forced:
        st.title("Choose a new password")
        st.info("An administrator reset your password. Choose a new one to continue.")
    with st.form("change_password", clear_on_submit=True):
        current = st.text_input("Current password", type="password",
                                autocomplete="current-password")
        new = st.text_input(f"New password (at least {MIN_LENGTH} characters)", type="password",
                            autocomplete="new-password")
        repeat = st.text_input("Repeat the new password", type="password",
                               autocomplete="new-password")
        submitted = st.form_submit_button("Change password", type="primary")
    if not submitted:
        return
    if new != repeat:
        st.error("The two new passwords differ.")
        return
    wrong = None
    try:
        with writing() as session:
            account = accounts.get_user(session, user.user_id)
            try:
                auth.change_own_password(session, account, current, new, actor=actor(user),
                                             keep_session_id=user.session_id)
            except auth.WrongCurrentPassword as exc:
                wrong = exc  # leave the block normally: the counted failure is kept
    except (PasswordRejected, accounts.AccountError) as exc:
        st.error(str(exc))
        return
    if wrong is not None:
        st.error(str(wrong))
        return
    st.success("Your password was changed.")
    if forced:
        st.rerun()


def first_run_screen() -> None:
    st.title("Welcome to Zoelife Intake")
    st.write(
        "No administrator exists yet. Create the first administrator account; "
        "there is no default account."
    )
    st.info("To show that you run this server, enter the one-time setup code that "
            "`zoelife db upgrade` printed on the server's console (`make run` runs it). "
            "Run it again for a new code, or create the administrator on the server with "
            "`zoelife users add NAME --role admin`.", icon=":material/key:")
    with st.form("first_admin"):
        code = st.text_input("Setup code", type="password", autocomplete="one-time-code",
                             max_chars=64)
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
    who = audit.Actor(None, "first-run", client_address())
    try:
        with writing() as session:
            if accounts.has_admin(session):
                st.error("An administrator was created meanwhile. Sign in instead.")
                return
            # One transaction: the code is spent only with the administrator it created; a
            # wrong code leaves the block normally, so its audit row is kept.
            code_ok = setup_code.redeem(session, code, actor=who)
            if code_ok:
                user = accounts.create_user(session, username, password, roles,
                                            display_name=display_name or username, actor=who)
                token = sessions.start(session, user, client_address=client_address())
    except (accounts.AccountError, PasswordRejected) as exc:
        st.error(str(exc))
        return
    if not code_ok:
        st.error("That setup code is not right. Enter the latest code `zoelife db upgrade` "
                 "printed on the server's console.")
        return
    signed_in(token)
    if load_demo:
        from zoelife import demo

        bar = st.progress(0.0, text="Loading the demo clinic…")
        demo.load_demo(get_engine(), requests=5000, seed=7,
                       progress=lambda done, total: bar.progress(min(done / total, 1.0),
                                                                 text="Loading the demo clinic…"))
    st.rerun()
