"""One request, the whole story on one screen, and every action the front desk takes on it.
Layout only: each part is a component of `zoelife/ui/`."""

import datetime as dt

import streamlit as st

from zoelife import audit, settings
from zoelife.intake import lifecycle, queue
from zoelife.ui import (
    attempt_form,
    coverage_panel,
    crisis_panel,
    details_form,
    merge_link_panel,
    next_step_form,
    prescreen_form,
    request_summary,
    request_texts,
    request_timeline,
    status_form,
    worklist,
)
from zoelife.ui import request_widgets as w
from zoelife.ui.components import page_header
from zoelife.ui.db import reading, writing
from zoelife.ui.gate import actor, require
from zoelife.ui.request_view import RequestView

user = require("front_desk")
who = actor(user)

raw_id = st.query_params.get("id") or st.session_state.get(w.REQUEST_ID_KEY)
try:
    request_id = int(raw_id) if raw_id is not None else None
except ValueError:
    request_id = None
if request_id is None:
    page_header("Request")
    st.info("Pick a request from the queue.")
    st.page_link("pages/queue.py", label="Open the queue", icon=":material/inbox:")
    st.stop()
st.session_state[w.REQUEST_ID_KEY] = request_id
if st.query_params.get("id") != str(request_id):
    st.query_params["id"] = str(request_id)

# The version this screen last showed: edits are checked against it, not against a fresh read.
SEEN_KEY = f"_seen_version_{request_id}"
seen_version = st.session_state.get(SEEN_KEY)

with reading() as session:
    detail = queue.request_detail(session, request_id)
    values = settings.load(session)
    zone = settings.clinic_zone(session)
    desk = lifecycle.front_desk_users(session)
    merge_targets = (queue.open_request_ids_for_merge(session, request_id, detail.request.person_id)
                     if detail else [])
if detail is None:
    page_header("Request")
    st.error(f"Request {request_id} does not exist.")
    st.stop()

r = detail.request
view = RequestView(detail, who, r.version if seen_version is None else seen_version, zone,
                   dt.datetime.now(dt.UTC))

# Viewing a request is audited once per page open, not on every rerun.
if st.session_state.get(w.VIEW_LOGGED_KEY) != request_id:
    with writing() as session:
        audit.record(session, who, "request.view", "request", request_id, {})
    st.session_state[w.VIEW_LOGGED_KEY] = request_id

page_header(f"Request #{r.id}")
w.show_flash()
w.watch_arrivals()
worklist.request_nav(r.id, user_id=user.user_id, zone=zone, now=view.now)
request_summary.header(view)
crisis_panel.protocol(view, protocol_text=values["crisis_protocol_text"],
                      escalation_step=values["crisis_escalation_step"])

left, right = st.columns([3, 2])
with left:
    request_summary.message(r)
with right:
    request_summary.contact(view)

st.divider()
attempt_form.unreachable_offer(r, who=who, seen_version=view.seen_version,
                               max_attempts=values["max_contact_attempts"])
next_step_form.next_step_panel(r, who=who, seen_version=view.seen_version, zone=zone,
                               now=view.now)

# Keyed, so a rerun from inside a tab (picking a move, saving) stays on that tab.
(tab_attempt, tab_status, tab_assign, tab_crisis, tab_details, tab_note, tab_people, tab_elig,
 tab_coverage) = st.tabs(["Log attempt", "Status", "Assign", "Crisis level", "Details", "Note",
                          "People", "Eligibility", "Coverage"], key=f"request_tab_{r.id}",
                         on_change="rerun")
with tab_attempt:
    attempt_form.attempt_panel(r, who=who, seen_version=view.seen_version, zone=zone)
with tab_status:
    status_form.status_panel(r, who=who, seen_version=view.seen_version, zone=zone)
    merge_link_panel.merge_form(view, merge_targets)
with tab_assign:
    details_form.assign_panel(view, desk)
with tab_crisis:
    crisis_panel.level_form(view)
with tab_details:
    details_form.details_panel(view)
with tab_note:
    details_form.note_panel(view)
with tab_people:
    merge_link_panel.link_panel(view)
with tab_elig:
    prescreen_form.show(view)
with tab_coverage:
    coverage_panel.show(r, who=who, seen_version=view.seen_version, zone=zone,
                        treatments=detail.treatments, now=view.now)

request_timeline.show(view)
request_texts.show(view, clinic=values["clinic_name"])

st.session_state[SEEN_KEY] = r.version
