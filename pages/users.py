"""Staff accounts (admin): add, disable and re-enable, reset passwords, set roles, end sign-ins."""

import pandas as pd
import streamlit as st

from zoelife import audit
from zoelife.security import accounts, sessions
from zoelife.security.passwords import MIN_LENGTH, PasswordRejected
from zoelife.ui import request_widgets as w
from zoelife.ui.components import page_header
from zoelife.ui.db import reading, writing
from zoelife.ui.gate import actor, require
from zoelife.ui.tables import people_table
from zoelife.vocabulary import ROLES, label

user = require("admin")
page_header("Staff accounts", "Who may sign in, with which roles. Every change is audited.")
w.show_flash()

with reading() as session:
    staff = accounts.list_users(session)
    open_counts: dict[int, int] = {}
    for row in sessions.open_sessions(session):
        open_counts[row.user_id] = open_counts.get(row.user_id, 0) + 1

people_table(
    pd.DataFrame([{
        "User name": u.username,
        "Name": u.display_name,
        "Email": u.email or "",
        "Roles": ", ".join(label(r) for r in sorted(u.role_names)),
        "Active": u.is_active,
        "Must change password": u.must_change_password,
        "Open sign-ins": open_counts.get(u.id, 0),
    } for u in staff]),
    hide_index=True, width="stretch",
)


def _run(action, success: str) -> None:
    try:
        with writing() as session:
            changed = action(session)
    except (accounts.AccountError, PasswordRejected) as exc:
        st.error(str(exc))
        return
    if changed is False:
        st.info("Nothing to change.")
    else:
        w.flash("success", success)
        st.rerun()


with st.expander("Add an account", icon=":material/person_add:"):
    with st.form("add_user", clear_on_submit=True):
        username = st.text_input("User name")
        display_name = st.text_input("Full name")
        email = st.text_input("Email (for single sign-on)")
        roles = st.multiselect("Roles", ROLES, format_func=label)
        sso_only = st.checkbox("Signs in through single sign-on only (no password)")
        password = st.text_input(f"Temporary password (at least {MIN_LENGTH} characters)",
                                 type="password", autocomplete="new-password")
        repeat = st.text_input("Repeat the temporary password", type="password",
                               autocomplete="new-password")
        add = st.form_submit_button("Add account", type="primary")
    if add:
        if not sso_only and password != repeat:
            st.error("The two passwords differ.")
        else:
            _run(lambda s: accounts.create_user(
                s, username, None if sso_only else password, roles,
                display_name=display_name or None, email=email or None, actor=actor(user),
                must_change_password=not sso_only),
                f"Account {username.strip()} added. They choose their own password at first "
                "sign-in." if not sso_only else f"Account {username.strip()} added.")

st.subheader("Manage an account")
by_name = {u.username: u for u in staff}
chosen = st.selectbox("Account", list(by_name), index=None, placeholder="Choose an account")
if chosen:
    target = by_name[chosen]
    st.caption("Active" if target.is_active else "Disabled")
    col_roles, col_state = st.columns(2)
    with col_roles, st.form("roles"):
        new_roles = st.multiselect("Roles", ROLES, default=sorted(target.role_names),
                                   format_func=label)
        if st.form_submit_button("Save roles"):
            _run(lambda s: accounts.set_roles(s, accounts.get_user(s, target.id), new_roles,
                                              actor=actor(user)),
                 "Roles saved. Their open sign-ins end at their next action.")
    with col_state:
        if target.is_active:
            if st.button("Disable account", icon=":material/block:", disabled=target.id == user.user_id,
                         help="You cannot disable your own account."):
                _run(lambda s: accounts.set_active(s, accounts.get_user(s, target.id), False,
                                                   actor=actor(user)),
                     "Account disabled; its sign-ins have ended.")
        elif st.button("Re-enable account", icon=":material/check_circle:"):
            _run(lambda s: accounts.set_active(s, accounts.get_user(s, target.id), True,
                                               actor=actor(user)), "Account re-enabled.")
        if st.button("End all sign-ins", icon=":material/logout:"):
            def _end(s):

                count = sessions.end_all_for_user(s, target.id, "ended_by_admin")
                audit.record(s, actor(user), "user.end_sessions", "staff_user", target.id,
                             {"count": count})
                return count > 0
            _run(_end, "Their sign-ins have ended.")
    with st.form("reset_password", clear_on_submit=True):
        st.markdown("**Reset password**: they must choose a new one at their next sign-in.")
        temp = st.text_input("Temporary password", type="password", autocomplete="new-password")
        temp_repeat = st.text_input("Repeat the temporary password", type="password",
                                    autocomplete="new-password")
        if st.form_submit_button("Reset password"):
            if temp != temp_repeat:
                st.error("The two passwords differ.")
            else:
                _run(lambda s: accounts.reset_password(s, accounts.get_user(s, target.id), temp,
                                                       actor=actor(user)),
                     "Password reset; their sign-ins have ended.")
    with st.form("profile"):
        new_name = st.text_input("Full name", value=target.display_name)
        new_email = st.text_input("Email", value=target.email or "")
        if st.form_submit_button("Save details"):
            _run(lambda s: accounts.update_profile(s, accounts.get_user(s, target.id),
                                                   display_name=new_name, email=new_email,
                                                   actor=actor(user)), "Details saved.")
