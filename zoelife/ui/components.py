"""Shared widgets. Text from the public goes through `st.text`/`st.code`-like plain output or
`safe_markdown_text`, never through HTML or raw markdown."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from sqlalchemy import func, select

from zoelife import settings
from zoelife.db.models import Request
from zoelife.ui.db import reading
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


def page_header(title: str, caption: str | None = None) -> None:
    with reading() as session:
        clinic = settings.get(session, "clinic_name")
    st.caption(clinic)
    st.title(title)
    if caption:
        st.caption(caption)


def escape_markdown(text: str) -> str:
    """Make arbitrary text inert inside Streamlit markdown (badges, captions we compose)."""
    specials = "\\`*_{}[]()#+-.!|<>~$:"
    return "".join("\\" + c if c in specials else c for c in text)


def treatment_badges(codes) -> str:
    """Markdown for treatment badges; codes come from our own vocabulary, never from users."""
    return " ".join(
        f":{TREATMENT_COLOR.get(c, 'gray')}-badge[{label(c)}]" for c in sorted(codes) if c
    )


def crisis_badge(level: str) -> str:
    text, color = CRISIS_BADGE.get(level, ("", "gray"))
    return f":{color}-badge[:material/emergency: {text}]" if text else ""


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


def relative_time(moment: dt.datetime | None, now: dt.datetime | None = None) -> str:
    if moment is None:
        return ""
    now = now or dt.datetime.now(dt.UTC)
    seconds = (now - moment).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        text = "just now" if not future else "in under a minute"
        return text
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            word = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"in {word}" if future else f"{word} ago"
    return ""


def local_time(moment: dt.datetime | None, zone, fmt: str = "%a %b %d, %Y %I:%M %p") -> str:
    if moment is None:
        return ""
    return moment.astimezone(zone).strftime(fmt)
