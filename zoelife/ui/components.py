"""Shared widgets and people-friendly formatting.

Text from the public goes through `st.text`/`st.code`-like plain output or `escape_markdown`
(or `zoelife.ui.highlight`), never through HTML or raw markdown. The badge helpers build
markdown only from our own vocabulary codes.
"""

from __future__ import annotations

import datetime as dt
import math
from urllib.parse import quote

import streamlit as st
from sqlalchemy import func, select

from zoelife import settings
from zoelife.db.models import Request
from zoelife.ui.db import reading
from zoelife.ui.highlight import escape_text
from zoelife.vocabulary import label

CRISIS_BADGE = {"urgent": ("Urgent", "red"), "review": ("Review", "orange"), "none": ("", "gray")}
TREATMENT_COLOR = {
    "spravato": "blue",
    "tms": "violet",
    "ketamine": "green",
    "medication_management": "orange",
    "therapy": "gray",
    "other": "gray",
}


# --------------------------------------------------------------------------- page furniture


def upload_within_limit(size: int) -> bool:
    """Whether an uploaded file of `size` bytes is within the `upload_max_mb` setting; if not,
    an error says so (Streamlit's `server.maxUploadSize` is the ceiling above the setting)."""
    with reading() as session:
        limit_mb = settings.get(session, "upload_max_mb")
    if size <= limit_mb * 1024 * 1024:
        return True
    st.error(f"This file is {size / (1024 * 1024):.1f} MB; the largest accepted is {limit_mb} MB "
             "(setting upload_max_mb on the Settings page). Nothing was imported.")
    return False


def page_header(title: str, caption: str | None = None) -> None:
    """The same header on every page: the clinic's name above the page title."""
    with reading() as session:
        clinic = settings.get(session, "clinic_name")
    # The clinic name is typed by an administrator: still shown as text, never as markdown.
    st.caption(f":material/local_hospital: {escape_markdown(clinic)}")
    st.title(title, anchor=False)
    if caption:
        st.caption(caption)


def empty_state(message: str, action_hint: str | None = None, *,
                icon: str = ":material/inbox:") -> None:
    """An empty table or chart says so, and says what to do next.

    `message` and `action_hint` are our own sentences (they may use markdown, e.g. a page
    link written as **Import requests**); never put public text in them."""
    with st.container(border=True):
        st.markdown(f"{icon} **{message}**")
        if action_hint:
            st.caption(action_hint)


def escape_markdown(text: object) -> str:
    """Make arbitrary text inert inside Streamlit markdown: labels, captions, messages and badges
    we compose around text from a file, a remote server or the public. The one escaping helper,
    `zoelife.ui.highlight.escape_text` (which also keeps web and email addresses unclickable)."""
    return escape_text(str(text))


def contact_url(scheme: str, value: str) -> str:
    """A `tel:`, `sms:` or `mailto:` link with the address percent-encoded, so nothing in it can
    add a recipient, a subject or a body (`?cc=`, `&body=`)."""
    if scheme not in ("tel", "sms", "mailto"):
        raise ValueError(f"not a contact scheme: {scheme!r}")
    return f"{scheme}:{quote(str(value), safe='@+' if scheme == 'mailto' else '+')}"


def treatment_badges(codes) -> str:
    """Markdown for treatment badges; codes come from our own vocabulary, never from users."""
    return " ".join(
        f":{TREATMENT_COLOR.get(c, 'gray')}-badge[{escape_markdown(label(c))}]"
        for c in sorted(codes) if c
    )


def crisis_badge(level: str) -> str:
    """Markdown badge for a crisis level; empty for `none` (no noise on ordinary requests)."""
    text, color = CRISIS_BADGE.get(level, ("", "gray"))
    return f":{color}-badge[:material/emergency: {text}]" if text else ""


def status_badge(status: str) -> str:
    """Markdown badge for a request status (our vocabulary only)."""
    color = {"new": "blue", "attempted": "orange", "in_progress": "violet",
             "scheduled": "green", "closed": "gray"}.get(status, "gray")
    return f":{color}-badge[{escape_markdown(label(status))}]"


def signed_out_urgent_count() -> None:
    """Signed out, the app may say how many urgent requests wait, never who."""
    with reading() as session:
        waiting = session.execute(
            select(func.count()).select_from(Request).where(
                Request.is_open.is_(True), Request.crisis_level == "urgent",
                Request.crisis_acknowledged_at.is_(None),
            )
        ).scalar_one()
    if waiting:
        st.error(f"{waiting} urgent request{'s' if waiting != 1 else ''} waiting for "
                 "acknowledgement. Sign in to see them.", icon=":material/emergency:")


# --------------------------------------------------------------------------- numbers and times


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    """'1 request', '2 requests', '1,204 requests'."""
    return f"{format_count(n)} {word if n == 1 else (plural_word or word + 's')}"


def format_count(n: int | float | None) -> str:
    """Whole numbers with thousands separators; '–' for missing."""
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "–"
    return f"{round(n):,}"


def format_percent(part: float | None, whole: float | None = None, *, digits: int = 0) -> str:
    """`format_percent(0.123)` -> '12%'; `format_percent(3, 40)` -> '8%'; '–' when undefined."""
    if part is None:
        return "–"
    if whole is not None:
        if not whole:
            return "–"
        part = part / whole
    if isinstance(part, float) and math.isnan(part):
        return "–"
    value = part * 100
    if digits == 0 and 0 < value < 1:
        return "<1%"
    return f"{value:.{digits}f}%"


def format_duration(value: dt.timedelta | float | None) -> str:
    """A span for people: '45 s', '12 min', '3 h 5 min', '2 d 4 h'. Seconds may be passed."""
    if value is None:
        return "–"
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
    if math.isnan(seconds):
        return "–"
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{sign}{int(seconds)} s"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{sign}{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{sign}{hours} h" + (f" {minutes} min" if minutes else "")
    days, hours = divmod(hours, 24)
    return f"{sign}{days} d" + (f" {hours} h" if hours else "")


def relative_time(moment: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """'just now', '5 minutes ago', 'in 2 hours', '3 days ago'."""
    if moment is None:
        return ""
    now = now or dt.datetime.now(dt.UTC)
    seconds = (now - moment).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        return "in under a minute" if future else "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            word = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"in {word}" if future else f"{word} ago"
    return ""


def local_time(moment: dt.datetime | None, zone, fmt: str = "%a %b %d, %Y %I:%M %p") -> str:
    """A UTC moment in the clinic's time zone (`settings.clinic_zone`)."""
    if moment is None:
        return ""
    return moment.astimezone(zone).strftime(fmt)


def when(moment: dt.datetime | None, zone, now: dt.datetime | None = None) -> str:
    """Both at once, for captions: 'Tue Nov 24, 2026 09:15 AM (3 hours ago)'."""
    if moment is None:
        return ""
    return f"{local_time(moment, zone)} ({relative_time(moment, now)})"
