"""Overdue marks, business-hour speed figures and the insights' periods at the instants that
break naive time code (the clinic is in America/New_York, the settings' default)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.clock import travel
from tests.insights.helpers import attempt, receive_one
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import Request
from zoelife.insights import queries
from zoelife.intake import queue as intake_queue

NY = ZoneInfo("America/New_York")


def local(y, m, d, h, mi=0, *, fold=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=NY, fold=fold).astimezone(dt.UTC)


def overdue_ids(engine, now: dt.datetime) -> set[int]:
    with read_session(engine) as s:
        rows, _ = intake_queue.queue_page(s, intake_queue.QueueFilters(), now, page_size=100)
    return {r.id for r in rows if r.overdue}


def test_friday_1659_is_not_overdue_over_the_weekend_and_is_on_monday(engine):
    friday = receive_one(engine, local(2026, 3, 13, 16, 59))
    sunday_evening = receive_one(engine, local(2026, 3, 15, 20, 30))
    assert overdue_ids(engine, local(2026, 3, 14, 12)) == set()   # Saturday noon
    assert overdue_ids(engine, local(2026, 3, 15, 21)) == set()   # Sunday evening
    assert overdue_ids(engine, local(2026, 3, 16, 8, 58)) == set()
    assert overdue_ids(engine, local(2026, 3, 16, 9, 0)) == {friday}  # due 08:59
    assert overdue_ids(engine, local(2026, 3, 16, 9, 1)) == {friday, sunday_evening}


def test_spring_forward_night_is_due_monday_in_daylight_time(engine):
    # Received at 01:30 EST on the night the clocks jump; due Monday 09:00 EDT (13:00 UTC).
    rid = receive_one(engine, local(2026, 3, 8, 1, 30))
    with read_session(engine) as s:
        due = s.get(Request, rid).due_at
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 3, 9, 13, 0, tzinfo=dt.UTC)
    assert overdue_ids(engine, dt.datetime(2026, 3, 9, 12, 59, tzinfo=dt.UTC)) == set()
    assert overdue_ids(engine, dt.datetime(2026, 3, 9, 13, 0, 1, tzinfo=dt.UTC)) == {rid}


def test_the_doubled_hour_counts_on_its_local_date_and_hour(engine):
    first = receive_one(engine, local(2026, 11, 1, 1, 30, fold=0))   # 01:30 EDT
    second = receive_one(engine, local(2026, 11, 1, 1, 30, fold=1))  # 01:30 EST, an hour later
    with read_session(engine) as s:
        for rid in (first, second):
            r = s.get(Request, rid)
            assert (r.received_local_date, r.received_local_hour) == (dt.date(2026, 11, 1), 1)
        daily = queries.daily_counts(s, queries.Period(dt.date(2026, 11, 1),
                                                       dt.date(2026, 11, 1)), "channel")
    assert int(daily["count"].sum()) == 2


def test_new_years_eve_2359_counts_in_december_and_the_week_that_spans_the_years(engine):
    receive_one(engine, local(2026, 12, 31, 23, 59))  # 2027-01-01 04:59 UTC
    receive_one(engine, local(2027, 1, 1, 0, 1))
    period = queries.Period(dt.date(2026, 12, 1), dt.date(2027, 1, 31))
    with read_session(engine) as s:
        daily = queries.daily_counts(s, period, "channel")
    by_day = daily.groupby("date")["count"].sum().to_dict()
    assert by_day == {dt.date(2026, 12, 31): 1, dt.date(2027, 1, 1): 1}
    weeks = queries.roll_up(daily, period, "week", ["web_form"])
    week = weeks[weeks["bucket"] == dt.date(2026, 12, 28)]
    assert int(week["count"].iloc[0]) == 2 and int(week["days"].iloc[0]) == 7
    months = queries.roll_up(daily, period, "month", ["web_form"]).set_index("bucket")
    assert months.loc[dt.date(2026, 12, 1), "count"] == 1
    assert months.loc[dt.date(2027, 1, 1), "count"] == 1


def test_february_29_has_its_own_day_and_february_2028_has_29_days(engine):
    receive_one(engine, local(2028, 2, 29, 23, 30))  # 2028-03-01 in UTC
    period = queries.Period(dt.date(2028, 2, 1), dt.date(2028, 3, 31))
    with read_session(engine) as s:
        daily = queries.daily_counts(s, period, "channel")
    assert daily.groupby("date")["count"].sum().to_dict() == {dt.date(2028, 2, 29): 1}
    months = queries.roll_up(daily, period, "month", ["web_form"]).set_index("bucket")
    assert months.loc[dt.date(2028, 2, 1), "count"] == 1
    assert months.loc[dt.date(2028, 2, 1), "days"] == 29


def test_speed_to_first_contact_over_a_weekend_is_within_target_by_business_hours(engine):
    friday = receive_one(engine, local(2026, 3, 13, 16, 59))
    late = receive_one(engine, local(2026, 3, 13, 16, 59))
    attempt(engine, friday, local(2026, 3, 16, 8, 58), "reached")  # Monday, before 08:59
    attempt(engine, late, local(2026, 3, 16, 9, 30), "reached")
    period = queries.Period(dt.date(2026, 3, 13), dt.date(2026, 3, 13))
    with travel(local(2026, 3, 20, 12)), read_session(engine) as s:
        speed = queries.speed_over_time(s, period, "day")
    row = speed.iloc[0]
    assert (row["received"], row["contacted"], row["within_target"]) == (2, 2, 1)
    # Minutes to first contact are elapsed minutes (about 2.7 days, in the 2-3 day bin), not
    # business minutes (about 0).
    assert 2880 <= row["median_minutes"] <= 4320


def test_an_unanswered_request_becomes_overdue_in_the_speed_figures_at_its_due_time(engine):
    # Thursday 16:30: half an hour that day, the other half on New Year's Day (the default
    # settings have no holidays), 08:30.
    receive_one(engine, local(2026, 12, 31, 16, 30))
    with write_session(engine) as s:
        due = s.query(Request).one().due_at
    assert due.astimezone(dt.UTC) == local(2027, 1, 1, 8, 30)
    period = queries.Period(dt.date(2026, 12, 31), dt.date(2026, 12, 31))
    with travel(due - dt.timedelta(minutes=1)), read_session(engine) as s:
        assert queries.speed_over_time(s, period, "day").iloc[0]["overdue_uncontacted"] == 0
    with travel(due + dt.timedelta(minutes=1)), read_session(engine) as s:
        assert queries.speed_over_time(s, period, "day").iloc[0]["overdue_uncontacted"] == 1
