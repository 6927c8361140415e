"""The top of the request page: who it is, the badges that say where the request stands, the
message (crisis words highlighted, through the one escaping helper) and the facts to reach them.
Public text is shown as text or escaped."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from zoelife.db.models import Request
from zoelife.intake.normalize import format_phone
from zoelife.triage import assess
from zoelife.ui import coverage_panel
from zoelife.ui import request_widgets as w
from zoelife.ui.components import (
    contact_url,
    crisis_badge,
    escape_markdown,
    relative_time,
    treatment_badges,
)
from zoelife.ui.highlight import highlight_markdown
from zoelife.ui.request_view import RequestView
from zoelife.ui.tables import people_table
from zoelife.ui.trials_panel import show_psychotherapy, show_trials
from zoelife.vocabulary import label


def person_name(r: Request) -> str:
    return " ".join(p for p in (r.first_name, r.last_name) if p) or "(no name)"


def header(view: RequestView) -> None:
    """The person's name, the request's badges and where it came from."""
    r, detail = view.request, view.detail
    st.subheader(escape_markdown(person_name(r)))
    st.markdown(" ".join(x for x in (
        f":blue-badge[{label(r.status)}]",
        f":gray-badge[{escape_markdown(label(r.close_reason))}]" if r.close_reason else "",
        crisis_badge(r.crisis_level),
        treatment_badges(detail.treatments),
        ":red-badge[No usable contact]" if not r.has_usable_contact else "",
        ":gray-badge[Repeat]" if r.repeat_of_id else "",
    ) if x))
    st.caption(f"Received {relative_time(r.received_at, view.now)} ({view.fmt(r.received_at)}) by "
               f"{label(r.channel)}, source {escape_markdown(r.source)}. "
               f"Assigned to {escape_markdown(detail.assignee_name or 'nobody')}.")


def message(r: Request) -> None:
    """The person's words, what the crisis detector read in them, their medication trials and
    the form's other answers."""
    st.markdown("**Message**")
    with st.container(border=True):
        if r.message:
            reading = assess(r.message)
            st.markdown(highlight_markdown(r.message, reading.crisis_evidence))
            if reading.raised_by_learned_net:
                st.caption("No rule matched here: the learned net marked it because it resembles "
                           "messages people flagged before (highlighted: the words that weighed "
                           "most). Read the whole message.")
            if reading.language == "other" and reading.language_read:
                st.warning(f"This message seems to be in {reading.language_name}. The crisis "
                           f"detector reads {reading.language_name} words for risk, with fewer "
                           "words than English and Spanish: someone who reads it must check it.",
                           icon=":material/translate:")
            elif reading.language == "other":
                st.warning(f"This message seems to be in {reading.language_name}, a language the "
                           "crisis detector does not read: someone who reads it must check it.",
                           icon=":material/translate:")
            elif reading.language != "unknown":
                st.caption(f"Language: {reading.language_name}.")
        else:
            st.caption("No message.")
    show_trials(r.message)
    show_psychotherapy(r.message)
    if r.extra:
        with st.expander("Other answers from the form"):
            st.json({k: v for k, v in r.extra.items() if not str(k).startswith("_")})


def contact_buttons(r: Request) -> None:
    """Call and Text for a phone, Email for an address: links the desk's softphone, phone or
    mail program opens. Text is greyed out when the person said no to text messages."""
    if r.phone:
        shown = format_phone(r.phone)
        with st.container(horizontal=True):
            st.link_button(f"Call {shown}", contact_url("tel", r.phone), icon=":material/call:")
            st.link_button(f"Text {shown}", contact_url("sms", r.phone), icon=":material/sms:",
                           disabled=r.sms_consent is False,
                           help=("They did not agree to text messages." if r.sms_consent is False
                                 else None))
    if r.email:
        st.link_button(f"Email {escape_markdown(r.email)}", contact_url("mailto", r.email),
                       icon=":material/mail:")


def contact(view: RequestView) -> None:
    """How to reach them, and the facts the desk needs on the call."""
    r, now, fmt = view.request, view.now, view.fmt
    st.markdown("**Contact**")
    contact_buttons(r)
    if not r.has_usable_contact:
        st.warning("No usable phone or email was received.")
    facts = {
        "Preferred contact time": r.preferred_contact_time,
        "Date of birth": r.date_of_birth.isoformat() if r.date_of_birth else None,
        "Submitted by": (None if r.submitter == "self"
                         else f"{label(r.submitter)}: {r.submitter_name or 'name not given'}"),
        "Heard about us": r.heard_about,
        "Referring provider": r.referring_provider,
        **coverage_panel.facts(r),
        "Landing page": r.landing_page,
        "SMS consent": {True: "yes", False: "no"}.get(r.sms_consent),
        "Appointment": (f"{fmt(r.appointment_at)} ({r.appointment_kind})"
                        if r.appointment_at else None),
        "Next step": w.next_step_text(r, now, fmt),
        "Attempts": str(r.attempt_count),
    }
    people_table(pd.DataFrame([{"": k, " ": v} for k, v in facts.items() if v]),
                 hide_index=True, width="stretch")
