"""The admin's text templates: what the front desk sends in one click, and which ones the
attempt cadence may send by itself. Placeholders: {first_name} and {clinic} only, never a
clinical detail. No patient data here."""

import streamlit as st

from zoelife.conversations import templates, twilio_api
from zoelife.ui import request_widgets as w
from zoelife.ui.components import page_header
from zoelife.ui.db import reading
from zoelife.ui.gate import actor, require

user = require("admin")
who = actor(user)
page_header("Text templates", "Texts the front desk sends in one click. Placeholders: "
            "{first_name} and {clinic}; nothing clinical. The automatic replies (after hours, "
            "missed calls, HELP) are on the Settings page.")
w.show_flash()
if not twilio_api.sending_enabled():
    st.info("Texting is off on this server (no Twilio credentials): templates can be prepared "
            "now and are used once Twilio is connected (docs/conversations.md).",
            icon=":material/sms:")

with reading() as session:
    found = templates.templates(session, active_only=False)
names = {t.id: t for t in found}
pick = st.selectbox("Template", [None, *names], key="template_pick",
                    format_func=lambda i: names[i].name + ("" if names[i].is_active
                                                           else " (retired)")
                    if i in names else "New template")
current = names.get(pick)
with st.form(f"template_{pick or 'new'}", clear_on_submit=current is None):
    name = st.text_input("Name", value=current.name if current else "")
    body = st.text_area("Text", value=current.body if current else "",
                        max_chars=templates.MAX_BODY_CHARS,
                        help="Use {first_name} and {clinic}; nothing else is filled in.")
    cadence = st.checkbox("The attempt cadence may send it by itself",
                          value=current.cadence if current else False,
                          help="When the next attempt is due on a request with SMS consent, "
                               "the cadence's templates are sent in order, during business "
                               "hours; it stops once the person answers or books.")
    active = st.checkbox("Active", value=current.is_active if current else True)
    if st.form_submit_button("Save template"):
        w.perform(lambda s: templates.save_template(
            s, actor=who, name=name, body=body, cadence=cadence, is_active=active,
            template_id=current.id if current else None), success="Template saved.")
if current is not None:
    st.caption("Preview for Dana at the clinic:")
    st.text(templates.render(current.body, first_name="Dana", clinic="the clinic"))
