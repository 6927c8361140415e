"""A treatment appointment scheduled without choosing "First treatment session" meets the
same gate as one that does, and counts as the course's first treatment; a consultation, an
evaluation or a call does not (docs/coverage.md, "Treatment appointments and the gates").
The database tests run on SQLite and, with ZOELIFE_TEST_DATABASE_URL, PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

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
    # A TMS request whose first session is behind it: the next session is not gated again.
    begun = seed_insured_request(engine, payers["Medicare"], cards=False)
    _schedule(engine, begun, "TMS session", at=WHEN - dt.timedelta(days=7))
    with write_session(engine) as s:
        records.record_benefits(s, begun, "tms", actor=DESK, pa_required=True, method="portal",
                                now=NOW)
        lifecycle.change_status(s, begun, actor=DESK, seen_version=s.get(Request, begun).version,
                                to_status="in_progress", reason="reschedule", now=NOW)
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
