"""What the front desk does on the request page, one click where it can be: call, text or
email; acknowledge an urgent request (which claims it); log an attempt with a button per
common outcome; close as unreachable once the cadence ran out; and move the status with a form
that asks only for that move's fields.

Every write goes through `request_widgets.perform` and `zoelife.intake.lifecycle`; public text
(names, phone numbers, addresses) is shown as text or escaped.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from zoelife.audit import Actor
from zoelife.coverage import records as coverage_records
from zoelife.db.models import Request
from zoelife.intake import lifecycle
from zoelife.intake.normalize import format_phone
from zoelife.intake.schedule import Schedule
from zoelife.ui import request_widgets as w
from zoelife.ui.components import contact_url, escape_markdown, relative_time
from zoelife.ui.db import reading
from zoelife.vocabulary import ATTEMPT_METHODS, ATTEMPT_OUTCOMES, FOLLOW_UP_STEPS, label

# The outcomes a call usually has, one button each; the others are in the Outcome list.
ONE_CLICK_OUTCOMES = ("no_answer", "left_voicemail", "reached", "wrong_number")
REACHED_THEN_SCHEDULE = "Reached → schedule"


def _schedule_key(request_id: int) -> str:
    return f"_schedule_after_reach_{request_id}"


def _clear_key(request_id: int) -> str:
    return f"_attempt_clear_{request_id}"


# --------------------------------------------------------------------------- contact


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


# --------------------------------------------------------------------------- crisis


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


# --------------------------------------------------------------------------- attempts


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
                st.session_state[_schedule_key(r.id)] = True
                w.flash("success", "Now pick the appointment below, or later in Status.")

        w.perform(lambda s: lifecycle.log_attempt(s, r.id, actor=who, method=method,
                                                  outcome=outcome, note=note),
                  on_success=done)
    if st.session_state.get(_schedule_key(r.id)):
        if "scheduled" not in lifecycle.allowed_moves(r.status):
            st.session_state.pop(_schedule_key(r.id), None)
            return
        with st.container(border=True):
            st.markdown("**Schedule the appointment**")
            move_form(r, "scheduled", who=who, seen_version=seen_version, zone=zone,
                      key=f"reached_schedule_{r.id}")
            if st.button("Not now", key=f"schedule_later_{r.id}"):
                st.session_state.pop(_schedule_key(r.id), None)
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


# --------------------------------------------------------------------------- status


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
                # dose also passes the Spravato start gate here.
                first = st.selectbox("First treatment session?", [None, *courses],
                                     format_func=lambda t: f"Yes: first {label(t)} session"
                                     if t else "No", key=f"{key}_first")
                if "spravato" in courses or "tms" in courses:
                    override = st.text_input(
                        "Override reason (only for a first Spravato dose whose start is "
                        "incomplete, or a first TMS session without the approval the payer "
                        "requires)", key=f"{key}_override")
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
                st.session_state.pop(_schedule_key(r.id), None)

            if first is not None:
                if appointment_at is None:
                    st.error("Choose the date and time of the first session.")
                    return
                w.perform(lambda s: coverage_records.schedule_first_treatment(
                    s, r.id, first, actor=who, seen_version=seen_version,
                    appointment_at=appointment_at, override_reason=override),
                    success=f"First {label(first)} session scheduled.", on_success=moved)
                return
            w.perform(lambda s: lifecycle.change_status(
                s, r.id, actor=who, seen_version=seen_version, to_status=to_status,
                close_reason=close_reason, reason=reason, appointment_at=appointment_at,
                appointment_kind=appt_kind),
                success=f"Status changed to {label(to_status).lower()}.", on_success=moved)


def status_panel(r: Request, *, who: Actor, seen_version: int, zone,
                 merge_targets: list[tuple[int, dt.datetime, str]]) -> None:
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
    if r.is_open:
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


# --------------------------------------------------------------------------- next step


def next_step_panel(r: Request, *, who: Actor, seen_version: int, zone, now: dt.datetime) -> None:
    """A request in progress: the user picks the follow-up's date, or that it waits on the
    person or someone else and when to chase (the other statuses' steps follow their moves)."""
    if r.status != "in_progress":
        return
    # Its own due time (`next_due_at` may be a coverage reminder's, due earlier).
    own_due = r.follow_up_at or r.next_due_at
    with st.expander(f"Next step: {label(r.next_step)}"
                     + (f", {w.due_text(own_due, now)}" if own_due else ""),
                     expanded=bool(own_due and own_due <= now)):
        with st.form(f"next_step_{r.id}", border=False):
            c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
            options = FOLLOW_UP_STEPS
            step = c1.radio("What is next", options, format_func=label, horizontal=True,
                            index=(options.index(r.next_step) if r.next_step in options else 0))
            current = own_due.astimezone(zone).date() if own_due else None
            day = c2.date_input("Due on", value=current, format="YYYY-MM-DD",
                                min_value=now.astimezone(zone).date())
            if c3.form_submit_button("Save next step", type="primary"):
                if day is None:
                    st.error("Choose the date the next step is due.")
                    return
                with reading() as session:
                    schedule = Schedule.load(session)
                # Due by the close of that day, or of the next business day when it is closed.
                start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
                due = schedule.close_of_business_day_after(start, 0)
                w.perform(lambda s: lifecycle.set_next_step(
                    s, r.id, actor=who, seen_version=seen_version, step=step, due_at=due,
                    schedule=schedule),
                    success=f"Next step saved: {label(step).lower()}.")
