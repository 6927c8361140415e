"""Altair specs for the manager pages. Inputs are aggregates; outputs carry only those.

Labels come from the vocabulary; content titles (published by the clinic) appear in tooltips,
which Vega renders as text.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from zoelife.insights.impact import BY_TREATMENT
from zoelife.vocabulary import CHANNELS, STATUSES, TREATMENTS, label

TREATMENT_COLORS = {
    "spravato": "#1f77b4", "tms": "#9467bd", "ketamine": "#2ca02c",
    "medication_management": "#ff7f0e", "therapy": "#7f7f7f", "other": "#bcbd22",
}
CHANNEL_COLORS = {
    "web_form": "#1f77b4", "phone": "#d62728", "referral": "#2ca02c", "email": "#9467bd",
    "walk_in": "#8c564b", "other": "#7f7f7f",
}
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Category labels down a chart: whole (no ellipsis) and every one (Vega drops labels it finds
# overlapping, and at 22-28 pixels a row it dropped every other one), on rows this tall.
FULL_LABELS = alt.Axis(labelLimit=0, labelOverlap=False)
ROW_PX = 30
LOG_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500)
STAGE_LABELS = {"received": "Received", "reached": "Reached", "scheduled": "Scheduled",
                "became_patient": "Became patient"}


def _scale(codes, colors: dict[str, str]) -> alt.Scale:
    labels = [label(c) for c in codes]
    return alt.Scale(domain=labels, range=[colors.get(c, "#7f7f7f") for c in codes])


def _topic_scale(topics: list[str]) -> alt.Scale:
    known = [t for t in TREATMENTS if t in topics]
    extra = sorted(t for t in topics if t not in TREATMENTS)  # items with several topics
    domain = [label(t) for t in known] + extra
    colors = [TREATMENT_COLORS[t] for t in known] + ["#444444"] * len(extra)
    return alt.Scale(domain=domain, range=colors)


def topic_label(topic: str) -> str:
    return ", ".join(label(t.strip()) for t in topic.split(","))


def _incomplete_links(data: pd.DataFrame) -> pd.DataFrame:
    """For each series, the incomplete first or last bucket with its complete neighbour, as
    two-point segments (`segment` keeps the start's apart from the end's)."""
    rows = []
    for _, points in data.groupby("series", sort=False):
        points = points.sort_values("period").reset_index(drop=True)
        last = len(points) - 1
        for i, neighbour, segment in ((0, 1, "start"), (last, last - 1, "end")):
            if last >= 1 and not points.loc[i, "complete"]:
                pair = points.loc[sorted((i, neighbour))].assign(segment=segment)
                rows.append(pair)
    if not rows:
        return data.iloc[0:0].assign(segment=pd.Series(dtype=str))
    return pd.concat(rows, ignore_index=True).drop_duplicates(["series", "period", "segment"])


def trends_chart(buckets: pd.DataFrame, markers: pd.DataFrame, *, split: str,
                 grain: str) -> alt.LayerChart:
    """Inquiries per bucket and category, with one marker per content item at its date.

    A bucket not over yet, or cut by the period (`complete` false), is drawn as a hollow dot
    on a dashed line: its count is lower because it has fewer days, not fewer inquiries."""
    codes = TREATMENTS if split == "treatment" else CHANNELS
    present = [c for c in codes if c in set(buckets["category"])]
    complete = (buckets["complete"].astype(bool) if "complete" in buckets
                else pd.Series(True, index=buckets.index))
    data = pd.DataFrame({
        "period": [b.isoformat() for b in buckets["bucket"]],
        "series": [label(c) for c in buckets["category"]],
        "inquiries": buckets["count"].astype(int),
        "days": buckets["days"].astype(int),
        "complete": complete.to_numpy(),
        "counted": ["all its days" if c else "so far / part of the period"
                    for c in complete],
    })
    legend_pick = alt.selection_point(fields=["series"], bind="legend", name="series_toggle")
    zoom = alt.selection_interval(bind="scales", encodings=["x"], name="time_zoom")
    title = {"treatment": "Treatment interest", "channel": "Channel"}[split]
    x = alt.X("period:T", title=f"{grain.capitalize()} (clinic time zone)")
    y = alt.Y("inquiries:Q", title="Inquiries")
    color = alt.Color("series:N", title=title,
                      scale=_scale(present, TREATMENT_COLORS if split == "treatment"
                                   else CHANNEL_COLORS))
    opacity = alt.condition(legend_pick, alt.value(1.0), alt.value(0.12))
    tooltip = [alt.Tooltip("period:T", title=grain.capitalize()),
               alt.Tooltip("series:N", title=title),
               alt.Tooltip("inquiries:Q", title="Inquiries"),
               alt.Tooltip("days:Q", title="Days counted"),
               alt.Tooltip("counted:N", title="Counted")]
    base = alt.Chart(data)
    lines = base.transform_filter("datum.complete").mark_line().encode(
        x=x, y=y, color=color, opacity=opacity).add_params(legend_pick, zoom)
    dashed = alt.Chart(_incomplete_links(data)).mark_line(strokeDash=[5, 4]).encode(
        x=x, y=y, color=color, opacity=opacity, detail="segment:N")
    points = base.mark_point(filled=True, size=40).encode(
        x=x, y=y, color=color, opacity=opacity, tooltip=tooltip,
        fillOpacity=alt.condition("datum.complete", alt.value(1.0), alt.value(0.0)))
    series = alt.layer(lines, dashed, points)
    if markers.empty:
        return series.properties(height=380)
    marks = pd.DataFrame({
        "published": [d.isoformat() for d in markers["date"]],
        "title": markers["title"].astype(str),
        "content_channel": [label(c) for c in markers["channel"]],
        "topic": [topic_label(t) for t in markers["topic"]],
    })
    topic_pick = alt.selection_point(fields=["topic"], bind="legend", name="topic_toggle")
    scale = _topic_scale(sorted({t for t in markers["topic"]}, key=str))
    marker_tooltip = [alt.Tooltip("title:N", title="Content"),
                      alt.Tooltip("content_channel:N", title="Channel"),
                      alt.Tooltip("topic:N", title="Topic"),
                      alt.Tooltip("published:T", title="Published")]
    # One legend for both marker layers: they share the topic scale.
    marker_color = alt.Color("topic:N", title="Content topic", scale=scale)
    marker_opacity = alt.condition(topic_pick, alt.value(0.9), alt.value(0.08))
    rules = alt.Chart(marks).mark_rule(strokeDash=[4, 3], strokeWidth=1.5).encode(
        x="published:T", color=marker_color, opacity=marker_opacity, tooltip=marker_tooltip)
    flags = alt.Chart(marks).mark_point(shape="triangle-down", size=140, filled=True).encode(
        x="published:T", y=alt.value(6), color=marker_color, opacity=marker_opacity,
        tooltip=marker_tooltip,
    ).add_params(topic_pick)
    content = alt.layer(rules, flags)
    return (alt.layer(series, content).resolve_scale(color="independent")
            .properties(height=380))


def _finite(value):
    if value is None:
        return None
    try:
        return None if math.isinf(value) or math.isnan(value) else float(value)
    except TypeError:
        return None


def impact_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Rate ratio with its 95% interval per item and topic; 1 means no change.

    On a log scale 0 and infinity have no place: an interval reaching 0 (no inquiry in the
    window) or infinity (none before) is drawn to the edge of the axis, and a ratio of 0 or
    infinity has no dot; the tooltip keeps the true values."""
    data = pd.DataFrame({
        "item": [f"{t} ({label(tp)})" for t, tp in zip(frame["title"], frame["topic"],
                                                       strict=True)],
        "topic": [label(t) for t in frame["topic"]],
        "published": [d.isoformat() for d in frame["published"]],
        "observed": frame["observed"].astype(int),
        "expected": [_finite(x) for x in frame["expected"]],
        "ratio": [_finite(x) for x in frame["ratio"]],
        "ci_low": [_finite(x) for x in frame["ci_low"]],
        "ci_high": [_finite(x) for x in frame["ci_high"]],
    })
    # Rows with a baseline: a ratio (finite or infinite) and an interval.
    data = data[[_has_interval(r, lo) for r, lo in zip(frame["ratio"], frame["ci_low"],
                                                      strict=True)]]
    positive = [v for col in ("ratio", "ci_low", "ci_high") for v in data[col]
                if pd.notna(v) and v > 0]
    edge_low = min(positive + [1.0]) / 1.5
    edge_high = max(positive + [1.0]) * 1.5
    data = data.assign(
        ratio_shown=[v if pd.notna(v) and v > 0 else None for v in data["ratio"]],
        low_shown=[v if pd.notna(v) and v > 0 else edge_low for v in data["ci_low"]],
        high_shown=[v if pd.notna(v) else edge_high for v in data["ci_high"]],
    )
    order = list(data["item"])
    # Whole titles (a title is the clinic's own, at most a line), every one of them: no
    # ellipsis, and none dropped as overlapping.
    y = alt.Y("item:N", sort=order, title=None, axis=FULL_LABELS)
    scale = _topic_scale(sorted(set(frame["topic"])))
    x_scale = alt.Scale(type="log", domain=[edge_low, edge_high], clamp=True)
    ticks = [v for v in LOG_TICKS if edge_low <= v <= edge_high]
    tooltip = [alt.Tooltip("item:N", title="Content"), alt.Tooltip("published:T", title="Published"),
               alt.Tooltip("observed:Q", title="Inquiries in window"),
               alt.Tooltip("expected:Q", title="Expected", format=".1f"),
               alt.Tooltip("ratio:Q", title="Ratio", format=".2f"),
               alt.Tooltip("ci_low:Q", title="95% CI low", format=".2f"),
               alt.Tooltip("ci_high:Q", title="95% CI high", format=".2f")]
    bars = alt.Chart(data).mark_rule(strokeWidth=2).encode(
        y=y, x=alt.X("low_shown:Q", title="Inquiry rate after publication ÷ before (log scale)",
                     scale=x_scale, axis=alt.Axis(values=ticks, format="~g")),
        x2="high_shown:Q", color=alt.Color("topic:N", title="Topic", scale=scale),
        tooltip=tooltip)
    dots = alt.Chart(data).transform_filter("datum.ratio_shown != null").mark_point(
        filled=True, size=70).encode(
        y=y, x=alt.X("ratio_shown:Q", scale=x_scale), color=alt.Color("topic:N", scale=scale),
        tooltip=tooltip)
    one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="#888", strokeDash=[3, 3]).encode(
        x=alt.X("x:Q", scale=x_scale))
    return alt.layer(bars, dots, one).properties(height=max(160, ROW_PX * len(data)))


def _has_interval(ratio, low) -> bool:
    try:
        return ratio is not None and low is not None and not math.isnan(float(ratio)) \
            and not math.isnan(float(low))
    except TypeError:
        return False


def attributed_chart(frame: pd.DataFrame) -> alt.Chart:
    """Attributed inquiries per content item, split by treatment interest (stacked)."""

    items = frame.drop_duplicates("content_id")
    rows = []
    for _, r in items.iterrows():
        for col, treatment in zip(BY_TREATMENT, TREATMENTS, strict=True):
            if int(r[col]):
                rows.append({"item": str(r["title"]), "treatment": label(treatment),
                             "inquiries": int(r[col]), "attributed": int(r["attributed"])})
    data = pd.DataFrame(rows, columns=["item", "treatment", "inquiries", "attributed"])
    order = list(data.sort_values("attributed", ascending=False, kind="stable")["item"]
                 .drop_duplicates())
    treatments = [label(t) for t in TREATMENTS]
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("item:N", sort=order, title=None, axis=FULL_LABELS),
        x=alt.X("inquiries:Q", title="Attributed inquiries, by treatment interest",
                axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("treatment:N", title="Treatment interest",
                        scale=alt.Scale(domain=treatments,
                                        range=[TREATMENT_COLORS[t] for t in TREATMENTS])),
        order=alt.Order("treatment:N"),
        tooltip=[alt.Tooltip("item:N", title="Content"),
                 alt.Tooltip("treatment:N", title="Treatment interest"),
                 alt.Tooltip("inquiries:Q", title="Inquiries"),
                 alt.Tooltip("attributed:Q", title="Attributed, all treatments")],
    ).properties(height=max(120, ROW_PX * len(order)))


def funnel_chart(frame: pd.DataFrame, by: str) -> alt.Chart:
    """Received, reached, scheduled, became patient per group, as grouped bars."""
    rows = []
    for _, r in frame.iterrows():
        for stage in STAGE_LABELS:
            share = r[stage] / r["received"] if r["received"] else 0.0
            rows.append({"group": label(r["group"]) if by != "source" else str(r["group"]),
                         "stage": STAGE_LABELS[stage], "requests": int(r[stage]),
                         "share_of_received": round(share, 4)})
    data = pd.DataFrame(rows, columns=["group", "stage", "requests", "share_of_received"])
    stages = list(STAGE_LABELS.values())
    groups = list(dict.fromkeys(data["group"]))
    # Bars across, groups down: a long name (a source, "Medication management") is read on
    # one line instead of cut or turned on its side.
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("group:N", title=None, sort=groups, axis=FULL_LABELS),
        yOffset=alt.YOffset("stage:N", sort=stages),
        x=alt.X("requests:Q", title="Inquiries"),
        color=alt.Color("stage:N", sort=stages, title="Stage"),
        tooltip=[alt.Tooltip("group:N", title=by.capitalize()), "stage:N",
                 alt.Tooltip("requests:Q", title="Inquiries"),
                 alt.Tooltip("share_of_received:Q", title="Share of received", format=".0%")],
    ).properties(height=max(160, 4 * 11 * len(groups)))


def close_reasons_chart(frame: pd.DataFrame, by: str) -> alt.Chart:
    """What became of the inquiries that did not become patients: reasons and still open."""
    reasons = [c for c in frame.columns
               if c not in ("group", "received", "reached", "scheduled", "became_patient")]
    rows = []
    for _, r in frame.iterrows():
        for reason in reasons:
            rows.append({"group": label(r["group"]) if by != "source" else str(r["group"]),
                         "outcome": "Still open" if reason == "open" else label(reason),
                         "requests": int(r[reason])})
    data = pd.DataFrame(rows, columns=["group", "outcome", "requests"])
    return alt.Chart(data).mark_bar().encode(
        # Every group's name shown in full (a 28-pixel row had every other one dropped).
        y=alt.Y("group:N", title=None, sort=list(dict.fromkeys(data["group"])),
                axis=FULL_LABELS),
        x=alt.X("requests:Q", stack="normalize", title="Share of inquiries",
                axis=alt.Axis(format="%")),
        color=alt.Color("outcome:N", title="Outcome"),
        tooltip=[alt.Tooltip("group:N", title=by.capitalize()), "outcome:N",
                 alt.Tooltip("requests:Q", title="Inquiries")],
    ).properties(height=max(120, ROW_PX * len(frame)))


def speed_chart(frame: pd.DataFrame, grain: str) -> alt.Chart:
    """Median and 90th percentile minutes from receipt to the first contact attempt."""
    rows = []
    for _, r in frame.iterrows():
        for key, name in (("median_minutes", "Median"), ("p90_minutes", "90th percentile")):
            value = r[key]
            if value is not None and not (isinstance(value, float) and math.isnan(value)):
                rows.append({"period": r["bucket"].isoformat(), "measure": name,
                             "hours": round(float(value) / 60, 2),
                             "contacted": int(r["contacted"])})
    data = pd.DataFrame(rows, columns=["period", "measure", "hours", "contacted"])
    zoom = alt.selection_interval(bind="scales", encodings=["x"], name="time_zoom")
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("period:T", title=f"{grain.capitalize()} of receipt (clinic time zone)"),
        y=alt.Y("hours:Q", title="Hours to first contact attempt"),
        color=alt.Color("measure:N", title=None, sort=["Median", "90th percentile"]),
        tooltip=[alt.Tooltip("period:T", title=grain.capitalize()), "measure:N",
                 alt.Tooltip("hours:Q", title="Hours", format=".1f"),
                 alt.Tooltip("contacted:Q", title="Contacted")],
    ).add_params(zoom).properties(height=300)


def target_chart(frame: pd.DataFrame, grain: str) -> alt.Chart:
    """Share of inquiries whose first attempt came within the response target."""
    data = pd.DataFrame({
        "period": [b.isoformat() for b in frame["bucket"]],
        "share": [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
                  for v in frame["share_within_target"]],
        "received": frame["received"].astype(int),
    })
    data = data[data["share"].notna()]
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("period:T", title=f"{grain.capitalize()} of receipt"),
        y=alt.Y("share:Q", title="Within target", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("period:T", title=grain.capitalize()),
                 alt.Tooltip("share:Q", title="Within target", format=".0%"),
                 alt.Tooltip("received:Q", title="Received")],
    ).properties(height=220)


HEATMAP_MEASURES = {
    "arrivals": ("Arrivals", "arrivals:Q", "blues"),
    "median_hours": ("Median hours to first contact", "median_hours:Q", "orangered"),
}


def heatmap_chart(frame: pd.DataFrame, measure: str = "arrivals") -> alt.Chart:
    """One weekday × hour grid (a single view, so it takes the page's width): arrivals, or
    the median hours to the first contact attempt of those arrivals."""
    data = pd.DataFrame({
        "weekday": [WEEKDAY_NAMES[int(w)] for w in frame["weekday"]],
        "hour": frame["hour"].astype(int),
        "arrivals": frame["arrivals"].astype(int),
        "median_hours": [None if v is None or (isinstance(v, float) and math.isnan(v))
                         else round(float(v) / 60, 2) for v in frame["median_minutes"]],
        "within_target": [None if v is None or (isinstance(v, float) and math.isnan(v))
                          else float(v) for v in frame["share_within_target"]],
    })
    title, field, scheme = HEATMAP_MEASURES[measure]
    tooltip = ["weekday:O", "hour:O", alt.Tooltip("arrivals:Q", title="Arrivals"),
               alt.Tooltip("median_hours:Q", title="Median hours to first contact",
                           format=".1f"),
               alt.Tooltip("within_target:Q", title="Within target", format=".0%")]
    return alt.Chart(data, title=title).mark_rect().encode(
        x=alt.X("hour:O", title="Hour received (clinic time zone)",
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("weekday:O", sort=list(WEEKDAY_NAMES), title=None, axis=FULL_LABELS),
        color=alt.Color(field, title=title.split(" to ")[0],
                        scale=alt.Scale(scheme=scheme)),
        tooltip=tooltip,
    ).properties(height=ROW_PX * len(WEEKDAY_NAMES))


def backlog_chart(frame: pd.DataFrame, ages: list[str]) -> alt.Chart:
    """Open inquiries by age since receipt, stacked by status."""
    data = pd.DataFrame({"age": frame["age"], "status": [label(s) for s in frame["status"]],
                         "requests": frame["count"].astype(int)})
    statuses = [label(s) for s in STATUSES]
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("age:N", sort=ages, title="Age since receipt",
                axis=alt.Axis(labelAngle=0, labelLimit=0)),
        y=alt.Y("requests:Q", title="Open inquiries"),
        color=alt.Color("status:N", sort=statuses, title="Status"),
        tooltip=["age:N", "status:N", alt.Tooltip("requests:Q", title="Open inquiries")],
    ).properties(height=260)
