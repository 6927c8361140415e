import datetime as dt

from zoelife import settings
from zoelife.intake.schedule import Schedule

NY_OFFSET_WINTER = dt.timezone(dt.timedelta(hours=-5))


def schedule(**overrides):
    values = {s.name: s.default for s in settings.SPECS} | overrides
    return Schedule.from_settings(values)


def at(y, m, d, h, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=NY_OFFSET_WINTER).astimezone(dt.UTC)


def test_friday_evening_is_due_monday_morning():
    # Friday 2026-01-09 19:00 New York -> Monday 09:00 (one business hour after 08:00 opening)
    due = schedule().first_contact_due(at(2026, 1, 9, 19), "none")
    assert due == at(2026, 1, 12, 9)


def test_holiday_is_skipped():
    due = schedule(holidays=["2026-01-12"]).first_contact_due(at(2026, 1, 9, 19), "none")
    assert due == at(2026, 1, 13, 9)


def test_within_hours_counts_the_remaining_hour():
    assert schedule().first_contact_due(at(2026, 1, 7, 16, 30), "none") == at(2026, 1, 8, 8, 30)


def test_urgent_is_due_at_once_even_at_night():
    received = at(2026, 1, 10, 2)  # Saturday 2 am
    assert schedule().first_contact_due(received, "urgent") == received


def test_cadence_next_business_day_and_stop_after_last():
    s = schedule()
    assert s.next_attempt_due(at(2026, 1, 9, 10), "none", 1) == at(2026, 1, 12, 17)
    assert s.next_attempt_due(at(2026, 1, 9, 10), "none", 3) is None
