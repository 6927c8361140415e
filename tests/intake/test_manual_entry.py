"""Phone and walk-in entry by hand: one sentence per field that cannot be used, and dates in the
future (a birth date, the time the call came in) refused with a sentence saying so."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from zoelife.intake import manual_entry as me

ZONE = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)  # 10:00 at the clinic
GOOD = me.ManualEntry(first="Ana", phone="212 555 0188", treatments=("tms",))


def test_a_complete_entry_has_no_problem_and_is_received_now():
    assert me.problems(GOOD, zone=ZONE, now=NOW) == []
    inp = me.to_input(GOOD, zone=ZONE, now=NOW)
    assert (inp.source, inp.channel, inp.received_at, inp.treatment_codes) == (
        "manual-entry", "phone", NOW, ("tms",))
    assert len(inp.external_id) == 36 and inp.external_id != me.to_input(
        GOOD, zone=ZONE, now=NOW).external_id


def test_each_missing_or_unusable_field_is_named():
    entry = me.ManualEntry(phone="12", email="not-an-email", channel="referral",
                           submitter="parent_guardian")
    assert me.problems(entry, zone=ZONE, now=NOW) == [
        "Name: enter a first or a last name.",
        "Phone: the phone number has the wrong number of digits.",
        "Email: the email address is not valid.",
        "Their name: say who is asking when it is not the person.",
        "Referring provider: a referral needs the referring provider.",
        "Treatment interests: pick at least one, or write what they said.",
    ]
    assert me.problems(me.ManualEntry(first="Al", message="hi"), zone=ZONE, now=NOW) == [
        "Phone or email: enter at least one way to reach them."]


def test_a_birth_date_in_the_future_is_refused():
    entry = replace(GOOD, date_of_birth=dt.date(2026, 3, 5))
    assert me.problems(entry, zone=ZONE, now=NOW) == [
        "Date of birth: 2026-03-05 is in the future."]
    today = replace(GOOD, date_of_birth=dt.date(2026, 3, 4))
    assert me.problems(today, zone=ZONE, now=NOW) == []


@pytest.mark.parametrize("day,time,expected", [
    (None, None, None),  # now
    (dt.date(2026, 3, 4), dt.time(8, 40), dt.datetime(2026, 3, 4, 13, 40, tzinfo=dt.UTC)),
    (None, dt.time(9, 15), dt.datetime(2026, 3, 4, 14, 15, tzinfo=dt.UTC)),  # today's
    (dt.date(2026, 3, 3), dt.time(23, 59), dt.datetime(2026, 3, 4, 4, 59, tzinfo=dt.UTC)),
    (dt.date(2026, 3, 4), dt.time(10, 1), NOW),  # a minute ahead of the clock: now
])
def test_the_time_the_call_came_in(day, time, expected):
    assert me.received_instant(day, time, ZONE, NOW) == (expected, None)


@pytest.mark.parametrize("day,time", [
    (dt.date(2026, 3, 4), dt.time(10, 5)),
    (dt.date(2026, 3, 5), dt.time(8, 0)),
    (None, dt.time(17, 0)),
])
def test_a_call_time_in_the_future_is_refused_with_the_clinic_time(day, time):
    instant, problem = me.received_instant(day, time, ZONE, NOW)
    assert instant is None
    assert problem.startswith("Received: ") and "is in the future" in problem
    assert "(it is 2026-03-04 10:00 at the clinic)" in problem
    entry = replace(GOOD, received_on=day, received_at_time=time)
    assert me.problems(entry, zone=ZONE, now=NOW) == [problem]


def test_a_date_without_its_time_asks_for_the_time():
    _, problem = me.received_instant(dt.date(2026, 3, 3), None, ZONE, NOW)
    assert problem == "Received: give the time the call came in as well as the date."


def test_an_earlier_call_is_received_then():
    entry = replace(GOOD, received_on=dt.date(2026, 3, 3), received_at_time=dt.time(18, 30))
    assert me.to_input(entry, zone=ZONE, now=NOW).received_at == dt.datetime(
        2026, 3, 3, 23, 30, tzinfo=dt.UTC)
