"""A known caller rings again: the front desk types their number on New request, caller ID
finds the open request as the number is typed, and the call is logged on it (the default)
instead of a second request. Own server on a small database and own `xdist_group`, so it runs
beside the demo-clinic journeys under `pytest -n 2 --dist loadgroup` (docs/browser.md).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.journey import (
    Clinic,
    choose,
    no_exception,
    plant_request,
    request_row,
    sign_in,
)
from zoelife.db.engine import read_session
from zoelife.db.models import ContactAttempt, Request

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_caller_id")]




def _stored(clinic: Clinic):
    engine = clinic.engine()
    try:
        with read_session(engine) as session:
            requests = session.execute(select(Request.id)).scalars().all()
            attempts = session.execute(
                select(ContactAttempt.request_id, ContactAttempt.method,
                       ContactAttempt.outcome, ContactAttempt.note)).all()
            return requests, [tuple(a) for a in attempts]
    finally:
        engine.dispose()


def test_a_call_from_a_known_number_is_logged_on_the_open_request(clinic, tab):
    # The web form brought Carmen's request in yesterday (plant_request: +1 212 555 0142).
    request_id = plant_request(clinic, first="Carmen", last="Caller", minutes_ago=60 * 20,
                               message="Is TMS covered by my insurance?", treatments=("TMS",))
    sign_in(tab, clinic.base, "desk", "Dana Desk", path="new")
    expect(tab.get_by_role("heading", name="New request")).to_be_visible()

    # She calls back. The number is typed as the caller ID shows it; no Enter, no Tab: the
    # lookup runs on a pause in typing.
    tab.get_by_role("textbox", name="Phone").press_sequentially("212 555 0142", delay=30)
    expect(tab.get_by_text(f"Known caller with an open request: log this call on "
                           f"#{request_id}")).to_be_visible()
    offered = tab.get_by_role("radio", name=re.compile(
        rf"^Log this call on #{request_id} Carmen Caller: new, TMS"))
    expect(offered).to_be_checked()  # the default
    expect(tab.get_by_role("button", name="Save request")).to_have_count(0)

    tab.get_by_role("textbox", name="What they said (optional)").fill(
        "Wants to know about TMS coverage, free after 3pm")
    tab.get_by_role("button", name=f"Log this call on #{request_id}").click()

    # Her request opens with the call on it; no second request was made.
    expect(tab.get_by_role("heading", name=f"Request #{request_id}")).to_be_visible()
    expect(tab.get_by_text(f"Call logged on request #{request_id}; status is now in "
                           "progress.")).to_be_visible()
    requests, attempts = _stored(clinic)
    assert requests == [request_id]
    assert attempts == [(request_id, "call", "reached",
                         "Called in. Wants to know about TMS coverage, free after 3pm")]
    row = request_row(clinic, request_id)
    assert row.status == "in_progress" and row.reached_at is not None
    no_exception(tab)


def test_picking_a_move_shows_its_fields_on_the_same_tab(clinic, tab):
    """What AppTest cannot see: choosing a move reruns the page, and the tabs must stay on
    Status (untracked tabs went back to the first one, hiding the form just asked for)."""
    request_id = plant_request(clinic, first="Sol", last="Status", message="Spravato?",
                               treatments=("Spravato",))
    sign_in(tab, clinic.base, "desk", "Dana Desk", path=f"request?id={request_id}")
    expect(tab.get_by_role("heading", name=f"Request #{request_id}")).to_be_visible()
    tab.get_by_role("tab", name="Status").click()
    tab.get_by_role("radio", name="Closed").click()
    expect(tab.get_by_role("tab", name="Status", selected=True)).to_be_visible()
    expect(tab.get_by_role("button", name="Close request")).to_be_visible()
    expect(tab.get_by_label("Appointment kind")).to_have_count(0)
    choose(tab, "Close reason", "Declined")
    tab.get_by_role("button", name="Close request").click()
    expect(tab.get_by_text("Status changed to closed.")).to_be_visible()
    assert request_row(clinic, request_id).close_reason == "declined"
    no_exception(tab)
