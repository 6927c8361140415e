"""The foot of the request page: what happened to the request, newest first: its contact
attempts, its status moves with why, later submissions attached to it, and the requests
merged into it. Public text is shown as text or escaped."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from zoelife.ui import request_widgets as w
from zoelife.ui.components import escape_markdown
from zoelife.ui.request_view import RequestView
from zoelife.ui.tables import people_table
from zoelife.vocabulary import label


def show(view: RequestView) -> None:
    detail = view.detail
    st.divider()
    h1, h2 = st.columns(2)
    with h1:
        st.markdown("**Contact attempts**")
        if detail.attempts:
            people_table(pd.DataFrame([{
                "When": view.fmt(a.attempted_at), "Who": view.staff(a.staff_user_id), "How": label(a.method),
                "Outcome": label(a.outcome), "Note": a.note or ""} for a in detail.attempts]),
                hide_index=True, width="stretch")
        else:
            st.caption("No attempts yet.")
    with h2:
        st.markdown("**Status history**")
        if detail.status_history:
            people_table(pd.DataFrame([{
                "When": view.fmt(h.changed_at), "Who": view.staff(h.changed_by),
                "Move": f"{label(h.from_status)} -> {label(h.to_status)}",
                "Why": " ".join(x for x in (label(h.close_reason) if h.close_reason else "",
                                            h.reason or "") if x)} for h in detail.status_history]),
                hide_index=True, width="stretch")
        else:
            st.caption("No status changes yet.")
    if detail.submissions:
        st.markdown("**Later submissions attached to this request**")
        for sub in detail.submissions:
            st.caption(f"{view.fmt(sub.received_at)} via {label(sub.channel)} ({escape_markdown(sub.source)})")
            st.text(sub.message or "")
    if detail.duplicates:
        st.markdown("**Requests merged into this one**")
        for d in detail.duplicates:
            if st.button(f"#{d.id} received {view.fmt(d.received_at)}", key=f"dup_open_{d.id}"):
                w.open_request(d.id)
