"""Response targets at the instants that break naive time code: Friday 16:59 and Sunday evening
in the clinic's zone, a holiday from the settings, the spring-forward and fall-back days in
America/New_York (the missing and the doubled hour), New Year's Eve 23:59, February 29 and a
clinic in a zone without daylight time; then properties over random instants and hours."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from zoelife import settings
from zoelife.intake.schedule import Schedule

NY = ZoneInfo("America/New_York")
PHOENIX = ZoneInfo("America/Phoenix")  # no daylight time
HOUR = dt.timedelta(hours=1)


def schedule(**overrides) -> Schedule:
    values = {s.name: s.default for s in settings.SPECS} | overrides
    return Schedule.from_settings(values)


def local(y, m, d, h, mi=0, *, zone=NY, fold=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=zone, fold=fold).astimezone(dt.UTC)


def every_day(open_: str, close: str) -> dict:
    return {day: [open_, close] for day in settings.WEEKDAYS}


# -- the hard instants ---------------------------------------------------------------

def test_friday_1659_is_one_minute_that_day_and_the_rest_monday():
    s = schedule()
    assert s.first_contact_due(local(2026, 3, 13, 16, 59), "none") == local(2026, 3, 16, 8, 59)
    assert s.first_contact_due(local(2026, 3, 13, 16, 59), "urgent") == local(2026, 3, 13, 16, 59)
    # The next try after a Friday 16:59 attempt: the close of the next business day, Monday.
    assert s.next_attempt_due(local(2026, 3, 13, 16, 59), "none", 1) == local(2026, 3, 16, 17)


def test_sunday_evening_waits_for_monday_and_urgent_does_not():
    s = schedule()
    sunday = local(2026, 3, 15, 20, 30)
    assert s.first_contact_due(sunday, "none") == local(2026, 3, 16, 9)
    assert s.first_contact_due(sunday, "urgent") == sunday
    assert s.next_attempt_due(sunday, "urgent", 1) == sunday + HOUR
    assert not s.is_business_time(sunday)


def test_a_holiday_from_the_settings_is_closed_all_day():
    s = schedule(holidays=["2026-07-03"])  # a Friday
    assert not s.is_business_time(local(2026, 7, 3, 10))
    assert s.first_contact_due(local(2026, 7, 2, 16, 30), "none") == local(2026, 7, 6, 8, 30)
    assert s.next_attempt_due(local(2026, 7, 2, 12), "none", 1) == local(2026, 7, 6, 17)


def test_spring_forward_the_missing_hour_is_never_a_due_time():
    # 2026-03-08 02:00 EST -> 03:00 EDT. A clinic open round the clock that day: one business
    # hour from 01:30 EST is 03:30 EDT (an hour later by the clock on the wall of a hospital,
    # elapsed), never "02:30", which does not exist.
    s = schedule(business_hours=every_day("00:00", "23:59"))
    received = local(2026, 3, 8, 1, 30)
    due = s.first_contact_due(received, "none")
    assert due - received == HOUR
    assert due.astimezone(NY).strftime("%H:%M %Z") == "03:30 EDT"


def test_spring_forward_an_opening_inside_the_missing_hour_opens_at_the_change():
    s = schedule(business_hours=every_day("02:30", "05:00"))
    span = s.opening(dt.date(2026, 3, 8))
    # 02:30 does not exist that day; the clinic opens when the clocks jump to 03:00 EDT.
    assert span[0] == dt.datetime(2026, 3, 8, 7, 0, tzinfo=dt.UTC)
    due = s.first_contact_due(local(2026, 3, 8, 0, 15), "none")
    assert due == dt.datetime(2026, 3, 8, 8, 0, tzinfo=dt.UTC)  # 04:00 EDT, one open hour


def test_fall_back_the_doubled_hour_counts_twice():
    # 2026-11-01 02:00 EDT -> 01:00 EST: 01:00-02:00 happens twice. Open round the clock, one
    # business hour from the first 01:30 (EDT) is the second 01:30 (EST).
    s = schedule(business_hours=every_day("00:00", "23:59"))
    first = local(2026, 11, 1, 1, 30, fold=0)
    second = local(2026, 11, 1, 1, 30, fold=1)
    assert second - first == HOUR
    assert s.first_contact_due(first, "none") == second
    # A day open 00:00-23:59 lasts 24:59 of elapsed time that day.
    assert s.add_business_time(local(2026, 11, 1, 0, 0), dt.timedelta(hours=24, minutes=59)) \
        == local(2026, 11, 1, 23, 59)


def test_new_years_eve_2359_is_due_on_the_next_business_day_of_the_new_year():
    s = schedule(holidays=["2027-01-01"])
    nye = local(2026, 12, 31, 23, 59)  # 2027-01-01 04:59 UTC: a different date in UTC
    assert nye.date() == dt.date(2027, 1, 1)
    assert s.local_parts(nye)[0] == dt.date(2026, 12, 31)
    # 2027-01-01 is a Friday and a holiday; the weekend follows: Monday 2027-01-04 09:00.
    assert s.first_contact_due(nye, "none") == local(2027, 1, 4, 9)


def test_february_29_is_an_ordinary_business_day():
    s = schedule()
    assert s.is_business_time(local(2028, 2, 29, 12))  # a Tuesday
    assert s.first_contact_due(local(2028, 2, 28, 16, 30), "none") == local(2028, 2, 29, 8, 30)
    assert s.next_attempt_due(local(2028, 2, 28, 12), "none", 1) == local(2028, 2, 29, 17)
    assert s.local_parts(local(2028, 2, 29, 23, 59))[0] == dt.date(2028, 2, 29)


def test_a_zone_without_daylight_time_keeps_its_offset_when_new_york_changes():
    s = schedule(time_zone="America/Phoenix")
    # New York springs forward on 2026-03-08; Phoenix stays at UTC-7 all year.
    friday = local(2026, 3, 6, 16, 30, zone=PHOENIX)
    assert s.first_contact_due(friday, "none") == local(2026, 3, 9, 8, 30, zone=PHOENIX)
    assert local(2026, 3, 9, 8, 30, zone=PHOENIX) == dt.datetime(2026, 3, 9, 15, 30,
                                                                  tzinfo=dt.UTC)


def test_urgent_is_never_due_on_the_next_business_day():
    s = schedule(urgent_response_minutes=15)
    for received in (local(2026, 3, 13, 16, 59), local(2026, 3, 15, 20, 30),
                     local(2026, 12, 31, 23, 59), local(2026, 3, 8, 1, 59)):
        assert s.first_contact_due(received, "urgent") == received + dt.timedelta(minutes=15)
        assert s.next_attempt_due(received, "urgent", 1) == received + HOUR


# -- properties over random instants and business hours --------------------------------

ZONES = st.sampled_from(["America/New_York", "America/Phoenix", "Europe/London",
                         "Australia/Lord_Howe", "America/Santiago", "UTC", "Asia/Kolkata"])
INSTANTS = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2028, 12, 31),
                        timezones=st.just(dt.UTC))


@st.composite
def hours_settings(draw) -> dict:
    result = {}
    for day in settings.WEEKDAYS:
        if draw(st.booleans()) and day != "mon":
            result[day] = None
            continue
        # At least half an hour open: 72 business hours then fit in MAX_DAYS_SEARCHED.
        open_min = draw(st.integers(0, 23 * 60 + 29))
        close_min = draw(st.integers(open_min + 30, 23 * 60 + 59))
        result[day] = [f"{open_min // 60:02d}:{open_min % 60:02d}",
                       f"{close_min // 60:02d}:{close_min % 60:02d}"]
    return result


@st.composite
def schedules(draw) -> Schedule:
    holidays = draw(st.lists(st.dates(dt.date(2024, 1, 1), dt.date(2029, 3, 1)), max_size=8))
    return schedule(time_zone=draw(ZONES), business_hours=draw(hours_settings()),
                    holidays=[d.isoformat() for d in holidays])


def open_spans_utc(s: Schedule, start: dt.datetime, end: dt.datetime):
    day = start.astimezone(s.zone).date() - dt.timedelta(days=1)
    while day <= end.astimezone(s.zone).date() + dt.timedelta(days=1):
        span = s.opening(day)
        if span:
            yield span
        day += dt.timedelta(days=1)


def open_time_between(s: Schedule, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    total = dt.timedelta(0)
    for begin, close in open_spans_utc(s, start, end):
        lo, hi = max(begin, start), min(close, end)
        if hi > lo:
            total += hi - lo
    return total


@given(s=schedules(), received=INSTANTS, hours=st.integers(0, 72))
def test_a_due_time_is_after_receipt_inside_open_hours_and_n_open_hours_later(s, received, hours):
    due = s.add_business_time(received, dt.timedelta(hours=hours))
    assert due >= received
    assert any(begin <= due <= close for begin, close in open_spans_utc(s, due, due)), \
        f"due {due.astimezone(s.zone)} is in closed hours"
    assert open_time_between(s, received, due) == dt.timedelta(hours=hours)


@given(s=schedules(), received=INSTANTS, hours=st.integers(0, 40))
def test_n_business_hours_then_n_more_equals_2n(s, received, hours):
    n = dt.timedelta(hours=hours)
    assert s.add_business_time(s.add_business_time(received, n), n) == \
        s.add_business_time(received, 2 * n)


@given(s=schedules(), last=INSTANTS, days=st.integers(0, 5))
def test_the_next_try_is_due_at_a_closing_time_after_the_attempt(s, last, days):
    due = s.close_of_business_day_after(last, days)
    assert due > last
    assert any(close == due for _begin, close in open_spans_utc(s, due, due))
