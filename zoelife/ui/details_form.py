"""The request's own fields on the request page: who it is assigned to, the Details form
(treatment interests, contact details, insurance, who submitted it) and notes, which are
appended, never edited. Edits are checked against the version the screen showed."""

from __future__ import annotations

import streamlit as st

from zoelife.intake import lifecycle
from zoelife.intake.normalize import format_phone
from zoelife.ui import request_widgets as w
from zoelife.ui.components import escape_markdown
from zoelife.ui.request_view import RequestView
from zoelife.vocabulary import PRIOR_AUTH_STATUSES, SUBMITTERS, TREATMENTS, label


def assign_panel(view: RequestView, desk: list[tuple[int, str]]) -> None:
    """Assign to me, or to anyone of the front desk (`desk`: their ids and names)."""
    r, who, seen_version = view.request, view.who, view.seen_version
    user_id = who.user_id
    c1, c2 = st.columns(2)
    if c1.button("Assign to me", key=f"assign_me_{r.id}", disabled=r.assignee_id == user_id):
        w.perform(lambda s: lifecycle.assign(s, r.id, actor=who, seen_version=seen_version,
                                             assignee_id=user_id),
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


def details_panel(view: RequestView) -> None:
    r, detail, who, seen_version = view.request, view.detail, view.who, view.seen_version
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


def note_panel(view: RequestView) -> None:
    """Add a note; the notes so far, newest first."""
    r, who = view.request, view.who
    with st.form(f"note_{r.id}", clear_on_submit=True):
        body = st.text_area("Note")
        if st.form_submit_button("Add note"):
            w.perform(lambda s: lifecycle.add_note(s, r.id, actor=who, body=body),
                      success="Note added.")
    for n in view.detail.notes:
        st.caption(f"{view.fmt(n.created_at)} by {escape_markdown(view.staff(n.author_id))}")
        st.text(n.body)
