"""Coverage reminders as next steps of the front desk's worklist, on SQLite and PostgreSQL:
records still missing after N days, the payer's decision overdue, an authorization ending or
its sessions nearly used up; each with its due time, ordered with every other due step,
counted in To do and overdue, started again by a chase, gone once it is dealt with."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from tests.coverage.helpers import DESK, TMS_CRITERIA, seed_insured_request, seed_payers
from tests.intake.helpers import make_request
from zoelife import audit, settings
from zoelife.coverage import checklist, machine, records, reminders
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import Request
from zoelife.intake import lifecycle
from zoelife.intake.next_steps import fill_coverage_reminders
from zoelife.intake.queue import QueueFilters, horizon_for, queue_page, tab_counts
from zoelife.intake.schedule import Schedule, change_setting

NY = ZoneInfo("America/New_York")


def local(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=NY).astimezone(dt.UTC)


NOW = local(2026, 3, 4, 10)  # a Wednesday, 10:00 at the clinic
HORIZON = horizon_for(NOW, NY)
COMPLETE = {"trials": [{"drug": "sertraline", "weeks": 8, "dose_adequate": True},
                       {"drug": "bupropion", "weeks": 8, "dose_adequate": True}],
            "psychotherapy": True, "scores": {"phq9": 19}}


def rows(engine, tab="todo", now=NOW):
    with read_session(engine) as s:
        found, _ = queue_page(s, QueueFilters(tab=tab), now, horizon=horizon_for(now, NY))
    return found


def row_of(engine, rid, tab="all", now=NOW):
    return next(r for r in rows(engine, tab, now) if r.id == rid)


def stored(engine, rid):
    with read_session(engine) as s:
        r = s.get(Request, rid)
        return r.next_step, r.next_due_at, r.coverage_step, r.coverage_due_at


def reached_request(engine, payer_id, *, first_name="Rita"):
    """An insured TMS request reached yesterday: its own next step (a follow-up) is due
    Friday, after To do's horizon."""
    rid = seed_insured_request(engine, payer_id, cards=False, first_name=first_name,
                               now=NOW - dt.timedelta(days=1))
    with write_session(engine) as s:
        lifecycle.log_attempt(s, rid, actor=DESK, method="call", outcome="reached",
                              now=local(2026, 3, 3, 11))
    return rid


@pytest.fixture
def aetna_request(engine):
    """(Aetna's payer id, the request): `reached_request` with Aetna (records due in 5 days,
    the decision in 7) among the payers."""
    payers = seed_payers(engine)
    return payers["Aetna"], reached_request(engine, payers["Aetna"])


def open_tms(engine, rid, payer_id, now, **kw) -> int:
    """A TMS authorization opened on the request at `now`, in its own transaction: its id."""
    with write_session(engine) as s:
        return records.open_authorization(s, rid, "tms", actor=DESK, payer_id=payer_id,
                                          now=now, **kw).id


# --------------------------------------------------------------------------- pure rules


def _auth(**kw):
    base = dict(id=1, treatment="tms", status="gathering", evidence={}, status_at=NOW,
                submitted_at=None, records_requested_at=None, chased_at=None, end_date=None,
                approved_units=None, units_used=0, units_at=None)
    return SimpleNamespace(**base | kw)


SCHEDULE = Schedule.from_settings({s.name: s.default for s in settings.SPECS})


def test_each_kind_of_reminder_has_a_fixed_due_time():
    crit = checklist.Criteria.from_data(TMS_CRITERIA)  # records 5 days, decision 7 days
    got = reminders.reminders_for(_auth(), crit, extended=False, schedule=SCHEDULE)
    assert [(r.step, r.due_at) for r in got] == [("coverage_records",
                                                  NOW + dt.timedelta(days=5))]
    # The letter and a chase start it again; the latest counts.
    got = reminders.reminders_for(_auth(records_requested_at=NOW + dt.timedelta(days=1),
                                        chased_at=NOW + dt.timedelta(days=2)), crit,
                                  extended=False, schedule=SCHEDULE)
    assert got[0].due_at == NOW + dt.timedelta(days=7)
    # Nothing missing: no records reminder.
    assert reminders.reminders_for(_auth(evidence=COMPLETE), crit, extended=False,
                                   schedule=SCHEDULE) == []
    sub = _auth(status="in_review", submitted_at=NOW - dt.timedelta(days=3),
                status_at=NOW - dt.timedelta(days=1))
    assert [(r.step, r.due_at) for r in reminders.reminders_for(
        sub, crit, extended=False, schedule=SCHEDULE)] == [
        ("coverage_decision", NOW + dt.timedelta(days=4))]
    # Approved: the close of business 14 days before it ends (a Friday, 17:00), and the
    # moment the sessions used left 6 or fewer.
    ok = _auth(status="approved", end_date=dt.date(2026, 4, 3), approved_units=36,
               units_used=30, units_at=NOW)
    got = reminders.reminders_for(ok, crit, extended=False, schedule=SCHEDULE)
    assert sorted((r.step, r.due_at, r.why) for r in got) == sorted([
        ("coverage_extension", local(2026, 3, 20, 17), "authorization ends 2026-04-03"),
        ("coverage_extension", NOW, "6 of 36 approved sessions left")])
    assert reminders.reminders_for(ok, crit, extended=True, schedule=SCHEDULE) == []
    # 14 days before falls on a Saturday: due by the close of the next business day.
    got = reminders.reminders_for(_auth(status="approved", end_date=dt.date(2026, 4, 4)),
                                  crit, extended=False, schedule=SCHEDULE)
    assert got[0].due_at == local(2026, 3, 23, 17)


def test_the_row_shows_the_step_due_first():
    own = NOW + dt.timedelta(days=2)
    assert reminders.shown_step("follow_up", own, "coverage_records", NOW) == (
        "coverage_records", NOW)
    assert reminders.shown_step("follow_up", own, "coverage_records",
                                own + dt.timedelta(hours=1)) == ("follow_up", own)
    assert reminders.shown_step("follow_up", own, None, None) == ("follow_up", own)
    assert reminders.combined(None, None, reminders.Reminder(
        "coverage_records", NOW, 1, "tms", "x"))["coverage_due_at"] is None


# --------------------------------------------------------------------------- in the worklist


@pytest.mark.db
def test_records_still_missing_come_due_in_to_do_in_order_and_a_chase_restarts_them(
        engine, aetna_request):
    aetna, rid = aetna_request
    assert rid not in [r.id for r in rows(engine)]  # its own follow-up is due Friday
    fresh = make_request(engine, received_at=NOW - dt.timedelta(minutes=30), now=NOW)
    auth_id = open_tms(engine, rid, aetna, local(2026, 2, 20, 10))
    # Opened Feb 20, Aetna's records_days is 5: due Feb 25, overdue now, and first in To do
    # ahead of a new lead due in half an hour.
    todo = rows(engine)
    assert [r.id for r in todo] == [rid, fresh]
    first = todo[0]
    assert (first.next_step, first.due, first.overdue) == (
        "coverage_records", local(2026, 2, 25, 10), True)
    with read_session(engine) as s:
        counts = tab_counts(s, QueueFilters(), NOW, HORIZON)
    assert (counts.todo, counts.overdue) == (2, 1)
    # Chased now: due again in 5 days, after its own follow-up; it leaves To do.
    with write_session(engine) as s:
        records.chase_authorization(s, auth_id, actor=DESK, seen_version=1,
                                    note="faxed Dr. Lee again", now=NOW)
    assert [r.id for r in rows(engine)] == [fresh]
    step, due, cstep, cdue = stored(engine, rid)
    assert (step, cstep, cdue) == ("follow_up", "coverage_records", NOW + dt.timedelta(days=5))
    assert due < cdue and row_of(engine, rid).next_step == "follow_up"
    with read_session(engine) as s:
        kinds = [e.kind for e in records.timeline(s, rid)]
    assert kinds == ["chased"]
    # Everything the checklist asks confirmed: no reminder any more.
    with write_session(engine) as s:
        records.set_evidence(s, auth_id, COMPLETE, actor=DESK, seen_version=2, now=NOW)
    assert stored(engine, rid)[2:] == (None, None)


@pytest.mark.db
def test_decision_overdue_then_approval_nearly_used_up_then_extension(engine, aetna_request):
    aetna, rid = aetna_request
    with write_session(engine) as s:
        a = records.open_authorization(s, rid, "tms", actor=DESK, payer_id=aetna,
                                       now=local(2026, 2, 16))
        records.set_evidence(s, a.id, COMPLETE, actor=DESK, seen_version=1,
                             now=local(2026, 2, 16))
        records.move_authorization(s, a.id, "submitted", actor=DESK, seen_version=2,
                                   now=local(2026, 2, 24))
        records.move_authorization(s, a.id, "in_review", actor=DESK, seen_version=3,
                                   now=local(2026, 3, 2))
        auth_id = a.id
    row = row_of(engine, rid, "todo")
    assert (row.next_step, row.due, row.overdue) == ("coverage_decision", local(2026, 3, 3),
                                                     True)
    with write_session(engine) as s:
        records.move_authorization(
            s, auth_id, "approved", actor=DESK, seen_version=4, now=NOW,
            decision=machine.Decision("AUTH-1", 36, NOW.date(), dt.date(2026, 6, 30)))
    # Approved until June 30: the extension is due by June 16's close, far ahead.
    assert stored(engine, rid)[2:] == ("coverage_extension", local(2026, 6, 16, 17))
    assert rid not in [r.id for r in rows(engine)]
    later = local(2026, 4, 15, 9)
    with write_session(engine) as s:
        records.record_units(s, auth_id, 31, actor=DESK, seen_version=5, now=later)
    # Due from when the sessions used were recorded (its own follow-up, long overdue by
    # then, still comes first on the row).
    assert stored(engine, rid)[2:] == ("coverage_extension", later)
    # The extension is tracked: the approval is followed on it (a new records reminder, as
    # the evidence came along complete there is none).
    open_tms(engine, rid, aetna, later + dt.timedelta(hours=2), extension_of_id=auth_id)
    assert stored(engine, rid)[2:] == (None, None)


@pytest.mark.db
def test_a_scheduled_request_with_a_reminder_due_is_in_to_do_and_nowhere_else(
        engine, aetna_request):
    aetna, rid = aetna_request
    with write_session(engine) as s:
        version = s.get(Request, rid).version
        lifecycle.change_status(s, rid, actor=DESK, seen_version=version, to_status="scheduled",
                                appointment_at=local(2026, 3, 12, 9),
                                appointment_kind="Evaluation", now=NOW - dt.timedelta(hours=1))
    assert [r.id for r in rows(engine, "scheduled")] == [rid]
    open_tms(engine, rid, aetna, local(2026, 2, 20))
    assert [r.id for r in rows(engine, "todo")] == [rid]
    assert rows(engine, "scheduled") == [] and rows(engine, "waiting") == []
    with read_session(engine) as s:
        counts = tab_counts(s, QueueFilters(), NOW, HORIZON)
    assert (counts.todo, counts.scheduled, counts.waiting, counts.all) == (1, 0, 0, 1)


@pytest.mark.db
def test_closing_clears_the_reminder_reopening_and_settings_changes_keep_it(engine, aetna_request):
    aetna, rid = aetna_request
    open_tms(engine, rid, aetna, local(2026, 2, 20))
    due = local(2026, 2, 25)
    assert stored(engine, rid)[1:] == (due, "coverage_records", due)
    with write_session(engine) as s:
        change_setting(s, "first_response_minutes", 15, actor=audit.SYSTEM)
    assert stored(engine, rid)[1:] == (due, "coverage_records", due)
    with write_session(engine) as s:
        version = s.get(Request, rid).version
        lifecycle.change_status(s, rid, actor=DESK, seen_version=version, to_status="closed",
                                close_reason="declined", now=NOW)
    assert stored(engine, rid) == (None, None, None, None)
    with write_session(engine) as s:
        version = s.get(Request, rid).version
        lifecycle.change_status(s, rid, actor=DESK, seen_version=version,
                                to_status="in_progress", reason="called back", now=NOW)
    assert stored(engine, rid)[1:] == (due, "coverage_records", due)


@pytest.mark.db
def test_a_payers_thresholds_move_its_reminders_and_the_upgrade_fills_them(engine, aetna_request):
    aetna, rid = aetna_request
    with write_session(engine) as s:
        records.open_authorization(s, rid, "tms", actor=DESK, payer_id=aetna,
                                   now=local(2026, 2, 20))
        records.set_criteria(s, aetna, "tms", TMS_CRITERIA | {"records_days": 10},
                             actor=DESK)
    assert stored(engine, rid)[2:] == ("coverage_records", local(2026, 3, 2))
    # Rows from before the columns (migration 0006 fills them with the same rules).
    with write_session(engine) as s:
        s.execute(update(Request).values(coverage_step=None, coverage_due_at=None))
        assert fill_coverage_reminders(s, now=NOW) == 1
    assert stored(engine, rid)[2:] == ("coverage_records", local(2026, 3, 2))
    with read_session(engine) as s:
        assert s.execute(select(Request.next_due_at).where(Request.id == rid)).scalar() == \
            local(2026, 3, 2)


@pytest.mark.db
def test_a_chase_is_refused_for_an_approved_authorization_and_from_a_stale_screen(
        engine, aetna_request):
    aetna, rid = aetna_request
    with write_session(engine) as s:
        a = records.open_authorization(s, rid, "tms", actor=DESK, payer_id=aetna,
                                       now=local(2026, 2, 20))
        records.move_authorization(s, a.id, "submitted", actor=DESK, seen_version=1, now=NOW)
        auth_id = a.id
    with pytest.raises(lifecycle.StaleEdit):
        with write_session(engine) as s:
            records.chase_authorization(s, auth_id, actor=DESK, seen_version=1, now=NOW)
    with write_session(engine) as s:
        records.move_authorization(
            s, auth_id, "approved", actor=DESK, seen_version=2, now=NOW,
            decision=machine.Decision("A-2", 10, NOW.date(), dt.date(2026, 5, 1)))
    with pytest.raises(records.CoverageError, match="extended"):
        with write_session(engine) as s:
            records.chase_authorization(s, auth_id, actor=DESK, seen_version=3, now=NOW)
