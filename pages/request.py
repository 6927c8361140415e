"""One request, the whole story on one screen, and every action the front desk takes on it."""

import datetime as dt

import pandas as pd
import streamlit as st

from zoelife import audit, settings
from zoelife.conversations import service as conversations
from zoelife.intake import lifecycle, queue
from zoelife.intake.normalize import format_phone
from zoelife.triage import assess
from zoelife.triage import eligibility as elig
from zoelife.ui import conversation_panel, coverage_panel, worklist
from zoelife.ui import request_actions as actions
from zoelife.ui import request_widgets as w
from zoelife.ui.components import (
    crisis_badge,
    escape_markdown,
    local_time,
    page_header,
    relative_time,
    treatment_badges,
)
from zoelife.ui.db import reading, writing
from zoelife.ui.gate import actor, require
from zoelife.ui.highlight import highlight_markdown
from zoelife.ui.tables import people_table
from zoelife.ui.trials_panel import show_trials
from zoelife.vocabulary import (
    CRISIS_LEVELS,
    PRIOR_AUTH_STATUSES,
    SUBMITTERS,
    TREATMENTS,
    label,
)

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
    texts = conversations.request_messages(session, request_id) if detail else []
    may_text = conversations.may_text(session, detail.request) if detail else (False, "")
if detail is None:
    page_header("Request")
    st.error(f"Request {request_id} does not exist.")
    st.stop()

r = detail.request
if seen_version is None:
    seen_version = r.version
now = dt.datetime.now(dt.UTC)

# Viewing a request is audited once per page open, not on every rerun.
if st.session_state.get(w.VIEW_LOGGED_KEY) != request_id:
    with writing() as session:
        audit.record(session, who, "request.view", "request", request_id, {})
    st.session_state[w.VIEW_LOGGED_KEY] = request_id


def fmt(moment):
    return local_time(moment, zone, "%Y-%m-%d %H:%M") if moment else ""


def staff(user_id):
    return detail.staff_names.get(user_id, "system") if user_id else "system"


name = " ".join(p for p in (r.first_name, r.last_name) if p) or "(no name)"
page_header(f"Request #{r.id}")
w.show_flash()
w.watch_arrivals()
worklist.request_nav(r.id, user_id=user.user_id, zone=zone, now=now)
st.subheader(escape_markdown(name))
st.markdown(" ".join(x for x in (
    f":blue-badge[{label(r.status)}]",
    f":gray-badge[{escape_markdown(label(r.close_reason))}]" if r.close_reason else "",
    crisis_badge(r.crisis_level),
    treatment_badges(detail.treatments),
    ":red-badge[No usable contact]" if not r.has_usable_contact else "",
    ":gray-badge[Repeat]" if r.repeat_of_id else "",
) if x))
st.caption(f"Received {relative_time(r.received_at, now)} ({fmt(r.received_at)}) by "
           f"{label(r.channel)}, source {escape_markdown(r.source)}. "
           f"Assigned to {escape_markdown(detail.assignee_name or 'nobody')}.")

# --------------------------------------------------------------------------- crisis protocol
if r.crisis_level == "urgent":
    with st.container(border=True):
        st.error("**Urgent: possible suicide or self-harm risk.** Follow the crisis protocol now.",
                 icon=":material/emergency:")
        st.markdown("- **911** if the person may be in immediate danger.\n"
                    "- **988 Suicide & Crisis Lifeline**: call or text 988.")
        st.text(values["crisis_protocol_text"])
        st.text("Escalation: " + values["crisis_escalation_step"])
        actions.acknowledge_button(r, who=who, acknowledged_by=detail.acknowledged_by_name,
                                   now=now)

# --------------------------------------------------------------------------- the person
left, right = st.columns([3, 2])
with left:
    st.markdown("**Message**")
    with st.container(border=True):
        if r.message:
            reading = assess(r.message)
            st.markdown(highlight_markdown(r.message, reading.crisis_evidence))
            if reading.raised_by_learned_net:
                st.caption("No rule matched here: the learned net marked it because it resembles "
                           "messages people flagged before (highlighted: the words that weighed "
                           "most). Read the whole message.")
            if reading.language == "other":
                st.warning(f"This message seems to be in {reading.language_name}, a language the "
                           "crisis detector does not read: someone who reads it must check it.",
                           icon=":material/translate:")
            elif reading.language != "unknown":
                st.caption(f"Language: {reading.language_name}.")
        else:
            st.caption("No message.")
    show_trials(r.message)
    if r.extra:
        with st.expander("Other answers from the form"):
            st.json({k: v for k, v in r.extra.items() if not str(k).startswith("_")})
with right:
    st.markdown("**Contact**")
    actions.contact_buttons(r)
    if not r.has_usable_contact:
        st.warning("No usable phone or email was received.")
    facts = {
        "Preferred contact time": r.preferred_contact_time,
        "Date of birth": r.date_of_birth.isoformat() if r.date_of_birth else None,
        "Submitted by": (None if r.submitter == "self"
                         else f"{label(r.submitter)}: {r.submitter_name or 'name not given'}"),
        "Heard about us": r.heard_about,
        "Referring provider": r.referring_provider,
        "Insurance": r.insurance,
        "Prior authorization": label(r.prior_auth_status) if r.prior_auth_status else None,
        "Landing page": r.landing_page,
        "SMS consent": {True: "yes", False: "no"}.get(r.sms_consent),
        "Appointment": (f"{fmt(r.appointment_at)} ({r.appointment_kind})"
                        if r.appointment_at else None),
        "Next step": (f"{label(r.next_step)}, {w.due_text(r.next_due_at, now)} "
                      f"({fmt(r.next_due_at)})" if r.is_open and r.next_step else None),
        "Attempts": str(r.attempt_count),
    }
    people_table(pd.DataFrame([{"": k, " ": v} for k, v in facts.items() if v]),
                 hide_index=True, width="stretch")

# --------------------------------------------------------------------------- actions
st.divider()
actions.unreachable_offer(r, who=who, seen_version=seen_version,
                          max_attempts=values["max_contact_attempts"])
actions.next_step_panel(r, who=who, seen_version=seen_version, zone=zone, now=now)

# Keyed, so a rerun from inside a tab (picking a move, saving) stays on that tab.
(tab_attempt, tab_status, tab_assign, tab_crisis, tab_details, tab_note, tab_people, tab_elig,
 tab_coverage) = st.tabs(["Log attempt", "Status", "Assign", "Crisis level", "Details", "Note",
                          "People", "Eligibility", "Coverage"], key=f"request_tab_{r.id}",
                         on_change="rerun")

with tab_attempt:
    actions.attempt_panel(r, who=who, seen_version=seen_version, zone=zone)

with tab_status:
    actions.status_panel(r, who=who, seen_version=seen_version, zone=zone,
                         merge_targets=merge_targets)

with tab_assign:
    c1, c2 = st.columns(2)
    if c1.button("Assign to me", key=f"assign_me_{r.id}", disabled=r.assignee_id == user.user_id):
        w.perform(lambda s: lifecycle.assign(s, r.id, actor=who, seen_version=seen_version,
                                             assignee_id=user.user_id),
                  success="Assigned to you.")
    names = dict(desk)
    choice = c2.selectbox("Assign to", [None, *names], format_func=lambda i: names.get(i, "Nobody"),
                          index=([None, *names].index(r.assignee_id)
                                 if r.assignee_id in names else 0),
                          key=f"assignee_{r.id}")
    if c2.button("Save assignee", key=f"assign_{r.id}"):
        w.perform(lambda s: lifecycle.assign(s, r.id, actor=who, seen_version=seen_version,
                                             assignee_id=choice),
                  success="Assignee saved.")

with tab_crisis:
    st.caption("Raise the level at any time. Lowering needs a reason. A level set here stands "
               "until new text arrives for the request.")
    with st.form(f"crisis_{r.id}"):
        level = st.selectbox("Crisis level", CRISIS_LEVELS, format_func=label,
                             index=CRISIS_LEVELS.index(r.crisis_level))
        why = st.text_input("Reason (needed to lower)")
        if st.form_submit_button("Save crisis level"):
            w.perform(lambda s: lifecycle.set_crisis_level(
                s, r.id, actor=who, seen_version=seen_version, level=level, reason=why),
                success="Crisis level saved.")
    for c in detail.crisis_history:
        st.text(f"{fmt(c.changed_at)}  {c.kind}: {c.from_level or '-'} -> {c.to_level}"
                f"  by {staff(c.changed_by)}" + (f"  ({c.reason})" if c.reason else ""))

with tab_details:
    with st.form(f"details_{r.id}"):
        chosen = st.multiselect("Treatment interests", TREATMENTS, default=list(detail.treatments),
                                format_func=label)
        c1, c2 = st.columns(2)
        phone = c1.text_input("Phone", value=format_phone(r.phone))
        email = c2.text_input("Email", value=r.email or "")
        preferred = c1.text_input("Preferred contact time", value=r.preferred_contact_time or "")
        insurance = c2.text_input("Insurance", value=r.insurance or "")
        prior_auth = c1.selectbox("Prior authorization", PRIOR_AUTH_STATUSES, format_func=label,
                                  index=(PRIOR_AUTH_STATUSES.index(r.prior_auth_status)
                                         if r.prior_auth_status else None))
        submitter = c2.selectbox("Submitted by", SUBMITTERS, format_func=label,
                                 index=SUBMITTERS.index(r.submitter))
        submitter_name = c1.text_input("Submitter's name", value=r.submitter_name or "")
        provider = c2.text_input("Referring provider", value=r.referring_provider or "")
        if st.form_submit_button("Save details"):
            def _details(s):
                version = seen_version
                if set(chosen) != set(detail.treatments):
                    version = lifecycle.set_treatments(s, r.id, actor=who, seen_version=version,
                                                       codes=chosen)
                return lifecycle.update_details(
                    s, r.id, actor=who, seen_version=version, phone=phone, email=email,
                    preferred_contact_time=preferred, insurance=insurance,
                    prior_auth_status=prior_auth, submitter=submitter,
                    submitter_name=submitter_name, referring_provider=provider)
            w.perform(_details, success="Details saved.")

with tab_note:
    with st.form(f"note_{r.id}", clear_on_submit=True):
        body = st.text_area("Note")
        if st.form_submit_button("Add note"):
            w.perform(lambda s: lifecycle.add_note(s, r.id, actor=who, body=body),
                      success="Note added.")
    for n in detail.notes:
        st.caption(f"{fmt(n.created_at)} by {escape_markdown(staff(n.author_id))}")
        st.text(n.body)

with tab_people:
    st.markdown("**This person's other requests**")
    if detail.other_requests:
        for o in detail.other_requests:
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.text(f"#{o.id}  {fmt(o.received_at)}  {label(o.status)}"
                    f"{' (' + label(o.close_reason) + ')' if o.close_reason else ''}  "
                    f"{', '.join(label(t) for t in o.treatment_list.split(';') if t)}")
            if c2.button("Open", key=f"other_{o.id}"):
                w.open_request(o.id)
    else:
        st.caption("None.")
    st.markdown("**Possible matches** (same phone or email, different name)")
    if not detail.possible_matches:
        st.caption("None.")
    for m in detail.possible_matches:
        c1, c2, c3, c4 = st.columns([4, 1, 1, 1], vertical_alignment="center")
        c1.text(f"{m['name']} ({m['reason'].replace('_', ' ')})")
        if m["latest_request_id"] and c2.button("Open", key=f"match_open_{m['match_id']}"):
            w.open_request(m["latest_request_id"])
        if c3.button("Same person", key=f"match_link_{m['match_id']}"):
            w.perform(lambda s, m=m: lifecycle.link_people(
                s, actor=who, person_id=r.person_id, other_person_id=m["person_id"]),
                success="Linked as the same person.")
        if c4.button("Not the same", key=f"match_dismiss_{m['match_id']}"):
            w.perform(lambda s, m=m: lifecycle.dismiss_match(s, m["match_id"], actor=who),
                      success="Possible match dismissed.")
    if r.person_id is not None and detail.other_requests:
        st.markdown("**Wrongly linked?**")
        if st.button("Move this request to a new person", key=f"split_{r.id}"):
            w.perform(lambda s: lifecycle.split_person(s, r.id, actor=who,
                                                       seen_version=seen_version),
                      success="This request now belongs to a new person.")

with tab_elig:
    st.info(elig.SCREEN_DISCLAIMER, icon=":material/info:")
    screened = [t for t in detail.treatments if t in elig.CHECKLISTS]
    if not screened:
        st.caption("No pre-screen exists for these treatment interests.")
    for t in screened:
        checklist = elig.CHECKLISTS[t]
        st.markdown(f"**{escape_markdown(checklist.title)}**")
        last = detail.screens.get(t)
        if last:
            st.text(f"Last pre-screen ({fmt(last.recorded_at)}, {staff(last.recorded_by)}): "
                    f"{last.result}")
            for reason_text in last.reasons or []:
                st.text(f"- {reason_text}")
        if t == "spravato":
            with st.expander("Spravato REMS steps"):
                for step in elig.SPRAVATO_REMS_STEPS:
                    st.markdown("- " + escape_markdown(step))
        with st.form(f"screen_{r.id}_{t}"):
            answers = {}
            previous = (last.answers if last else {}) or {}
            for q in checklist.questions:
                if q.kind == "number":
                    answers[q.key] = st.number_input(q.text, min_value=0, step=1,
                                                     value=previous.get(q.key)
                                                     if isinstance(previous.get(q.key), int)
                                                     else None)
                else:
                    options = ["unknown", "yes", "no"]
                    prior = {True: "yes", False: "no"}.get(previous.get(q.key), "unknown")
                    answers[q.key] = st.radio(q.text, options, horizontal=True,
                                              index=options.index(prior))
            if st.form_submit_button("Record pre-screen"):
                cleaned = {k: ("unknown" if v is None else {"yes": True, "no": False}.get(v, v))
                           for k, v in answers.items()}
                w.perform(lambda s, t=t, cleaned=cleaned: lifecycle.record_eligibility(
                    s, r.id, actor=who, treatment=t, answers=cleaned),
                    success="Pre-screen recorded.")

with tab_coverage:
    coverage_panel.show(r, who=who, seen_version=seen_version, zone=zone,
                        treatments=detail.treatments, now=now)

# --------------------------------------------------------------------------- history
st.divider()
h1, h2 = st.columns(2)
with h1:
    st.markdown("**Contact attempts**")
    if detail.attempts:
        people_table(pd.DataFrame([{
            "When": fmt(a.attempted_at), "Who": staff(a.staff_user_id), "How": label(a.method),
            "Outcome": label(a.outcome), "Note": a.note or ""} for a in detail.attempts]),
            hide_index=True, width="stretch")
    else:
        st.caption("No attempts yet.")
with h2:
    st.markdown("**Status history**")
    if detail.status_history:
        people_table(pd.DataFrame([{
            "When": fmt(h.changed_at), "Who": staff(h.changed_by),
            "Move": f"{label(h.from_status)} -> {label(h.to_status)}",
            "Why": " ".join(x for x in (label(h.close_reason) if h.close_reason else "",
                                        h.reason or "") if x)} for h in detail.status_history]),
            hide_index=True, width="stretch")
    else:
        st.caption("No status changes yet.")
st.markdown("**Texts, calls and voicemails**")
conversation_panel.show_thread(texts, zone=zone, staff_names=detail.staff_names)
conversation_panel.send_form(r.id, first_name=r.first_name, clinic=values["clinic_name"],
                             allowed=may_text[0], why=may_text[1], who=who, key=f"text_{r.id}")
if detail.submissions:
    st.markdown("**Later submissions attached to this request**")
    for sub in detail.submissions:
        st.caption(f"{fmt(sub.received_at)} via {label(sub.channel)} ({escape_markdown(sub.source)})")
        st.text(sub.message or "")
if detail.duplicates:
    st.markdown("**Requests merged into this one**")
    for d in detail.duplicates:
        if st.button(f"#{d.id} received {fmt(d.received_at)}", key=f"dup_open_{d.id}"):
            w.open_request(d.id)

st.session_state[SEEN_KEY] = r.version
