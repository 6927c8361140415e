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
        "holidays": list(holidays), "first_response_minutes": 60,
        "urgent_response_minutes": 0, "attempt_cadence_business_days": 1,
        "max_contact_attempts": 3, "follow_up_business_days": 2})


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


# --------------------------------------------------------------------------- business time

ZONES = ("America/New_York", "Australia/Sydney", "Pacific/Kiritimati", "Pacific/Pago_Pago",
         "Europe/London")


@pytest.mark.parametrize("zone", ZONES)
def test_business_time_agrees_with_the_schedule_across_time_changes(zone):
    """elapsed(add_business_time(t, d)) - elapsed(t) == d for a request received at t: the
    receipt day's openings count open hours as the stored due times do, over daylight-saving
    changes, holidays and a clinic open around midnight."""
    hours = dict(DEFAULT_BUSINESS_HOURS, sat=["00:00", "23:59"], sun=["10:00", "12:30"])
    schedule = _schedule(zone, hours, holidays=["2026-03-10", "2026-10-07"])
    local = ZoneInfo(zone)
    rng = random.Random(zone)
    for _ in range(300):
        day = dt.date(2026, 2, 20) + dt.timedelta(days=rng.randrange(0, 250))
        row = hl.receipt_day(schedule, day)
        start = dt.datetime.combine(day, dt.time(0), tzinfo=local)
        t = start + dt.timedelta(seconds=rng.randrange(0, 23 * 3600))
        delta = dt.timedelta(minutes=rng.randrange(0, 60 * 100))
        end = schedule.add_business_time(t, delta)
        assert end.timestamp() <= row.horizon, (zone, t, delta)  # 100 h < the horizon
        assert row.elapsed(hl.epoch_seconds(end)) - row.elapsed(hl.epoch_seconds(t)) == \
            pytest.approx(delta.total_seconds(), abs=1e-3), (zone, t, delta)
        later = row.horizon + 1
        assert row.elapsed(later) is None


def test_business_time_stands_still_while_the_clinic_is_closed():
    schedule = _schedule(holidays=["2026-03-06"])
    zone = ZoneInfo("America/New_York")
    row = hl.receipt_day(schedule, dt.date(2026, 3, 5))  # a Thursday

    def at(day, hour, minute=0):
        return row.elapsed(dt.datetime(2026, 3, day, hour, minute, tzinfo=zone).timestamp())

    assert at(5, 7) == 0 and at(5, 17) == 9 * 3600  # Thursday: nine open hours
    assert at(9, 8) == at(5, 17)  # Friday's holiday, the weekend: nothing
    # Sunday March 8th the clocks go forward; Monday still has nine open hours.
    assert at(9, 17) - at(9, 7) == 9 * 3600
    # The openings reach 120 business hours: 14 days of nine hours (126), to March 25th.
    assert len(row.openings) == 14
    assert row.horizon == dt.datetime(2026, 3, 25, 17, tzinfo=zone).timestamp()
    assert row.deadline == dt.datetime(2026, 3, 9, 17, tzinfo=zone).timestamp()  # skips Friday
    # A clinic open two hours on Mondays stops after HORIZON_MAX_DAYS.
    sparse = _schedule(hours={**{d: None for d in DEFAULT_BUSINESS_HOURS},
                              "mon": ["09:00", "11:00"]})
    assert len(hl.receipt_day(sparse, dt.date(2026, 3, 5)).openings) == 9  # 62 days: 9 Mondays


def test_the_headline_agrees_with_the_funnel_on_the_demo_clinic(engine):
    """Inquiries, reached, scheduled and started treatment, overall, by channel and by
    treatment (from each request's treatment list), are the Funnel's counts for the same days
    (from request_treatments): two ways of counting, one answer."""
    from zoelife import demo
    from zoelife.insights import queries

    now = dt.datetime(2026, 11, 26, 23, 0, tzinfo=dt.UTC)
    demo.load_demo(engine, requests=1500, seed=5, now=now)
    current, previous = hl.windows(dt.date(2026, 11, 26), 90)
    with read_session(engine) as s:
        frame = hl.headline(s, current, previous, now=now)
        funnels = {by: queries.funnel(s, current, by).set_index("group")
                   for by in ("channel", "treatment")}
    mine = frame[frame["window"] == "current"]
    assert int(mine[mine["by"] == "all"]["inquiries"].iloc[0]) == \
        int(funnels["channel"]["received"].sum()) > 100
    for by, funnel in funnels.items():
        got = mine[mine["by"] == by].set_index("group")
        assert set(got.index) == set(funnel.index), by
        for ours, theirs in (("inquiries", "received"), ("reached", "reached"),
                             ("scheduled", "scheduled"), ("became_patient", "became_patient")):
            assert got[ours].to_dict() == funnel[theirs].to_dict(), (by, ours)
    # Shares stay shares: never more judged than inquiries, never more successes than judged.
    assert (frame["judged_1h"] <= frame["inquiries"]).all()
    assert (frame["reached_1h"] <= frame["judged_1h"]).all()
    assert (frame["reached_1d"] <= frame["judged_1d"]).all()
    assert (frame["reached_1h"] <= frame["reached"]).all()
    assert (frame["attempted"] >= frame["reached"]).all()


def test_a_first_attempt_weeks_later_counts_as_more_than_the_horizon(engine):
    from tests.insights.helpers import attempt, receive_one

    monday, tuesday = dt.date(2026, 3, 2), dt.date(2026, 3, 3)
    soon = receive_one(engine, at_local(monday, 10), treatments=("TMS",))
    attempt(engine, soon, at_local(monday, 10, 50), "reached")  # 50 minutes
    late = receive_one(engine, at_local(tuesday, 9), treatments=("TMS",))
    attempt(engine, late, at_local(dt.date(2026, 4, 6), 9), "reached")  # five weeks on
    now = at_local(dt.date(2026, 4, 8), 12)
    with read_session(engine) as s:
        both = hl.headline(s, Period(monday, tuesday), Period(dt.date(2026, 2, 28), SUNDAY),
                           now=now)
        late_only = hl.headline(s, Period(tuesday, tuesday), Period(monday, monday), now=now)
    counts, median = _numbers(both, "current", "all", "all")
    assert counts == (2, 2, 2, 1, 2, 1, 2, 0, 0)
    # 50 minutes in [45, 60), the other in the open bin from 120 business hours: the median
    # is read at the top of the first, 45 + 15 * (1 - 0) / 1.
    assert median == pytest.approx(60.0)
    # Alone, the late one reads "120 hours or more": the open bin's lower edge.
    assert hl.EDGES[-1] == hl.HORIZON_HOURS * 60
    assert _numbers(late_only, "current", "all", "all")[1] == hl.HORIZON_HOURS * 60
    assert _numbers(late_only, "previous", "all", "all")[1] == pytest.approx(52.5)  # 45 + 15 / 2


SUNDAY = dt.date(2026, 3, 1)
