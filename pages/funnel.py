"""Funnel and conversion: received, reached, scheduled, became patient, and the rest."""

import streamlit as st

from zoelife.insights import charts, queries
from zoelife.ui import insight_widgets as iw
from zoelife.ui.components import page_header
from zoelife.ui.gate import require
from zoelife.vocabulary import label

user = require("manager")
page_header("Funnel", "How far the inquiries of a period got, by treatment, channel or source. "
            "Aggregates only.")

span = iw.data_range("No requests have been received yet, so there is no funnel to show.")
today = iw.clinic_today()
left, right = st.columns([2, 3])
with left:
    period = iw.period_picker(span, today, default_days=90)
with right:
    by = st.radio("Group by", queries.FUNNEL_GROUPS, horizontal=True,
                  format_func=lambda g: g.capitalize(), key="by")
if period is None:
    st.stop()

frame = iw.funnel(period, by)
if frame.empty:
    st.info(f"No inquiries were received between {period.start:%b %d, %Y} and "
            f"{period.end:%b %d, %Y}. Choose another period.")
    st.stop()

totals = frame[["received", "reached", "scheduled", "became_patient"]].sum()
if by != "treatment":
    cols = st.columns(4)
    for col, stage in zip(cols, ("received", "reached", "scheduled", "became_patient"),
                          strict=True):
        share = f"{totals[stage] / totals['received']:.0%} of received" if stage != "received" \
            else None
        col.metric(charts.STAGE_LABELS[stage], f"{int(totals[stage]):,}", share,
                   delta_color="off")

iw.chart_block(
    user, f"funnel_by_{by}", charts.funnel_chart(frame, by), frame,
    f"Inquiries received {period.start:%b %d, %Y} to {period.end:%b %d, %Y} by {by}, and how "
    "many of them were reached (any contact attempt answered), scheduled (an appointment was "
    "booked at some point) and became patients. Recent inquiries may still move on. "
    + ("A request about two treatments counts under each. " if by == "treatment" else "")
    + "Staff-merged duplicates and spam are not counted.")

st.subheader("What became of the rest")
iw.chart_block(
    user, f"outcomes_by_{by}", charts.close_reasons_chart(frame, by), frame,
    "Share of each group's inquiries by close reason other than became patient, and those "
    "still open.")

table = frame.assign(group=[label(g) if by != "source" else g for g in frame["group"]])
names = {"group": by.capitalize(), "open": "Still open",
         **{c: charts.STAGE_LABELS.get(c) or label(c) for c in frame.columns[1:]
            if c != "open"}}
table = table.rename(columns=names)
st.dataframe(table, hide_index=True, width="stretch",
             column_config=iw.fitted_columns(table, text=[names["group"]]))
