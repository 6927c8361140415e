"""Nothing open without a due time: each status's next step and when it is due, at the instants
that break naive time code (Friday evening, a holiday, a long weekend), as pure rules and
through the moves on both databases."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.intake.helpers import make_request
from zoelife import audit, settings
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import Request
from zoelife.intake import lifecycle as lc
from zoelife.intake.next_steps import fill_missing_next_steps
from zoelife.intake.queue import QueueFilters, horizon_for, next_due_request, queue_page
from zoelife.intake.schedule import Schedule, change_setting

NY = ZoneInfo("America/New_York")
ACTOR = audit.Actor(None, "tester")


def schedule(**overrides) -> Schedule:
    values = {s.name: s.default for s in settings.SPECS} | overrides
    return Schedule.from_settings(values)


def local(y, m, d, h, mi=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=NY).astimezone(dt.UTC)


def facts(**kw):
    base = dict(status="new", crisis_level="none", received_at=local(2026, 3, 13, 18),
                due_at=None, first_contact_at=None, reached_at=None, last_attempt_at=None,
                next_attempt_due_at=None, next_step=None, follow_up_at=None,
                appointment_at=None, scheduled_at=None, updated_at=None)
    return SimpleNamespace(**(base | kw))


FRIDAY_EVENING = local(2026, 3, 13, 18)  # Friday 18:00 New York, after closing


# -- the rules, one status at a time ----------------------------------------------------------

def test_new_lead_friday_evening_is_due_monday_after_opening_in_minutes():
    s = schedule(first_response_minutes=5)
    assert s.next_step(facts(), FRIDAY_EVENING) == ("first_contact", local(2026, 3, 16, 8, 5))
    # urgent: at once, whatever the hour
    assert s.next_step(facts(crisis_level="urgent"), FRIDAY_EVENING) == (
        "first_contact", FRIDAY_EVENING)


def test_new_lead_in_minutes_comes_before_yesterdays_second_attempt():
    s = schedule(first_response_minutes=5)
    now = local(2026, 3, 4, 10)  # Wednesday 10:00
    new = s.next_step(facts(received_at=now), now)[1]
    tuesday_attempt = local(2026, 3, 3, 11)
    second = s.next_step(facts(status="attempted", last_attempt_at=tuesday_attempt,
                               next_attempt_due_at=s.next_attempt_due(tuesday_attempt, "none",
                                                                      1)), now)
    assert new == local(2026, 3, 4, 10, 5)
    assert second == ("next_attempt", local(2026, 3, 4, 17))
    assert new < second[1]


def test_attempted_after_the_last_attempt_friday_evening_is_due_monday_close():
    s = schedule()
    step = s.next_step(facts(status="attempted", last_attempt_at=FRIDAY_EVENING,
                             next_attempt_due_at=None), FRIDAY_EVENING)
    assert step == ("close_unreachable", local(2026, 3, 16, 17))


def test_in_progress_follow_up_skips_a_holiday():
    s = schedule(holidays=["2026-03-16"], follow_up_business_days=2)
    step = s.next_step(facts(status="in_progress", reached_at=FRIDAY_EVENING), FRIDAY_EVENING)
    # Friday evening, Monday a holiday: Tuesday is the first business day, Wednesday the second.
    assert step == ("follow_up", local(2026, 3, 18, 17))
    # A date the user chose stands.
    chosen = local(2026, 3, 20, 12)
    assert s.next_step(facts(status="in_progress", next_step="wait_other", follow_up_at=chosen),
                       FRIDAY_EVENING) == ("wait_other", chosen)


def test_no_show_friday_evening_is_rebooked_by_monday_close_or_tuesday_after_a_holiday():
    assert schedule().rebook_due(FRIDAY_EVENING) == local(2026, 3, 16, 17)
    assert schedule(holidays=["2026-03-16"]).rebook_due(FRIDAY_EVENING) == local(2026, 3, 17, 17)


def test_confirmation_call_is_due_the_business_day_before_the_appointment():
    s = schedule(holidays=["2026-03-13"])
    monday_9 = local(2026, 3, 16, 9)
    # The business day before Monday is Friday; a holiday Friday makes it Thursday.
    assert s.confirm_due(monday_9, local(2026, 3, 2, 10)) == local(2026, 3, 12, 17)
    assert schedule().confirm_due(monday_9, local(2026, 3, 2, 10)) == local(2026, 3, 13, 17)
    # Made on Friday evening for Monday: that day has closed, so the next step is the visit.
    assert schedule().confirm_due(monday_9, FRIDAY_EVENING) is None
    r = facts(status="scheduled", appointment_at=monday_9, scheduled_at=FRIDAY_EVENING)
    assert schedule().next_step(r, FRIDAY_EVENING) == ("outcome", monday_9)


def test_closed_has_no_next_step():
    assert schedule().next_step(facts(status="closed"), FRIDAY_EVENING) == (None, None)


# -- through the moves, on SQLite and PostgreSQL ----------------------------------------------

def _row(engine, rid):
    with read_session(engine) as s:
        r = s.get(Request, rid)
        return r.status, r.next_step, r.next_due_at


def test_the_journey_sets_a_next_step_at_every_move(engine):
    received = local(2026, 3, 2, 10)  # Monday 10:00
    rid = make_request(engine, received_at=received, phone="(212) 555-0123")
    assert _row(engine, rid) == ("new", "first_contact", local(2026, 3, 2, 11))
    with write_session(engine) as s:
        lc.log_attempt(s, rid, actor=ACTOR, method="call", outcome="no_answer",
                       now=local(2026, 3, 2, 10, 30))
    assert _row(engine, rid) == ("attempted", "next_attempt", local(2026, 3, 3, 17))
    with write_session(engine) as s:
        lc.log_attempt(s, rid, actor=ACTOR, method="call", outcome="reached",
                       now=local(2026, 3, 3, 9))
    assert _row(engine, rid) == ("in_progress", "follow_up", local(2026, 3, 5, 17))
    with read_session(engine) as s:
        version = s.get(Request, rid).version
    with write_session(engine) as s:
        version = lc.set_next_step(s, rid, actor=ACTOR, seen_version=version, step="wait_other",
                                   due_at=local(2026, 3, 10, 17), now=local(2026, 3, 3, 9, 5))
    assert _row(engine, rid) == ("in_progress", "wait_other", local(2026, 3, 10, 17))
    appointment = local(2026, 3, 16, 9)  # a Monday
    with write_session(engine) as s:
        version = lc.change_status(s, rid, actor=ACTOR, seen_version=version,
                                   to_status="scheduled", appointment_at=appointment,
                                   appointment_kind="TMS consultation",
                                   now=local(2026, 3, 3, 9, 10))
    assert _row(engine, rid) == ("scheduled", "confirm", local(2026, 3, 13, 17))
    with write_session(engine) as s:
        lc.log_attempt(s, rid, actor=ACTOR, method="call", outcome="left_voicemail",
                       now=local(2026, 3, 13, 11))
    assert _row(engine, rid) == ("scheduled", "outcome", appointment)
    with read_session(engine) as s:
        version = s.get(Request, rid).version
    with write_session(engine) as s:  # no-show
        version = lc.change_status(s, rid, actor=ACTOR, seen_version=version,
                                   to_status="in_progress", reason="no-show",
                                   now=local(2026, 3, 16, 11))
    assert _row(engine, rid) == ("in_progress", "rebook", local(2026, 3, 17, 17))
    with write_session(engine) as s:
        lc.change_status(s, rid, actor=ACTOR, seen_version=version, to_status="closed",
                         close_reason="declined", now=local(2026, 3, 17, 9))
    assert _row(engine, rid) == ("closed", None, None)


def test_scheduled_leaves_to_do_and_waits_under_scheduled(engine):
    now = local(2026, 3, 4, 10)
    rid = make_request(engine, received_at=now - dt.timedelta(hours=3))
    horizon = horizon_for(now, NY)

    def tab_ids(tab):
        with read_session(engine) as s:
            rows, _ = queue_page(s, QueueFilters(tab=tab), now, horizon=horizon)
        return [r.id for r in rows]

    assert tab_ids("todo") == [rid]
    with write_session(engine) as s:
        lc.change_status(s, rid, actor=ACTOR, seen_version=1, to_status="scheduled",
                         appointment_at=local(2026, 3, 9, 9), appointment_kind="Evaluation",
                         now=now)
    assert tab_ids("todo") == [] and tab_ids("scheduled") == [rid] and tab_ids("all") == [rid]
    with read_session(engine) as s:
        assert next_due_request(s, now, horizon) is None
        r = s.get(Request, rid)
        assert (r.next_step, r.next_due_at) == ("confirm", local(2026, 3, 6, 17))


def test_rows_without_a_next_step_are_filled_and_recomputed_with_the_settings(engine):
    rid = make_request(engine, received_at=local(2026, 3, 2, 10))
    with write_session(engine) as s:
        s.query(Request).filter(Request.id == rid).update({"next_step": None,
                                                           "next_due_at": None})
    with write_session(engine) as s:
        assert fill_missing_next_steps(s, now=local(2026, 3, 2, 12)) == 1
    assert _row(engine, rid) == ("new", "first_contact", local(2026, 3, 2, 11))
    with write_session(engine) as s:
        change_setting(s, "first_response_minutes", 15, actor=ACTOR)
    assert _row(engine, rid) == ("new", "first_contact", local(2026, 3, 2, 10, 15))
    with read_session(engine) as s:
        missing = s.execute(select(func.count()).select_from(Request).where(
            Request.is_open.is_(True), Request.next_due_at.is_(None))).scalar_one()
    assert missing == 0


@pytest.mark.parametrize("status", ["new", "attempted", "in_progress", "scheduled"])
def test_every_open_status_has_a_due_time(status):
    s = schedule()
    r = facts(status=status, last_attempt_at=FRIDAY_EVENING, reached_at=FRIDAY_EVENING,
              appointment_at=local(2026, 3, 20, 9), scheduled_at=FRIDAY_EVENING)
    step, due = s.next_step(r, FRIDAY_EVENING)
    assert step is not None and due is not None
