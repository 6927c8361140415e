"""The front desk's worklist: what to do next, most urgent and most overdue first, in tabs
(To do, Scheduled, Waiting, All); a request opens from its name."""

import datetime as dt

import streamlit as st

from zoelife import settings
from zoelife.intake import lifecycle, queue
from zoelife.ui import request_widgets as w
from zoelife.ui import worklist
from zoelife.ui.components import escape_markdown, local_time, page_header, relative_time
from zoelife.ui.db import faults_shown, reading
from zoelife.ui.gate import actor, current_user, require
from zoelife.vocabulary import CHANNELS, CRISIS_LEVELS, STATUSES, TREATMENTS, label

user = require("front_desk")
st.session_state.pop(w.VIEW_LOGGED_KEY, None)  # reopening a request is a new view
now = dt.datetime.now(dt.UTC)

with reading() as session:
    waiting = queue.count_unacknowledged_urgent(session)
    urgent = queue.unacknowledged_urgent(session, limit=10) if waiting else []
    zone = settings.clinic_zone(session)
    page_size = settings.get(session, "queue_page_size")
    horizon = queue.horizon_for(now, zone)
    unfiltered = queue.tab_counts(session, queue.QueueFilters(), now, horizon)
    overdue_now = unfiltered.overdue
# The overdue count in the title, and in the browser tab's title where the desk sees it from
# another window.
title = f"Queue: {overdue_now} overdue" if overdue_now else "Queue"
st.set_page_config(page_title=f"({overdue_now}) Queue" if overdue_now else "Queue")
page_header(title, "What to do next: unacknowledged urgent first, then overdue by how overdue, "
                   "then due soonest. Open a request by its name (or Tab to it and press Enter).")
w.show_flash()
w.mark_urgent_seen()

# --------------------------------------------------------------------------- crisis banner
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
               "q_from", "q_to", "q_search", "q_tab")
for _key, _value in st.session_state.get(worklist.KEPT_KEY, {}).items():
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
    st.session_state.q_tab = initial.tab

search = st.text_input("Search name, phone, email or message", key="q_search",
                       help="Not kept in the link: searches may hold patient details.")
# The filters fold away while none is set, so the worklist starts high on the screen.
FILTER_WIDGETS = ("q_status", "q_treatment", "q_channel", "q_crisis", "q_assignee", "q_overdue",
                  "q_from", "q_to")
filters_set = sum(bool(st.session_state.get(k)) for k in FILTER_WIDGETS)
with st.expander("Filters" + (f" ({filters_set} set)" if filters_set else ""),
                 expanded=bool(filters_set), icon=":material/filter_list:"):
    c1, c2, c3, c4 = st.columns(4)
    statuses = c1.multiselect("Status", STATUSES, key="q_status", format_func=label,
                              placeholder="Open requests")
    treatments = c2.multiselect("Treatment", TREATMENTS, key="q_treatment", format_func=label,
                                placeholder="Any")
    channels = c3.multiselect("Channel", CHANNELS, key="q_channel", format_func=label,
                              placeholder="Any")
    crisis = c4.multiselect("Crisis level", CRISIS_LEVELS, key="q_crisis", format_func=label,
                            placeholder="Any")
    c5, c6, c7, c8 = st.columns(4, vertical_alignment="bottom")
    assignee = c5.selectbox("Assignee", queue.ASSIGNEE_CHOICES, key="q_assignee",
                            format_func={"": "Anyone", "mine": "Mine",
                                         "unassigned": "Unassigned"}.get)
    date_from = c6.date_input("Received from", key="q_from", format="YYYY-MM-DD")
    date_to = c7.date_input("Received to", key="q_to", format="YYYY-MM-DD")
    overdue = c8.checkbox("Overdue only", key="q_overdue")

if st.session_state.get("q_tab") not in queue.TABS:
    # A second click on the chosen tab unselects it: stay on the tab it was.
    st.session_state.q_tab = st.session_state.get(worklist.KEPT_KEY, {}).get("q_tab") or "todo"
tab = st.session_state.q_tab
filters = queue.QueueFilters(
    statuses=tuple(statuses), treatments=tuple(treatments), channels=tuple(channels),
    crisis_levels=tuple(crisis), assignee=assignee or "", overdue=bool(overdue),
    date_from=date_from, date_to=date_to, search=search or "", tab=tab,
)
if filters.is_default():
    counts = unfiltered
else:
    with reading() as session:
        counts = queue.tab_counts(session, filters, now, horizon, user_id=user.user_id)
st.segmented_control(
    "Show", queue.TABS, key="q_tab",
    format_func=lambda t: f"{queue.TAB_LABELS[t]} ({counts[t]:,})",
    help="To do: what needs doing today (unacknowledged urgent, new, every next step due by "
         "tonight). Scheduled: appointments ahead and their confirmation calls. Waiting: "
         "next steps due after today. All: every request the filters match.")

# Pages follow the last row shown (keyset), never an offset: page 400 costs what page 1 does.
signature = (filters.to_query_params(), filters.search)
if st.session_state.get("q_signature") not in (None, signature):
    st.session_state.pop("q_cursor", None)  # a new filter or tab starts at the top
st.session_state.q_signature = signature
cursor = st.session_state.get("q_cursor")  # (page number, "after"|"before", sort key)

with reading() as session:
    if cursor is None:
        rows, total = queue.queue_page(session, filters, now, page_size=page_size,
                                       user_id=user.user_id, horizon=horizon)
    else:
        rows, total = queue.queue_page(session, filters, now, page_size=page_size,
                                       user_id=user.user_id, horizon=horizon,
                                       **{cursor[1]: cursor[2]})
        if not rows:  # the rows that followed are gone (done, moved): back to the top
            cursor = None
            st.session_state.pop("q_cursor", None)
            rows, total = queue.queue_page(session, filters, now, page_size=page_size,
                                           user_id=user.user_id, horizon=horizon)
page_number = cursor[0] if cursor else 1

# The link reopens this view: filters and tab, never the search text.
params = filters.to_query_params()
if st.query_params.to_dict() != params:
    st.query_params.from_dict(params)
st.session_state[worklist.KEPT_KEY] = {
    k: st.session_state[k] for k in FILTER_KEYS if k in st.session_state} | {"q_tab": tab}


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
    seen = st.session_state.setdefault(w.ARRIVALS_SEEN_KEY, latest)
    # New words that made a request urgent (a text, a voicemail), or an acknowledgement
    # elsewhere: the banner above must be redrawn too.
    changed, seen_change = w.urgent_changed()
    if latest > seen or changed:
        st.session_state[w.ARRIVALS_SEEN_KEY] = latest
        if latest > seen:
            w.flash_arrivals(seen)  # "New web request #412, urgent", shown after the rerun
        if changed:
            for message in w.raised_messages(seen_change):
                w.flash("toast", message)
        st.rerun(scope="app")


watch_for_new_requests()

# --------------------------------------------------------------------------- the worklist
first_shown = (page_number - 1) * page_size + 1
st.caption(f"{total:,} request{'s' if total != 1 else ''} in {queue.TAB_LABELS[tab]}"
           + ("" if filters.is_default() else " match the filters")
           + (f"; showing {first_shown:,}-{first_shown + len(rows) - 1:,}"
              if total > len(rows) and rows else ""))


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


def _due(r: queue.QueueRow) -> str:
    """Our own words only (safe as markdown): the step, and when it is due."""
    step = label(r.next_step) if r.next_step else ""
    when = w.due_text(r.due, now)
    if r.overdue:
        return f"**{step}** :red-badge[:material/schedule: {when}]"
    return f"**{step}** {when}" if step else ""


WIDTHS = [3, 3, 3, 2, 2, 2]
if rows:
    header = st.columns(WIDTHS)
    for col, heading in zip(header, ("Name", "Crisis / status", "Next step", "Received",
                                     "Treatments", "Contact"), strict=True):
        col.markdown(f"**{heading}**")
    for r in rows:
        with st.container(key=f"qrow-{r.id}", border=True):
            c1, c2, c3, c4, c5, c6 = st.columns(WIDTHS, vertical_alignment="center")
            # The name is a link to the request: a click, or Tab then Enter, opens it here.
            with c1:
                worklist.request_link(escape_markdown(r.name), r.id)
            c1.caption(" · ".join(x for x in (
                f"#{r.id}", label(r.channel),
                "" if r.submitter == "self" else f"by {label(r.submitter).lower()}",
                _markers(r)) if x))
            crisis_text = _crisis(r)
            if crisis_text:
                c2.markdown(f":red-badge[{crisis_text}]" if r.crisis_level == "urgent"
                            else f":orange-badge[{crisis_text}]")
            c2.caption(label(r.status) + (f", {r.attempt_count} attempt"
                                          f"{'s' if r.attempt_count != 1 else ''}"
                                          if r.attempt_count else ""))
            c3.markdown(_due(r))
            if r.appointment_at is not None and r.status == "scheduled":
                c3.caption("Appointment " + local_time(r.appointment_at, zone, "%a %b %d %H:%M"))
            c4.text(relative_time(r.received_at, now))
            c4.caption(local_time(r.received_at, zone, "%Y-%m-%d %H:%M"))
            c5.caption(", ".join(label(t) for t in r.treatments) or "-")
            if r.assignee_name:
                c5.caption(f"Assigned: {escape_markdown(r.assignee_name)}")
            if r.phone:
                c6.caption(escape_markdown(worklist.phone_shown(r.phone)))
            links = worklist.contact_links(r.phone, None, r.sms_consent)
            if links:
                c6.markdown(links)
else:
    st.info("No requests match." if not filters.is_default() else
            {"todo": "Nothing to do right now: every open request's next step is due later.",
             "scheduled": "No appointments ahead.",
             "waiting": "Nothing is waiting.",
             "all": "The queue is empty."}[tab])

if rows and (cursor is not None or total > len(rows)):
    b1, b2, _ = st.columns([1, 1, 4])
    if b1.button("Previous page", disabled=page_number <= 1, icon=":material/arrow_back:"):
        if page_number > 2:
            st.session_state.q_cursor = (page_number - 1, "before", rows[0].sort_key)
        else:
            st.session_state.pop("q_cursor", None)
        st.rerun()
    if b2.button("Next page", disabled=first_shown + len(rows) - 1 >= total,
                 icon=":material/arrow_forward:"):
        st.session_state.q_cursor = (page_number + 1, "after", rows[-1].sort_key)
        st.rerun()
