"""The Log attempt tab: a button per common outcome (one click logs the call), any outcome
from the list, and after "Reached" the appointment's form at once; and the offer to close
as unreachable once the cadence's attempts ran out.

Every write goes through `request_widgets.perform` and `zoelife.intake.lifecycle`.
"""

from __future__ import annotations

import streamlit as st

from zoelife.audit import Actor
from zoelife.db.models import Request
from zoelife.intake import lifecycle
from zoelife.ui import request_widgets as w
from zoelife.ui.status_form import move_form, schedule_prompt_key
from zoelife.vocabulary import ATTEMPT_METHODS, ATTEMPT_OUTCOMES, label

# The outcomes a call usually has, one button each; the others are in the Outcome list.
ONE_CLICK_OUTCOMES = ("no_answer", "left_voicemail", "reached", "wrong_number")
REACHED_THEN_SCHEDULE = "Reached → schedule"


def _clear_key(request_id: int) -> str:
    return f"_attempt_clear_{request_id}"


def _attempt_said(outcome: str, result: lifecycle.AttemptResult) -> None:
    message = f"Attempt logged ({label(outcome).lower()})."
    if result.moved:
        message += f" Status is now {label(result.status).lower()}."
    w.flash("success", message)


def attempt_panel(r: Request, *, who: Actor, seen_version: int, zone) -> None:
    """A button per common outcome (one click logs the call), or any outcome from the list,
    which has no default: an attempt is never logged as something it was not."""
    if not r.is_open:
        st.caption("Reopen the request to log contact attempts.")
        return
    if st.session_state.pop(_clear_key(r.id), False):
        for name in ("note", "outcome"):
            st.session_state.pop(f"attempt_{name}_{r.id}", None)
    can_schedule = "scheduled" in lifecycle.allowed_moves(
        "in_progress" if r.status in ("new", "attempted") else r.status)
    with st.form(f"attempt_{r.id}", border=False):
        c1, c2 = st.columns(2)
        method = c1.radio("How", ATTEMPT_METHODS, format_func=label, horizontal=True,
                          key=f"attempt_method_{r.id}")
        note = c2.text_input("Note (optional)", key=f"attempt_note_{r.id}")
        clicked: str | None = None
        with st.container(horizontal=True):
            for outcome in ONE_CLICK_OUTCOMES:
                text = (REACHED_THEN_SCHEDULE if outcome == "reached" and can_schedule
                        else label(outcome))
                if st.form_submit_button(text, key=f"attempt_{outcome}_{r.id}"):
                    clicked = outcome
        c3, c4 = st.columns([3, 1], vertical_alignment="bottom")
        chosen = c3.selectbox("Outcome", ATTEMPT_OUTCOMES, format_func=label, index=None,
                              placeholder="Choose what happened", key=f"attempt_outcome_{r.id}")
        if c4.form_submit_button("Log attempt", type="primary"):
            clicked = chosen or ""
    if clicked is not None:
        outcome = clicked

        def done(result: lifecycle.AttemptResult) -> None:
            _attempt_said(outcome, result)
            st.session_state[_clear_key(r.id)] = True
            if outcome == "reached" and can_schedule:
                st.session_state[schedule_prompt_key(r.id)] = True
                w.flash("success", "Now pick the appointment below, or later in Status.")

        w.perform(lambda s: lifecycle.log_attempt(s, r.id, actor=who, method=method,
                                                  outcome=outcome, note=note),
                  on_success=done)
    if st.session_state.get(schedule_prompt_key(r.id)):
        if "scheduled" not in lifecycle.allowed_moves(r.status):
            st.session_state.pop(schedule_prompt_key(r.id), None)
            return
        with st.container(border=True):
            st.markdown("**Schedule the appointment**")
            move_form(r, "scheduled", who=who, seen_version=seen_version, zone=zone,
                      key=f"reached_schedule_{r.id}")
            if st.button("Not now", key=f"schedule_later_{r.id}"):
                st.session_state.pop(schedule_prompt_key(r.id), None)
                st.rerun()


def unreachable_offer(r: Request, *, who: Actor, seen_version: int, max_attempts: int) -> None:
    """Once the cadence's attempts ran out without reaching anyone: close it in one click."""
    if not lifecycle.offers_unreachable(r, max_attempts):
        return
    with st.container(border=True):
        st.warning(f"{r.attempt_count} attempts without reaching them: the planned attempts are "
                   "done.", icon=":material/phone_missed:")
        if st.button("Close as unreachable", type="primary", key=f"unreachable_{r.id}"):
            w.perform(lambda s: lifecycle.close_unreachable(s, r.id, actor=who,
                                                            seen_version=seen_version),
                      success="Closed as unreachable.")
