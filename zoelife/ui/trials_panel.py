"""The medication trials a message mentions, shown to staff as suggestions to confirm."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from zoelife.triage.psychotherapy import psychotherapy_in
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


def psychotherapy_text(text: str | None) -> str | None:
    """The psychotherapy a message mentions, as one plain sentence with the words it came
    from: 'CBT, 52 weeks (words: "CBT")', or None."""
    found = psychotherapy_in(text)
    if found is None:
        return None
    parts = [" and ".join(k.upper() if len(k) <= 4 else k for k in found.kinds)]
    if found.weeks:
        parts.append(f"{found.weeks} weeks")
    if found.since_year:
        parts.append(f"since {found.since_year}")
    words = "; ".join(dict.fromkeys(text[s:e] for s, e in found.spans))
    return ", ".join(parts) + f' (words: "{words}")'


def show_psychotherapy(text: str | None) -> None:
    found = psychotherapy_text(text)
    if found is None:
        return
    with st.expander("Psychotherapy mentioned", expanded=False):
        st.caption("Read from the message by the extractor: a suggestion for the prior "
                   "authorization's psychotherapy criterion, not a record. Confirm it on the "
                   "Coverage tab.")
        st.text(found)
