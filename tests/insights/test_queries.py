"""SQL aggregates on known data, on every configured database; expected counts by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.insights.helpers import at_local, attempt, move, receive_one
from zoelife import audit
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import Request
from zoelife.insights import queries
from zoelife.insights.queries import Period
from zoelife.intake import lifecycle

MON = dt.date(2026, 3, 2)  # a Monday
TUE = dt.date(2026, 3, 3)
NEXT_TUE = dt.date(2026, 3, 10)
APR_1 = dt.date(2026, 4, 1)  # a Wednesday


@pytest.fixture
def clinic(engine):
    """Six requests, one attached duplicate submission; see each line for what it tests."""
    ids = {}
    # Monday 10:00 local, TMS web form: reached after 22 minutes, scheduled, became a patient.
    ids["r1"] = receive_one(engine, at_local(MON, 10), treatments=("TMS",))
    # The same person's form again an hour later: attached as a submission, never counted.
    with write_session(engine) as s:
        r1 = s.get(Request, ids["r1"])
        email, first, last = r1.email, r1.first_name, r1.last_name
    from zoelife.intake.inputs import RequestInput
    from zoelife.intake.schedule import Schedule
    from zoelife.intake.service import receive

    with write_session(engine) as s:
        out = receive(s, RequestInput(source="test", external_id="again", email=email,
                                      first_name=first, last_name=last, treatments=("TMS",),
                                      received_at=at_local(MON, 11), message="again"),
                      schedule=Schedule.load(s), now=at_local(MON, 11))
    assert out.kind == "duplicate"
    # Monday 23:30 local (Tuesday in UTC): counts on Monday. Spravato and TMS; no answer.
    ids["r2"] = receive_one(engine, at_local(MON, 23, 30), treatments=("Spravato", "TMS"))
    # Tuesday 14:00 local by phone, ketamine: reached after 125 minutes (past due), declined.
    ids["r3"] = receive_one(engine, at_local(TUE, 14), treatments=("Ketamine",),
                            channel="phone")
    # Next Tuesday: a staff-merged duplicate (not counted) and spam (not counted).
    ids["r4"] = receive_one(engine, at_local(NEXT_TUE, 9), treatments=("TMS",))
    ids["r5"] = receive_one(engine, at_local(NEXT_TUE, 10), treatments=("TMS",))
    # April 1st 09:00, a referral for medication management, still open and new.
    ids["r6"] = receive_one(engine, at_local(APR_1, 9), treatments=("Medication management",),
                            channel="referral")

    attempt(engine, ids["r1"], at_local(MON, 10, 22), "reached")
    move(engine, ids["r1"], at_local(MON, 12), "scheduled",
         appointment_at=at_local(dt.date(2026, 3, 9), 10), appointment_kind="TMS consultation")
    move(engine, ids["r1"], at_local(dt.date(2026, 3, 9), 12), "closed",
         close_reason="became_patient")
    attempt(engine, ids["r2"], at_local(TUE, 2, 40), "no_answer")  # 190 minutes
    move(engine, ids["r2"], at_local(dt.date(2026, 3, 6), 12), "closed",
         close_reason="unreachable")
    attempt(engine, ids["r3"], at_local(TUE, 16, 5), "reached")  # 125 minutes
    move(engine, ids["r3"], at_local(dt.date(2026, 3, 4), 12), "closed", close_reason="declined")
    with write_session(engine) as s:
        version = s.get(Request, ids["r4"]).version
        lifecycle.mark_duplicate(s, ids["r4"], actor=audit.SYSTEM, seen_version=version,
                                 duplicate_of_id=ids["r6"], now=at_local(APR_1, 10))
    move(engine, ids["r5"], at_local(NEXT_TUE, 11), "closed", close_reason="spam")
    return engine, ids


def _as_dict(frame, *keys):
    return {tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]: row["count"]
            for _, row in frame.iterrows()}


def test_daily_counts_by_treatment_and_channel(clinic):
    engine, _ = clinic
    march = Period(dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    with read_session(engine) as s:
        by_treatment = queries.daily_counts(s, march, "treatment")
        by_channel = queries.daily_counts(s, march, "channel")
        tms_only = queries.daily_counts(s, march, "channel", treatments=("tms",))
        phone_only = queries.daily_counts(s, march, "treatment", channels=("phone",))
        total = queries.total_inquiries(s, march)
        total_tms = queries.total_inquiries(s, march, treatments=("tms", "spravato"))
    assert _as_dict(by_treatment, "date", "category") == {
        (MON, "tms"): 2, (MON, "spravato"): 1, (TUE, "ketamine"): 1,
        (APR_1, "medication_management"): 1}
    assert _as_dict(by_channel, "date", "category") == {
        (MON, "web_form"): 2, (TUE, "phone"): 1, (APR_1, "referral"): 1}
    assert _as_dict(tms_only, "date", "category") == {(MON, "web_form"): 2}
    assert _as_dict(phone_only, "date", "category") == {(TUE, "ketamine"): 1}
    assert total == 4  # r1, r2, r3, r6: each request once
    assert total_tms == 2


def test_roll_up_into_weeks_and_months_with_zeros(clinic):
    engine, _ = clinic
    period = Period(dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    with read_session(engine) as s:
        daily = queries.daily_counts(s, period, "treatment")
    weeks = queries.roll_up(daily, period, "week", ["tms", "ketamine"])
    got = {(r.bucket, r.category): r.count for r in weeks.itertuples()}
    assert got[(dt.date(2026, 2, 23), "tms")] == 0  # the week holding March 1st (a Sunday)
    assert got[(dt.date(2026, 3, 2), "tms")] == 2
    assert got[(dt.date(2026, 3, 2), "ketamine")] == 1
    assert got[(dt.date(2026, 3, 9), "tms")] == 0  # the merged duplicate and spam: not counted
    assert weeks.loc[weeks["bucket"] == dt.date(2026, 2, 23), "days"].iloc[0] == 1
    months = queries.roll_up(daily, period, "month",
                             ["tms", "spravato", "ketamine", "medication_management"])
    got = {(r.bucket, r.category): r.count for r in months.itertuples()}
    assert got == {
        (dt.date(2026, 3, 1), "tms"): 2, (dt.date(2026, 3, 1), "spravato"): 1,
        (dt.date(2026, 3, 1), "ketamine"): 1, (dt.date(2026, 3, 1), "medication_management"): 0,
        (dt.date(2026, 4, 1), "tms"): 0, (dt.date(2026, 4, 1), "spravato"): 0,
        (dt.date(2026, 4, 1), "ketamine"): 0, (dt.date(2026, 4, 1), "medication_management"): 1}


def test_funnel_by_channel_and_treatment(clinic):
    engine, _ = clinic
    period = Period(dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    with read_session(engine) as s:
        by_channel = queries.funnel(s, period, "channel").set_index("group")
        by_treatment = queries.funnel(s, period, "treatment").set_index("group")
        by_source = queries.funnel(s, period, "source").set_index("group")
    web = by_channel.loc["web_form"]
    assert (web.received, web.reached, web.scheduled, web.became_patient, web.open,
            web.unreachable) == (2, 1, 1, 1, 0, 1)
    phone = by_channel.loc["phone"]
    assert (phone.received, phone.reached, phone.scheduled, phone.declined) == (1, 1, 0, 1)
    assert (by_channel.loc["referral"].received, by_channel.loc["referral"].open) == (1, 1)
    assert "spam" not in by_channel.columns and "duplicate" not in by_channel.columns
    tms = by_treatment.loc["tms"]
    assert (tms.received, tms.reached, tms.scheduled, tms.became_patient, tms.unreachable) == \
        (2, 1, 1, 1, 1)
    assert by_treatment.loc["spravato"].received == 1
    assert by_treatment.loc["medication_management"].open == 1
    assert by_source.loc["test"].received == 4


def test_response_times_within_target_and_heat_map(clinic):
    engine, _ = clinic
    march = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    with read_session(engine) as s:
        months = queries.speed_over_time(s, march, "month")
        heat = queries.weekday_hour(s, march)
    row = months.iloc[0]
    assert (row.received, row.contacted, row.within_target) == (3, 3, 2)
    # 22, 125 and 190 minutes fall in the bins [20, 30), [120, 150) and [180, 240); the median
    # is the middle one's bin midpoint-interpolated: 120 + 30 * 0.5; the 90th percentile
    # 180 + 60 * 0.7.
    assert row.median_minutes == pytest.approx(135.0)
    assert row.p90_minutes == pytest.approx(222.0)
    assert row.share_within_target == pytest.approx(2 / 3)
    cells = {(r.weekday, r.hour): r for r in heat.itertuples()}
    assert cells[(0, 10)].arrivals == 1 and cells[(0, 23)].arrivals == 1
    assert cells[(1, 14)].arrivals == 1 and cells[(1, 14)].median_minutes == pytest.approx(135)
    assert cells[(0, 10)].share_within_target == 1.0
    assert heat["arrivals"].sum() == 3 and len(heat) == 7 * 24


def test_backlog_by_age(clinic):
    engine, ids = clinic
    with read_session(engine) as s:
        frame = queries.backlog(s, now=at_local(APR_1, 11))
        later = queries.backlog(s, now=at_local(APR_1, 9) + dt.timedelta(days=40))
    assert frame.to_dict("records") == [{"age": "1–4 hours", "status": "new", "count": 1}]
    assert later.to_dict("records") == [{"age": "over 4 weeks", "status": "new", "count": 1}]


def test_percentile_from_bins_edges():
    assert queries.percentile_from_bins({}, 0.5) is None
    assert queries.percentile_from_bins({0: 2}, 0.5) == pytest.approx(2.5)
    last = len(queries.RESPONSE_BIN_EDGES) - 1
    assert queries.percentile_from_bins({last: 1}, 0.9) == queries.RESPONSE_BIN_EDGES[-1]


def test_bucket_starts_cover_the_period():
    period = Period(dt.date(2026, 1, 30), dt.date(2026, 3, 2))
    assert queries.bucket_starts(period, "month") == [dt.date(2026, 1, 1), dt.date(2026, 2, 1),
                                                      dt.date(2026, 3, 1)]
    assert queries.bucket_starts(period, "week")[0] == dt.date(2026, 1, 26)
    assert len(queries.bucket_starts(period, "day")) == period.days == 32
    with pytest.raises(ValueError, match="ends"):
        Period(dt.date(2026, 3, 2), dt.date(2026, 3, 1))
