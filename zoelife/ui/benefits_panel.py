"""The Coverage tab's benefits per treatment: what was verified (and whether it is stale), the
form to record them, and the electronic eligibility check (X12 270/271) when a clearinghouse
is configured, whose answer staff confirm before it is recorded."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from zoelife.audit import Actor
from zoelife.coverage import clearinghouse, eligibility_inquiry, records
from zoelife.db.models import Request
from zoelife.ui import request_widgets as w
from zoelife.ui.db import reading, writing
from zoelife.ui.tables import people_table
from zoelife.vocabulary import BENEFIT_ROUTES, VERIFY_METHODS, label


def _money(cents: int | None) -> str:
    return "" if cents is None else f"${cents / 100:,.2f}"


def _cents(dollars: float | None) -> int | None:
    return None if dollars is None else round(dollars * 100)


def _flag(answer: str) -> bool | None:
    return {"yes": True, "no": False}.get(answer)


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "unknown")


def show(r: Request, *, who: Actor, treatments, coverage: dict, benefits: dict,
         names: dict[int, str], active: list[int], fmt, now: dt.datetime) -> None:
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


def _electronic_check(r: Request, treatment: str, *, who: Actor, now: dt.datetime) -> None:
    """Ask the payer through the clearinghouse (when one is configured); the answer is shown
    for staff to confirm, never saved on its own."""
    configured = clearinghouse.from_environment()
    if configured is None:
        return
    service, npi = configured
    key = f"_eligibility_{r.id}_{treatment}"
    if st.button("Check eligibility electronically", key=f"elig_check_{r.id}_{treatment}"):
        try:
            with reading() as session:
                inquiry = eligibility_inquiry.inquiry_for(session, r.id, treatment, npi=npi)
            answer = service.check(inquiry, control=int(now.timestamp()) % 10**9, now=now)
            ok = True
        except eligibility_inquiry.EligibilityError as exc:
            answer, ok = None, False
            st.error(str(exc))
        with writing() as session:
            clearinghouse.record_check(session, r.id, treatment, actor=who, ok=ok)
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
        if answer.patient or answer.plan:
            st.text(f"Benefits of the {answer.patient or 'patient'}"
                    + (f", plan {answer.plan}" if answer.plan else ""))
        if answer.covered is False:
            st.warning("The payer lists this treatment's service type as not covered.")
        if answer.carve_out:
            st.text(f"Behavioral health carve-out: {answer.carve_out_to}")
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
                carve_out=answer.carve_out, method="electronic", reference=answer.trace),
                success="Benefits recorded from the payer's answer.", on_success=cleared)
