"""My account: change my password, see and end my sign-ins."""

import pandas as pd
import streamlit as st

from zoelife import audit, settings
from zoelife.security import sessions
from zoelife.ui.components import local_time, page_header
from zoelife.ui.db import reading, writing
from zoelife.ui.gate import actor, change_password_screen, require
from zoelife.ui.tables import people_table

user = require()
page_header("My account", f"Signed in as {user.username}.")

st.subheader("Change my password")
if user.method == "oidc":
    st.caption("You signed in through single sign-on; your password is managed there.")
change_password_screen(user)

st.subheader("My sign-ins")
with reading() as session:
    mine = sessions.open_sessions(session, user.user_id)
    zone = settings.clinic_zone(session)
people_table(pd.DataFrame([{
    "This one": row.id == user.session_id,
    "Since": local_time(row.created_at, zone),
    "Last activity": local_time(row.last_activity_at, zone),
    "Ends at the latest": local_time(row.expires_at, zone),
    "How": "single sign-on" if row.method == "oidc" else "password",
    "From": row.client_address or "",
} for row in mine]), hide_index=True, width="stretch")
others = [row for row in mine if row.id != user.session_id]
if others and st.button("Sign out everywhere else", icon=":material/logout:"):
    with writing() as session:
        ended = sum(sessions.end_by_id(session, row.id, "ended_by_user") for row in others)
        audit.record(session, actor(user), "user.end_sessions", "staff_user", user.user_id,
                     {"count": ended})
    st.rerun()
