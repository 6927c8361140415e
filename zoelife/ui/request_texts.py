"""The request page's texts, calls and voicemails: the thread of this request's messages,
oldest first, and the form that texts the person (or why it may not: no consent, STOP, closed,
texting off). Drawn by `conversation_panel`, the same as in the inbox."""

from __future__ import annotations

import streamlit as st

from zoelife.conversations import consent, inbox
from zoelife.ui import conversation_panel
from zoelife.ui.db import reading
from zoelife.ui.request_view import RequestView


def show(view: RequestView, *, clinic: str) -> None:
    r = view.request
    with reading() as session:
        texts = inbox.request_messages(session, r.id)
        allowed, why = consent.may_text(session, r)
    st.markdown("**Texts, calls and voicemails**")
    conversation_panel.show_thread(texts, zone=view.zone, staff_names=view.detail.staff_names)
    conversation_panel.send_form(r.id, first_name=r.first_name, clinic=clinic, allowed=allowed,
                                 why=why, who=view.who, key=f"text_{r.id}")
