"""The manager's headline numbers on known data, on every configured database; every expected
figure is counted by hand below. The clinic is the default one: America/New_York, open
Monday to Friday 08:00-17:00 (nine business hours a day), no holidays."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from tests.clock import FIXED_NOW
from tests.insights.helpers import THU, WED, at_local, seed_headline_clinic
from zoelife.db.engine import read_session
from zoelife.insights import headline as hl
from zoelife.insights.queries import Period
from zoelife.intake.schedule import Schedule
from zoelife.settings import DEFAULT_BUSINESS_HOURS

NOW = FIXED_NOW  # Wednesday March 4th 2026, 10:00 in New York
TODAY = WED


def _schedule(zone="America/New_York", hours=None, holidays=()) -> Schedule:
    return Schedule.from_settings({
        "time_zone": zone, "business_hours": hours or DEFAULT_BUSINESS_HOURS,
        "holidays": list(holidays), "first_response_business_hours": 1,
        "urgent_response_minutes": 0, "attempt_cadence_business_days": 1,
        "max_contact_attempts": 3})


@pytest.fixture
def clinic(engine):
    """The known clinic of `seed_headline_clinic`: its comments give each inquiry's times."""
    return engine, seed_headline_clinic(engine)


def _numbers(frame, window, by, group):
    row = frame[(frame["window"] == window) & (frame["by"] == by) & (frame["group"] == group)]
    assert len(row) == 1, (window, by, group)
    row = row.iloc[0]
    return tuple(int(row[c]) for c in hl.COUNTS), row["median_business_minutes"]


def test_headline_numbers_counted_by_hand(clinic):
    engine, _ = clinic
    current, previous = hl.windows(TODAY, 7)
    assert (current, previous) == (Period(THU, WED),
                                   Period(dt.date(2026, 2, 19), dt.date(2026, 2, 25)))
    with read_session(engine) as s:
        frame = hl.headline(s, current, previous, now=NOW)
    # COUNTS: inquiries, attempted, reached, reached_1h, judged_1h, reached_1d, judged_1d,
    # scheduled, became_patient.
    counts, median = _numbers(frame, "current", "all", "all")
    # Six inquiries (a-f); attempted a, b, c, d, f; reached a, b, c, f; within the hour a and c
    # of a, b, c, d, f judged (e is 30 minutes old); within the day a, b, c of a, b, c, f
    # (d's and e's days are not over); scheduled and a patient: a.
    assert counts == (6, 5, 4, 2, 5, 3, 4, 1, 1)
    # Business minutes 0, 30, 75, 90, 240: the median (75) lies in the bin [75, 90), read
    # as 75 + 15 * (2.5 - 2) / 1.
    assert median == pytest.approx(82.5)

    assert _numbers(frame, "previous", "all", "all") == ((2, 2, 2, 1, 2, 1, 2, 1, 0),
                                                          pytest.approx(45.0))  # 40 in [30, 45)
    # By channel: web form a, b, e; phone c, f; referral d.
    assert _numbers(frame, "current", "channel", "web_form") == (
        (3, 2, 2, 1, 2, 2, 2, 1, 1), pytest.approx(45.0))  # 30 and 75: 30 + 15 * 1
    assert _numbers(frame, "current", "channel", "phone") == (
        (2, 2, 2, 1, 2, 1, 2, 0, 0), pytest.approx(5.0))  # 0 and 240: 0 + 5 * 1
    assert _numbers(frame, "current", "channel", "referral") == (
        (1, 1, 0, 0, 1, 0, 0, 0, 0), pytest.approx(105.0))  # 90 in [90, 120)
    assert _numbers(frame, "previous", "channel", "email")[0] == (1, 1, 1, 0, 1, 0, 1, 0, 0)
    # By treatment: b counts under Spravato and TMS.
    assert _numbers(frame, "current", "treatment", "tms") == (
        (4, 3, 3, 1, 3, 2, 3, 1, 1), pytest.approx(82.5))  # 30, 75, 240
    assert _numbers(frame, "current", "treatment", "spravato")[0] == (1, 1, 1, 0, 1, 1, 1, 0, 0)
    assert _numbers(frame, "current", "treatment", "ketamine") == (
        (1, 1, 1, 1, 1, 1, 1, 0, 0), pytest.approx(2.5))
    assert _numbers(frame, "current", "treatment", "medication_management")[0] == \
        (1, 1, 0, 0, 1, 0, 0, 0, 0)
    assert set(frame[frame["window"] == "current"]["group"]) == {
        "all", "web_form", "phone", "referral", "tms", "spravato", "ketamine",
        "medication_management"}  # spam and the merged duplicate (email) count nowhere


def test_an_hour_later_the_newest_inquiry_is_judged(clinic):
    engine, _ = clinic
    current, previous = hl.windows(TODAY, 7)
    with read_session(engine) as s:
        later = hl.headline(s, current, previous, now=NOW + dt.timedelta(hours=1))
        evening = hl.headline(s, current, previous, now=at_local(WED, 17, 30))
    # 10:45 would not do: e came in at 09:30, and its hour is up at 10:30.
    assert _numbers(later, "current", "all", "all")[0][3:5] == (2, 6)
    # After 17:00 d's day is over (unreached: a failure); e's runs to Thursday 17:00.
    assert _numbers(evening, "current", "all", "all")[0][5:7] == (3, 5)


def test_without_inquiries_a_window_has_no_rows(clinic):
    engine, _ = clinic
    current, previous = hl.windows(dt.date(2025, 6, 30), 30)
    with read_session(engine) as s:
        frame = hl.headline(s, current, previous, now=NOW)
    assert frame.empty and list(frame.columns) == hl.COLUMNS


# --------------------------------------------------------------------------- business clock

ZONES = ("America/New_York", "Australia/Sydney", "Pacific/Kiritimati", "Pacific/Pago_Pago",
         "Europe/London")


@pytest.mark.parametrize("zone", ZONES)
def test_the_clock_agrees_with_the_schedule_across_time_changes(zone):
    """clock(add_business_time(t, d)) - clock(t) == d: the clock counts open hours as the
    stored due times do, over two daylight-saving changes, a holiday and a clinic open until
    midnight (UTC days then touch three local days in the far zones)."""
    hours = dict(DEFAULT_BUSINESS_HOURS, sat=["00:00", "23:59"], sun=["10:00", "12:30"])
    schedule = _schedule(zone, hours, holidays=["2026-03-10", "2026-10-07"])
    start = dt.datetime(2026, 2, 20, tzinfo=dt.UTC)
    clock = hl.business_clock(schedule, start, start + dt.timedelta(days=300))
    rng = random.Random(zone)
    for _ in range(400):
        t = start + dt.timedelta(seconds=rng.randrange(0, 250 * 86400))
        delta = dt.timedelta(minutes=rng.randrange(0, 60 * 40))
        end = schedule.add_business_time(t, delta)
        assert clock.at(end) - clock.at(t) == pytest.approx(delta.total_seconds(), abs=1e-3), \
            (zone, t, delta)
    assert clock.at(start - dt.timedelta(days=1)) is None


def test_the_clock_stands_still_while_the_clinic_is_closed():
    schedule = _schedule(holidays=["2026-03-06"])
    zone = ZoneInfo("America/New_York")
    clock = hl.business_clock(schedule, dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
                              dt.datetime(2026, 3, 12, tzinfo=dt.UTC))

    def at(day, hour, minute=0):
        return clock.at(dt.datetime(2026, 3, day, hour, minute, tzinfo=zone))

    assert at(5, 17) - at(5, 8) == 9 * 3600  # Thursday: nine open hours
    assert at(9, 8) == at(5, 17)  # Friday's holiday, the weekend: nothing
    # Sunday March 8th the clocks go forward; Monday still has nine open hours.
    assert at(9, 17) - at(9, 7) == 9 * 3600
    assert hl.next_business_day_close(schedule, dt.date(2026, 3, 5)) == \
        dt.datetime(2026, 3, 9, 17, tzinfo=zone)  # Thursday's deadline skips the holiday
