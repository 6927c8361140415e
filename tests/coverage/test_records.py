"""Coverage in the database, on SQLite and PostgreSQL: insurance and cards, benefits, the
authorization moves with their dates and history, the work list's reminders, the Spravato gate
and the managers' aggregates; every change audited without patient values."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from tests.clock import FIXED_NOW
from tests.coverage.helpers import (
    DESK,
    MEMBER_ID,
    card_png,
    seed_insured_request,
    seed_payers,
)
from tests.intake.helpers import make_request
from zoelife import audit
from zoelife.coverage import aggregates, machine, records, worklist
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import AuditEvent, AuthorizationChange, CardImage, Request
from zoelife.intake import lifecycle

pytestmark = pytest.mark.db
NOW = FIXED_NOW
APPROVAL = machine.Decision("AUTH-77", 36, dt.date(2026, 3, 5), dt.date(2026, 3, 15))


def audit_rows(engine, prefix="coverage."):
    with read_session(engine) as s:
        return [(e.action, e.changes) for e in s.execute(
            select(AuditEvent).where(AuditEvent.action.startswith(prefix))
            .order_by(AuditEvent.seq)).scalars()]


def test_insurance_and_cards_are_stored_and_audited_without_their_values(engine):
    payers = seed_payers(engine)
    rid = seed_insured_request(engine, payers["Aetna"])
    with read_session(engine) as s:
        cov = records.coverage_of(s, rid, "primary")
        assert (cov.member_id, cov.group_number, cov.subscriber_relation) == (
            MEMBER_ID, "GRP-4411", "spouse")
        cards = records.latest_cards(s, cov.id)
        assert set(cards) == {"front", "back"} and cards["front"].data == card_png()
        assert cards["front"].content_type == "image/png"
    rows = audit_rows(engine)
    text = json.dumps(rows)
    assert MEMBER_ID not in text and "Sam Subscriber" not in text and "GRP-4411" not in text
    assert rows[0][1]["member_id"] == {"changed": True}
    assert [a for a, _ in rows] == ["coverage.insurance", "coverage.card", "coverage.card"]


def test_a_refused_card_stores_nothing_and_says_why(engine):
    payers = seed_payers(engine)
    rid = seed_insured_request(engine, payers["Aetna"], cards=False)
    with pytest.raises(records.CoverageError, match="this file is a PDF document"):
        with write_session(engine) as s:
            records.upload_card(s, rid, actor=DESK, rank="primary", side="front",
                                data=b"%PDF-1.4 not a card")
    with read_session(engine) as s:
        assert s.execute(select(CardImage)).first() is None


def test_secondary_coverage_needs_a_primary_and_an_unknown_payer_is_refused(engine):
    payers = seed_payers(engine)
    rid = make_request(engine, now=NOW)
    with pytest.raises(records.CoverageError, match="primary insurance first"):
        with write_session(engine) as s:
            records.save_coverage(s, rid, actor=DESK, rank="secondary", payer_id=payers["Aetna"])
    with pytest.raises(records.CoverageError, match="not on the clinic's list"):
        with write_session(engine) as s:
            records.save_coverage(s, rid, actor=DESK, payer_id=9999)


def test_benefits_need_a_call_reference_and_go_stale_after_thirty_days(engine):
    payers = seed_payers(engine)
    rid = seed_insured_request(engine, payers["Aetna"], treatments=("Spravato",))
    with pytest.raises(records.CoverageError, match="call reference"):
        with write_session(engine) as s:
            records.record_benefits(s, rid, "spravato", actor=DESK, method="call")
    with write_session(engine) as s:
        records.record_benefits(s, rid, "spravato", actor=DESK, in_network=True,
                                deductible_cents=150000, copay_cents=4000, pa_required=True,
                                benefit_route="medical", reference="REF-1", now=NOW)
    with read_session(engine) as s:
        b = records.latest_benefits(s, rid)["spravato"]
        assert (b.deductible_cents, b.benefit_route, b.stale_after) == (
            150000, "medical", dt.date(2026, 4, 3))


def test_an_authorization_moves_through_its_machine_with_dates_history_and_stale_checks(engine):
    payers = seed_payers(engine)
    rid = seed_insured_request(engine, payers["Aetna"])
    with write_session(engine) as s:
        auth = records.open_authorization(s, rid, "tms", actor=DESK, payer_id=payers["Aetna"],
                                          now=NOW - dt.timedelta(days=10))
        aid = auth.id
        v = records.move_authorization(s, aid, "submitted", actor=DESK, seen_version=1,
                                       now=NOW - dt.timedelta(days=6))
    with pytest.raises(lifecycle.StaleEdit):
        with write_session(engine) as s:
            records.move_authorization(s, aid, "in_review", actor=DESK, seen_version=1, now=NOW)
    with pytest.raises(records.CoverageError, match="authorization number"):
        with write_session(engine) as s:
            records.move_authorization(s, aid, "approved", actor=DESK, seen_version=v, now=NOW)
    with write_session(engine) as s:
        records.move_authorization(s, aid, "approved", actor=DESK, seen_version=v,
                                   decision=APPROVAL, now=NOW)
    with read_session(engine) as s:
        a = records.authorizations_of(s, rid)[0]
        assert (a.status, a.auth_number, a.approved_units, a.days_to_decision, a.version) == (
            "approved", "AUTH-77", 36, 6, 3)
        moves = [(c.from_status, c.to_status) for c in s.execute(
            select(AuthorizationChange).order_by(AuthorizationChange.id)).scalars()]
        assert moves == [(None, "gathering"), ("gathering", "submitted"),
                         ("submitted", "approved")]
    approvals = [c for a, c in audit_rows(engine) if c.get("status") == ["submitted", "approved"]]
    assert approvals and approvals[0]["auth_number"] == {"changed": True}
    assert "AUTH-77" not in json.dumps(audit_rows(engine))


def test_the_work_list_groups_and_reminds_by_the_payers_thresholds(engine):
    payers = seed_payers(engine)
    a, b, c, d = (seed_insured_request(engine, payers["Aetna"], cards=False,
                                       first_name=f"Pat{x}") for x in "abcd")
    with write_session(engine) as s:
        # a: gathering for 6 days with everything missing (payer's records_days = 5)
        records.open_authorization(s, a, "tms", actor=DESK, payer_id=payers["Aetna"],
                                   now=NOW - dt.timedelta(days=6))
        # b: submitted 9 days ago (decision_days = 7)
        ab = records.open_authorization(s, b, "tms", actor=DESK, payer_id=payers["Aetna"],
                                        now=NOW - dt.timedelta(days=12))
        records.move_authorization(s, ab.id, "submitted", actor=DESK, seen_version=1,
                                   now=NOW - dt.timedelta(days=9))
        # c: approved, ends in 10 days, 32 of 36 sessions used
        ac = records.open_authorization(s, c, "tms", actor=DESK, payer_id=payers["Aetna"],
                                        now=NOW - dt.timedelta(days=40))
        records.move_authorization(s, ac.id, "submitted", actor=DESK, seen_version=1,
                                   now=NOW - dt.timedelta(days=38))
        records.move_authorization(s, ac.id, "approved", actor=DESK, seen_version=2,
                                   decision=APPROVAL, now=NOW - dt.timedelta(days=35))
        records.record_units(s, ac.id, 32, actor=DESK, seen_version=3)
        # d: gathering one day: listed, no reminder yet
        records.open_authorization(s, d, "tms", actor=DESK, payer_id=payers["Aetna"],
                                   now=NOW - dt.timedelta(days=1))
    with read_session(engine) as s:
        assert {g: worklist.count(s, g, NOW) for g in worklist.GROUPS} == {
            "records": 2, "payer": 1, "expiring": 1}
        records_page = worklist.page(s, "records", NOW)
        assert [(i.request_id, i.reminders) for i in records_page] == [
            (a, ("records still missing after 6 days",)), (d, ())]
        assert worklist.page(s, "payer", NOW)[0].reminders == (
            "decision overdue (9 days since submission)",)
        assert worklist.page(s, "expiring", NOW)[0].reminders == (
            "authorization ends 2026-03-15: extension due",
            "4 of 36 approved sessions left: extension due")
    with write_session(engine) as s:  # an extension takes the approval off the list
        records.open_authorization(s, c, "tms", actor=DESK, payer_id=payers["Aetna"],
                                   extension_of_id=ac.id, now=NOW)
    with read_session(engine) as s:
        assert worklist.count(s, "expiring", NOW) == 0
        assert worklist.count(s, "records", NOW) == 3


def test_first_spravato_dose_is_refused_until_the_gate_is_met_or_overridden(engine):
    payers = seed_payers(engine)
    rid = seed_insured_request(engine, payers["Aetna"], treatments=("Spravato",), cards=False)
    when = NOW + dt.timedelta(days=3)
    with read_session(engine) as s:
        version = s.get(Request, rid).version
        assert len(records.spravato_gate(s, rid).missing) == 4
    with pytest.raises(records.CoverageError, match="REMS patient enrolment"):
        with write_session(engine) as s:
            records.schedule_first_spravato(s, rid, actor=DESK, seen_version=version,
                                            appointment_at=when)
    with write_session(engine) as s:
        records.save_spravato_start(s, rid, actor=DESK, rems_enrolled_on=NOW.date(),
                                    rems_enrolled_by="Dr. Ortiz", ride_home_confirmed=True,
                                    monitored_slot_confirmed=True)
        records.schedule_first_spravato(s, rid, actor=DESK, seen_version=version,
                                        appointment_at=when, override_reason="Payer confirmed "
                                        "the medical route by phone; record follows")
    with read_session(engine) as s:
        r = s.get(Request, rid)
        assert (r.status, r.appointment_kind) == ("scheduled", "Spravato first dose")
        assert records.spravato_start(s, rid).override_reason.startswith("Payer confirmed")
        kinds = [e.kind for e in records.timeline(s, rid)]
        assert kinds == ["spravato_override"]
        course = records.authorizations_of(s, rid)[0]
        assert course.first_treatment_at == when and course.days_to_first_treatment == 23
    actions = [a for a, _ in audit_rows(engine)]
    assert "coverage.spravato_override" in actions


def test_a_met_gate_schedules_without_override(engine):
    payers = seed_payers(engine)
    rid = seed_insured_request(engine, payers["Aetna"], treatments=("Spravato",), cards=False)
    with write_session(engine) as s:
        records.save_spravato_start(s, rid, actor=DESK, rems_enrolled_on=NOW.date(),
                                    rems_enrolled_by="Dr. Ortiz", ride_home_confirmed=True,
                                    monitored_slot_confirmed=True)
        records.record_benefits(s, rid, "spravato", actor=DESK, benefit_route="pharmacy",
                                method="electronic")
        assert records.spravato_gate(s, rid).open
        version = s.get(Request, rid).version
        records.schedule_first_spravato(s, rid, actor=DESK, seen_version=version,
                                        appointment_at=NOW + dt.timedelta(days=1))
    assert "coverage.spravato_override" not in [a for a, _ in audit_rows(engine)]


def test_manager_aggregates_are_rates_and_medians_by_payer_and_treatment(engine):
    payers = seed_payers(engine)
    outcomes = [("Aetna", 2, "approved"), ("Aetna", 4, "approved"), ("Aetna", 9, "denied"),
                ("Medicare", 3, "approved")]
    for payer, days, outcome in outcomes:
        rid = seed_insured_request(engine, payers[payer], cards=False)
        with write_session(engine) as s:
            a = records.open_authorization(s, rid, "tms", actor=DESK, payer_id=payers[payer],
                                           now=NOW - dt.timedelta(days=30))
            records.move_authorization(s, a.id, "submitted", actor=DESK, seen_version=1,
                                       now=NOW - dt.timedelta(days=20))
            records.move_authorization(s, a.id, outcome, actor=DESK, seen_version=2,
                                       reason="criteria not met", decision=APPROVAL,
                                       now=NOW - dt.timedelta(days=20 - days))
            if outcome == "denied":
                version = s.get(Request, rid).version
                lifecycle.change_status(s, rid, actor=audit.SYSTEM, seen_version=version,
                                        to_status="closed", close_reason="declined", now=NOW)
            else:
                records.record_first_treatment(s, rid, "tms", NOW, actor=DESK)
    with read_session(engine) as s:
        rows = {(r.payer, r.treatment): r for r in aggregates.by_payer(s)}
        aetna = rows[("Aetna", "tms")]
        assert (aetna.decided, aetna.approved, aetna.median_days_to_decision) == (3, 2, 4.0)
        assert rows[("Medicare", "tms")].median_days_to_decision == 3.0
        summary = aggregates.summary(s)
        assert (summary.with_authorization, summary.lost_at_coverage) == (4, 1)
        assert summary.first_treatments == 3 and summary.median_days_contact_to_treatment == 20.0


def test_the_requests_export_carries_no_member_id_subscriber_or_card(engine):
    from zoelife.ingest import export

    payers = seed_payers(engine)
    seed_insured_request(engine, payers["Aetna"])
    with read_session(engine) as s:
        text = "\n".join(",".join(row) for row in export.iter_request_rows(s))
    assert text.count("\n") == 1  # the header and the one request
    for secret in (MEMBER_ID, "Sam Subscriber", "GRP-4411", "Choice POS II", "PNG"):
        assert secret not in text


def test_a_first_tms_session_is_kept_on_its_approved_course(engine):
    payers = seed_payers(engine)
    rid = seed_insured_request(engine, payers["Aetna"], cards=False)
    with write_session(engine) as s:
        a = records.open_authorization(s, rid, "tms", actor=DESK, payer_id=payers["Aetna"],
                                       now=NOW - dt.timedelta(days=10))
        records.move_authorization(s, a.id, "submitted", actor=DESK, seen_version=1,
                                   now=NOW - dt.timedelta(days=8))
        records.move_authorization(s, a.id, "approved", actor=DESK, seen_version=2,
                                   decision=APPROVAL, now=NOW - dt.timedelta(days=1))
        version = s.get(Request, rid).version
        records.schedule_first_treatment(s, rid, "tms", actor=DESK, seen_version=version,
                                         appointment_at=NOW + dt.timedelta(days=2), now=NOW)
    with read_session(engine) as s:
        r = s.get(Request, rid)
        course = s.get(type(a), a.id)
        assert (r.status, r.appointment_kind) == ("scheduled", "TMS first session")
        assert course.first_treatment_at == NOW + dt.timedelta(days=2)
        assert course.days_to_first_treatment == 22  # received 20 days before NOW
    with pytest.raises(records.CoverageError, match="TMS, Spravato or ketamine"):
        with write_session(engine) as s:
            records.schedule_first_treatment(s, rid, "therapy", actor=DESK, seen_version=2,
                                             appointment_at=NOW)


def test_payer_audit_rows_name_what_changed_and_never_hold_its_values(engine):
    """A payer's settings are named in the audit log (who changed which field), never valued:
    nothing typed into them, even a member's name or id by mistake, reaches the log."""
    with write_session(engine) as s:
        payer = records.add_payer(s, "Aetna", actor=DESK, payer_code="60054",
                                  phone="800-555-0100", now=NOW)
        records.set_criteria(s, payer.id, "tms", {"trials_needed": 2, "min_weeks": 6},
                             actor=DESK, now=NOW)
        records.set_criteria(s, payer.id, "tms",
                             {"trials_needed": 3, "min_weeks": 6,
                              f"note for {MEMBER_ID}": "Sam Subscriber"}, actor=DESK, now=NOW)
    rows = audit_rows(engine, "payer.")
    text = json.dumps(rows)
    for value in ("60054", "800-555-0100", MEMBER_ID, "Sam Subscriber", '"Aetna"'):
        assert value not in text
    assert rows[0] == ("payer.add", {"name": {"changed": True}, "payer_code": {"changed": True},
                                     "phone": {"changed": True}})
    assert rows[1] == ("payer.criteria", {"treatments": "tms",
                                          "criteria.trials_needed": {"changed": True},
                                          "criteria.min_weeks": {"changed": True}})
    assert rows[2] == ("payer.criteria", {"treatments": "tms",
                                          "criteria.trials_needed": {"changed": True},
                                          "criteria.other": {"changed": True}})
    with read_session(engine) as s:
        events = s.execute(select(AuditEvent).where(AuditEvent.action.startswith("payer."))
                           ).scalars().all()
        assert {e.actor_label for e in events} == {"desk"}
        assert not any(k.startswith("setting") for e in events for k in e.changes)


def _schedule_tms(engine, rid, *, day=dt.date(2026, 3, 9), reason=""):
    with write_session(engine) as s:
        version = s.get(Request, rid).version
        return records.schedule_first_treatment(
            s, rid, "tms", actor=DESK, seen_version=version, override_reason=reason,
            appointment_at=dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC), now=NOW)


def test_a_first_tms_session_needs_the_approval_the_payer_requires_or_an_audited_override(
        engine):
    payers = seed_payers(engine)  # Aetna has TMS criteria: it requires prior authorization
    rid = seed_insured_request(engine, payers["Aetna"], cards=False)
    with write_session(engine) as s:
        a = records.open_authorization(s, rid, "tms", actor=DESK, payer_id=payers["Aetna"],
                                       now=NOW - dt.timedelta(days=10))
        auth_id = a.id
    with pytest.raises(records.CoverageError,
                       match=r"Not ready for a first TMS session: missing an approved TMS "
                             r"authorization covering 2026-03-09 \(a prior authorization is "
                             r"being tracked for it\)"):
        _schedule_tms(engine, rid)
    with read_session(engine) as s:
        assert s.get(Request, rid).status == "new"
        assert records.timeline(s, rid) == []
    # Approved, but only from March 5 to March 15: a session on the 20th is not covered.
    with write_session(engine) as s:
        records.move_authorization(s, auth_id, "submitted", actor=DESK, seen_version=1, now=NOW)
        records.move_authorization(s, auth_id, "approved", actor=DESK, seen_version=2,
                                   decision=APPROVAL, now=NOW)
    with pytest.raises(records.CoverageError, match="covering 2026-03-20"):
        _schedule_tms(engine, rid, day=dt.date(2026, 3, 20))
    # With a reason it schedules, and the override is on the timeline and audited.
    _schedule_tms(engine, rid, day=dt.date(2026, 3, 20),
                  reason="payer confirmed by phone the extension is coming")
    with read_session(engine) as s:
        assert s.get(Request, rid).status == "scheduled"
        [ev] = records.timeline(s, rid)
        assert ev.kind == "tms_override" and "payer confirmed by phone" in ev.detail
    rows = [r for r in audit_rows(engine) if r[0] == "coverage.tms_override"]
    assert rows == [("coverage.tms_override", {"reason": {"changed": True}, "count": 1})]


def test_an_override_keeps_the_first_session_without_judging_that_no_pa_is_needed(engine):
    """docs/coverage.md, "First TMS session gate": a first TMS session scheduled with an
    override, with no authorization tracked yet, is kept on a `not_needed` course opened only
    for its time; the payer still requires PA, so the Coverage tab keeps saying so and the
    benefits stay as verified. Staff marking a course not needed is their judgement."""
    payers = seed_payers(engine)  # Aetna has TMS criteria: it requires prior authorization
    rid = seed_insured_request(engine, payers["Aetna"], cards=False)
    _schedule_tms(engine, rid, reason="payer approved by phone, number to follow")
    with read_session(engine) as s:
        (course,) = records.authorizations_of(s, rid)
        assert (course.status, course.first_treatment_at is not None) == ("not_needed", True)
        assert records.pa_required(s, rid, "tms") == (
            "the payer has prior-authorization criteria for it")
        assert records.history_of(s, course.id)[0].reason == records.KEPT_ONLY
        assert not records.judged_not_needed(s, course)
    # With verified benefits saying PA is required, the override rewrites nothing.
    verified = seed_insured_request(engine, payers["Aetna"], cards=False)
    with write_session(engine) as s:
        records.record_benefits(s, verified, "tms", actor=DESK, pa_required=True,
                                method="portal", now=NOW)
    _schedule_tms(engine, verified, reason="approved by phone")
    with read_session(engine) as s:
        assert records.latest_benefits(s, verified)["tms"].pa_required is True
        assert records.pa_required(s, verified, "tms") == (
            "the verified benefits say prior authorization is required")
    # Staff marking the course not needed (an exempt plan) is a judgement: no gate, unless
    # verified benefits say otherwise.
    exempt = seed_insured_request(engine, payers["Aetna"], cards=False)
    with write_session(engine) as s:
        a = records.open_authorization(s, exempt, "tms", actor=DESK, payer_id=payers["Aetna"],
                                       now=NOW)
        records.move_authorization(s, a.id, "not_needed", actor=DESK, seen_version=1,
                                   reason="plan exempt from PA for TMS", now=NOW)
        assert records.judged_not_needed(s, a) and records.pa_required(s, exempt, "tms") is None
    _schedule_tms(engine, exempt)
    with read_session(engine) as s:
        assert s.get(Request, exempt).status == "scheduled"
        assert records.pa_required(s, exempt, "tms") is None  # still the staff's judgement


def test_an_approval_covering_the_day_or_no_pa_required_schedules_without_override(engine):
    payers = seed_payers(engine)
    covered = seed_insured_request(engine, payers["Aetna"], cards=False)
    with write_session(engine) as s:
        a = records.open_authorization(s, covered, "tms", actor=DESK, payer_id=payers["Aetna"],
                                       now=NOW - dt.timedelta(days=10))
        records.move_authorization(s, a.id, "submitted", actor=DESK, seen_version=1, now=NOW)
        records.move_authorization(s, a.id, "approved", actor=DESK, seen_version=2,
                                   decision=APPROVAL, now=NOW)
    _schedule_tms(engine, covered)
    # Aetna has criteria, but this plan's verified benefits say no PA: no gate.
    verified = seed_insured_request(engine, payers["Aetna"], cards=False)
    with write_session(engine) as s:
        records.record_benefits(s, verified, "tms", actor=DESK, pa_required=False,
                                method="portal", now=NOW)
    _schedule_tms(engine, verified)
    # A payer without criteria and nothing tracked: no gate. The same payer once the
    # benefits say a PA is required: the gate holds.
    plain = seed_insured_request(engine, payers["Medicare"], cards=False)
    _schedule_tms(engine, plain)
    required = seed_insured_request(engine, payers["Medicare"], cards=False)
    with write_session(engine) as s:
        records.record_benefits(s, required, "tms", actor=DESK, pa_required=True,
                                method="portal", now=NOW)
    with pytest.raises(records.CoverageError, match="the verified benefits say"):
        _schedule_tms(engine, required)
    with read_session(engine) as s:
        assert [s.get(Request, r).status for r in (covered, verified, plain, required)] == [
            "scheduled", "scheduled", "scheduled", "new"]
        assert not [e for r in (covered, verified, plain) for e in records.timeline(s, r)]
