"""Downloads: CSV cells cannot run as spreadsheet formulas; charts render to PNG and SVG."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from zoelife.insights import charts, export


def test_csv_neutralizes_formulas_and_keeps_numbers():
    frame = pd.DataFrame({"title": ["=HYPERLINK(\"http://x\")", "+1 trick", "Plain title"],
                          "ratio": [-1.5, 2.0, 3.0]})
    text = export.csv_bytes(frame).decode("utf-8").splitlines()
    assert text[0] == '"title","ratio"'
    assert text[1].startswith("\"'=HYPERLINK") and text[1].endswith(',"-1.5"')
    assert text[2] == '"\'+1 trick","2.0"' and text[3] == '"Plain title","3.0"'


def test_charts_render_to_png_and_svg():
    buckets = pd.DataFrame({"bucket": [dt.date(2026, 3, 2), dt.date(2026, 3, 9)],
                            "category": ["tms", "tms"], "count": [3, 5], "days": [7, 7]})
    markers = pd.DataFrame({"content_id": [1], "title": ["TMS explained"], "channel": ["blog"],
                            "date": [dt.date(2026, 3, 4)], "topic": ["tms"]})
    chart = charts.trends_chart(buckets, markers, split="treatment", grain="week")
    assert export.png_bytes(chart, scale=1).startswith(b"\x89PNG")
    svg = export.svg_bytes(chart).decode("utf-8")
    assert svg.lstrip().startswith("<svg") and "TMS" in svg
    assert export.file_name("inquiry-trends", "csv", dt.date(2026, 3, 9)) == \
        "zoelife-inquiry-trends-2026-03-09.csv"
