"""Speed to lead: time to the first contact attempt, when requests arrive, the open backlog."""

import streamlit as st

from zoelife import settings
from zoelife.insights import charts, queries
from zoelife.ui import insight_widgets as iw
from zoelife.ui.components import page_header
from zoelife.ui.db import reading
from zoelife.ui.gate import require

user = require("manager")
page_header("Speed to lead", "How fast the desk makes the first contact attempt, when requests "
            "arrive, and what waits. Replies within the hour turn far more inquiries into "
            "patients.")

span = iw.data_range("No requests have been received yet, so there is no response time to "
                     "show.")
today = iw.clinic_today()
with reading() as session:
    target = settings.get(session, "first_response_minutes")
target_words = (f"{target // 60} business hour{'s' if target != 60 else ''}" if target % 60 == 0
                else f"{target} business minutes")
left, right = st.columns([2, 3])
with left:
    period = iw.period_picker(span, today, default_days=180)
with right:
    grain = st.radio("Group by", queries.GRAINS, index=1, horizontal=True,
                     format_func=lambda g: g.capitalize(), key="grain")
if period is None:
    st.stop()
period, grain, fitted = queries.fit(period, grain)
if fitted:
    st.info(fitted, icon=":material/info:")

over_time, heat = iw.speed(period, grain)
contacted = int(over_time["contacted"].sum())
if contacted == 0:
    st.info(f"No inquiry received between {period.start:%b %d, %Y} and {period.end:%b %d, %Y} "
            "has had a contact attempt yet, so there are no response times to show.")
else:
    within = int(over_time["within_target"].sum())
    judged = contacted + int(over_time["overdue_uncontacted"].sum())
    a, b = st.columns(2)
    a.metric("Inquiries contacted", f"{contacted:,}")
    b.metric("First attempt within target", f"{within / judged:.0%}",
             help=f"Target: {target_words} after receipt; urgent at once. "
             "Of the inquiries contacted or already past their due time.")
    iw.chart_block(
        user, "response_times", charts.speed_chart(over_time, grain), over_time,
        f"Hours from receipt to the first contact attempt, per {grain} of receipt: median and "
        "90th percentile of the inquiries contacted (interpolated within response-time bins "
        "of 5 minutes to a few days). Wall-clock hours, nights and weekends included.")
    iw.chart_block(
        user, "within_target", charts.target_chart(over_time, grain), over_time,
        f"Share of inquiries whose first attempt came by their due time ({target_words} "
        "after receipt, urgent at once), of those contacted or already past "
        "due.")
    st.subheader("When inquiries arrive, and how fast they are answered")
    iw.chart_block(
        user, "arrivals_heatmap", charts.heatmap_chart(heat, "arrivals"), heat,
        "Inquiries received per weekday and hour (clinic time zone) in the period.")
    iw.chart_block(
        user, "response_heatmap", charts.heatmap_chart(heat, "median_hours"), heat,
        "Median hours from receipt to the first contact attempt of the inquiries received in "
        "each weekday and hour (wall-clock hours). Hours with many arrivals above and slow "
        "replies here are where the desk needs another person.")

st.subheader("Open backlog")
ages = [name for name, _ in queries.BACKLOG_AGES]
waiting = iw.backlog()
if waiting.empty:
    st.info("No open inquiries right now.")
else:
    iw.chart_block(
        user, "backlog", charts.backlog_chart(waiting, ages), waiting,
        f"All {int(waiting['count'].sum()):,} open inquiries now, by time since receipt and "
        "status (whatever the period above).")
