"""Shared pieces of the manager pages: cached aggregates, a chart with its caption and its
downloads, and the period picker.

Only aggregates (counts per day and category, per item, per bin) pass through
`st.cache_data`: no request, person or text. The cache key holds the database URL and every
filter, and entries live one minute.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from zoelife import audit, settings
from zoelife.db.engine import database_url
from zoelife.insights import export, headline, impact, queries
from zoelife.security.sessions import SessionUser
from zoelife.ui.db import reading, writing
from zoelife.ui.gate import actor
from zoelife.vocabulary import CHANNELS, TREATMENTS, label

CACHE_TTL = 60
ROW_PX = 35  # a table row's height


def clinic_today() -> dt.date:
    with reading() as session:
        return settings.clinic_today(session)


def _or_stop(span: tuple[dt.date, dt.date] | None, empty: str) -> tuple[dt.date, dt.date]:
    """The span a manager page charts; with nothing to chart, `empty` is shown and the page
    stops there."""
    if span is None:
        st.info(empty)
        st.stop()
    return span


def data_range(empty: str) -> tuple[dt.date, dt.date]:
    """The days requests were received in; none yet: `empty`, and the page stops."""
    # Not cached: two index look-ups, and a database that just received its first requests
    # (or the demo) must not keep saying it is empty.
    with reading() as session:
        return _or_stop(queries.data_range(session), empty)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _trends(db_url: str, start: dt.date, end: dt.date, split: str, grain: str,
            treatments: tuple[str, ...], channels: tuple[str, ...],
            content_channels: tuple[str, ...], today: dt.date,
            ) -> tuple[pd.DataFrame, pd.DataFrame, int, list[str]]:
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
    if chosen:
        categories, hidden = [c for c in codes if c in chosen], []
    else:
        categories, hidden = queries.top_categories(daily, codes)
    buckets = queries.roll_up(daily, period, grain, categories)
    buckets["complete"] = [queries.bucket_complete(b, grain, period, today)
                           for b in buckets["bucket"]]
    return buckets, markers, total, hidden


def trends(period: queries.Period, split: str, grain: str, treatments, channels,
           content_channels, today: dt.date):
    """(buckets with a `complete` flag, content markers, distinct inquiries, the categories
    left out of the chart: without a choice on the split's filter, only the
    `queries.DEFAULT_SERIES` largest are drawn)."""
    return _trends(database_url(), period.start, period.end, split, grain, tuple(treatments),
                   tuple(channels), tuple(content_channels), today)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _impact(db_url: str, window: int, baseline: int, today: dt.date,
            content_channels: tuple[str, ...], topics: tuple[str, ...],
            start: dt.date | None, end: dt.date | None) -> pd.DataFrame:
    published = queries.Period(start, end) if start is not None and end is not None else None
    with reading() as session:
        frame = impact.content_impact(session, window_days=window, baseline_days=baseline,
                                      today=today, content_channels=content_channels,
                                      topics=topics, published=published)
    return impact.ranked(frame)


def impact_table(window: int, baseline: int, today: dt.date, content_channels, topics,
                 published: queries.Period | None = None):
    return _impact(database_url(), window, baseline, today, tuple(content_channels),
                   tuple(topics), published.start if published else None,
                   published.end if published else None)


def published_range(today: dt.date, empty: str) -> tuple[dt.date, dt.date]:
    """The days content was published in; none yet: `empty`, and the page stops."""
    # Not cached: one small aggregate, and content added a moment ago must count.
    with reading() as session:
        return _or_stop(impact.published_range(session, today), empty)


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


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _headline(db_url: str, today: dt.date, days: int, now: dt.datetime) -> pd.DataFrame:
    current, previous = headline.windows(today, days)
    with reading() as session:
        return headline.headline(session, current, previous, now=now)


# (label, help) of each headline number, in the order shown.
HEADLINE_MEASURES = {
    "median": ("Median time to first attempt",
               "Business hours (the clinic's opening hours, holidays excluded) from receipt to "
               "the first contact attempt, of the inquiries attempted; exact to a "
               "response-time bin."),
    "reached_1h": ("Reached within 1 business hour",
                   "A reached attempt no more than one open hour after receipt. Of the "
                   "inquiries judged: reached in time, or whose hour is over."),
    "reached_1d": ("Reached within 1 business day",
                   "A reached attempt by the close of the first business day after the day of "
                   "receipt. Of the inquiries judged: reached in time, or whose day is over."),
    "reached": ("Reached", "Any contact attempt answered, so far, of all the inquiries."),
    "scheduled": ("Scheduled", "An appointment was booked at some point, of all the "
                  "inquiries."),
    "became_patient": ("Started treatment", "Closed as became patient, of all the "
                       "inquiries."),
}
# Which counts make each share: (numerator, denominator).
HEADLINE_SHARES = {"reached_1h": ("reached_1h", "judged_1h"),
                   "reached_1d": ("reached_1d", "judged_1d"),
                   "reached": ("reached", "inquiries"), "scheduled": ("scheduled", "inquiries"),
                   "became_patient": ("became_patient", "inquiries")}


def business_time(minutes: float | None) -> str:
    """Business minutes for people: '45 min', '2.5 h', '31 h' (never days: a business day is
    not 24 hours)."""
    if minutes is None or (isinstance(minutes, float) and math.isnan(minutes)):
        return "–"
    if minutes < 59.5:
        return f"{minutes:.0f} min"
    hours = minutes / 60
    return f"{hours:.1f} h" if hours < 9.95 else f"{hours:.0f} h"


def _measure(row: pd.Series | None, key: str) -> tuple[float | None, str, str]:
    """(value, value as text, its count as text) of one headline measure for one row of
    counts (None: no inquiries)."""
    if row is None:
        return None, "–", "no inquiries"
    if key == "median":
        value = row["median_business_minutes"]
        value = None if value is None or pd.isna(value) else float(value)
        return value, business_time(value), f"{int(row['attempted']):,} attempted"
    num, den = (int(row[c]) for c in HEADLINE_SHARES[key])
    value = headline.share(num, den)
    return value, (f"{value:.0%}" if value is not None else "–"), f"{num:,} of {den:,}"


def _delta(key: str, now: float | None, before: float | None) -> str | None:
    if now is None or before is None:
        return None
    if key == "median":
        minutes = now - before
        return ("-" if minutes < 0 else "+") + business_time(abs(minutes)) if minutes else "0 min"
    points = round((now - before) * 100)
    return f"{points:+d} pts" if points else "0 pts"


def headline_section() -> None:
    """The manager's headline numbers for the last days beside the days before, then by
    treatment and by channel, each with its count."""
    today = clinic_today()
    days = st.radio("Headline window", headline.WINDOWS, index=1, horizontal=True,
                    key="headline_days", format_func=lambda d: f"Last {d} days")
    # "now" to the minute: the cache key changes once a minute, not on every rerun.
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    frame = _headline(database_url(), today, days, now)
    current, previous = headline.windows(today, days)

    def pick(window: str, by: str, group: str) -> pd.Series | None:
        rows = frame[(frame["window"] == window) & (frame["by"] == by)
                     & (frame["group"] == group)]
        return rows.iloc[0] if len(rows) else None

    now_all, before_all = pick("current", "all", "all"), pick("previous", "all", "all")
    n_now = int(now_all["inquiries"]) if now_all is not None else 0
    n_before = int(before_all["inquiries"]) if before_all is not None else 0
    st.caption(
        f"{n_now:,} inquiries received {current.start:%b %d} to {current.end:%b %d, %Y} "
        f"(clinic time zone), against {n_before:,} in the {days} days before "
        f"({previous.start:%b %d} to {previous.end:%b %d}). Arrows compare with those days. "
        "Recent inquiries may still be reached, scheduled or start treatment.")
    keys = list(HEADLINE_MEASURES)
    for line in (keys[:3], keys[3:]):
        for col, key in zip(st.columns(3), line, strict=True):
            title, help_text = HEADLINE_MEASURES[key]
            value, shown, count = _measure(now_all, key)
            before, before_shown, before_count = _measure(before_all, key)
            card = col.container(border=True)
            delta = _delta(key, value, before)
            # No change is neither good nor bad: no arrow, no colour.
            still = delta in ("0 pts", "0 min")
            card.metric(title, shown, delta,
                        delta_color="off" if still else
                        ("inverse" if key == "median" else "normal"),
                        delta_arrow="off" if still else "auto",
                        help=help_text, delta_description=f"vs {days} days before")
            card.caption(f"{count} · before: {before_shown}, {before_count}")

    by_treatment, by_channel = st.tabs(["By treatment", "By channel"])
    with by_treatment:
        _headline_tab(frame, "treatment", days)
    with by_channel:
        _headline_tab(frame, "channel", days)


# Short headers (the measure's full name and meaning in its help) so that the table fits
# a laptop screen without scrolling sideways.
HEADLINE_SHORT = {"median": "1st attempt", "reached_1h": "≤ 1 bus. hour",
                  "reached_1d": "≤ 1 bus. day", "reached": "Reached", "scheduled": "Scheduled",
                  "became_patient": "Started"}


def _text_width(values, least: int) -> int:
    """Pixels a column needs for its longest text (about 6.6 px a character at the table's
    font, and its padding), so that big clinics' counts widen the column instead of being
    cut."""
    longest = max((len(str(v)) for v in values), default=0)
    return max(least, round(6.6 * longest) + 18)


def fitted_columns(table: pd.DataFrame, text: list[str] = ()) -> dict:
    """Column settings that give every column the width of its header and its longest value,
    so that no header or cell is cut (the table scrolls sideways when they are many)."""
    config = {}
    for col in table.columns:
        width = _text_width([col, *table[col].astype(str)], 60)
        kind = st.column_config.TextColumn if col in text else st.column_config.NumberColumn
        config[col] = kind(col, width=width)
    return config


def _headline_columns(table: pd.DataFrame, by: str) -> dict:
    group = by.capitalize()
    config = {group: st.column_config.TextColumn(group, width=_text_width(table[group], 120)),
              "Window": st.column_config.TextColumn("Window",
                                                    width=_text_width(table["Window"], 90)),
              "Inquiries": st.column_config.NumberColumn("Inquiries", width=72)}
    for key, short in HEADLINE_SHORT.items():
        title, help_text = HEADLINE_MEASURES[key]
        count = "(in brackets: inquiries attempted)" if key == "median" else \
            "(in brackets: how many, of how many)"
        config[short] = st.column_config.TextColumn(
            short, width=_text_width(table[short], 88), help=f"{title} {count}. {help_text}")
    return config


def _headline_tab(frame: pd.DataFrame, by: str, days: int) -> None:
    table = headline_table(frame, by, days)
    if table.empty:
        st.info("No inquiries in either window.")
        return
    # Every row shown (at most a dozen): a row's height for each and the header.
    st.dataframe(table, hide_index=True, width="stretch", row_height=ROW_PX,
                 height=ROW_PX * (len(table) + 1) + 2, column_config=_headline_columns(table, by))


def headline_table(frame: pd.DataFrame, by: str, days: int) -> pd.DataFrame:
    """One row per group and window (this window first), each measure as text with its
    count; groups in order of this window's inquiries."""
    rows = []
    part = frame[frame["by"] == by]
    groups = list(dict.fromkeys(
        list(part[part["window"] == "current"]["group"]) + list(part["group"])))
    for group in groups:
        for window, name in (("current", f"Last {days} days"),
                             ("previous", f"{days} days before")):
            found = part[(part["window"] == window) & (part["group"] == group)]
            row = found.iloc[0] if len(found) else None
            out = {by.capitalize(): label(group), "Window": name,
                   "Inquiries": int(row["inquiries"]) if row is not None else 0}
            for key, short in HEADLINE_SHORT.items():
                if row is None:
                    out[short] = "–"
                    continue
                _, shown, _ = _measure(row, key)
                if key == "median":
                    out[short] = f"{shown} ({int(row['attempted'])})"
                else:
                    num, den = (int(row[c]) for c in HEADLINE_SHARES[key])
                    out[short] = f"{shown} ({num}/{den})"
            rows.append(out)
    return pd.DataFrame(rows, columns=[by.capitalize(), "Window", "Inquiries",
                                       *HEADLINE_SHORT.values()])


def period_picker(span: tuple[dt.date, dt.date], today: dt.date, *, default_days: int = 365,
                  key: str = "period", title: str = "Period (clinic time zone)",
                  help: str | None = None) -> queries.Period | None:
    """A date range limited to the data; None (with a note) until both ends are chosen."""
    last = max(span[1], today)
    start_default = max(span[0], last - dt.timedelta(days=default_days - 1))
    value = st.date_input(title, value=(start_default, last), min_value=span[0],
                          max_value=last, key=key, help=help)
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
