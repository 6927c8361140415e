"""Content impact: what each published item was followed by, per topic (association only)."""

import streamlit as st

from zoelife import settings
from zoelife.insights import charts, impact
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

span = iw.published_range(today, "No content items have been published yet. Add content on "
                          "the Content page; impact appears once requests arrive in the weeks "
                          "around its publication.")
left, right = st.columns([2, 3])
with left:
    published = iw.period_picker(span, today, key="published", title="Published between",
                                 help="Items published in these days (clinic time zone).")
with right:
    a, b = st.columns(2)
    content_channels = a.multiselect("Content channel", CONTENT_CHANNELS, format_func=label,
                                     key="content_channels")
    topics = b.multiselect("Topic", TREATMENTS, format_func=label, key="topics")
if published is None:
    st.stop()

frame = iw.impact_table(window, baseline, today, content_channels, topics, published)
if frame.empty:
    st.info(f"No content item (with a topic) was published between {published.start:%b %d, %Y} "
            f"and {published.end:%b %d, %Y} with these filters, or no requests have been "
            "received yet. Widen the dates or clear a filter.")
    st.stop()

st.caption(
    f"Window: the publication date and the {window - 1} days after it. Expected: inquiries "
    f"about the topic in the {baseline} days before publication, scaled to the window's length. "
    "Ratio: the topic's daily inquiry rate in the window ÷ the rate before, with an exact 95% "
    "confidence interval (Poisson rate ratio); an interval above 1 suggests more inquiries than "
    "usual followed the item. Rows are ranked by the interval's lower end: strongest evidence "
    "of a rise first. Attributed: inquiries whose landing page or UTM campaign pointed at the "
    "item, those about the row's topic, the split by treatment interest, and how far they got. "
    "Settings: impact_window_days, impact_baseline_days.")


def by_treatment(row) -> str:
    parts = [f"{label(t)} {int(row[c])}" for t, c in zip(TREATMENTS, impact.BY_TREATMENT,
                                                          strict=True) if int(row[c])]
    return " · ".join(parts)


def interval(low, high) -> str:
    if low is None or high is None or low != low or high != high:
        return ""
    return f"{low:.2f}–{high:.2f}" if high != float("inf") else f"{low:.2f}–∞"


table = frame.assign(
    channel=[label(c) for c in frame["channel"]],
    topic=[label(t) for t in frame["topic"]],
    by_treatment=[by_treatment(r) for _, r in frame.iterrows()],
    funnel=[f"{r} → {s} → {p}" for r, s, p in zip(frame["reached"], frame["scheduled"],
                                                  frame["became_patient"], strict=True)],
    interval=[interval(lo, hi) for lo, hi in zip(frame["ci_low"], frame["ci_high"],
                                                 strict=True)],
    overlaps=["yes" if o else "" for o in frame["overlaps"]],
)[["title", "channel", "topic", "published", "observed", "expected", "ratio", "interval",
   "attributed", "attributed_topic", "by_treatment", "funnel", "overlaps", "note"]]
headers = {"title": "Content", "channel": "Channel", "topic": "Topic",
           "published": "Published", "attributed": "Attributed",
           "attributed_topic": "About the topic", "by_treatment": "By treatment",
           "funnel": "Reached → scheduled → patient", "observed": "In window",
           "expected": "Expected", "ratio": "Ratio", "interval": "95% CI",
           "overlaps": "Overlap", "note": "Note"}
shown = table.assign(published=[d.isoformat() for d in table["published"]],
                     expected=[f"{x:.1f}" if x == x and x is not None else ""
                               for x in table["expected"]],
                     ratio=[f"{x:.2f}" if x == x and x is not None else ""
                            for x in table["ratio"]])
widths = {col: iw._text_width([headers[col], *shown[col].astype(str)], 60)
          for col in shown.columns}
widths["title"] = min(widths["title"], 320)
widths["note"] = min(widths["note"], 360)
st.dataframe(
    table, hide_index=True, width="stretch",
    column_config={
        "title": st.column_config.TextColumn("Content", width=widths["title"]),
        "channel": st.column_config.TextColumn("Channel", width=widths["channel"]),
        "topic": st.column_config.TextColumn("Topic", width=widths["topic"]),
        "published": st.column_config.DateColumn("Published", width=widths["published"]),
        "attributed": st.column_config.NumberColumn(
            "Attributed", width=widths["attributed"],
            help="Inquiries credited to the item by landing page or UTM campaign"),
        "attributed_topic": st.column_config.NumberColumn(
            "About the topic", width=widths["attributed_topic"],
            help="Attributed inquiries asking about this row's topic"),
        "by_treatment": st.column_config.TextColumn(
            "By treatment", width=widths["by_treatment"],
            help="Attributed inquiries by treatment interest; a request about two treatments "
            "counts under each"),
        "funnel": st.column_config.TextColumn(
            "Reached → scheduled → patient", width=widths["funnel"],
            help="How far the attributed inquiries got"),
        "observed": st.column_config.NumberColumn(
            "In window", width=widths["observed"],
            help="Inquiries about the topic in the window after publication"),
        "expected": st.column_config.NumberColumn("Expected", format="%.1f",
                                                  width=widths["expected"]),
        "ratio": st.column_config.NumberColumn("Ratio", format="%.2f", width=widths["ratio"]),
        "interval": st.column_config.TextColumn("95% CI", width=widths["interval"]),
        "overlaps": st.column_config.TextColumn(
            "Overlap", width=widths["overlaps"],
            help="Another item on the same topic was published within one window: "
            "the two share inquiries, so neither ratio is the item's alone."),
        "note": st.column_config.TextColumn("Note", width=widths["note"]),
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
    "interval (log scale; the dashed line at 1 means no change). An interval reaching 0 or "
    "infinity is drawn to the edge; items without a baseline are left out of the chart.")

attributed = frame.drop_duplicates("content_id")
attributed = attributed[attributed["attributed"] > 0]
if attributed.empty:
    st.info("No inquiry in these days was attributed to an item (its landing page or UTM "
            "campaign pointing at it).")
else:
    iw.chart_block(
        user, "attributed_by_treatment", charts.attributed_chart(attributed),
        attributed[["content_id", "title", "published", "attributed", *impact.BY_TREATMENT]],
        "Inquiries attributed to each item (landing page or UTM campaign), by treatment "
        "interest; a request about two treatments counts under each, so a bar may be longer "
        "than the item's attributed count.")
