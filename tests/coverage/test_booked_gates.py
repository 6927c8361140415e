"""A first treatment booked through the scheduling tool (Calendly) meets the coverage gates
without an override (docs/coverage.md, "Bookings and the gates"), on SQLite and PostgreSQL:
the booking is kept and counted, and one not ready is flagged on the front desk's worklist until
the gate opens, staff accept it with a reason, or the booking is canceled."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from tests.clock import FIXED_NOW
from tests.coverage.helpers import DESK, seed_insured_request, seed_payers
from tests.ingest.connector_cases import body_of
from zoelife.coverage import machine, records
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import AuditEvent, Request
from zoelife.ingest.importer import import_requests
from zoelife.intake import lifecycle
from zoelife.vocabulary import label

pytestmark = [pytest.mark.db, pytest.mark.usefixtures("clock")]
NOW = FIXED_NOW
EMAIL = "nora.diaz@example.com"  # the booking fixture's invitee


def book(engine, kind: str, *, canceled: bool = False, start: str | None = None) -> None:
    body = body_of("calendly_invitee_canceled.json" if canceled
                   else "calendly_invitee_created.json")
    body["payload"]["scheduled_event"]["name"] = kind
    if start:
        body["payload"]["scheduled_event"]["start_time"] = start
    import_requests(engine, json.dumps(body).encode(), fmt="json", source="calendly",
                    name="booking.json")


def spravato_request(engine, payers) -> int:
    return seed_insured_request(engine, payers["Aetna"], treatments=("Spravato",), cards=False,
                                email=EMAIL, first_name="Nora", last_name="Diaz")


def state(engine, rid):
    with read_session(engine) as s:
        r = s.get(Request, rid)
        flags = [f.detail for f in records.open_flags(s, rid)]
        courses = {a.treatment: a.first_treatment_at for a in records.authorizations_of(s, rid)}
        kinds = [e.kind for e in records.timeline(s, rid)]
        return r, flags, courses, kinds


def test_a_spravato_first_dose_booked_without_rems_is_kept_counted_and_flagged(engine):
    payers = seed_payers(engine)
    rid = spravato_request(engine, payers)
    book(engine, "Spravato first dose")
    r, flags, courses, kinds = state(engine, rid)
    assert (r.status, r.appointment_kind) == ("scheduled", "Spravato first dose")
    assert courses["spravato"] is not None  # counted as the first treatment, as an override is
    (flag,) = flags
    assert flag.startswith("Booked in calendly: Spravato start not ready: missing REMS patient "
                           "enrolment")
    assert "ride home confirmed" in flag and "2-hour monitored slot confirmed" in flag
    assert kinds == ["booking_not_ready"]
    # On the front desk's worklist at once, with what to do.
    assert (r.coverage_step, label(r.coverage_step)) == (
        "coverage_start", "Coverage: booked first treatment not ready")
    assert r.next_due_at <= r.coverage_due_at
    with read_session(engine) as s:
        actions = [e.action for e in s.execute(select(AuditEvent)).scalars()]
    assert "coverage.booking_not_ready" in actions


def test_the_flag_goes_when_the_start_is_completed_on_the_coverage_tab(engine):
    payers = seed_payers(engine)
    rid = spravato_request(engine, payers)
    book(engine, "Spravato dose 1")
    with write_session(engine) as s:
        records.save_spravato_start(s, rid, actor=DESK, rems_enrolled_on=NOW.date(),
                                    rems_enrolled_by="Dr. Ortiz", ride_home_confirmed=True,
                                    monitored_slot_confirmed=True)
    assert len(state(engine, rid)[1]) == 1  # the benefit route is still missing
    with write_session(engine) as s:
        records.record_benefits(s, rid, "spravato", actor=DESK, benefit_route="medical",
                                method="electronic")
    r, flags, _, kinds = state(engine, rid)
    assert flags == [] and r.coverage_step is None
    assert kinds == ["booking_not_ready", "booking_settled"]


def test_a_ready_start_or_a_consultation_booked_is_not_flagged(engine):
    payers = seed_payers(engine)
    rid = spravato_request(engine, payers)
    book(engine, "Spravato consultation")
    r, flags, courses, kinds = state(engine, rid)
    assert r.status == "scheduled" and flags == [] and kinds == [] and "spravato" not in courses
    with write_session(engine) as s:
        records.save_spravato_start(s, rid, actor=DESK, rems_enrolled_on=NOW.date(),
                                    rems_enrolled_by="Dr. Ortiz", ride_home_confirmed=True,
                                    monitored_slot_confirmed=True)
        records.record_benefits(s, rid, "spravato", actor=DESK, benefit_route="pharmacy",
                                method="electronic")
    book(engine, "Spravato first dose", start="2026-03-12T15:00:00.000000Z")
    # The same invitee id is one booking: a second body under it is not a new booking.
    _, flags, courses, _ = state(engine, rid)
    assert flags == []


def test_staff_accept_the_booking_with_a_reason_or_a_cancellation_takes_the_flag(engine):
    payers = seed_payers(engine)
    rid = spravato_request(engine, payers)
    book(engine, "Spravato first dose")
    with pytest.raises(records.CoverageError, match="Say why"):
        with write_session(engine) as s:
            records.settle_booking(s, rid, actor=DESK, reason=" ")
    with write_session(engine) as s:
        records.settle_booking(s, rid, actor=DESK, reason="REMS form faxed, confirmed by phone")
    r, flags, _, kinds = state(engine, rid)
    assert flags == [] and r.coverage_step is None and kinds[-1] == "booking_settled"
    with read_session(engine) as s:
        (row,) = s.execute(select(AuditEvent).where(
            AuditEvent.action == "coverage.booking_settled")).scalars()
        assert "REMS form" not in json.dumps(row.changes)  # the reason as a fact only


def test_a_canceled_booking_takes_its_flag_and_a_new_booking_meets_the_gate_again(engine):
    payers = seed_payers(engine)
    rid = spravato_request(engine, payers)
    book(engine, "Spravato first dose")
    book(engine, "Spravato first dose", canceled=True)
    r, flags, courses, kinds = state(engine, rid)
    assert r.status == "in_progress" and flags == [] and r.coverage_step is None
    # The move back settles the flag: the first dose it was counted as did not happen.
    assert kinds == ["booking_not_ready", "first_treatment_not_had"]
    assert courses["spravato"] is None  # a first dose still to come, canceled: not begun
    # Rebooked (a new invitee): the course has not begun, so the gate reads it again.
    body = body_of("calendly_invitee_created.json")
    body["payload"]["uri"] = body["payload"]["uri"] + "-rebooked"
    body["payload"]["scheduled_event"]["name"] = "Spravato first dose"
    body["payload"]["scheduled_event"]["start_time"] = "2026-03-12T15:00:00.000000Z"
    import_requests(engine, json.dumps(body).encode(), fmt="json", source="calendly",
                    name="booking.json")
    r, flags, courses, _ = state(engine, rid)
    assert r.status == "scheduled" and len(flags) == 1 and courses["spravato"] is not None


def test_a_tms_session_booked_without_the_required_approval_is_flagged_until_approved(engine):
    payers = seed_payers(engine)  # Aetna has TMS criteria: a prior authorization is required
    rid = seed_insured_request(engine, payers["Aetna"], email=EMAIL, first_name="Nora",
                               last_name="Diaz")
    book(engine, "TMS session")
    _, (flag,), courses, _ = state(engine, rid)
    assert flag.startswith("Booked in calendly: TMS start not ready: missing an approved TMS "
                           "authorization covering 2026-03-10")
    with write_session(engine) as s:
        auth = records.authorizations_of(s, rid)[0]
        version = auth.version
        for to in ("gathering", "submitted"):
            version = records.move_authorization(s, auth.id, to, actor=DESK,
                                                 seen_version=version)
        records.move_authorization(
            s, auth.id, "approved", actor=DESK, seen_version=version,
            decision=machine.Decision("AUTH-9", 30, dt.date(2026, 3, 1),
                                              dt.date(2026, 4, 30)))
    r, flags, _, _ = state(engine, rid)
    assert flags == [] and r.coverage_step == "coverage_extension"  # the approval's own


def test_a_booking_that_does_not_say_which_treatment_is_flagged_for_staff(engine):
    payers = seed_payers(engine)
    rid = seed_insured_request(engine, payers["Aetna"], treatments=("TMS", "Spravato"),
                               email=EMAIL, first_name="Nora", last_name="Diaz")
    book(engine, "Treatment")
    r, (flag,), courses, _ = state(engine, rid)
    assert r.status == "scheduled" and courses == {}
    assert "does not say which treatment" in flag


def test_staff_moving_a_flagged_booking_back_take_its_flag_and_first_treatment(engine):
    """A no-show or reschedule recorded by staff (not a cancellation in the tool): nothing is
    booked any more, so the booked first treatment is not kept and its flag goes; a new
    booking is read and flagged anew."""
    payers = seed_payers(engine)
    rid = spravato_request(engine, payers)
    book(engine, "Spravato first dose")
    with write_session(engine) as s:
        lifecycle.change_status(s, rid, actor=DESK, seen_version=s.get(Request, rid).version,
                                to_status="in_progress", reason="asked to reschedule")
    r, flags, courses, kinds = state(engine, rid)
    assert (r.status, flags, courses) == ("in_progress", [], {"spravato": None})
    assert r.coverage_step is None and kinds == ["booking_not_ready", "first_treatment_not_had"]
    body = body_of("calendly_invitee_created.json")
    body["payload"]["uri"] = body["payload"]["uri"] + "-rebooked"
    body["payload"]["scheduled_event"]["name"] = "Spravato first dose"
    body["payload"]["scheduled_event"]["start_time"] = "2026-03-12T15:00:00.000000Z"
    import_requests(engine, json.dumps(body).encode(), fmt="json", source="calendly",
                    name="booking.json")
    r, flags, courses, _ = state(engine, rid)
    assert r.status == "scheduled" and len(flags) == 1 and courses["spravato"] is not None
    assert r.coverage_step == "coverage_start"
