"""People-friendly formatting and the badge/escaping helpers."""

import datetime as dt
from zoneinfo import ZoneInfo

from zoelife.ui.components import (
    crisis_badge,
    escape_markdown,
    format_count,
    format_duration,
    format_percent,
    local_time,
    plural,
    relative_time,
    status_badge,
    treatment_badges,
    when,
)

NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)


def test_relative_time_reads_like_speech():
    assert relative_time(NOW - dt.timedelta(seconds=20), NOW) == "just now"
    assert relative_time(NOW - dt.timedelta(minutes=1, seconds=5), NOW) == "1 minute ago"
    assert relative_time(NOW - dt.timedelta(hours=5, minutes=59), NOW) == "5 hours ago"
    assert relative_time(NOW + dt.timedelta(days=2, hours=1), NOW) == "in 2 days"
    assert relative_time(None, NOW) == ""


def test_local_time_uses_the_clinic_zone():
    zone = ZoneInfo("America/New_York")
    assert local_time(NOW, zone, "%Y-%m-%d %H:%M") == "2026-03-10 11:00"
    assert when(NOW - dt.timedelta(hours=3), zone, NOW) == "Tue Mar 10, 2026 08:00 AM (3 hours ago)"


def test_numbers_for_people():
    assert format_count(1204) == "1,204" and format_count(None) == "–"
    assert plural(1, "request") == "1 request" and plural(2500, "request") == "2,500 requests"
    assert format_percent(0.123) == "12%" and format_percent(3, 40, digits=1) == "7.5%"
    assert format_percent(1, 0) == "–" and format_percent(0.001) == "<1%"
    assert format_duration(dt.timedelta(seconds=42)) == "42 s"
    assert format_duration(3 * 3600 + 5 * 60) == "3 h 5 min"
    assert format_duration(dt.timedelta(days=2, hours=4, minutes=3)) == "2 d 4 h"
    assert format_duration(None) == "–"


def test_badges_use_only_vocabulary_and_escape_markdown():
    assert crisis_badge("urgent").startswith(":red-badge[") and crisis_badge("none") == ""
    assert treatment_badges({"tms", "spravato"}).index("Spravato") < \
        treatment_badges({"tms", "spravato"}).index("TMS")
    assert status_badge("scheduled").startswith(":green-badge[")
    evil = "**x** [a](http://e) <b> :red[y] $z$"
    escaped = escape_markdown(evil)
    for raw in ("**", "](", "<b>", ":red[", "$z$"):
        assert raw not in escaped
