"""Crisis on the request page: the protocol and the one acknowledgement an urgent request
needs, and the Crisis level tab (raise at any time, lower with a reason, the level's history)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from zoelife.audit import Actor
from zoelife.db.models import Request
from zoelife.intake import lifecycle
from zoelife.ui import request_widgets as w
from zoelife.ui.components import escape_markdown, relative_time
from zoelife.ui.request_view import RequestView
from zoelife.vocabulary import CRISIS_LEVELS, label


def protocol(view: RequestView, *, protocol_text: str, escalation_step: str) -> None:
    """For an urgent request: what to do now, and the button that acknowledges it."""
    r = view.request
    if r.crisis_level != "urgent":
        return
    with st.container(border=True):
        st.error("**Urgent: possible suicide or self-harm risk.** Follow the crisis protocol now.",
                 icon=":material/emergency:")
        st.markdown("- **911** if the person may be in immediate danger.\n"
                    "- **988 Suicide & Crisis Lifeline**: call or text 988.")
        st.text(protocol_text)
        st.text("Escalation: " + escalation_step)
        acknowledge_button(r, who=view.who, acknowledged_by=view.detail.acknowledged_by_name,
                           now=view.now)


def acknowledge_button(r: Request, *, who: Actor, acknowledged_by: str | None,
                       now: dt.datetime) -> None:
    if r.crisis_acknowledged_at is not None:
        st.caption(f"Acknowledged by {escape_markdown(acknowledged_by or '')} "
                   f"{relative_time(r.crisis_acknowledged_at, now)}.")
        return
    if r.assignee_id is None:
        st.caption("Acknowledging also assigns it to you: whoever takes the crisis in hand "
                   "follows it up.")
    if st.button("Acknowledge urgent request", type="primary", key=f"ack_{r.id}"):
        def said(done: lifecycle.Acknowledgement) -> None:
            w.flash("success", "Urgent request acknowledged and assigned to you."
                    if done.claimed else "Urgent request acknowledged.")

        w.perform(lambda s: lifecycle.acknowledge(s, r.id, actor=who), on_success=said)


def level_form(view: RequestView) -> None:
    """The Crisis level tab: set the level, then every change it had."""
    r, who, seen_version = view.request, view.who, view.seen_version
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
    for c in view.detail.crisis_history:
        st.text(f"{view.fmt(c.changed_at)}  {c.kind}: {c.from_level or '-'} -> {c.to_level}"
                f"  by {view.staff(c.changed_by)}" + (f"  ({c.reason})" if c.reason else ""))
