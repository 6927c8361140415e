"""The next step of a request in progress: a follow-up on a chosen day, or waiting on the
person or someone else until a chase date (the other statuses' steps follow their moves)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from zoelife.audit import Actor
from zoelife.db.models import Request
from zoelife.intake import lifecycle
from zoelife.intake.schedule import Schedule
from zoelife.ui import request_widgets as w
from zoelife.ui.db import reading
from zoelife.vocabulary import FOLLOW_UP_STEPS, label


def next_step_panel(r: Request, *, who: Actor, seen_version: int, zone, now: dt.datetime) -> None:
    """A request in progress: the user picks the follow-up's date, or that it waits on the
    person or someone else and when to chase (the other statuses' steps follow their moves)."""
    if r.status != "in_progress":
        return
    with st.expander(f"Next step: {label(r.next_step)}"
                     + (f", {w.due_text(r.next_due_at, now)}" if r.next_due_at else ""),
                     expanded=bool(r.next_due_at and r.next_due_at <= now)):
        with st.form(f"next_step_{r.id}", border=False):
            c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
            options = FOLLOW_UP_STEPS
            step = c1.radio("What is next", options, format_func=label, horizontal=True,
                            index=(options.index(r.next_step) if r.next_step in options else 0))
            current = r.next_due_at.astimezone(zone).date() if r.next_due_at else None
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
