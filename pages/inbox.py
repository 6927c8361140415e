"""The shared inbox: every number's texts, missed calls and voicemails; urgent ones on top,
then the unread, then the most recent. Opening one marks it read; answering claims it."""

import datetime as dt

import pandas as pd
import streamlit as st

from zoelife import settings
from zoelife.conversations import consent, inbox
from zoelife.db.models import Request
from zoelife.intake.normalize import format_phone
from zoelife.ui import conversation_panel as panel
from zoelife.ui import request_widgets as w
from zoelife.ui.components import empty_state, page_header, relative_time
from zoelife.ui.db import faults_shown, reading, writing
from zoelife.ui.gate import actor, require
from zoelife.ui.tables import people_table
from zoelife.vocabulary import label

PAGE_SIZE = 25

user = require("front_desk")
who = actor(user)
page_header("Inbox", "Texts, missed calls and voicemails from the public: urgent first, then "
            "unread. Opening a conversation marks it read; answering it claims it.")
w.show_flash()
w.watch_arrivals()


SHOWN_KEY = "_inbox_shown_ids"
PICKED_KEY = "_inbox_picked_rows"
OPEN_KEY = "_inbox_open_id"


@st.fragment(run_every=dt.timedelta(seconds=w.queue_refresh_seconds()))
@faults_shown(key="inbox_retry")
def conversations() -> None:
    now = dt.datetime.now(dt.UTC)
    with reading() as session:
        total, unread = inbox.count(session)
        zone = settings.clinic_zone(session)
        clinic = settings.get(session, "clinic_name")
    if not total:
        empty_state("No conversations yet.",
                    "Texts, missed calls and voicemails to the clinic's Twilio number appear "
                    "here.")
        return
    st.caption(f"{total} conversation{'s' if total != 1 else ''}, {unread} unread.")
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    number = st.number_input("Page", min_value=1, max_value=pages, value=1, step=1,
                             key="inbox_page") if pages > 1 else 1
    with reading() as session:
        rows = inbox.page(session, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    frame = pd.DataFrame([{
        "": "● " if r.unread else "",
        "Crisis": label(r.crisis_level) if r.crisis_level != "none" else "",
        "Name": r.name + (" (possible match)" if r.possible_match else ""),
        "Phone": format_phone(r.phone) or r.phone,
        "Last": relative_time(r.last_message_at, now),
        "Message": r.preview,
        "Claimed by": r.claimed_by or "",
        "Request": f"#{r.request_id}" if r.request_id else ""} for r in rows])
    # The conversation open is kept by its id, not by its row: a refresh that puts a new
    # urgent conversation on top must not switch what the reader has open (nor mark the
    # other one read).
    # A new selection is a click on the table as the previous run drew it.
    drawn = st.session_state.get(SHOWN_KEY) or [r.conversation_id for r in rows]
    picked = people_table(frame, hide_index=True, width="stretch", on_select="rerun",
                          selection_mode="single-row", key="inbox_table")
    chosen = list(picked.selection.rows) if picked is not None else []
    if chosen != st.session_state.get(PICKED_KEY, []):
        st.session_state[PICKED_KEY] = chosen
        st.session_state[OPEN_KEY] = (drawn[chosen[0]] if chosen and chosen[0] < len(drawn)
                                      else None)
    st.session_state[SHOWN_KEY] = [r.conversation_id for r in rows]
    open_id = st.session_state.get(OPEN_KEY)
    with reading() as session:
        found = inbox.page(session, conversation_id=open_id, limit=1) if open_id else []
    if not found:
        st.caption("Select a conversation to read and answer it.")
        return
    row = found[0]
    if row.unread:
        with writing() as session:
            inbox.mark_read(session, row.conversation_id, actor=who)
    with reading() as session:
        messages = inbox.thread(session, row.conversation_id)
        request = session.get(Request, row.request_id) if row.request_id else None
        allowed, why = (consent.may_text(session, request) if request is not None
                        else (False, "No request for this number: nothing to answer from."))
        names = inbox.staff_names(session, messages)
    st.subheader(row.name)
    if row.possible_match:
        st.warning("Open requests of several people share this number: check who wrote "
                   "before answering.", icon=":material/group:")
    c1, c2 = st.columns(2)
    if request is not None and c1.button(f"Open request #{request.id}", key="inbox_open"):
        w.open_request(request.id)
    if row.claimed_by is None and c2.button("Claim", key="inbox_claim"):
        with writing() as session:
            inbox.claim(session, row.conversation_id, actor=who)
        st.rerun()
    panel.show_thread(messages, zone=zone, staff_names=names)
    if request is not None:
        panel.send_form(request.id, first_name=request.first_name, clinic=clinic,
                        allowed=allowed, why=why, who=who, key=f"inbox_{row.conversation_id}")


conversations()
