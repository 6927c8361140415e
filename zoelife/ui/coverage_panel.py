"""The request page's Coverage tab (front desk only): insurance and card images, benefits per
treatment, the prior-authorization tracker with its checklist, the Spravato start gate, and the
coverage timeline. Writes go through `request_widgets.perform` and `zoelife.coverage.records`;
text staff or the public typed is shown as text or escaped."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from zoelife.audit import Actor
from zoelife.coverage import checklist, eligibility, machine, records, reminders
from zoelife.db.models import Request
from zoelife.intake.schedule import Schedule
from zoelife.ui import request_widgets as w
from zoelife.ui.components import escape_markdown, local_time
from zoelife.ui.db import reading, writing
from zoelife.ui.tables import data_export_off, download_link, people_table
from zoelife.ui.trials_panel import psychotherapy_text
from zoelife.vocabulary import (
    AUTH_STATUSES,
    BENEFIT_ROUTES,
    COVERAGE_RANKS,
    SUBSCRIBER_RELATIONS,
    VERIFY_METHODS,
    label,
)

TRIAL_COLUMNS = ["drug", "drug_class", "dose_mg", "weeks", "dose_adequate", "response"]


def _money(cents: int | None) -> str:
    return "" if cents is None else f"${cents / 100:,.2f}"


def _cents(dollars: float | None) -> int | None:
    return None if dollars is None else round(dollars * 100)


def suggested_trials(message: str | None) -> list[dict]:
    """The extractor's trials (zoelife.triage.trials) as rows of the history editor."""
    from zoelife.triage.trials import extract_trials

    return [{"drug": t.drug, "drug_class": t.drug_class, "dose_mg": t.as_json()["dose_mg"],
             "weeks": t.weeks, "dose_adequate": None,
             "response": (t.response or "").replace("_", " ")} for t in extract_trials(message)]


def _flag(answer: str) -> bool | None:
    return {"yes": True, "no": False}.get(answer)


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "unknown")


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
    names = {p.id: p.name for p in payer_rows}
    active = [p.id for p in payer_rows if p.is_active]

    def fmt(moment):
        return local_time(moment, zone, "%Y-%m-%d %H:%M") if moment else ""

    st.caption("Member ids and card images are for the front desk only: they never appear in "
               "exports or on managers' pages.")
    # ----------------------------------------------------------------- insurance
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

    # ----------------------------------------------------------------- benefits
    st.markdown("**Benefits**")
    primary_payer = coverage["primary"].payer_id if coverage["primary"] else None
    for t in [t for t in treatments if t != "other"]:
        b = benefits.get(t)
        with st.expander(f"{label(t)} benefits" + ("" if b else " (not verified)")):
            if b is not None:
                stale = b.stale_after < now.date()
                st.text(f"Verified {fmt(b.verified_at)} by {b.method}"
                        + (f", reference {b.reference}" if b.reference else "")
                        + f"; re-verify after {b.stale_after.isoformat()}")
                if stale:
                    st.warning("These benefits are stale: verify them again before the first "
                               "visit.", icon=":material/update:")
                people_table(pd.DataFrame([{
                    "In network": _yes_no(b.in_network),
                    "Deductible": _money(b.deductible_cents),
                    "Met": _money(b.deductible_met_cents),
                    "Out-of-pocket max": _money(b.oop_max_cents),
                    "Copay": _money(b.copay_cents),
                    "Coinsurance": "" if b.coinsurance_percent is None
                    else f"{b.coinsurance_percent}%",
                    "Carve-out": _yes_no(b.carve_out)
                    + (f" ({names.get(b.carve_out_payer_id, '')})" if b.carve_out else ""),
                    "PA required": _yes_no(b.pa_required),
                    "Route": label(b.benefit_route) if b.benefit_route else "",
                }]), hide_index=True, width="stretch")
            _electronic_check(r, t, who=who, now=now)
            with st.form(f"benefits_{r.id}_{t}"):
                c1, c2, c3 = st.columns(3)
                tri = ["unknown", "yes", "no"]
                in_net = c1.radio("In network", tri, horizontal=True, key=f"b_net_{r.id}_{t}")
                pa = c2.radio("PA required", tri, horizontal=True, key=f"b_pa_{r.id}_{t}")
                carve = c3.radio("Behavioral-health carve-out", tri, horizontal=True,
                                 key=f"b_carve_{r.id}_{t}")
                deductible = c1.number_input("Deductible ($)", min_value=0.0, value=None,
                                             key=f"b_ded_{r.id}_{t}")
                met = c2.number_input("Deductible met ($)", min_value=0.0, value=None,
                                      key=f"b_met_{r.id}_{t}")
                oop = c3.number_input("Out-of-pocket max ($)", min_value=0.0, value=None,
                                      key=f"b_oop_{r.id}_{t}")
                copay = c1.number_input("Copay ($)", min_value=0.0, value=None,
                                        key=f"b_copay_{r.id}_{t}")
                coins = c2.number_input("Coinsurance (%)", min_value=0, max_value=100, value=None,
                                        key=f"b_coins_{r.id}_{t}")
                carve_payer = c3.selectbox("Carve-out payer", [None, *active],
                                           format_func=lambda i: names.get(i, "None"),
                                           key=f"b_cpayer_{r.id}_{t}")
                route = (c1.selectbox("Benefit route", [None, *BENEFIT_ROUTES],
                                      format_func=lambda x: label(x) if x else "Not decided",
                                      key=f"b_route_{r.id}_{t}") if t == "spravato" else None)
                method = c2.selectbox("Verified by", VERIFY_METHODS, format_func=label,
                                      key=f"b_method_{r.id}_{t}")
                ref = c3.text_input("Call reference number", key=f"b_ref_{r.id}_{t}")
                stale_after = c1.date_input("Re-verify after", value=None, format="YYYY-MM-DD",
                                            key=f"b_stale_{r.id}_{t}",
                                            help="Default: 30 days from today.")
                if st.form_submit_button(f"Record {label(t)} benefits"):
                    w.perform(lambda s, t=t, in_net=in_net, pa=pa, carve=carve, route=route,
                              deductible=deductible, met=met, oop=oop, copay=copay, coins=coins,
                              carve_payer=carve_payer, method=method, ref=ref,
                              stale_after=stale_after: records.record_benefits(
                                  s, r.id, t, actor=who,
                                  payer_id=primary_payer,
                                  in_network=_flag(in_net), pa_required=_flag(pa),
                                  carve_out=_flag(carve), carve_out_payer_id=carve_payer,
                                  deductible_cents=_cents(deductible),
                                  deductible_met_cents=_cents(met), oop_max_cents=_cents(oop),
                                  copay_cents=_cents(copay),
                                  coinsurance_percent=None if coins is None else int(coins),
                                  benefit_route=route, method=method, reference=ref,
                                  stale_after=stale_after),
                              success=f"{label(t)} benefits recorded.")

    # ----------------------------------------------------------------- authorizations
    st.markdown("**Prior authorization**")
    for a in auths:
        _authorization(r, a, lists[a.id], histories[a.id], who=who, names=names, fmt=fmt,
                       now=now, due=due.get(a.id, []))
    with st.form(f"auth_new_{r.id}"):
        c1, c2, c3 = st.columns(3)
        choices = [t for t in treatments if t != "other"] or ["tms"]
        t = c1.selectbox("Treatment", choices, format_func=label)
        primary = coverage["primary"]
        payer_choices = [None, *active]
        payer = c2.selectbox("Payer", payer_choices,
                             format_func=lambda i: names.get(i, "No payer"),
                             index=(payer_choices.index(primary.payer_id)
                                    if primary and primary.payer_id in payer_choices else 0))
        status = c3.selectbox("Starts as", ("gathering", "not_needed"), format_func=label)
        if st.form_submit_button("Track an authorization"):
            w.perform(lambda s: records.open_authorization(s, r.id, t, actor=who,
                                                           payer_id=payer, status=status),
                      success="Authorization tracked.")

    # ----------------------------------------------------------------- first TMS session
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

    # ----------------------------------------------------------------- spravato start
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

    # ----------------------------------------------------------------- timeline
    if events:
        st.markdown("**Coverage timeline**")
        for e in events:
            st.text(f"{fmt(e.occurred_at)}  {label(e.kind)}"
                    + (f": {e.detail}" if e.detail else ""))


def _electronic_check(r: Request, treatment: str, *, who: Actor, now: dt.datetime) -> None:
    """Ask the payer through the clearinghouse (when one is configured); the answer is shown
    for staff to confirm, never saved on its own."""
    configured = eligibility.from_environment()
    if configured is None:
        return
    clearinghouse, npi = configured
    key = f"_eligibility_{r.id}_{treatment}"
    if st.button("Check eligibility electronically", key=f"elig_check_{r.id}_{treatment}"):
        try:
            with reading() as session:
                inquiry = eligibility.inquiry_for(session, r.id, treatment, npi=npi)
            answer = clearinghouse.check(inquiry, control=int(now.timestamp()) % 10**9, now=now)
            ok = True
        except eligibility.EligibilityError as exc:
            answer, ok = None, False
            st.error(str(exc))
        with writing() as session:
            eligibility.record_check(session, r.id, treatment, actor=who, ok=ok)
        st.session_state[key] = answer
    answer = st.session_state.get(key)
    if answer is None:
        return
    with st.container(border=True):
        st.markdown("**The payer's answer (271)**: confirm before recording")
        if answer.rejections:
            st.warning("Rejected: " + "; ".join(answer.rejections))
        st.text(f"Active: {_yes_no(answer.active)}   In network: {_yes_no(answer.in_network)}   "
                f"PA required: {_yes_no(answer.pa_required)}")
        st.text(f"Deductible {_money(answer.deductible_cents)} (met "
                f"{_money(answer.deductible_met_cents)}), out-of-pocket max "
                f"{_money(answer.oop_max_cents)}, copay {_money(answer.copay_cents)}, "
                f"coinsurance {answer.coinsurance_percent if answer.coinsurance_percent is not None else '-'}%")
        for message in answer.messages:
            st.text(message)
        if st.button("Record these benefits", key=f"elig_record_{r.id}_{treatment}"):
            def cleared(_):
                st.session_state.pop(key, None)

            with reading() as session:
                primary = records.coverage_of(session, r.id, "primary")
            w.perform(lambda s: records.record_benefits(
                s, r.id, treatment, actor=who, payer_id=primary.payer_id if primary else None,
                in_network=answer.in_network, deductible_cents=answer.deductible_cents,
                deductible_met_cents=answer.deductible_met_cents,
                oop_max_cents=answer.oop_max_cents, copay_cents=answer.copay_cents,
                coinsurance_percent=answer.coinsurance_percent, pa_required=answer.pa_required,
                method="electronic", reference=answer.trace),
                success="Benefits recorded from the payer's answer.", on_success=cleared)


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


def _authorization(r: Request, a, items: list[checklist.Item], history, *, who: Actor,
                   names: dict, fmt, now: dt.datetime, due: list) -> None:
    title = (f"{label(a.treatment)}: {label(a.status)} "
             f"({escape_markdown(names.get(a.payer_id, 'no payer'))})")
    with st.expander(title, expanded=a.status in ("gathering", "submitted", "in_review")
                     or any(x.due_at <= now for x in due)):
        for x in due:
            # The same reminder the worklist shows as the request's next step.
            (st.warning if x.due_at <= now else st.info)(
                f"{label(x.step)} ({x.why}), {w.due_text(x.due_at, now)} "
                f"({fmt(x.due_at)}). Next: {reminders.ACTIONS[x.step]}.",
                icon=":material/alarm:")
        if a.status in ("gathering", "submitted", "in_review", "appeal"):
            with st.form(f"chase_{a.id}", border=False):
                c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
                note = c1.text_input("What was done (optional)", key=f"chase_note_{a.id}",
                                     placeholder="e.g. faxed the referring office again")
                if c2.form_submit_button("Mark chased"):
                    w.perform(lambda s: records.chase_authorization(
                        s, a.id, actor=who, seen_version=a.version, note=note),
                        success="Chased: the reminder starts again from today.")
        if a.status == "approved":
            st.text(f"Authorization {a.auth_number}: {a.approved_units} sessions, "
                    f"{a.units_used} used, {a.start_date} to {a.end_date}")
        if items:
            for i in items:
                mark = ":green[:material/check:]" if i.met else ":red[:material/close:]"
                st.markdown(f"{mark} {escape_markdown(i.text)}"
                            + ("" if i.met else f" — missing: {escape_markdown(i.missing)}"))
        else:
            st.caption("No criteria on file for this payer and treatment (the admin keeps "
                       "them on the Payers page).")
        if any(not i.met for i in items):
            download_link("Records request letter (PDF)", "/download/records-request.pdf",
                          {"authorization": str(a.id)},
                          help="A letter to the referring provider listing only what the "
                               "checklist still misses; downloading it records the request.")
        evidence = a.evidence or {}
        with st.form(f"evidence_{a.id}"):
            st.caption("Confirmed treatment history (from the records or the person's own words)")
            confirmed = evidence.get("trials") or []
            suggested = [] if confirmed else suggested_trials(r.message)
            if suggested:
                st.caption("Prefilled with the trials the message mentions (the extractor's "
                           "suggestion): check each with the person or the records, delete "
                           "the wrong ones, mark adequate doses, then save. Nothing counts "
                           "until saved.")
            trials = pd.DataFrame(confirmed or suggested, columns=TRIAL_COLUMNS)
            data_export_off()  # the history names drugs a person took: no toolbar download
            edited = st.data_editor(trials, num_rows="dynamic", key=f"trials_{a.id}",
                                    column_config={
                                        "dose_mg": st.column_config.NumberColumn("dose (mg)"),
                                        "weeks": st.column_config.NumberColumn("weeks", step=1),
                                        "dose_adequate": st.column_config.CheckboxColumn(
                                            "adequate dose")})
            said = None if "psychotherapy" in evidence else psychotherapy_text(r.message)
            if said:
                # The person's words: escaped (a caption is markdown).
                st.caption("The message mentions psychotherapy: " + escape_markdown(said)
                           + ". Check it with "
                           "the person or the records, then tick \"Psychotherapy trial done\" "
                           "(nothing counts until saved).")
            c1, c2, c3 = st.columns(3)
            therapy = c1.checkbox("Psychotherapy trial done",
                                  value=bool(evidence.get("psychotherapy")))
            therapy_detail = st.text_input(
                "Psychotherapy: kind and how long", key=f"therapy_detail_{a.id}",
                value=evidence.get("psychotherapy_detail") or (said or ""))
            scores = dict(evidence.get("scores") or {})
            phq9 = c2.number_input("PHQ-9", min_value=0, max_value=27, value=scores.get("phq9"))
            hamd = c3.number_input("HAM-D", min_value=0, max_value=52, value=scores.get("hamd"))
            if st.form_submit_button("Save history"):
                rows = []
                for row in edited.to_dict("records"):
                    if not str(row.get("drug") or "").strip():
                        continue
                    rows.append({k: (None if pd.isna(v) else v) for k, v in row.items()
                                 if k in TRIAL_COLUMNS})
                for row in rows:
                    if row.get("weeks") is not None:
                        row["weeks"] = int(row["weeks"])
                new_scores = {k: int(v) for k, v in (("phq9", phq9), ("hamd", hamd))
                              if v is not None}
                w.perform(lambda s: records.set_evidence(
                    s, a.id, {"trials": rows, "psychotherapy": therapy,
                              "psychotherapy_detail": therapy_detail.strip() or None,
                              "scores": new_scores},
                    actor=who, seen_version=a.version), success="Treatment history saved.")
        moves = machine.allowed(a.status)
        if moves:
            with st.form(f"auth_move_{a.id}"):
                to = st.selectbox("Move to", moves, format_func=label, index=None,
                                  placeholder="Choose the next status")
                reason = st.text_input("Reason (needed to deny, appeal or mark not needed)")
                c1, c2, c3, c4 = st.columns(4)
                number = c1.text_input("Authorization number")
                units = c2.number_input("Approved sessions", min_value=0, step=1, value=None)
                start = c3.date_input("Starts", value=None, format="YYYY-MM-DD")
                end = c4.date_input("Ends", value=None, format="YYYY-MM-DD")
                if st.form_submit_button("Move authorization"):
                    if to is None:
                        st.error("Choose the next status.")
                    else:
                        decision = machine.Decision(number, None if units is None else int(units),
                                                    start, end)
                        w.perform(lambda s: records.move_authorization(
                            s, a.id, to, actor=who, seen_version=a.version, reason=reason,
                            decision=decision), success=f"Authorization {label(to).lower()}.")
        if a.status == "approved":
            c1, c2 = st.columns(2)
            with c1.form(f"units_{a.id}"):
                used = st.number_input("Sessions used", min_value=0, step=1, value=a.units_used)
                if st.form_submit_button("Save sessions used"):
                    w.perform(lambda s: records.record_units(s, a.id, int(used), actor=who,
                                                             seen_version=a.version),
                              success="Sessions used saved.")
            if c2.button("Request an extension", key=f"extend_{a.id}"):
                w.perform(lambda s: records.open_authorization(
                    s, r.id, a.treatment, actor=who, payer_id=a.payer_id,
                    extension_of_id=a.id), success="Extension tracked: gather and submit it.")
        st.caption("History: " + "; ".join(
            f"{fmt(h.changed_at)} {label(h.from_status) or 'opened'} -> {label(h.to_status)}"
            for h in history))


__all__ = ["show", "AUTH_STATUSES"]
