"""The medication trials a message mentions, shown to staff as suggestions to confirm."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from zoelife.triage.trials import extract_trials


def trials_table(text: str | None) -> pd.DataFrame:
    """One row per suggested trial: drug, class, dose, weeks, response and the words it came
    from (plain text; shown in a dataframe, never as markdown)."""
    rows = []
    for t in extract_trials(text):
        words = "; ".join(dict.fromkeys(text[s:e] for s, e in t.spans))
        dose = t.as_json()["dose_mg"]
        rows.append({"Drug": t.drug, "Class": t.drug_class,
                     "Dose (mg)": "" if dose is None else str(dose),
                     "Weeks": "" if t.weeks is None else str(t.weeks),
                     "Response": t.response_words,
                     "Words": words})
    return pd.DataFrame(rows, columns=["Drug", "Class", "Dose (mg)", "Weeks", "Response", "Words"])


def show_trials(text: str | None) -> None:
    table = trials_table(text)
    if table.empty:
        return
    with st.expander(f"Medication trials mentioned ({len(table)})", expanded=False):
        st.caption("Read from the message by the extractor: a suggestion for the prior "
                   "authorization's history, not a record. Check each one with the person or "
                   "the referring provider before using it.")
        st.dataframe(table, hide_index=True, width="stretch")
