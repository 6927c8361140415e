"""The worklist on the default demo clinic (`zoelife demo`: 5,000 requests, seed 7): To do holds
no request with an appointment ahead, and every open request, in every tab, has a due time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from zoelife import demo
from zoelife.db.engine import read_session
from zoelife.db.models import Request
from zoelife.intake.queue import QueueFilters, horizon_for, queue_page, tab_counts
from zoelife.vocabulary import COVERAGE_STEPS

# A weekday afternoon in the demo clinic's zone (New York), where the two years end.
NOW = dt.datetime(2026, 6, 17, 18, 0, tzinfo=dt.UTC)


def test_default_demo_to_do_has_no_future_appointment_and_every_row_a_due_time(sqlite_engine):
    engine = sqlite_engine
    demo.load_demo(engine, now=NOW)  # the default: 5,000 requests, seed 7
    horizon = horizon_for(NOW, ZoneInfo("America/New_York"))
    with read_session(engine) as s:
        counts = tab_counts(s, QueueFilters(), NOW, horizon)
        open_total = s.execute(select(func.count()).select_from(Request)
                               .where(Request.is_open.is_(True))).scalar_one()
        without_due = s.execute(select(func.count()).select_from(Request).where(
            Request.is_open.is_(True), Request.next_due_at.is_(None))).scalar_one()
        todo, total = queue_page(s, QueueFilters(), NOW, page_size=500, horizon=horizon)
        scheduled, _ = queue_page(s, QueueFilters(tab="scheduled"), NOW, page_size=500,
                                  horizon=horizon)
    assert without_due == 0
    # The tabs split the open requests: nothing lost, nothing twice.
    assert counts.todo + counts.scheduled + counts.waiting == open_total == counts.all
    assert total == counts.todo and len(todo) == total  # all of To do on one page
    assert counts.todo > 0 and counts.scheduled > 0
    assert all(r.due is not None and r.next_step for r in todo)
    # ... unless a coverage reminder is due today (docs/coverage.md, "Reminders in the
    # worklist").
    assert not [r.id for r in todo if r.appointment_at is not None and r.appointment_at > NOW
                and r.next_step not in COVERAGE_STEPS]
    # What is scheduled waits under Scheduled, each with its confirmation call or visit (or a
    # coverage reminder due before them, after today).
    assert all(r.status == "scheduled" and r.next_step in ("confirm", "outcome", *COVERAGE_STEPS)
               for r in scheduled)
    assert all(r.due > horizon for r in scheduled if r.next_step in COVERAGE_STEPS)
    # The demo's authorizations waiting on records or the payer remind in To do.
    assert any(r.next_step in COVERAGE_STEPS for r in todo)
    # The order: unacknowledged urgent first, then by due time.
    keys = [r.sort_key for r in todo]
    assert keys == sorted(keys)
