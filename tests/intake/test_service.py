"""The rules every way in shares: idempotency, quarantine, person matching, duplicates, repeats."""

import datetime as dt

from sqlalchemy import func, select

from zoelife import audit
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import (
    AuditEvent,
    IntakeKey,
    Person,
    PossibleMatch,
    QuarantinedRow,
    Request,
    Submission,
)
from zoelife.intake.inputs import RequestInput, utm_from_landing_page
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import receive

T0 = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in New York


def inp(**kw):
    base = dict(source="website-contact-form", external_id=None, received_at=T0,
                first_name="Dana", last_name="Reyes", email="dana.reyes@example.com",
                phone="(212) 555-0101", message="Interested in TMS for depression",
                treatments=("TMS",))
    base.update(kw)
    return RequestInput(**base)


def run(engine, item, **kw):
    with write_session(engine) as s:
        return receive(s, item, schedule=Schedule.load(s), **kw)


def count(engine, model):
    with read_session(engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_created_request_has_normalized_contact_due_time_and_audit(engine):
    out = run(engine, inp(external_id="1"))
    assert out.kind == "created"
    with read_session(engine) as s:
        r = s.get(Request, out.request_id)
        assert (r.phone, r.email) == ("+12125550101", "dana.reyes@example.com")
        assert r.treatment_set == {"tms"}
        assert r.status == "new" and r.is_open and r.version == 1
        assert r.due_at == T0 + dt.timedelta(hours=1)
        assert r.received_local_date == dt.date(2026, 3, 2) and r.received_local_hour == 10
        actions = s.execute(select(AuditEvent.action)).scalars().all()
    assert actions == ["request.create"]


def test_same_source_and_external_id_is_never_stored_twice(engine):
    assert run(engine, inp(external_id="7")).kind == "created"
    again = run(engine, inp(external_id="7", phone="212.555.0101"))  # same content, reformatted
    assert again.kind == "already_imported"
    assert count(engine, Request) == 1 and count(engine, IntakeKey) == 1
    # Different content under the same id is not dropped: kept for review (security finding #11,
    # tests/security/attacks/test_webhook_sources.py).
    changed = run(engine, inp(external_id="7", message="changed text"))
    assert (changed.kind, changed.review_reason) == (
        "rejected", "id '7' was already received from website-contact-form with a different "
                    "message; kept for review")
    assert count(engine, Request) == 1 and count(engine, QuarantinedRow) == 1


def test_duplicate_within_24h_attaches_and_reassesses(engine):
    first = run(engine, inp(external_id="a"))
    later = run(engine, inp(external_id="b", received_at=T0 + dt.timedelta(hours=3),
                            message="please call, I don't want to be alive anymore"))
    assert later.kind == "duplicate" and later.request_id == first.request_id
    with read_session(engine) as s:
        r = s.get(Request, first.request_id)
        assert "don't want to be alive" in r.message
        assert r.crisis_level == "urgent" and r.crisis_rank == 0
        assert r.version == 2
    assert count(engine, Request) == 1 and count(engine, Submission) == 1


def test_later_request_with_other_treatment_is_a_repeat(engine):
    first = run(engine, inp(external_id="a"))
    second = run(engine, inp(external_id="b", received_at=T0 + dt.timedelta(hours=2),
                             message="actually asking about ketamine", treatments=("Ketamine",)))
    assert second.kind == "created" and second.repeat_of_id == first.request_id
    assert count(engine, Person) == 1


def test_duplicate_never_merges_into_closed_request(engine):
    first = run(engine, inp(external_id="a"))
    with write_session(engine) as s:
        r = s.get(Request, first.request_id)
        r.status, r.is_open, r.close_reason = "closed", False, "declined"
    second = run(engine, inp(external_id="b", received_at=T0 + dt.timedelta(hours=1)))
    assert second.kind == "created" and second.repeat_of_id == first.request_id


def test_same_phone_different_name_is_only_a_possible_match(engine):
    run(engine, inp(external_id="a"))
    other = run(engine, inp(external_id="b", first_name="Luis", last_name="Reyes",
                            email="luis@example.com", treatments=("Spravato",),
                            message="for my son"))
    assert other.kind == "created" and other.possible_matches == 1
    assert count(engine, Person) == 2 and count(engine, PossibleMatch) == 1


def test_same_phone_and_name_with_accents_is_the_same_person(engine):
    run(engine, inp(external_id="a", first_name="José", last_name="Núñez", email=None))
    again = run(engine, inp(external_id="b", first_name="jose", last_name="NUNEZ", email=None,
                            treatments=("Ketamine",), message="ketamine?"))
    assert again.kind == "created" and count(engine, Person) == 1


def test_no_usable_contact_is_quarantined_and_urgent_still_reaches_queue(engine):
    out = run(engine, inp(external_id="q1", phone="12", email="nope",
                          message="I have a plan to end my life this weekend"))
    assert out.kind == "rejected" and "no usable phone or email" in out.reasons[0]
    with read_session(engine) as s:
        row = s.get(QuarantinedRow, out.quarantined_row_id)
        assert row.crisis_level == "urgent" and row.raw
        r = s.get(Request, out.request_id)
        assert r.crisis_level == "urgent" and r.has_usable_contact is False and r.is_open
    again = run(engine, inp(external_id="q1", phone="12", email="nope",
                            message="I have a plan to end my life this weekend"))
    assert again.kind == "rejected"
    assert count(engine, QuarantinedRow) == 1 and count(engine, Request) == 1


def test_missing_received_time_is_rejected_with_reason(engine):
    out = run(engine, inp(external_id="t", received_at=None, received_at_raw="31/31/2026"))
    assert out.kind == "rejected" and "31/31/2026" in out.reasons[0]
    assert count(engine, Request) == 0


def test_batch_import_can_skip_per_row_audit(engine):
    run(engine, inp(external_id="x"), audit_each=False, actor=audit.SYSTEM)
    assert count(engine, AuditEvent) == 0


def test_utm_from_landing_page():
    assert utm_from_landing_page("https://x.org/tms/?utm_source=fb&utm_campaign=tms-ocd") == {
        "utm_source": "fb", "utm_campaign": "tms-ocd"}
