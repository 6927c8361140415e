"""A treatment appointment scheduled without choosing "First treatment session" meets the
same gate as one that does, and counts as the course's first treatment; a consultation, an
evaluation or a call does not (docs/coverage.md, "Treatment appointments and the gates").
The database tests run on SQLite and, with ZOELIFE_TEST_DATABASE_URL, PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.clock import FIXED_NOW
from tests.coverage.helpers import DESK, seed_insured_request, seed_payers
from zoelife.coverage import aggregates, appointment_kinds, records
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import AuditEvent, Request
from zoelife.intake import lifecycle

NOW = FIXED_NOW
WHEN = dt.datetime(2026, 3, 9, 15, tzinfo=dt.UTC)


@pytest.mark.parametrize(("kind", "treatment", "courses"), [
    # The kinds the product writes itself: the first-session forms and the demo clinic's.
    ("TMS first session", True, ("tms",)),
    ("Spravato first dose", True, ("spravato",)),
    ("Ketamine first session", True, ("ketamine",)),
    ("TMS consultation", False, ("tms",)),
    ("Spravato consultation", False, ("spravato",)),
    ("Psychiatric evaluation", False, ()),
    ("Therapy intake", False, ()),
    # What staff and scheduling tools write.
    ("TMS treatment", True, ("tms",)),
    ("NeuroStar mapping", True, ("tms",)),
    ("Esketamine dose 1", True, ("spravato",)),
    ("Follow-up call", False, ()),
    ("Follow-up TMS session", True, ("tms",)),
    ("Phone screening", False, ()),
    ("Medication management", False, ()),
    ("Therapy session", False, ()),
    ("Session 1", True, ()),
    ("booked online", True, ()),
    ("Evaluación", False, ()),
])
def test_an_appointment_kind_is_a_treatment_unless_it_clearly_is_not(kind, treatment, courses):
    reading = appointment_kinds.read_kind(kind)
    assert (reading.treatment, reading.courses) == (treatment, courses)


def _schedule(engine, rid, kind, *, reason="", first=None, at=WHEN):
    with write_session(engine) as s:
        version = s.get(Request, rid).version
        return records.schedule_appointment(
            s, rid, actor=DESK, seen_version=version, appointment_at=at,
            appointment_kind=kind, first=first, override_reason=reason, now=NOW)


def _state(engine, rid):
    with read_session(engine) as s:
        r = s.get(Request, rid)
        courses = {a.treatment: a.first_treatment_at for a in records.authorizations_of(s, rid)}
        return r.status, r.appointment_kind, courses, [e.kind for e in records.timeline(s, rid)]


def _actions(engine):
    with read_session(engine) as s:
        return [a for (a,) in s.query(AuditEvent.action).order_by(AuditEvent.seq)]


@pytest.mark.db
def test_a_spravato_session_of_another_kind_meets_the_start_gate_or_its_override(engine):
    payers = seed_payers(engine)
    rid = seed_insured_request(engine, payers["Aetna"], treatments=("Spravato",), cards=False,
                               message="Asking about Spravato for my depression")
    with pytest.raises(records.CoverageError) as refused:
        _schedule(engine, rid, "Spravato treatment")
    said = str(refused.value)
    assert said.startswith("This appointment is read as the first Spravato treatment")
    assert "REMS patient enrolment" in said and "ride home confirmed" in said
    assert _state(engine, rid) == ("new", None, {}, [])
    # A kind naming no treatment, on a Spravato request, is the Spravato course's session.
    with pytest.raises(records.CoverageError, match="first Spravato treatment"):
        _schedule(engine, rid, "Session 1")
    _schedule(engine, rid, "Spravato treatment", reason="REMS form faxed; confirmed by phone")
    status, kind, courses, events = _state(engine, rid)
    assert (status, kind, courses, events) == (
        "scheduled", "Spravato treatment", {"spravato": WHEN}, ["spravato_override"])
    with read_session(engine) as s:
        assert records.spravato_start(s, rid).override_reason.startswith("REMS form faxed")
    assert "coverage.spravato_override" in _actions(engine)


@pytest.mark.db
def test_a_tms_session_of_another_kind_needs_the_approval_the_payer_requires(engine):
    payers = seed_payers(engine)  # Aetna has TMS criteria: it requires prior authorization
    rid = seed_insured_request(engine, payers["Aetna"], cards=False)
    with pytest.raises(records.CoverageError,
                       match=r"read as the first TMS treatment.*Not ready for a first TMS "
                             r"session: missing an approved TMS authorization covering "
                             r"2026-03-09 \(the payer has prior-authorization criteria"):
        _schedule(engine, rid, "NeuroStar mapping")
    assert _state(engine, rid)[0] == "new"
    _schedule(engine, rid, "NeuroStar mapping", reason="payer approved by phone")
    status, kind, courses, events = _state(engine, rid)
    assert (status, kind, courses, events) == (
        "scheduled", "NeuroStar mapping", {"tms": WHEN}, ["tms_override"])
    assert "coverage.tms_override" in _actions(engine)


@pytest.mark.db
def test_a_consultation_or_a_later_session_is_a_plain_move_and_not_a_first_treatment(engine):
    payers = seed_payers(engine)
    rid = seed_insured_request(engine, payers["Aetna"], treatments=("Spravato",), cards=False)
    _schedule(engine, rid, "Spravato consultation")
    assert _state(engine, rid) == ("scheduled", "Spravato consultation", {}, [])
    # A TMS request whose first session is behind it (the person came: became a patient,
    # then the request reopened for more sessions): the next session is not gated again. (A
    # move back from scheduled is a no-show or a reschedule: the session did not happen, see
    # the tests of first treatments moved back below.)
    begun = seed_insured_request(engine, payers["Medicare"], cards=False)
    _schedule(engine, begun, "TMS session", at=WHEN - dt.timedelta(days=7))
    with write_session(engine) as s:
        records.record_benefits(s, begun, "tms", actor=DESK, pa_required=True, method="portal",
                                now=NOW)
        version = lifecycle.change_status(
            s, begun, actor=DESK, seen_version=s.get(Request, begun).version,
            to_status="closed", close_reason="became_patient", now=NOW)
        lifecycle.change_status(s, begun, actor=DESK, seen_version=version,
                                to_status="in_progress", reason="back for more sessions",
                                now=NOW)
    _schedule(engine, begun, "TMS session 2")
    status, kind, courses, _ = _state(engine, begun)
    assert (status, kind, courses) == ("scheduled", "TMS session 2",
                                       {"tms": WHEN - dt.timedelta(days=7)})


@pytest.mark.db
def test_a_kind_that_leaves_the_course_open_is_refused_until_staff_say_which(engine):
    payers = seed_payers(engine)
    rid = seed_insured_request(engine, payers["Medicare"], treatments=("TMS", "Spravato"),
                               cards=False)
    with pytest.raises(records.CoverageError,
                       match="does not say which treatment it is and the request is for "
                             "TMS and Spravato"):
        _schedule(engine, rid, "Treatment")
    assert _state(engine, rid)[0] == "new"
    # Named in the kind, the course is known (Medicare, no TMS criteria: no gate).
    _schedule(engine, rid, "TMS treatment")
    assert _state(engine, rid)[2] == {"tms": WHEN}


@pytest.mark.db
def test_first_treatments_of_either_way_count_alike_in_the_managers_median(engine):
    """Chosen as "First treatment session" or read from the kind, the first treatment is the
    same number: days from first contact to the appointment."""
    payers = seed_payers(engine)
    chosen, read = [], []
    for _ in range(3):
        chosen.append(seed_insured_request(engine, payers["Medicare"], cards=False))
        read.append(seed_insured_request(engine, payers["Medicare"], cards=False))
    for rid in chosen:
        _schedule(engine, rid, "", first="tms")
    for rid in read:
        _schedule(engine, rid, "TMS treatment")
    consult = seed_insured_request(engine, payers["Medicare"], cards=False)
    _schedule(engine, consult, "TMS consultation")
    with read_session(engine) as s:
        days = {records.authorizations_of(s, rid)[0].days_to_first_treatment
                for rid in chosen + read}
        summary = aggregates.summary(s)
    # Received February 12 (20 days before NOW), the session on March 9: 25 calendar days.
    assert days == {25}
    assert summary.first_treatments == 6 and summary.median_days_contact_to_treatment == 25.0


def _move(engine, rid, to_status, *, now=NOW, **kw):
    with write_session(engine) as s:
        return lifecycle.change_status(s, rid, actor=DESK,
                                       seen_version=s.get(Request, rid).version,
                                       to_status=to_status, now=now, **kw)


def _days(engine, rid):
    with read_session(engine) as s:
        return {a.treatment: a.days_to_first_treatment
                for a in records.authorizations_of(s, rid)}


@pytest.mark.db
def test_a_first_treatment_moved_back_before_it_happened_is_not_kept(engine):
    """docs/coverage.md, "First treatments moved back": a no-show or a reschedule (scheduled
    -> in progress) means the booked first treatment did not happen, so the course has not
    begun: its time and days are cleared, the managers' numbers do not count it, and the next
    booking meets the gate again."""
    payers = seed_payers(engine)  # Aetna requires prior authorization for TMS
    rid = seed_insured_request(engine, payers["Aetna"], cards=False)
    with write_session(engine) as s:
        records.open_authorization(s, rid, "tms", actor=DESK, payer_id=payers["Aetna"], now=NOW)
    _schedule(engine, rid, "", first="tms", reason="payer approved by phone")
    assert _state(engine, rid)[2] == {"tms": WHEN} and _days(engine, rid) == {"tms": 25}
    # A no-show, recorded after the appointment's time.
    _move(engine, rid, "in_progress", reason="no-show", now=WHEN + dt.timedelta(hours=2))
    status, _, courses, events = _state(engine, rid)
    assert (status, courses, _days(engine, rid)) == ("in_progress", {"tms": None}, {"tms": None})
    assert events[-1] == "first_treatment_not_had"
    with read_session(engine) as s:
        assert aggregates.summary(s).first_treatments == 0
        (row,) = [e for e in records.timeline(s, rid) if e.kind == "first_treatment_not_had"]
        assert row.detail.startswith("The first TMS treatment booked for this appointment did "
                                     "not take place (the request was moved back to in "
                                     "progress)")
        moved = s.execute(select(AuditEvent).where(AuditEvent.action == "request.status")
                          .order_by(AuditEvent.seq.desc())).scalars().first()
        assert moved.changes["first_treatment_cleared"] == {"changed": True}  # named only
    # Rebooked: the course has not begun, so the approval gate asks again.
    later = WHEN + dt.timedelta(days=7)
    with pytest.raises(records.CoverageError, match="read as the first TMS treatment.*a prior "
                                                    "authorization is being tracked"):
        _schedule(engine, rid, "TMS session", at=later)
    _schedule(engine, rid, "TMS session", at=later, reason="approved, number to follow")
    assert _state(engine, rid)[2] == {"tms": later} and _days(engine, rid) == {"tms": 32}


@pytest.mark.db
def test_a_first_treatment_rescheduled_or_canceled_before_its_time_is_not_kept(engine):
    payers = seed_payers(engine)
    rescheduled = seed_insured_request(engine, payers["Medicare"], cards=False)
    _schedule(engine, rescheduled, "Ketamine first session")
    _move(engine, rescheduled, "in_progress", reason="asked to reschedule")
    assert _state(engine, rescheduled)[2] == {"ketamine": None}
    canceled = seed_insured_request(engine, payers["Medicare"], cards=False)
    _schedule(engine, canceled, "TMS treatment")
    _move(engine, canceled, "closed", close_reason="declined")  # before the appointment
    assert _state(engine, canceled)[2] == {"tms": None}
    assert _state(engine, canceled)[3][-1] == "first_treatment_not_had"


@pytest.mark.db
def test_a_first_treatment_kept_when_the_request_closes_as_a_patient_or_after_it(engine):
    payers = seed_payers(engine)
    came = seed_insured_request(engine, payers["Medicare"], cards=False)
    _schedule(engine, came, "TMS treatment")
    _move(engine, came, "closed", close_reason="became_patient",
          now=WHEN + dt.timedelta(hours=3))
    assert _state(engine, came)[2] == {"tms": WHEN} and _days(engine, came) == {"tms": 25}
    # Closed for another reason after the appointment's time: whether it happened is not
    # known, so it stays (only a move before it, or a no-show, says it did not happen).
    after = seed_insured_request(engine, payers["Medicare"], cards=False)
    _schedule(engine, after, "TMS treatment")
    _move(engine, after, "closed", close_reason="declined", now=WHEN + dt.timedelta(days=1))
    assert _state(engine, after)[2] == {"tms": WHEN}
    # A consultation moved back leaves a course begun at an earlier appointment alone.
    earlier = seed_insured_request(engine, payers["Medicare"], cards=False)
    with write_session(engine) as s:
        records.record_first_treatment(s, earlier, "tms", WHEN - dt.timedelta(days=3),
                                       actor=DESK)
    _schedule(engine, earlier, "TMS consultation")
    _move(engine, earlier, "in_progress", reason="no-show")
    assert _state(engine, earlier)[2] == {"tms": WHEN - dt.timedelta(days=3)}
