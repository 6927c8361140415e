"""The Eligibility tab: a pre-screen checklist per treatment interest that has one, its last
result and reasons, and the Spravato REMS steps. A pre-screen informs; it decides nothing."""

from __future__ import annotations

import streamlit as st

from zoelife.intake import lifecycle
from zoelife.triage import eligibility as elig
from zoelife.ui import request_widgets as w
from zoelife.ui.components import escape_markdown
from zoelife.ui.request_view import RequestView


def show(view: RequestView) -> None:
    r, detail, who = view.request, view.detail, view.who
    st.info(elig.SCREEN_DISCLAIMER, icon=":material/info:")
    screened = [t for t in detail.treatments if t in elig.CHECKLISTS]
    if not screened:
        st.caption("No pre-screen exists for these treatment interests.")
    for t in screened:
        checklist = elig.CHECKLISTS[t]
        st.markdown(f"**{escape_markdown(checklist.title)}**")
        last = detail.screens.get(t)
        if last:
            st.text(f"Last pre-screen ({view.fmt(last.recorded_at)}, {view.staff(last.recorded_by)}): "
                    f"{last.result}")
            for reason_text in last.reasons or []:
                st.text(f"- {reason_text}")
        if t == "spravato":
            with st.expander("Spravato REMS steps"):
                for step in elig.SPRAVATO_REMS_STEPS:
                    st.markdown("- " + escape_markdown(step))
        with st.form(f"screen_{r.id}_{t}"):
            answers = {}
            previous = (last.answers if last else {}) or {}
            for q in checklist.questions:
                if q.kind == "number":
                    answers[q.key] = st.number_input(q.text, min_value=0, step=1,
                                                     value=previous.get(q.key)
                                                     if isinstance(previous.get(q.key), int)
                                                     else None)
                else:
                    options = ["unknown", "yes", "no"]
                    prior = {True: "yes", False: "no"}.get(previous.get(q.key), "unknown")
                    answers[q.key] = st.radio(q.text, options, horizontal=True,
                                              index=options.index(prior))
            if st.form_submit_button("Record pre-screen"):
                cleaned = {k: ("unknown" if v is None else {"yes": True, "no": False}.get(v, v))
                           for k, v in answers.items()}
                w.perform(lambda s, t=t, cleaned=cleaned: lifecycle.record_eligibility(
                    s, r.id, actor=who, treatment=t, answers=cleaned),
                    success="Pre-screen recorded.")
