"""The admin's payer list and each payer's prior-authorization criteria, as data the checklist
reads (docs/coverage.md). No patient data here."""

import streamlit as st

from zoelife.coverage import checklist, records
from zoelife.ui import request_widgets as w
from zoelife.ui.components import page_header
from zoelife.ui.db import reading
from zoelife.ui.gate import actor, require
from zoelife.vocabulary import TREATMENTS, label

user = require("admin")
who = actor(user)
page_header("Payers", "The insurers the front desk picks from, and what each asks before it "
            "authorizes a treatment.")
w.show_flash()

with st.form("payer_add", clear_on_submit=True):
    c1, c2, c3 = st.columns(3)
    name = c1.text_input("Payer name")
    code = c2.text_input("Clearinghouse payer id (optional)")
    phone = c3.text_input("Provider services phone (optional)")
    if st.form_submit_button("Add payer"):
        w.perform(lambda s: records.add_payer(s, name, actor=who, payer_code=code, phone=phone),
                  success="Payer added.")

with reading() as session:
    payers = records.payers(session, active_only=False)
if not payers:
    st.info("No payers yet: add the insurers your patients use.")
    st.stop()

names = {p.id: p.name for p in payers}
payer_id = st.selectbox("Payer", list(names), format_func=names.get, key="payer_pick")
payer = next(p for p in payers if p.id == payer_id)
st.text(f"{payer.name}: {'active' if payer.is_active else 'retired'}"
        + (f", clearinghouse id {payer.payer_code}" if payer.payer_code else "")
        + (f", phone {payer.phone}" if payer.phone else ""))
if st.button("Retire this payer" if payer.is_active else "Make this payer active again",
             key=f"payer_active_{payer.id}"):
    w.perform(lambda s: records.set_payer_active(s, payer.id, not payer.is_active, actor=who),
              success="Payer updated.")

treatment = st.selectbox("Criteria for", [t for t in TREATMENTS if t != "other"],
                         format_func=label, key="criteria_treatment")
with reading() as session:
    current = records.criteria_for(session, payer.id, treatment)
with st.form(f"criteria_{payer.id}_{treatment}"):
    c1, c2, c3 = st.columns(3)
    trials = c1.number_input("Adequate trials needed", 0, 10, current.trials_needed)
    classes = c2.text_input("Classes that count (comma-separated, empty: any)",
                            ", ".join(current.classes))
    distinct = c3.number_input("Different classes needed", 0, 10, current.distinct_classes)
    weeks = c1.number_input("Minimum weeks per trial", 0, 104, current.min_weeks)
    doses = c2.text_input("Minimum doses (drug=mg, comma-separated)",
                          ", ".join(f"{k}={v:g}" for k, v in current.min_dose_mg.items()))
    therapy = c3.checkbox("Psychotherapy trial needed", current.psychotherapy)
    instruments = [None, *checklist.INSTRUMENTS]
    instrument = c1.selectbox("Score needed", instruments,
                              format_func=lambda i: checklist.INSTRUMENTS.get(i, "None"),
                              index=instruments.index(current.score_instrument))
    score_min = c2.number_input("Score at least", 0, 60, current.score_min or 0)
    st.markdown("Reminders")
    d1, d2, d3, d4 = st.columns(4)
    records_days = d1.number_input("Records missing after (days)", 0, 365, current.records_days)
    decision_days = d2.number_input("Decision due within (days)", 0, 365, current.decision_days)
    expiring_days = d3.number_input("Expiring within (days)", 0, 365, current.expiring_days)
    units_left = d4.number_input("Sessions left to warn at", 0, 1000, current.units_left)
    if st.form_submit_button("Save criteria"):
        data = {"trials_needed": int(trials), "distinct_classes": int(distinct),
                "classes": [c.strip().lower() for c in classes.split(",") if c.strip()],
                "min_weeks": int(weeks), "psychotherapy": therapy,
                "records_days": int(records_days), "decision_days": int(decision_days),
                "expiring_days": int(expiring_days), "units_left": int(units_left)}
        try:
            data["min_dose_mg"] = {
                k.strip().lower(): float(v) for k, v in
                (pair.split("=", 1) for pair in doses.split(",") if pair.strip())}
        except ValueError:
            st.error("Write minimum doses as drug=mg, for example sertraline=50, escitalopram=10.")
            st.stop()
        if instrument:
            data["score"] = {"instrument": instrument, "min": int(score_min)}
        try:
            checklist.Criteria.from_data(data)
        except checklist.CriteriaError as exc:
            st.error(str(exc))
            st.stop()
        w.perform(lambda s: records.set_criteria(s, payer.id, treatment, data, actor=who),
                  success=f"Criteria for {label(treatment)} saved.")
