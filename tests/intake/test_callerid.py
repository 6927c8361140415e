"""Caller ID for phone entry: who a caller may be from the number, email or name typed so far,
by `matching`'s rules, through indexes and limits; and logging their call on the open request."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event, select, text, update

from tests.intake.helpers import T0, make_request
from zoelife import audit
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import AuditEvent, ContactAttempt, Request
from zoelife.intake import callerid, lifecycle

ACTOR = audit.Actor(None, "tester")
PHONE = "(212) 555-0188"


def look(engine, **typed) -> callerid.CallerId:
    with read_session(engine) as s:
        return callerid.lookup(s, **typed)


def close(engine, rid, reason="declined", at=T0):
    with write_session(engine) as s:
        s.execute(update(Request).where(Request.id == rid).values(
            status="closed", is_open=False, close_reason=reason, closed_at=at))


def maria(engine, **kw):
    base = dict(first_name="Maria", last_name="López", phone=PHONE, email="maria@example.com")
    return make_request(engine, **(base | kw))


def test_nothing_typed_is_not_a_search(engine):
    maria(engine)
    assert look(engine) == callerid.CallerId()
    assert not look(engine, first_name="Maria").searched  # a first name alone: every Maria
    assert not look(engine, phone="212 55").searched  # too few digits to mean anything


def test_the_whole_number_finds_the_open_request_and_suggests_it(engine):
    rid = maria(engine)
    found = look(engine, phone="212.555.0188")
    assert [r.id for r in found.open_requests] == [rid]
    assert found.suggested.id == rid and found.suggested.how == "same phone"
    assert (found.suggested.name, found.suggested.status) == ("Maria López", "new")
    assert found.suggested.treatments == ("tms",)
    assert (found.closed_count, found.closed_requests) == (0, [])


@pytest.mark.parametrize("typed", ["212 555 01", "(212) 555-018", "+1 212 5550", "1-212-555-01"])
def test_a_number_being_typed_finds_it_once_it_has_seven_digits(engine, typed):
    rid = maria(engine)
    make_request(engine, first_name="Other", last_name="Caller", phone="(646) 555-0100")
    assert [r.id for r in look(engine, phone=typed).open_requests] == [rid]


def test_email_and_name_find_the_person_accents_and_case_aside(engine):
    rid = maria(engine)
    assert look(engine, email="MARIA@example.com").suggested.id == rid
    by_name = look(engine, first_name="maria", last_name="lop")
    assert by_name.suggested.id == rid and by_name.suggested.how == "same name"
    assert look(engine, first_name="Maria", last_name="Lopez").suggested.id == rid
    assert look(engine, first_name="Maria", last_name="Lopes").open_requests == []


def test_same_phone_with_another_name_is_shown_but_not_suggested(engine):
    rid = maria(engine)
    found = look(engine, phone=PHONE, first_name="Jorge", last_name="López")
    assert [r.id for r in found.open_requests] == [rid]
    assert found.open_requests[0].name_differs and found.suggested is None
    # the same birth date makes it the same person, as in matching
    dob = dt.date(1990, 5, 1)
    other = make_request(engine, first_name="Ana", last_name="Ruiz", phone="(718) 555-0101",
                         date_of_birth=dob)
    assert look(engine, phone="(718) 555-0101", first_name="Anita", last_name="Ruiz",
                date_of_birth=dob).suggested.id == other
    # a name still being typed that starts the same way is not a difference
    assert look(engine, phone=PHONE, first_name="Mar", last_name="").suggested.id == rid


def test_closed_requests_before_are_counted_and_named_newest_first(engine):
    first = maria(engine, received_at=T0 - dt.timedelta(days=400))
    second = maria(engine, received_at=T0 - dt.timedelta(days=90))
    close(engine, first, "not_eligible", at=T0 - dt.timedelta(days=300))
    close(engine, second, "unreachable", at=T0 - dt.timedelta(days=60))
    found = look(engine, phone=PHONE)
    assert found.open_requests == [] and found.suggested is None
    assert found.closed_count == 2
    assert [(r.id, r.close_reason) for r in found.closed_requests] == [
        (second, "unreachable"), (first, "not_eligible")]
    third = maria(engine, received_at=T0)
    found = look(engine, phone=PHONE)
    assert found.suggested.id == third and found.closed_count == 2


def test_a_shared_number_is_read_through_its_newest_rows_only(engine, monkeypatch):
    monkeypatch.setattr(callerid, "SCAN_LIMIT", 5)
    ids = [make_request(engine, first_name=f"Person{n}", last_name="Shared",
                        phone="(212) 555-0100") for n in range(8)]
    found = look(engine, phone="(212) 555-0100")
    assert [r.id for r in found.open_requests] == ids[::-1][:callerid.OPEN_SHOWN]


def _statements(engine, fn):
    seen: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return seen


def _plan(conn, statement, parameters) -> str:
    if conn.dialect.name == "sqlite":
        return "\n".join(row[-1] for row in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters))
    return "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters))


SELECTIVE = {"ix_requests_phone", "ix_requests_email", "ix_requests_person_id",
             "ix_people_name_key", "requests_pkey", "people_pkey"}
index_name = re.compile(r"\b(ix_\w+|\w+_pkey)\b")


def test_every_lookup_statement_is_bounded_and_reads_through_an_index(engine):
    """At 1M requests a full scan takes seconds: each statement of a lookup either holds a
    LIMIT or is confined to the people found, and its plan reads `requests` and `people`
    through the index of a key that picks few rows (phone, email, name key, person, id), never
    by scanning the table or the queue index (every open request). (PostgreSQL rightly
    prefers a sequential scan of a tiny table, so it is told not to, as on a large one.)"""
    for n in range(30):
        make_request(engine, first_name=f"Name{n}", last_name="Filler",
                     phone=f"(212) 555-{n:04d}")
    maria(engine)
    typed_cases = [dict(phone=PHONE), dict(phone="212 555 01"), dict(email="maria@example.com"),
                   dict(first_name="Maria", last_name="Lo"),
                   dict(phone=PHONE, email="maria@example.com", first_name="Maria",
                        last_name="López")]
    full_scan = re.compile(r"^(SCAN (requests|people)\b|.*Seq Scan on (requests|people)\b)",
                           re.M)
    for typed in typed_cases:
        statements = _statements(engine, lambda typed=typed: look(engine, **typed))
        assert statements
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET enable_seqscan = off"))
            for statement, parameters in statements:
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue  # BEGIN, SET, ROLLBACK of the read session
                compact = " ".join(statement.split())
                assert "LIMIT" in compact or re.search(r"person_id IN|people\.id IN",
                                                       compact), compact
                plan = _plan(conn, statement, parameters)
                assert not full_scan.search(plan), (compact, plan)
                assert re.search(r"requests|people", plan), plan
                assert set(index_name.findall(plan)) <= SELECTIVE, (compact, plan)


def test_log_call_is_a_reached_call_that_moves_the_request(engine):
    rid = maria(engine)
    with write_session(engine) as s:
        result = callerid.log_call(s, rid, actor=ACTOR, note="wants an evening slot",
                                   now=T0 + dt.timedelta(hours=1))
    assert (result.status, result.moved) == ("in_progress", True)
    with read_session(engine) as s:
        attempt = s.execute(select(ContactAttempt)).scalar_one()
        r = s.get(Request, rid)
    assert (attempt.method, attempt.outcome) == ("call", "reached")
    assert attempt.note == "Called in. wants an evening slot"
    assert r.reached_at == T0 + dt.timedelta(hours=1) and r.version == result.version


def test_log_call_at_an_earlier_time_and_never_in_the_future(engine):
    rid = maria(engine)
    now = T0 + dt.timedelta(hours=3)
    with pytest.raises(lifecycle.LifecycleError, match="in the future"), \
            write_session(engine) as s:
        callerid.log_call(s, rid, actor=ACTOR, at=now + dt.timedelta(minutes=5), now=now)
    with write_session(engine) as s:
        callerid.log_call(s, rid, actor=ACTOR, at=T0 + dt.timedelta(hours=1), now=now)
    with read_session(engine) as s:
        assert s.execute(select(ContactAttempt.attempted_at)).scalar_one() == \
            T0 + dt.timedelta(hours=1)


def test_what_the_caller_said_can_raise_the_crisis_level(engine):
    rid = maria(engine)
    with write_session(engine) as s:
        result = callerid.log_call(s, rid, actor=ACTOR, note="said she wants to kill herself",
                                   now=T0 + dt.timedelta(hours=1))
    with read_session(engine) as s:
        r = s.get(Request, rid)
        actions = s.execute(select(AuditEvent.action).where(AuditEvent.entity_id == str(rid))
                            .order_by(AuditEvent.id)).scalars().all()
    assert (r.crisis_level, r.crisis_rank, r.version) == ("urgent", 0, result.version)
    assert actions[-2:] == ["request.attempt", "request.crisis_level"]
    # and a calm note does not lower anything
    with write_session(engine) as s:
        callerid.log_call(s, rid, actor=ACTOR, note="all fine now", now=T0 + dt.timedelta(hours=2))
    with read_session(engine) as s:
        assert s.get(Request, rid).crisis_level == "urgent"


@pytest.mark.parametrize("prefix,bounds", [
    ("+1212555", ("+1212555", "+1212556")),
    ("+1212559", ("+1212559", "+121256")),
    ("maria lo", ("maria lo", "maria lp")),
    ("maria loz", ("maria loz", "maria lp")),
    ("maria ", ("maria ", "marib")),
    ("zz", None),
    ("josé", None),  # another script or accent: looked up whole
    ("", None),
])
def test_prefix_bounds(prefix, bounds):
    assert callerid.prefix_bounds(prefix) == bounds


SORTED_SAMPLES = ["+12125550188", "+1212555", "+12125559999", "+1212556", "+121255", "+12125",
                  "maria lopez", "maria lo", "maria loz z", "maria lp", "mariallx", "maria l",
                  "maria", "marib", "maria  lo", "maria_lo", "maria lo9"]


def test_prefix_bounds_hold_under_the_databases_collations(engine):
    """Every sample that starts with the prefix sorts inside its bounds, as the database
    compares: SQLite's binary order; PostgreSQL's C collation and, where the server has it,
    ICU's en-US (where ':' sorts below the digits and a plain next-character bound failed)."""
    collations = [None]
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            collations = ['"C"'] + [f'"{c}"' for c in conn.execute(text(
                "SELECT collname FROM pg_collation WHERE collname = 'en-US-x-icu'")).scalars()]
        for collate in collations:
            clause = f" COLLATE {collate}" if collate else ""
            for prefix in ("+1212555", "+1212559", "maria lo", "maria loz", "maria l"):
                low, high = callerid.prefix_bounds(prefix)
                for sample in SORTED_SAMPLES:
                    inside = conn.execute(
                        text(f"SELECT CAST(:s AS VARCHAR){clause} >= CAST(:low AS VARCHAR)"
                             f" AND CAST(:s AS VARCHAR){clause} < CAST(:high AS VARCHAR)"),
                        {"s": sample, "low": low, "high": high}).scalar()
                    if sample.startswith(prefix):
                        assert inside, (collate, prefix, sample, low, high)
