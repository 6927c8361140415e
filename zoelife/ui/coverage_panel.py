"""The request page's Coverage tab (front desk only): insurance and card images
(`insurance_panel`), benefits per treatment (`benefits_panel`), the prior-authorization tracker
with its checklist and reminders (`authorization_panel`), the first TMS session's approval, the
Spravato start gate, and the coverage timeline. `facts` is what the page's facts say of coverage.
Writes go through `request_widgets.perform` and `zoelife.coverage.records`; text staff or the
public typed is shown as text or escaped."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from zoelife.audit import Actor
from zoelife.coverage import records, reminders
from zoelife.db.models import Request
from zoelife.intake.schedule import Schedule
from zoelife.ui import authorization_panel, benefits_panel, insurance_panel
from zoelife.ui import request_widgets as w
from zoelife.ui.components import local_time
from zoelife.ui.db import reading
from zoelife.vocabulary import AUTH_STATUSES, COVERAGE_RANKS, label


def facts(r: Request) -> dict[str, str | None]:
    """The request page's insurance and prior-authorization facts, from the coverage records
    (the request's own old fields only when it has none: `records.request_coverage`)."""
    with reading() as session:
        got = records.request_coverage(session, r)
    return {"Insurance": got.insurance, "Prior authorization": got.prior_authorization}


def show(r: Request, *, who: Actor, seen_version: int, zone, treatments, now: dt.datetime) -> None:
    with reading() as session:
        payer_rows = records.payers(session, active_only=False)
        coverage = {rank: records.coverage_of(session, r.id, rank) for rank in COVERAGE_RANKS}
        card_images = {rank: records.latest_cards(session, c.id) if c else {}
                       for rank, c in coverage.items()}
        benefits = records.latest_benefits(session, r.id)
        auths = records.authorizations_of(session, r.id)
        lists = {a.id: records.checklist_of(session, a) for a in auths}
        histories = {a.id: records.history_of(session, a.id) for a in auths}
        start = records.spravato_start(session, r.id)
        gate = records.spravato_gate(session, r.id)
        due = reminders.of_request(session, r.id, Schedule.load(session))
        tms_why = records.pa_required(session, r.id, "tms") if "tms" in treatments else None
        tms_approved = (records.approved_for(session, r.id, "tms", now.astimezone(zone).date())
                        if tms_why else None)
        events = records.timeline(session, r.id)
        booked_flags = records.open_flags(session, r.id)
    names = {p.id: p.name for p in payer_rows}
    active = [p.id for p in payer_rows if p.is_active]

    def fmt(moment):
        return local_time(moment, zone, "%Y-%m-%d %H:%M") if moment else ""

    st.caption("Member ids and card images are for the front desk only: they never appear in "
               "exports or on managers' pages.")
    if booked_flags:
        # A first treatment booked through the scheduling tool while not ready: the webhook
        # could not ask for the override, so staff give it here (or complete what is missing).
        for f in booked_flags:
            st.warning(f"{fmt(f.occurred_at)}  {f.detail}", icon=":material/event_busy:")
        with st.form(f"booked_{r.id}"):
            reason = st.text_input("Accept the booked first treatment as it is: reason (audited)")
            if st.form_submit_button("Accept the booking"):
                w.perform(lambda s: records.settle_booking(s, r.id, actor=who, reason=reason),
                          success="Booking accepted.")
    insurance_panel.show(r, who=who, coverage=coverage, card_images=card_images, names=names,
                         active=active)
    benefits_panel.show(r, who=who, treatments=treatments, coverage=coverage, benefits=benefits,
                        names=names, active=active, fmt=fmt, now=now)
    authorization_panel.show(r, who=who, treatments=treatments, coverage=coverage, auths=auths,
                             lists=lists, histories=histories, names=names, active=active,
                             fmt=fmt, now=now, due=due)

    if "tms" in treatments:
        st.markdown("**First TMS session**")
        if tms_why is None:
            st.caption("No prior authorization is required on record (verified benefits, a "
                       "tracked authorization or the payer's criteria): the first session "
                       "may be scheduled.")
        elif tms_approved is not None:
            st.success(f"Approved: authorization {tms_approved.auth_number} covers today "
                       f"(to {tms_approved.end_date}).", icon=":material/check_circle:")
        else:
            st.warning(f"Prior authorization required ({tms_why}): a first TMS session needs "
                       "an approved authorization covering its date, or an override with a "
                       "reason (audited).", icon=":material/pending_actions:")

    if "spravato" in treatments:
        st.markdown("**Spravato start**")
        if gate.open:
            st.success("Ready for a first dose: REMS enrolment, benefit route, ride home and "
                       "monitored slot are all in place.", icon=":material/check_circle:")
        else:
            st.warning("Before a first dose: " + "; ".join(gate.missing) + ".",
                       icon=":material/pending_actions:")
        with st.form(f"spravato_{r.id}"):
            c1, c2 = st.columns(2)
            enrolled = c1.date_input("REMS patient enrolment date", format="YYYY-MM-DD",
                                     value=start.rems_enrolled_on if start else None)
            by = c2.text_input("Enrolled by", value=(start.rems_enrolled_by or "")
                               if start else "")
            ride = c1.checkbox("Ride home confirmed",
                               value=bool(start and start.ride_home_confirmed))
            slot = c2.checkbox("2-hour monitored slot confirmed",
                               value=bool(start and start.monitored_slot_confirmed))
            if st.form_submit_button("Save Spravato start"):
                w.perform(lambda s: records.save_spravato_start(
                    s, r.id, actor=who, rems_enrolled_on=enrolled, rems_enrolled_by=by,
                    ride_home_confirmed=ride, monitored_slot_confirmed=slot),
                    success="Spravato start saved.")
        if r.is_open and r.status != "scheduled":
            with st.form(f"spravato_first_{r.id}"):
                st.markdown("Schedule the first Spravato dose")
                c1, c2 = st.columns(2)
                day = c1.date_input("Date", value=None, format="YYYY-MM-DD")
                at = c2.time_input("Time", value=None, step=900)
                reason = ("" if gate.open else
                          st.text_input("Override reason (needed: the start is not complete)"))
                if st.form_submit_button("Schedule first dose", type="primary"):
                    if not (day and at):
                        st.error("Choose the date and time of the first dose.")
                    else:
                        when = dt.datetime.combine(day, at, tzinfo=zone)
                        w.perform(lambda s: records.schedule_first_spravato(
                            s, r.id, actor=who, seen_version=seen_version,
                            appointment_at=when, override_reason=reason),
                            success="First Spravato dose scheduled.")

    if events:
        st.markdown("**Coverage timeline**")
        for e in events:
            st.text(f"{fmt(e.occurred_at)}  {label(e.kind)}"
                    + (f": {e.detail}" if e.detail else ""))


__all__ = ["facts", "show", "AUTH_STATUSES"]
