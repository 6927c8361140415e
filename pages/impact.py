"""Content impact: what each published item was followed by, per topic (association only)."""

import streamlit as st

from zoelife import settings
from zoelife.insights import charts
from zoelife.ui import insight_widgets as iw
from zoelife.ui.components import page_header
from zoelife.ui.db import reading
from zoelife.ui.gate import require
from zoelife.vocabulary import CONTENT_CHANNELS, TREATMENTS, label

user = require("manager")
page_header("Content impact", "Inquiries about an item's topic after it was published, against "
            "the weeks before. An association, not proof that the item caused them.")

with reading() as session:
    window = settings.get(session, "impact_window_days")
    baseline = settings.get(session, "impact_baseline_days")
today = iw.clinic_today()

left, right = st.columns(2)
content_channels = left.multiselect("Content channel", CONTENT_CHANNELS, format_func=label,
                                    key="content_channels")
topics = right.multiselect("Topic", TREATMENTS, format_func=label, key="topics")

frame = iw.impact_table(window, baseline, today, content_channels, topics)
if frame.empty:
    st.info("No published content items (with a topic) match, or no requests have been "
            "received yet. Add content on the Content page; impact appears once requests "
            "arrive in the weeks around its publication.")
    st.stop()

st.caption(
    f"Window: the publication date and the {window - 1} days after it. Expected: inquiries "
    f"about the topic in the {baseline} days before publication, scaled to the window's length. "
    "Ratio: the topic's daily inquiry rate in the window ÷ the rate before, with an exact 95% "
    "confidence interval (Poisson rate ratio); an interval above 1 suggests more inquiries than "
    "usual followed the item. Rows are ranked by the interval's lower end: strongest evidence "
    "of a rise first. Attributed: inquiries whose landing page or UTM campaign pointed at the "
    "item, and how far they got. Settings: impact_window_days, impact_baseline_days.")

table = frame.assign(
    channel=[label(c) for c in frame["channel"]],
    topic=[label(t) for t in frame["topic"]],
    overlaps=["yes" if o else "" for o in frame["overlaps"]],
)[["title", "channel", "topic", "published", "attributed", "reached", "scheduled",
   "became_patient", "observed", "expected", "ratio", "ci_low", "ci_high", "overlaps", "note"]]
st.dataframe(
    table, hide_index=True, width="stretch",
    column_config={
        "title": st.column_config.TextColumn("Content"),
        "channel": "Channel", "topic": "Topic",
        "published": st.column_config.DateColumn("Published"),
        "attributed": st.column_config.NumberColumn("Attributed", help="Inquiries credited to "
                                                    "the item by landing page or UTM campaign"),
        "reached": "Reached", "scheduled": "Scheduled", "became_patient": "Became patient",
        "observed": st.column_config.NumberColumn("Topic inquiries in window"),
        "expected": st.column_config.NumberColumn("Expected", format="%.1f"),
        "ratio": st.column_config.NumberColumn("Ratio", format="%.2f"),
        "ci_low": st.column_config.NumberColumn("95% CI low", format="%.2f"),
        "ci_high": st.column_config.NumberColumn("95% CI high", format="%.2f"),
        "overlaps": st.column_config.TextColumn(
            "Overlap", help="Another item on the same topic was published within one window: "
            "the two share inquiries, so neither ratio is the item's alone."),
        "note": "Note",
    })
overlapping = int((frame["overlaps"] != "").sum())
if overlapping:
    st.warning(f"{overlapping} row(s) overlap another publication on the same topic within "
               f"{window} days: their windows share inquiries, so read those ratios together.",
               icon=":material/warning:")

iw.chart_block(
    user, "content_impact", charts.impact_chart(frame), frame,
    "Each line is one content item and topic: the dot is the ratio of the topic's daily "
    "inquiries in the window after publication to the baseline before it, the line its 95% "
    "interval (log scale; the dashed line at 1 means no change). Items without a baseline "
    "are left out of the chart.")
