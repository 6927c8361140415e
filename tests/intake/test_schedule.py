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


def test_saturday_receipt_is_due_monday_and_urgent_minutes_apply():
    s = schedule(urgent_response_minutes=15)
    assert s.first_contact_due(at(2026, 1, 10, 11), "none") == at(2026, 1, 12, 9)
    assert s.first_contact_due(at(2026, 1, 10, 11), "urgent") == at(2026, 1, 10, 11, 15)


def test_long_weekend_with_friday_and_monday_holidays():
    s = schedule(holidays=["2026-01-09", "2026-01-12"], first_response_minutes=120)
    # Thursday 16:30: half an hour that day, the rest Tuesday morning
    assert s.first_contact_due(at(2026, 1, 8, 16, 30), "none") == at(2026, 1, 13, 9, 30)
    # cadence: the next business day after Thursday is Tuesday, due at its close
    assert s.next_attempt_due(at(2026, 1, 8, 10), "none", 1) == at(2026, 1, 13, 17)


def test_due_times_follow_the_clinic_zone_across_daylight_saving():
    # 2026-03-08 clocks go forward in New York; Friday 16:30 EST + 1h -> Monday 08:30 EDT
    due = schedule().first_contact_due(at(2026, 3, 6, 16, 30), "none")
    assert due == dt.datetime(2026, 3, 9, 12, 30, tzinfo=dt.UTC)


def test_receipt_at_closing_time_counts_from_next_opening():
    assert schedule().first_contact_due(at(2026, 1, 7, 17), "none") == at(2026, 1, 8, 9)


def test_urgent_retry_within_the_hour_and_zero_cadence_same_day():
    s = schedule(attempt_cadence_business_days=0)
    assert s.next_attempt_due(at(2026, 1, 10, 2), "urgent", 1) == at(2026, 1, 10, 3)
    assert s.next_attempt_due(at(2026, 1, 7, 10), "none", 1) == at(2026, 1, 7, 17)
    assert s.next_attempt_due(at(2026, 1, 7, 18), "none", 1) == at(2026, 1, 8, 17)
