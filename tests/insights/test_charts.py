"""Chart specs that stay readable: category labels whole and all shown, grids that fit the
page's width, a log axis that survives 0 and infinity."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from tests.insights.helpers import mark_of, views
from zoelife.insights import charts, impact
from zoelife.vocabulary import TREATMENTS


def _spec(chart) -> dict:
    return chart.to_dict()


def _y_axes(spec: dict) -> list[dict]:
    return [view["encoding"]["y"].get("axis", {}) for view, _ in views(spec)
            if view.get("encoding", {}).get("y", {}).get("type") in ("nominal", "ordinal")]


def _impact_frame() -> pd.DataFrame:
    rows = [
        # A rise; no inquiry in the window (ratio 0, interval from 0); none before (infinite).
        ("A long title about what TMS does for depression that runs on", "tms", 3.0, 1.2, 7.5),
        ("Quiet", "ketamine", 0.0, 0.0, 1.8),
        ("New", "spravato", math.inf, 0.9, math.inf),
        ("No baseline", "therapy", None, None, None),
    ]
    frame = pd.DataFrame(rows, columns=["title", "topic", "ratio", "ci_low", "ci_high"])
    return frame.assign(content_id=range(len(frame)), published=dt.date(2026, 3, 2),
                        observed=[6, 0, 3, 2], expected=[2.0, 1.0, 0.0, None], attributed=[2, 0, 0, 1],
                        **{c: 0 for c in impact.BY_TREATMENT})


def test_category_labels_are_whole_and_never_dropped():
    frame = pd.DataFrame({"group": ["medication_management", "tms", "spravato", "ketamine",
                                    "therapy", "other"], "received": 10, "reached": 5,
                          "scheduled": 3, "became_patient": 1, "open": 2, "declined": 4})
    heat = pd.DataFrame([(w, h, 1, 0, None, None) for w in range(7) for h in range(24)],
                        columns=["weekday", "hour", "arrivals", "contacted",
                                 "share_within_target", "median_minutes"])
    impacts = _impact_frame().assign(attributed_tms=[2, 0, 0, 0])
    for chart in (charts.funnel_chart(frame, "treatment"),
                  charts.close_reasons_chart(frame, "treatment"),
                  charts.heatmap_chart(heat, "arrivals"),
                  charts.heatmap_chart(heat, "median_hours"),
                  charts.impact_chart(impacts),
                  charts.attributed_chart(impacts)):
        axes = _y_axes(_spec(chart))
        assert axes, chart
        assert all(a.get("labelLimit") == 0 and a.get("labelOverlap") is False
                   for a in axes), axes
    # The funnel runs across: its long group names sit on the left, not on their side.
    funnel = _spec(charts.funnel_chart(frame, "treatment"))
    assert funnel["encoding"]["y"]["field"] == "group" and "yOffset" in funnel["encoding"]


def test_each_heat_map_is_one_view_as_wide_as_the_page():
    heat = pd.DataFrame([(w, h, 1, 0, None, None) for w in range(7) for h in range(24)],
                        columns=["weekday", "hour", "arrivals", "contacted",
                                 "share_within_target", "median_minutes"])
    for measure in ("arrivals", "median_hours"):
        spec = _spec(charts.heatmap_chart(heat, measure))
        assert "hconcat" not in spec and "vconcat" not in spec and "width" not in spec
        assert spec["encoding"]["color"]["field"] == measure
        assert spec["encoding"]["x"]["axis"]["labelAngle"] == 0


def test_the_impact_axis_survives_zero_and_infinity():
    spec = _spec(charts.impact_chart(_impact_frame()))
    (bars, _), (dots, _), _ = views(spec)
    data = pd.DataFrame(next(iter(spec["datasets"].values())))
    # The row without a baseline is left out; the other three are drawn.
    assert list(data["item"]) == [
        "A long title about what TMS does for depression that runs on (TMS)", "Quiet (Ketamine)",
        "New (Spravato)"]
    low, high = bars["encoding"]["x"]["scale"]["domain"]
    assert 0 < low < 0.9 and high > 7.5
    rows = data.set_index("item")
    quiet, new = rows.loc["Quiet (Ketamine)"], rows.loc["New (Spravato)"]
    assert quiet.low_shown == low and pd.isna(quiet.ratio_shown)  # from the edge, no dot
    assert new.high_shown == high and pd.isna(new.ratio_shown)
    assert dots["transform"] == [{"filter": "datum.ratio_shown != null"}]
    assert all(low <= v <= high for v in bars["encoding"]["x"]["axis"]["values"])


def test_attributed_split_by_treatment():
    frame = _impact_frame()
    frame.loc[0, ["attributed_tms", "attributed_spravato"]] = [2, 1]
    frame.loc[3, "attributed_therapy"] = 1
    spec = _spec(charts.attributed_chart(frame))
    data = pd.DataFrame(next(iter(spec["datasets"].values())))
    assert sorted(map(tuple, data[["item", "treatment", "inquiries"]].values.tolist())) == [
        ("A long title about what TMS does for depression that runs on", "Spravato", 1),
        ("A long title about what TMS does for depression that runs on", "TMS", 2),
        ("No baseline", "Therapy", 1)]
    assert spec["encoding"]["color"]["scale"]["domain"] == [
        "Spravato", "TMS", "Ketamine", "Medication management", "Therapy", "Other"]
    assert len(TREATMENTS) == len(impact.BY_TREATMENT)
    assert [mark_of(v)["type"] for v, _ in views(spec)] == ["bar"]
