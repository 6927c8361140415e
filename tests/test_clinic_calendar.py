"""The clinic's calendar, not the server's: in the evening in New York a UTC server is already
on tomorrow's date."""

import datetime as dt

from tests.clock import travel
from zoelife import settings
from zoelife.db.engine import read_session, write_session
from zoelife.intake.schedule import change_setting

NEW_YEARS_EVE_2359_NY = dt.datetime(2027, 1, 1, 4, 59, tzinfo=dt.UTC)


def test_clinic_today_is_the_clinics_date_not_utcs(engine):
    with read_session(engine) as s:
        assert settings.clinic_today(s, NEW_YEARS_EVE_2359_NY) == dt.date(2026, 12, 31)
        with travel(NEW_YEARS_EVE_2359_NY):
            assert settings.clinic_today(s) == dt.date(2026, 12, 31)
    with write_session(engine) as s:
        change_setting(s, "time_zone", "Asia/Kolkata")  # UTC+5:30, no daylight time
    with read_session(engine) as s:
        assert settings.clinic_today(s, NEW_YEARS_EVE_2359_NY) == dt.date(2027, 1, 1)
        assert settings.clinic_today(s, dt.datetime(2026, 12, 31, 18, 29, tzinfo=dt.UTC)) \
            == dt.date(2026, 12, 31)
