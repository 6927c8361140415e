"""The front desk's queue: every open request, most urgent first."""

import datetime as dt

import pandas as pd
import streamlit as st

from zoelife import settings
from zoelife.intake import lifecycle, queue
from zoelife.ui import request_widgets as w
from zoelife.ui.components import local_time, page_header, relative_time
from zoelife.ui.db import faults_shown, reading
from zoelife.ui.gate import actor, current_user, require
from zoelife.ui.tables import people_table
from zoelife.vocabulary import CHANNELS, CRISIS_LEVELS, STATUSES, TREATMENTS, label

user = require("front_desk")
st.session_state.pop(w.VIEW_LOGGED_KEY, None)  # reopening a request is a new view
page_header("Queue", "Every open request: unacknowledged urgent first, then urgent, review, "
                     "overdue, then oldest first.")
w.show_flash()
now = dt.datetime.now(dt.UTC)

# --------------------------------------------------------------------------- crisis banner
with reading() as session:
    waiting = queue.count_unacknowledged_urgent(session)
    urgent = queue.unacknowledged_urgent(session, limit=10) if waiting else []
    zone = settings.clinic_zone(session)
    page_size = settings.get(session, "queue_page_size")
if waiting:
    with st.container(border=True):
        st.error(f"{waiting} urgent request{'s' if waiting != 1 else ''} need"
                 f"{'s' if waiting == 1 else ''} acknowledgement", icon=":material/emergency:")
        for request_id, name, received in urgent:
            c1, c2, c3 = st.columns([4, 1, 1], vertical_alignment="center")
            c1.text(f"#{request_id} {name}, received {relative_time(received, now)}")
            if c2.button("Acknowledge", key=f"ack_{request_id}", type="primary"):
                def _ack(s, rid=request_id):
                    return lifecycle.acknowledge(s, rid, actor=actor(user))
                w.perform(_ack, success=f"Request #{request_id} acknowledged.")
            if c3.button("Open", key=f"open_urgent_{request_id}"):
                w.open_request(request_id)

# --------------------------------------------------------------------------- filters
# Streamlit forgets the state of widgets a run did not draw, so after a visit to another page
# the filter widgets would come back empty (dates: today). Their values are kept under a
# non-widget key and put back before the widgets are drawn.
FILTER_KEYS = ("q_status", "q_treatment", "q_channel", "q_crisis", "q_assignee", "q_overdue",
               "q_from", "q_to", "q_search", "q_page")
for _key, _value in st.session_state.get("q_kept", {}).items():
    if _key not in st.session_state:
        st.session_state[_key] = _value
if "q_loaded" not in st.session_state:
    # First render: the URL's filters (a shared link reopens the same view).
    initial = queue.QueueFilters.from_query_params(st.query_params.to_dict())
    st.session_state.q_loaded = True
    st.session_state.q_status = list(initial.statuses)
    st.session_state.q_treatment = list(initial.treatments)
    st.session_state.q_channel = list(initial.channels)
    st.session_state.q_crisis = list(initial.crisis_levels)
    st.session_state.q_assignee = initial.assignee
    st.session_state.q_overdue = initial.overdue
    st.session_state.q_from = initial.date_from
    st.session_state.q_to = initial.date_to
    try:
        st.session_state.q_page = max(int(st.query_params.get("page", 1)), 1)
    except ValueError:
        st.session_state.q_page = 1

with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    statuses = c1.multiselect("Status", STATUSES, key="q_status", format_func=label,
                              placeholder="Open requests")
    treatments = c2.multiselect("Treatment", TREATMENTS, key="q_treatment", format_func=label,
                                placeholder="Any")
    channels = c3.multiselect("Channel", CHANNELS, key="q_channel", format_func=label,
                              placeholder="Any")
    crisis = c4.multiselect("Crisis level", CRISIS_LEVELS, key="q_crisis", format_func=label,
                            placeholder="Any")
    c5, c6, c7, c8, c9 = st.columns([1, 1, 1, 1, 2], vertical_alignment="bottom")
    assignee = c5.selectbox("Assignee", queue.ASSIGNEE_CHOICES, key="q_assignee",
                            format_func={"": "Anyone", "mine": "Mine",
                                         "unassigned": "Unassigned"}.get)
    date_from = c6.date_input("Received from", key="q_from", format="YYYY-MM-DD")
    date_to = c7.date_input("Received to", key="q_to", format="YYYY-MM-DD")
    overdue = c8.checkbox("Overdue only", key="q_overdue")
    search = c9.text_input("Search name, phone, email or message", key="q_search",
                           help="Not kept in the link: searches may hold patient details.")

filters = queue.QueueFilters(
    statuses=tuple(statuses), treatments=tuple(treatments), channels=tuple(channels),
    crisis_levels=tuple(crisis), assignee=assignee or "", overdue=bool(overdue),
    date_from=date_from, date_to=date_to, search=search or "",
)
signature = (filters.to_query_params(), filters.search)
if st.session_state.get("q_signature") not in (None, signature):
    st.session_state.q_page = 1  # a new filter starts on the first page
st.session_state.q_signature = signature

with reading() as session:
    rows, total = queue.queue_page(session, filters, now, page=st.session_state.q_page,
                                   page_size=page_size, user_id=user.user_id)
    pages = max((total + page_size - 1) // page_size, 1)
    if st.session_state.q_page > pages:  # a link to a page that no longer exists
        st.session_state.q_page = pages
        rows, total = queue.queue_page(session, filters, now, page=pages,
                                       page_size=page_size, user_id=user.user_id)

# The link reopens this view: filters and page, never the search text.
params = filters.to_query_params()
if st.session_state.q_page > 1:
    params["page"] = str(st.session_state.q_page)
if st.query_params.to_dict() != params:
    st.query_params.from_dict(params)
st.session_state.q_kept = {k: st.session_state[k] for k in FILTER_KEYS if k in st.session_state}


# --------------------------------------------------------------------------- new arrivals
@st.fragment(run_every=dt.timedelta(seconds=w.queue_refresh_seconds()))
@faults_shown(key="queue_watch_retry")  # its automatic runs are outside the page's handler
def watch_for_new_requests() -> None:
    # An automatic refresh is not user activity: it must not keep an idle sign-in alive.
    if current_user(activity=False) is None:
        # The sign-in lapsed (idle or absolute limit, ended elsewhere): rerun the whole page
        # so that its gate replaces the patient table with the sign-in screen, without a click.
        st.rerun(scope="app")
    with reading() as session:
        latest = queue.latest_request_id(session)
    seen = st.session_state.setdefault("q_latest_seen", latest)
    if latest > seen:
        st.session_state.q_latest_seen = latest
        w.flash("toast", "A new request arrived.")
        st.rerun(scope="app")


watch_for_new_requests()

# --------------------------------------------------------------------------- the table
st.caption(f"{total} request{'s' if total != 1 else ''}"
           + ("" if filters.is_default() else " match the filters"))


def _markers(r: queue.QueueRow) -> str:
    marks = []
    if not r.has_usable_contact:
        marks.append("No usable contact")
    if r.is_repeat:
        marks.append("Repeat")
    if r.possible_match:
        marks.append("Possible match")
    return ", ".join(marks)


def _crisis(r: queue.QueueRow) -> str:
    if r.crisis_level == "urgent":
        return "URGENT, not acknowledged" if not r.crisis_acknowledged else "Urgent"
    return label(r.crisis_level) if r.crisis_level != "none" else ""


table = pd.DataFrame(
    [{
        "#": r.id,
        "Received": relative_time(r.received_at, now),
        "Received at": local_time(r.received_at, zone, "%Y-%m-%d %H:%M"),
        "Name": r.name,
        "Submitted by": ("" if r.submitter == "self"
                         else f"{label(r.submitter)}: {r.submitter_name or ''}".rstrip(": ")),
        "Channel": label(r.channel),
        "Treatments": [label(t) for t in r.treatments],
        "Crisis": _crisis(r),
        "Status": label(r.status),
        "Assignee": r.assignee_name or "",
        "Due": w.due_text(r.due, now),
        "Attempts": r.attempt_count,
        "Next attempt": local_time(r.next_attempt_due_at, zone, "%a %H:%M"),
        "Markers": _markers(r),
    } for r in rows],
    columns=["#", "Received", "Received at", "Name", "Submitted by", "Channel", "Treatments",
             "Crisis", "Status", "Assignee", "Due", "Attempts", "Next attempt", "Markers"],
)
if rows:
    event = people_table(
        table, key="queue_table", on_select="rerun", selection_mode="single-row",
        hide_index=True, width="stretch",
        # What the front desk acts on first stays in view at 1366x768; the rest scrolls.
        column_order=["#", "Crisis", "Name", "Status", "Due", "Received", "Treatments",
                      "Markers", "Channel", "Assignee", "Attempts", "Next attempt",
                      "Received at", "Submitted by"],
        column_config={
            "#": st.column_config.NumberColumn(width="small", format="%d"),
            # Wide enough for "URGENT, not acknowledged" on a 1366x768 front-desk screen.
            "Crisis": st.column_config.TextColumn(width=200),
            "Due": st.column_config.TextColumn(width=140),  # "overdue 45 minutes"
            "Treatments": st.column_config.ListColumn(),
            "Attempts": st.column_config.NumberColumn(width="small"),
        },
    )
    selected = event.selection.rows if event is not None else []
    if selected:
        w.open_request(rows[selected[0]].id)
else:
    st.info("No requests match." if not filters.is_default() else "The queue is empty.")

if pages > 1:
    st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key="q_page")
