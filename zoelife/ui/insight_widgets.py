"""Shared pieces of the manager pages: cached aggregates, a chart with its caption and its
downloads, and the period picker.

Only aggregates (counts per day and category, per item, per bin) pass through
`st.cache_data`: no request, person or text. The cache key holds the database URL and every
filter, and entries live one minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from zoelife import audit, settings
from zoelife.db.engine import database_url
from zoelife.insights import export, impact, queries
from zoelife.security.sessions import SessionUser
from zoelife.ui.db import reading, writing
from zoelife.ui.gate import actor
from zoelife.vocabulary import CHANNELS, TREATMENTS

CACHE_TTL = 60


def clinic_today() -> dt.date:
    with reading() as session:
        return settings.clinic_today(session)


def data_range() -> tuple[dt.date, dt.date] | None:
    # Not cached: two index look-ups, and a database that just received its first requests
    # (or the demo) must not keep saying it is empty.
    with reading() as session:
        return queries.data_range(session)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _trends(db_url: str, start: dt.date, end: dt.date, split: str, grain: str,
            treatments: tuple[str, ...], channels: tuple[str, ...],
            content_channels: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    period = queries.Period(start, end)
    with reading() as session:
        daily = queries.daily_counts(session, period, split, treatments=treatments,
                                     channels=channels)
        markers = queries.content_markers(session, period, topics=treatments,
                                          content_channels=content_channels)
        total = queries.total_inquiries(session, period, treatments=treatments,
                                        channels=channels)
    codes = TREATMENTS if split == "treatment" else CHANNELS
    chosen = treatments if split == "treatment" else channels
    present = set(daily["category"])
    categories = [c for c in codes if (c in chosen if chosen else c in present)]
    return queries.roll_up(daily, period, grain, categories), markers, total


def trends(period: queries.Period, split: str, grain: str, treatments, channels,
           content_channels):
    return _trends(database_url(), period.start, period.end, split, grain, tuple(treatments),
                   tuple(channels), tuple(content_channels))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _impact(db_url: str, window: int, baseline: int, today: dt.date,
            content_channels: tuple[str, ...], topics: tuple[str, ...]) -> pd.DataFrame:
    with reading() as session:
        frame = impact.content_impact(session, window_days=window, baseline_days=baseline,
                                      today=today, content_channels=content_channels,
                                      topics=topics)
    return impact.ranked(frame)


def impact_table(window: int, baseline: int, today: dt.date, content_channels, topics):
    return _impact(database_url(), window, baseline, today, tuple(content_channels),
                   tuple(topics))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _funnel(db_url: str, start: dt.date, end: dt.date, by: str) -> pd.DataFrame:
    with reading() as session:
        return queries.funnel(session, queries.Period(start, end), by)


def funnel(period: queries.Period, by: str) -> pd.DataFrame:
    return _funnel(database_url(), period.start, period.end, by)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _speed(db_url: str, start: dt.date, end: dt.date,
           grain: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    period = queries.Period(start, end)
    with reading() as session:
        return (queries.speed_over_time(session, period, grain),
                queries.weekday_hour(session, period))


def speed(period: queries.Period, grain: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _speed(database_url(), period.start, period.end, grain)


def backlog() -> pd.DataFrame:
    # Not cached: it is small, and "now" moves.
    with reading() as session:
        return queries.backlog(session)


def period_picker(span: tuple[dt.date, dt.date], today: dt.date, *, default_days: int = 365,
                  key: str = "period") -> queries.Period | None:
    """A date range limited to the data; None (with a note) until both ends are chosen."""
    last = max(span[1], today)
    start_default = max(span[0], last - dt.timedelta(days=default_days - 1))
    value = st.date_input("Period (clinic time zone)", value=(start_default, last),
                          min_value=span[0], max_value=last, key=key)
    if not isinstance(value, tuple | list) or len(value) != 2:
        st.info("Choose the last day of the period too.")
        return None
    return queries.Period(value[0], value[1])


def _exporter(user: SessionUser, name: str, fmt: str,
              make: Callable[[], bytes]) -> Callable[[], bytes]:
    def produce() -> bytes:
        data = make()
        with writing() as session:
            audit.record(session, actor(user), "insights.export", "chart", name,
                         {"format": fmt})
        return data

    return produce


def chart_block(user: SessionUser, name: str, chart: alt.TopLevelMixin, numbers: pd.DataFrame,
                caption: str) -> None:
    """The chart, what it counts, and downloads of its numbers (CSV) and image (PNG, SVG)."""
    st.altair_chart(chart, width="stretch")
    st.caption(caption)
    stem = name.replace("_", "-")
    csv, png, svg = st.columns(3)
    csv.download_button("Numbers (CSV)", _exporter(user, name, "csv",
                                                   lambda: export.csv_bytes(numbers)),
                        file_name=export.file_name(stem, "csv", clinic_today()), mime="text/csv",
                        on_click="ignore", key=f"{name}_csv", icon=":material/table:")
    png.download_button("Chart (PNG)", _exporter(user, name, "png",
                                                 lambda: export.png_bytes(chart)),
                        file_name=export.file_name(stem, "png", clinic_today()), mime="image/png",
                        on_click="ignore", key=f"{name}_png", icon=":material/image:")
    svg.download_button("Chart (SVG)", _exporter(user, name, "svg",
                                                 lambda: export.svg_bytes(chart)),
                        file_name=export.file_name(stem, "svg", clinic_today()), mime="image/svg+xml",
                        on_click="ignore", key=f"{name}_svg", icon=":material/draw:")
