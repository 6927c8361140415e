"""Merging and linking on the request page: close a request as a duplicate of the same
person's open request (the Status tab), and the People tab: the person's other requests,
possible matches to link as the same person or dismiss, and moving a wrongly linked request
to a new person. Nothing is deleted: merged and split requests keep their history."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from zoelife.intake import lifecycle
from zoelife.ui import request_widgets as w
from zoelife.ui.request_view import RequestView
from zoelife.vocabulary import label


def merge_form(view: RequestView, merge_targets: list[tuple[int, dt.datetime, str]]) -> None:
    """Mark an open request as a duplicate of another open request (`merge_targets`: the same
    person's, offered in the help text)."""
    r, who, seen_version = view.request, view.who, view.seen_version
    if not r.is_open:
        return
    st.markdown("**Mark as duplicate of another open request**")
    options = [t[0] for t in merge_targets]
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    target = c1.number_input("Duplicate of request #", min_value=1, step=1, value=None,
                             key=f"dup_target_{r.id}",
                             help="The same person's open requests: "
                                  + (", ".join(f"#{i}" for i in options) or "none"))
    if c2.button("Mark as duplicate", key=f"dup_{r.id}"):
        if not target:
            st.error("Enter the number of the request this one duplicates.")
        else:
            w.perform(lambda s: lifecycle.mark_duplicate(
                s, r.id, actor=who, seen_version=seen_version, duplicate_of_id=int(target)),
                success=f"Closed as a duplicate of request #{int(target)}.")


def link_panel(view: RequestView) -> None:
    """The People tab."""
    r, detail, who, seen_version = view.request, view.detail, view.who, view.seen_version
    st.markdown("**This person's other requests**")
    if detail.other_requests:
        for o in detail.other_requests:
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.text(f"#{o.id}  {view.fmt(o.received_at)}  {label(o.status)}"
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
