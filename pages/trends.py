"""Inquiry trends: volume over time by treatment or channel, against published content."""

import streamlit as st

from zoelife.insights import charts, queries
from zoelife.ui import insight_widgets as iw
from zoelife.ui.components import page_header
from zoelife.ui.gate import require
from zoelife.vocabulary import CHANNELS, CONTENT_CHANNELS, TREATMENTS, label

user = require("manager")
page_header("Inquiry trends", "How many people asked for care, and when, against what the "
            "clinic published. Aggregates only.")

span = iw.data_range("No requests have been received yet, so there is nothing to chart. Trends "
                     "appear once requests arrive (or load the demo clinic with `zoelife demo`).")
today = iw.clinic_today()

st.subheader("How fast we answer, how many we reach, how many start")
iw.headline_section()

st.subheader("Inquiries over time")
left, right = st.columns([2, 3])
with left:
    period = iw.period_picker(span, today)
    grain = st.radio("Group by", queries.GRAINS, index=1, horizontal=True,
                     format_func=lambda g: g.capitalize(), key="grain")
    split = st.radio("Split by", queries.SPLITS, horizontal=True,
                     format_func=lambda s: s.capitalize(), key="split")
with right:
    treatments = st.multiselect(
        "Treatment interest", TREATMENTS, format_func=label, key="treatments",
        help="Also limits the content markers to these topics. Split by treatment: the lines "
        f"drawn (none chosen: the {queries.DEFAULT_SERIES} with the most inquiries).")
    channels = st.multiselect(
        "Channel", CHANNELS, format_func=label, key="channels",
        help=f"Split by channel: the lines drawn (none chosen: the {queries.DEFAULT_SERIES} "
        "with the most inquiries).")
    content_channels = st.multiselect("Content channel", CONTENT_CHANNELS, format_func=label,
                                      key="content_channels")
if period is None:
    st.stop()
period, grain, fitted = queries.fit(period, grain)
if fitted:
    st.info(fitted, icon=":material/info:")

buckets, markers, total, hidden = iw.trends(period, split, grain, treatments, channels,
                                            content_channels, today)
a, b = st.columns(2)
a.metric("Inquiries in the period", f"{total:,}")
b.metric("Content items published in the period", f"{len(markers):,}")

if total == 0:
    st.info(f"No inquiries between {period.start:%b %d, %Y} and {period.end:%b %d, %Y} with "
            "these filters. Widen the period or clear a filter.")
    st.stop()

if hidden:
    picker = "Treatment interest" if split == "treatment" else "Channel"
    st.caption(f"Drawn: the {queries.DEFAULT_SERIES} {split}s with the most inquiries. Also "
               f"asked about: {', '.join(label(h) for h in hidden)}; choose {split}s under "
               f"{picker} to draw those instead.")
chart = charts.trends_chart(buckets, markers, split=split, grain=grain)
numbers = buckets.rename(columns={"bucket": f"{grain}_starting", "count": "inquiries",
                                  "days": "days_counted", "complete": "complete_" + grain})
iw.chart_block(
    user, "inquiry_trends", chart, numbers,
    f"Inquiries received per {grain} (clinic time zone), split by {split}. "
    + ("A request about two treatments counts once under each. " if split == "treatment"
       else "")
    + "Staff-merged duplicates and spam are not counted; attached duplicate submissions never "
    "were. Each marker is a published content item, coloured by its topic: hover for its title, "
    "channel and date. Drag or scroll the time axis to zoom; click a legend entry to show it "
    "alone. A hollow dot on a dashed line is a " + grain + " not over yet, or only partly "
    "inside the period: it counts only its days so far (see days counted), so a lower value "
    "there is not a drop.")

if not markers.empty:
    with st.expander(f"Content published in the period ({len(markers)})"):
        st.dataframe(markers.assign(channel=[label(c) for c in markers["channel"]],
                                    topic=[charts.topic_label(t) for t in markers["topic"]])
                     .drop(columns=["content_id"])
                     .rename(columns={"title": "Title", "channel": "Channel",
                                      "date": "Published", "topic": "Topic"}),
                     hide_index=True, width="stretch")
