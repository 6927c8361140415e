"""The worklist in a real browser: a new web lead is in To do; a call with no answer gives it
its next attempt's due time; a call that reaches the person and books an appointment takes it
out of To do and into Scheduled, with its confirmation call due the business day before the
appointment. Own server on a small database and own `xdist_group` (docs/browser.md).

The server reads the wall clock, so due times are checked against the clinic's own rules
(`Schedule`) applied to the times the database recorded, never against a weekday or hour.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.journey import (
    Clinic,
    no_exception,
    open_queue_row,
    plant_request,
    queue_row,
    request_row,
    schedule_appointment,
    sign_in,
)
from tests.clock import live_server_now
from zoelife.db.engine import read_session
from zoelife.intake.schedule import Schedule

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_worklist")]




def _schedule(clinic: Clinic) -> Schedule:
    engine = clinic.engine()
    try:
        with read_session(engine) as session:
            return Schedule.load(session)
    finally:
        engine.dispose()


def test_new_web_lead_to_scheduled_with_its_confirmation_call(clinic, tab):
    request_id = plant_request(clinic, first="Willa", last="Worklist",
                               message="Could I book a TMS consultation?", treatments=("TMS",))
    other_id = plant_request(clinic, first="Otis", last="Other", minutes_ago=30,
                             message="Question about Spravato", treatments=("Spravato",))
    sign_in(tab, clinic.base, "desk", "Dana Desk")
    expect(tab.get_by_role("heading", name=re.compile(r"^Queue"))).to_be_visible()
    # A new web lead is in To do, with its first contact due.
    row = queue_row(tab, request_id)
    expect(row).to_contain_text("First contact")
    expect(tab.get_by_role("radio", name=re.compile(r"^To do \(2\)"))).to_be_visible()

    # Its name opens it (a link, in the same tab).
    open_queue_row(tab, request_id)
    expect(tab.get_by_role("heading", name=f"Request #{request_id}")).to_be_visible()
    expect(tab.get_by_role("link", name=re.compile(r"^Back to To do"))).to_be_visible()

    # No answer: one click; the next attempt is due by the cadence.
    tab.get_by_role("button", name="No answer").click()
    expect(tab.get_by_text("Attempt logged (no answer). Status is now attempted.")).to_be_visible()
    stored = request_row(clinic, request_id)
    schedule = _schedule(clinic)
    assert stored.next_step == "next_attempt"
    assert stored.next_due_at == schedule.next_attempt_due(stored.last_attempt_at, "none", 1)
    # (the facts table's accessible copy of its cells: attached, drawn on a canvas)
    expect(tab.get_by_text(re.compile(r"^Next attempt, in "))).to_be_attached()
    # The next due request is one click away: the other lead.
    expect(tab.get_by_role("link", name=f"Next due request (#{other_id})")).to_be_visible()

    # They call back: reached, then the appointment a week ahead.
    tab.get_by_role("button", name="Reached → schedule").click()
    expect(tab.get_by_text("Schedule the appointment")).to_be_visible()
    day = live_server_now().astimezone(schedule.zone).date() + dt.timedelta(days=8)
    schedule_appointment(tab, day, "TMS consultation")
    stored = request_row(clinic, request_id)
    assert stored.status == "scheduled"
    confirm = schedule.business_day_before(stored.appointment_at)
    assert confirm.astimezone(schedule.zone).date() < day
    assert (stored.next_step, stored.next_due_at) == ("confirm", confirm)
    expect(tab.get_by_text(re.compile(r"^Confirmation call, in "))).to_be_attached()

    # Back on the list: no longer in To do; under Scheduled, with the confirmation call.
    tab.get_by_role("link", name=re.compile(r"^Back to To do")).click()
    expect(tab.get_by_role("radio", name=re.compile(r"^To do \(1\)"))).to_be_visible()
    expect(queue_row(tab, request_id)).to_have_count(0)
    expect(queue_row(tab, other_id)).to_be_visible()
    tab.get_by_role("radio", name=re.compile(r"^Scheduled \(1\)")).click()
    expect(queue_row(tab, request_id)).to_contain_text("Confirmation call")
    expect(tab).to_have_url(re.compile(r"[?&]tab=scheduled"))
    # A reload keeps the tab.
    tab.reload()
    expect(queue_row(tab, request_id)).to_contain_text("Confirmation call")
    no_exception(tab)
