"""The Status tab: pick a move the request may make (`lifecycle.allowed_moves`), then a form
with only that move's fields: a close reason when closing, the appointment when scheduling
(a first treatment session goes to its coverage course), a reason when reopening.

Every write goes through `request_widgets.perform`.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from zoelife.audit import Actor
from zoelife.coverage import records as coverage_records
from zoelife.db.models import Request
from zoelife.intake import lifecycle
from zoelife.ui import request_widgets as w
from zoelife.vocabulary import label


def schedule_prompt_key(request_id: int) -> str:
    """Set after a "Reached" attempt: the attempt tab then offers the appointment's form;
    any move made clears it."""
    return f"_schedule_after_reach_{request_id}"


def move_label(from_status: str, to_status: str) -> str:
    if from_status == "closed":
        return "Reopen"
    if from_status == "scheduled" and to_status == "in_progress":
        return "No-show or reschedule"
    return label(to_status)


SUBMIT_LABELS = {"closed": "Close request", "scheduled": "Schedule",
                 "in_progress": "Move to in progress", "attempted": "Mark as attempted"}


def move_form(r: Request, to_status: str, *, who: Actor, seen_version: int, zone,
              key: str) -> None:
    """One move's form, with that move's fields only (`lifecycle.move_form`)."""
    form = lifecycle.move_form(r.status, to_status)
    with st.form(key, border=False):
        close_reason = appt_date = appt_time = None
        appt_kind = reason = ""
        if form.close_reasons:
            close_reason = st.selectbox("Close reason", form.close_reasons, format_func=label,
                                        index=None, placeholder="Choose why")
        first = None
        override = ""
        if form.appointment:
            c1, c2, c3 = st.columns(3)
            appt_date = c1.date_input("Appointment date", value=None, format="YYYY-MM-DD")
            appt_time = c2.time_input("Appointment time", value=None, step=300)
            appt_kind = c3.text_input("Appointment kind", placeholder="e.g. TMS consultation")
            courses = [t for t in coverage_records.FIRST_TREATMENTS
                       if t in (r.treatment_list or "").split(";")]
            if courses:
                # A first session is kept on its course (docs/coverage.md); a first Spravato
                # dose also passes the Spravato start gate here, a first TMS session the
                # approval gate. "No" still leaves the kind to decide: a treatment session of
                # a course not begun meets the same gate (`records.schedule_appointment`).
                first = st.selectbox("First treatment session?", [None, *courses],
                                     format_func=lambda t: f"Yes: first {label(t)} session"
                                     if t else "No, or not chosen", key=f"{key}_first")
            override = st.text_input(
                "Override reason (only for a first Spravato dose whose start is incomplete, "
                "or a first TMS session without the approval the payer requires)",
                key=f"{key}_override")
        if form.reason == "required":
            reason = st.text_input("Reason (needed to reopen)")
        elif form.reason and r.status == "scheduled" and to_status == "in_progress":
            reason = st.text_input("What happened (optional)",
                                   placeholder="e.g. no-show, asked to reschedule")
        elif form.reason:
            reason = st.text_input("Reason (optional)")
        submit = "Reopen" if r.status == "closed" else SUBMIT_LABELS[to_status]
        if st.form_submit_button(submit, type="primary"):
            appointment_at = None
            if appt_date and appt_time:
                appointment_at = dt.datetime.combine(appt_date, appt_time, tzinfo=zone)

            def moved(_version: int) -> None:
                st.session_state.pop(schedule_prompt_key(r.id), None)

            if form.appointment:
                w.perform(lambda s: coverage_records.schedule_appointment(
                    s, r.id, actor=who, seen_version=seen_version,
                    appointment_at=appointment_at, appointment_kind=appt_kind, first=first,
                    override_reason=override, reason=reason),
                    success=f"First {label(first)} session scheduled." if first
                    else f"Status changed to {label(to_status).lower()}.", on_success=moved)
                return
            w.perform(lambda s: lifecycle.change_status(
                s, r.id, actor=who, seen_version=seen_version, to_status=to_status,
                close_reason=close_reason, reason=reason, appointment_at=appointment_at,
                appointment_kind=appt_kind),
                success=f"Status changed to {label(to_status).lower()}.", on_success=moved)


def status_panel(r: Request, *, who: Actor, seen_version: int, zone) -> None:
    """Pick a move, then fill in only what that move needs."""
    moves = lifecycle.allowed_moves(r.status)
    to = st.segmented_control("Move to", moves,
                              format_func=lambda m: move_label(r.status, m),
                              key=f"move_to_{r.id}_{r.status}")
    if to is None:
        st.caption("Choose a move: the form asks only for what it needs (a close reason when "
                   "closing, the appointment when scheduling, a reason when reopening).")
    else:
        move_form(r, to, who=who, seen_version=seen_version, zone=zone,
                  key=f"status_{r.id}_{to}")
