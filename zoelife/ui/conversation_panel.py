"""A conversation on screen (the inbox and the request page): the thread, oldest first, and
the form that sends a text with the admin's templates. The person's words are shown as text
(crisis evidence through the one escaping helper), never as markdown or HTML."""

from __future__ import annotations

import streamlit as st

from zoelife.conversations import outbound, templates, twilio_api
from zoelife.db.models import Message
from zoelife.intake.lifecycle import LifecycleError
from zoelife.triage import assess
from zoelife.ui import request_widgets as w
from zoelife.ui.components import crisis_badge, local_time
from zoelife.ui.db import get_engine, reading
from zoelife.ui.highlight import highlight_markdown

KIND_WORDS = {"sms": "Text", "missed_call": "Missed call", "voicemail": "Voicemail"}
AUTOMATIC_WORDS = {"after_hours_crisis": "automatic crisis reply", "auto_reply": "auto-reply",
                   "text_back": "missed-call text-back", "cadence": "cadence",
                   "keyword": "keyword reply"}


def _who(m: Message, staff_names: dict[int, str]) -> str:
    if m.direction == "inbound":
        return "them"
    if m.automatic:
        return AUTOMATIC_WORDS.get(m.automatic, "automatic")
    return staff_names.get(m.sent_by, "staff") if m.sent_by else "staff"


def show_thread(messages: list[Message], *, zone, staff_names: dict[int, str]) -> None:
    if not messages:
        st.caption("No texts, calls or voicemails yet.")
        return
    for m in messages:
        when = local_time(m.created_at, zone, "%Y-%m-%d %H:%M")
        status = "" if m.direction == "inbound" else f", {m.status}"
        head = f"{when}  {KIND_WORDS.get(m.kind, m.kind)} from {_who(m, staff_names)}{status}"
        with st.container(border=True):
            if m.crisis_level in ("urgent", "review"):
                st.markdown(crisis_badge(m.crisis_level))
            st.caption(head)
            if m.kind == "missed_call":
                st.text("They called; nobody answered.")
            elif m.body:
                if m.crisis_level != "none" and m.direction == "inbound":
                    st.markdown(highlight_markdown(m.body, assess(m.body).crisis_evidence))
                else:
                    st.text(m.body)
            elif m.kind == "voicemail":
                st.text("(transcript not received yet)")
            if m.kind == "voicemail" and m.recording_url:
                st.link_button("Listen on Twilio", m.recording_url,
                               icon=":material/play_circle:")


def send_form(request_id: int, *, first_name: str | None, clinic: str, allowed: bool,
              why: str, who, key: str) -> None:
    """Templates, the text, Send. Disabled (with the reason) without consent, after STOP, or
    with texting off."""
    if not twilio_api.sending_enabled():
        st.caption("Texting is off: Twilio is not configured on this server.")
        return
    if not allowed:
        st.caption(why)
        return
    with reading() as session:
        found = templates.templates(session)
    names = {t.id: t for t in found}
    text_key = f"{key}_text"

    def _use_template() -> None:
        chosen = st.session_state.get(f"{key}_template")
        if chosen in names:
            st.session_state[text_key] = templates.render(names[chosen].body,
                                                          first_name=first_name, clinic=clinic)

    if names:
        st.selectbox("Template", [None, *names], key=f"{key}_template", on_change=_use_template,
                     format_func=lambda i: names[i].name if i in names else "(write your own)")
    body = st.text_area("Text", key=text_key, max_chars=templates.MAX_BODY_CHARS)
    if st.button("Send text", key=f"{key}_send", icon=":material/send:"):
        template_id = st.session_state.get(f"{key}_template")
        try:
            outbound.send_text(get_engine(), request_id, body, actor=who,
                               template_id=template_id if template_id in names else None)
        except LifecycleError as exc:
            st.error(str(exc))
            return
        st.session_state.pop(text_key, None)
        w.flash("success", "Text sent.")
        st.rerun()
