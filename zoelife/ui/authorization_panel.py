"""The Coverage tab's prior authorizations: each one's checklist against the payer's
criteria (with the records request letter for what is missing), the confirmed treatment
history (prefilled from the message's trials, counted only once saved), its moves, sessions
used and extensions; and tracking a new one."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from zoelife.audit import Actor
from zoelife.coverage import checklist, machine, records
from zoelife.db.models import Request
from zoelife.ui import request_widgets as w
from zoelife.ui.components import escape_markdown
from zoelife.ui.tables import data_export_off, download_link
from zoelife.vocabulary import label

TRIAL_COLUMNS = ["drug", "drug_class", "dose_mg", "weeks", "dose_adequate", "response"]


def suggested_trials(message: str | None) -> list[dict]:
    """The extractor's trials (zoelife.triage.trials) as rows of the history editor."""
    from zoelife.triage.trials import extract_trials

    return [{"drug": t.drug, "drug_class": t.drug_class, "dose_mg": t.as_json()["dose_mg"],
             "weeks": t.weeks, "dose_adequate": None,
             "response": (t.response or "").replace("_", " ")} for t in extract_trials(message)]


def show(r: Request, *, who: Actor, treatments, coverage: dict, auths: list, lists: dict,
         histories: dict, names: dict[int, str], active: list[int], fmt,
         now: dt.datetime) -> None:
    st.markdown("**Prior authorization**")
    for a in auths:
        _authorization(r, a, lists[a.id], histories[a.id], who=who, names=names, fmt=fmt,
                       now=now)
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


def _authorization(r: Request, a, items: list[checklist.Item], history, *, who: Actor,
                   names: dict, fmt, now: dt.datetime) -> None:
    title = (f"{label(a.treatment)}: {label(a.status)} "
             f"({escape_markdown(names.get(a.payer_id, 'no payer'))})")
    with st.expander(title, expanded=a.status in ("gathering", "submitted", "in_review")):
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
            c1, c2, c3 = st.columns(3)
            therapy = c1.checkbox("Psychotherapy trial done",
                                  value=bool(evidence.get("psychotherapy")))
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
                    s, a.id, {"trials": rows, "psychotherapy": therapy, "scores": new_scores},
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
