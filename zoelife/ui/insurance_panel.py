"""The Coverage tab's insurance: what the request said, then primary and secondary insurance
(payer, plan, member id, subscriber) and the card's photos. Member ids and card images are for
the front desk only."""

from __future__ import annotations

import streamlit as st

from zoelife.audit import Actor
from zoelife.coverage import records
from zoelife.db.models import Request
from zoelife.ui import request_widgets as w
from zoelife.ui.components import escape_markdown
from zoelife.vocabulary import COVERAGE_RANKS, SUBSCRIBER_RELATIONS, label


def show(r: Request, *, who: Actor, coverage: dict, card_images: dict, names: dict[int, str],
         active: list[int]) -> None:
    st.markdown("**Insurance**")
    if r.insurance:
        st.text(f"As the request said: {r.insurance}")
    for rank in COVERAGE_RANKS:
        c = coverage[rank]
        if rank == "secondary" and coverage["primary"] is None:
            continue
        # Payer names are typed by the admin: escaped, as expander labels are markdown.
        with st.expander(f"{label(rank)} insurance" + (
                f": {escape_markdown(names.get(c.payer_id, ''))}" if c else ""),
                         expanded=rank == "primary"):
            if c is not None:
                st.text(f"Member id: {c.member_id or '-'}    Group: {c.group_number or '-'}    "
                        f"Plan: {c.plan_name or '-'}")
                st.text(f"Subscriber: {c.subscriber_name or '-'} ({label(c.subscriber_relation)})")
                shown = card_images[rank]
                cols = st.columns(2)
                for col, side in zip(cols, ("front", "back"), strict=True):
                    if side in shown:
                        col.image(shown[side].data, caption=f"Card {side}", width=320)
                    else:
                        col.caption(f"No card {side} yet.")
            options = [None, *active]
            if c is not None and c.payer_id not in options:
                options.append(c.payer_id)
            with st.form(f"coverage_{r.id}_{rank}"):
                c1, c2 = st.columns(2)
                payer = c1.selectbox("Payer", options,
                                     format_func=lambda i: names.get(i, "Choose the payer"),
                                     index=options.index(c.payer_id) if c else 0)
                plan = c2.text_input("Plan", value=(c.plan_name or "") if c else "")
                member = c1.text_input("Member id", value=(c.member_id or "") if c else "")
                group = c2.text_input("Group number", value=(c.group_number or "") if c else "")
                subscriber = c1.text_input("Subscriber's name",
                                           value=(c.subscriber_name or "") if c else "")
                relation = c2.selectbox("Subscriber is the patient's", SUBSCRIBER_RELATIONS,
                                        format_func=label,
                                        index=SUBSCRIBER_RELATIONS.index(
                                            c.subscriber_relation) if c else 0)
                if st.form_submit_button(f"Save {rank} insurance"):
                    w.perform(lambda s, rank=rank, payer=payer, plan=plan, member=member,
                              group=group, subscriber=subscriber, relation=relation:
                              records.save_coverage(
                                  s, r.id, actor=who, rank=rank, payer_id=payer, plan_name=plan,
                                  member_id=member, group_number=group,
                                  subscriber_name=subscriber, subscriber_relation=relation),
                              success=f"{label(rank)} insurance saved.")
            if c is not None:
                _card_uploads(r, rank, who)


def _card_uploads(r: Request, rank: str, who: Actor) -> None:
    """Front and back photo uploads (outside a form: a saved photo clears the uploaders by
    giving them fresh keys)."""
    turn_key = f"_card_turn_{r.id}_{rank}"
    turn = st.session_state.get(turn_key, 0)
    c1, c2 = st.columns(2)
    front = c1.file_uploader("Card front", type=["jpg", "jpeg", "png", "webp"],
                             key=f"card_front_{r.id}_{rank}_{turn}")
    back = c2.file_uploader("Card back", type=["jpg", "jpeg", "png", "webp"],
                            key=f"card_back_{r.id}_{rank}_{turn}")
    st.caption("A JPEG, PNG or WebP photo up to 5 MB; the content is checked, not the name.")
    if st.button("Save card images", key=f"cards_save_{r.id}_{rank}"):
        files = [(side, f) for side, f in (("front", front), ("back", back)) if f]
        if not files:
            st.error("Choose a photo of the card's front or back first.")
            return

        def store(s):
            for side, f in files:
                records.upload_card(s, r.id, actor=who, rank=rank, side=side, data=f.getvalue())

        def cleared(_):
            st.session_state[turn_key] = turn + 1

        w.perform(store, success="Card images saved.", on_success=cleared)
