"""The one place tests get "now" from.

Tests never read the real clock directly (``tests/test_no_real_clock.py`` fails when one does):
a test that seeds times relative to now takes the ``clock`` fixture, which starts time at a fixed
instant and lets it tick from there, so a test means the same on a Sunday night as on a Tuesday
morning. Tests that drive a live server in another process (browser journeys, load and fault
tests) cannot move that server's clock; they seed relative to ``live_server_now()``, which is the
same wall clock the server reads, and must not depend on the weekday or hour it returns.
"""

from __future__ import annotations

import datetime as dt

import time_machine

# A Wednesday, 10:00 in the demo clinic's zone (America/New_York): inside business hours, days
# away from a weekend, a holiday or a daylight-saving change.
FIXED_NOW = dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)


def travel(instant: dt.datetime, *, tick: bool = True) -> time_machine.travel:
    """Move this process's clock (datetime, date, time.time) to ``instant``."""
    if instant.tzinfo is None:
        raise ValueError("a test instant needs a time zone")
    return time_machine.travel(instant, tick=tick)


def live_server_now() -> dt.datetime:
    """The wall clock a server in another process reads (which no fixture can move)."""
    return dt.datetime.now(dt.UTC)  # clock-ok: the live server's own clock
