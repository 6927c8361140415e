"""The coverage journey in a real browser: a TMS request with its insurance, an authorization
tracked, its checklist read, submitted and approved with its number, sessions and dates, then
the first session scheduled. Helpers in journey.py; its own server (xdist group)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.journey import (
    choose,
    no_exception,
    plant_request,
    request_row,
    sign_in,
)
from tests.clock import live_server_now
from zoelife import audit, settings
from zoelife.coverage import records
from zoelife.db.engine import read_session, write_session

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_coverage")]
DESK = audit.Actor(None, "desk")


CLINIC_STAFF = (("dana.desk", {"front_desk"}, "Dana Desk"), ("it.admin", {"admin"}, "Ian Admin"))


def _type_date(tab, label: str, day: dt.date) -> None:
    tab.get_by_role("spinbutton", name=f"year, {label}").click()
    tab.keyboard.type(day.strftime("%Y%m%d"))


def test_a_tms_request_goes_from_insurance_to_an_approved_authorization_and_a_first_session(
        clinic, tab):
    request_id = plant_request(clinic, first="Tomas", last="Trial", treatments=("TMS",),
                               message="Three antidepressants did not help; asking about TMS.")
    engine = clinic.engine()
    with write_session(engine) as s:
        aetna = records.add_payer(s, "Aetna", actor=DESK)
        records.set_criteria(s, aetna.id, "tms", {"trials_needed": 2, "psychotherapy": True},
                             actor=DESK)
        records.save_coverage(s, request_id, actor=DESK, payer_id=aetna.id,
                              member_id="W555000111", subscriber_relation="self")
    sign_in(tab, clinic.base, "dana.desk", "Dana Desk", path=f"request?id={request_id}")
    expect(tab.get_by_role("heading", name=f"Request #{request_id}")).to_be_visible()

    tab.get_by_role("tab", name="Coverage").click()
    expect(tab.get_by_text("Member id: W555000111", exact=False)).to_be_visible()
    tab.get_by_role("button", name="Track an authorization").click()
    expect(tab.get_by_text("Authorization tracked.")).to_be_visible()
    expect(tab.get_by_text("missing: records of 2 more adequate medication trials",
                           exact=False)).to_be_visible()

    choose(tab, "Move to", "Submitted")
    tab.get_by_role("button", name="Move authorization").click()
    expect(tab.get_by_text("Authorization submitted.")).to_be_visible()

    with read_session(engine) as s:  # the clinic's calendar: UTC's date is a day ahead every evening
        today = settings.clinic_today(s, live_server_now())
    choose(tab, "Move to", "Approved")
    tab.get_by_label("Authorization number").fill("AUTH-2026-77")
    tab.get_by_label("Approved sessions").fill("36")
    _type_date(tab, "Starts", today)
    _type_date(tab, "Ends", today + dt.timedelta(days=90))
    tab.get_by_role("button", name="Move authorization").click()
    expect(tab.get_by_text("Authorization approved.")).to_be_visible()
    tab.get_by_text("TMS: Approved (Aetna)").click()  # a decided one is folded away
    expect(tab.get_by_text("Authorization AUTH-2026-77: 36 sessions", exact=False)
           ).to_be_visible()
    with read_session(engine) as s:
        course = records.authorizations_of(s, request_id)[0]
        assert (course.status, course.auth_number, course.approved_units) == (
            "approved", "AUTH-2026-77", 36)

    tab.get_by_role("tab", name="Log attempt").click()
    tab.get_by_role("button", name="Reached → schedule").click()
    expect(tab.get_by_text("Schedule the appointment")).to_be_visible()
    _type_date(tab, "Appointment date", today + dt.timedelta(days=3))
    tab.get_by_role("spinbutton", name="hour, Appointment time").click()
    tab.keyboard.type("0900")
    choose(tab, "First treatment session?", "Yes: first TMS session")
    tab.get_by_role("button", name="Schedule", exact=True).click()
    expect(tab.get_by_text("First TMS session scheduled.")).to_be_visible()
    assert request_row(clinic, request_id).appointment_kind == "TMS first session"
    with read_session(engine) as s:
        course = records.authorizations_of(s, request_id)[0]
        assert course.first_treatment_at is not None and course.days_to_first_treatment == 3
    no_exception(tab)
    engine.dispose()
