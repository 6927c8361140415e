"""Downloads of the numbers (CSV) and of the charts (PNG, SVG via vl-convert).

CSV cells are quoted and formula-like text guarded (`zoelife.spreadsheet`, shared by every
export): content titles come from feeds and files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import altair as alt
import pandas as pd
import vl_convert as vlc

from zoelife.spreadsheet import neutralize


def csv_bytes(frame: pd.DataFrame) -> bytes:
    safe = frame.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = [neutralize(v) if isinstance(v, str) else v for v in safe[col]]
    buf = io.StringIO()
    safe.to_csv(buf, index=False, date_format="%Y-%m-%d", quoting=csv.QUOTE_ALL)
    return buf.getvalue().encode("utf-8")


def png_bytes(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    return vlc.vegalite_to_png(chart.to_json(), scale=scale)


def svg_bytes(chart: alt.TopLevelMixin) -> bytes:
    return vlc.vegalite_to_svg(chart.to_json()).encode("utf-8")


def file_name(stem: str, extension: str, when: dt.date | None = None) -> str:
    when = when or dt.date.today()
    return f"zoelife-{stem}-{when.isoformat()}.{extension}"
