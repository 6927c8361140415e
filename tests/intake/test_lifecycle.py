"""Request actions: attempts and their moves, the status matrix, stale edits, crisis level,
assignment, notes, treatments, details, duplicates, linking and splitting people."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from tests.apptest import make_user
from tests.intake.helpers import T0, make_request
from zoelife import audit
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import (
    AuditEvent,
    ContactAttempt,
    CrisisChange,
    Note,
    Person,
    PossibleMatch,
    Request,
    StatusChange,
)
from zoelife.intake import lifecycle as lc
from zoelife.vocabulary import CLOSE_REASONS, STATUS_MOVES, STATUSES

ACTOR = audit.Actor(None, "tester")
APPT = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)


def get(engine, request_id) -> Request:
    with read_session(engine) as s:
        return s.get(Request, request_id)


def force_status(engine, request_id, status):
    """Test setup only: put a request straight into `status`."""
    closed = status == "closed"
    with write_session(engine) as s:
        s.execute(update(Request).where(Request.id == request_id).values(
            status=status, is_open=not closed, close_reason="declined" if closed else None))


def move(engine, request_id, to, **kw):
    r = get(engine, request_id)
    with write_session(engine) as s:
        return lc.change_status(s, request_id, actor=ACTOR, seen_version=r.version,
                                to_status=to, now=T0 + dt.timedelta(hours=2), **kw)


def extras_for(from_status, to):
    if to == "closed":
        return {"close_reason": "became_patient" if from_status == "scheduled" else "declined"}
    if to == "scheduled":
        return {"appointment_at": APPT, "appointment_kind": "TMS consult"}
    if from_status == "closed":
        return {"reason": "called back"}
    return {}


# --------------------------------------------------------------------------- attempts


@pytest.mark.parametrize("outcome,start,expected", [
    ("reached", "new", "in_progress"),
    ("reached", "attempted", "in_progress"),
    ("reached", "in_progress", "in_progress"),
    ("reached", "scheduled", "scheduled"),
    ("no_answer", "new", "attempted"),
    ("left_voicemail", "new", "attempted"),
    ("wrong_number", "new", "attempted"),
    ("message_sent", "new", "attempted"),
    ("bounced", "new", "attempted"),
    ("no_answer", "attempted", "attempted"),
    ("no_answer", "in_progress", "in_progress"),
])
def test_attempt_outcome_moves_status(engine, outcome, start, expected):
    rid = make_request(engine)
    if start != "new":
        force_status(engine, rid, start)
    before = get(engine, rid)
    now = T0 + dt.timedelta(minutes=30)
    with write_session(engine) as s:
        result = lc.log_attempt(s, rid, actor=ACTOR, method="call", outcome=outcome,
                                note="spoke briefly", now=now)
    r = get(engine, rid)
    assert r.status == expected == result.status
    assert r.attempt_count == 1 and r.last_attempt_at == now and r.first_contact_at == now
    assert (r.reached_at == now) == (outcome == "reached")
    assert r.version == before.version + (1 if expected != start else 0)
    with read_session(engine) as s:
        history = s.execute(select(StatusChange).where(StatusChange.request_id == rid)).scalars().all()
        assert [(h.from_status, h.to_status) for h in history] == (
            [(start, expected)] if expected != start else [])
        attempt = s.execute(select(ContactAttempt)).scalar_one()
        assert (attempt.method, attempt.outcome, attempt.note) == ("call", outcome, "spoke briefly")
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "request.attempt")).scalar_one()
        assert ev.changes["outcome"] == outcome and ev.changes["note"] == {"changed": True}


def test_unanswered_attempts_follow_cadence_and_suggest_unreachable(engine):
    rid = make_request(engine)
    t = T0 + dt.timedelta(minutes=10)  # Monday 10:10 New York
    with write_session(engine) as s:
        first = lc.log_attempt(s, rid, actor=ACTOR, method="call", outcome="no_answer", now=t)
    # next business day's close: Tuesday 17:00 New York (22:00 UTC)
    assert first.next_attempt_due_at == dt.datetime(2026, 3, 3, 22, 0, tzinfo=dt.UTC)
    assert not first.suggest_unreachable
    with write_session(engine) as s:
        lc.log_attempt(s, rid, actor=ACTOR, method="text", outcome="message_sent", now=t)
        third = lc.log_attempt(s, rid, actor=ACTOR, method="email", outcome="bounced", now=t)
    assert third.suggest_unreachable and third.next_attempt_due_at is None
    r = get(engine, rid)
    assert r.attempt_count == 3 and r.next_attempt_due_at is None and r.first_contact_at == t


def test_reached_clears_next_attempt_and_keeps_first_contact(engine):
    rid = make_request(engine)
    t1, t2 = T0 + dt.timedelta(minutes=5), T0 + dt.timedelta(hours=3)
    with write_session(engine) as s:
        lc.log_attempt(s, rid, actor=ACTOR, method="call", outcome="no_answer", now=t1)
        res = lc.log_attempt(s, rid, actor=ACTOR, method="call", outcome="reached", now=t2)
    r = get(engine, rid)
    assert res.status == "in_progress" and not res.suggest_unreachable
    assert (r.first_contact_at, r.reached_at, r.next_attempt_due_at) == (t1, t2, None)


def test_attempt_on_closed_request_is_refused_and_nothing_written(engine):
    rid = make_request(engine)
    force_status(engine, rid, "closed")
    with pytest.raises(lc.MoveNotAllowed, match="Reopen"), write_session(engine) as s:
        lc.log_attempt(s, rid, actor=ACTOR, method="call", outcome="reached")
    with read_session(engine) as s:
        assert s.execute(select(func.count()).select_from(ContactAttempt)).scalar_one() == 0


def test_attempt_never_conflicts_with_a_stale_screen(engine):
    rid = make_request(engine)
    with write_session(engine) as s:
        lc.assign(s, rid, actor=ACTOR, seen_version=1, assignee_id=None)  # bumps version
    with write_session(engine) as s:
        lc.log_attempt(s, rid, actor=ACTOR, method="call", outcome="no_answer")
    assert get(engine, rid).attempt_count == 1


# --------------------------------------------------------------------------- status matrix


@pytest.mark.parametrize("from_status", STATUSES)
def test_status_matrix(engine, from_status):
    """Every allowed move succeeds with its history; every other move is refused unchanged."""
    for to in STATUSES:
        rid = make_request(engine)
        if from_status != "new":
            force_status(engine, rid, from_status)
        before = get(engine, rid)
        if to in STATUS_MOVES[from_status]:
            version = move(engine, rid, to, **extras_for(from_status, to))
            r = get(engine, rid)
            assert r.status == to and r.version == version == before.version + 1
            assert r.is_open == (to != "closed")
            with read_session(engine) as s:
                last = s.execute(select(StatusChange).where(StatusChange.request_id == rid)
                                 .order_by(StatusChange.id.desc())).scalars().first()
            assert (last.from_status, last.to_status) == (from_status, to)
        else:
            with pytest.raises(lc.MoveNotAllowed, match="cannot move"):
                move(engine, rid, to, **extras_for(from_status, to))
            r = get(engine, rid)
            assert (r.status, r.version) == (before.status, before.version)


def test_closing_needs_a_reason_and_became_patient_only_from_scheduled(engine):
    rid = make_request(engine)
    with pytest.raises(lc.MoveNotAllowed, match="close reason"):
        move(engine, rid, "closed")
    with pytest.raises(lc.MoveNotAllowed, match="scheduled"):
        move(engine, rid, "closed", close_reason="became_patient")
    with pytest.raises(lc.MoveNotAllowed, match="duplicate"):
        move(engine, rid, "closed", close_reason="duplicate")
    assert get(engine, rid).status == "new"
    assert "became_patient" not in lc.allowed_close_reasons("in_progress")
    assert "became_patient" in lc.allowed_close_reasons("scheduled")
    for reason in set(CLOSE_REASONS) - {"became_patient", "duplicate"}:
        assert reason in lc.allowed_close_reasons("new")


def test_scheduling_needs_date_time_and_kind(engine):
    rid = make_request(engine)
    with pytest.raises(lc.MoveNotAllowed, match="date, time and kind"):
        move(engine, rid, "scheduled", appointment_at=APPT)
    with pytest.raises(lc.MoveNotAllowed, match="date, time and kind"):
        move(engine, rid, "scheduled", appointment_kind="consult")
    move(engine, rid, "scheduled", appointment_at=APPT, appointment_kind="Spravato consult")
    r = get(engine, rid)
    assert (r.appointment_at, r.appointment_kind) == (APPT, "Spravato consult")
    assert r.scheduled_at is not None


def test_reopen_needs_a_reason_and_restores_open(engine):
    rid = make_request(engine)
    move(engine, rid, "closed", close_reason="unreachable")
    with pytest.raises(lc.MoveNotAllowed, match="reason"):
        move(engine, rid, "in_progress")
    move(engine, rid, "in_progress", reason="they called back")
    r = get(engine, rid)
    assert r.is_open and r.close_reason is None and r.closed_at is None
    with read_session(engine) as s:
        last = s.execute(select(StatusChange).order_by(StatusChange.id.desc())).scalars().first()
        assert last.reason == "they called back"
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "request.status")
                       .order_by(AuditEvent.seq.desc())).scalars().first()
        assert ev.changes == {"status": ["closed", "in_progress"], "reason": {"changed": True}}


def test_stale_edit_is_refused_and_nothing_written(engine):
    rid = make_request(engine)
    with write_session(engine) as s:
        lc.assign(s, rid, actor=ACTOR, seen_version=1, assignee_id=None)
    before = get(engine, rid)
    for action in (
        lambda s: lc.change_status(s, rid, actor=ACTOR, seen_version=1, to_status="closed",
                                   close_reason="spam"),
        lambda s: lc.assign(s, rid, actor=ACTOR, seen_version=1, assignee_id=None),
        lambda s: lc.set_crisis_level(s, rid, actor=ACTOR, seen_version=1, level="urgent"),
        lambda s: lc.set_treatments(s, rid, actor=ACTOR, seen_version=1, codes=["ketamine"]),
        lambda s: lc.update_details(s, rid, actor=ACTOR, seen_version=1, insurance="Aetna"),
        lambda s: lc.split_person(s, rid, actor=ACTOR, seen_version=1),
    ):
        with pytest.raises(lc.StaleEdit, match="Someone else changed"), write_session(engine) as s:
            action(s)
    after = get(engine, rid)
    assert (after.status, after.version, after.crisis_level, after.treatment_list,
            after.insurance) == (before.status, before.version, "none", "tms", None)
    with read_session(engine) as s:
        assert s.execute(select(func.count()).select_from(Person)).scalar_one() == 1


# --------------------------------------------------------------------------- crisis


def test_raise_lower_and_acknowledge(engine):
    rid = make_request(engine)
    with write_session(engine) as s:
        v = lc.set_crisis_level(s, rid, actor=ACTOR, seen_version=1, level="urgent",
                                now=T0 + dt.timedelta(minutes=1))
    r = get(engine, rid)
    assert (r.crisis_level, r.crisis_source, r.crisis_rank) == ("urgent", "manual", 0)
    assert r.due_at == r.received_at  # urgent: due at once
    with write_session(engine) as s:
        assert lc.acknowledge(s, rid, actor=ACTOR)
        assert not lc.acknowledge(s, rid, actor=ACTOR)  # once, for everyone
    r = get(engine, rid)
    assert r.crisis_rank == 1 and r.crisis_acknowledged_at is not None and r.version == v + 1
    with pytest.raises(lc.LifecycleError, match="reason"), write_session(engine) as s:
        lc.set_crisis_level(s, rid, actor=ACTOR, seen_version=r.version, level="none")
    with write_session(engine) as s:
        lc.set_crisis_level(s, rid, actor=ACTOR, seen_version=r.version, level="review",
                            reason="spoke with them: historic, denied now")
    r = get(engine, rid)
    assert (r.crisis_level, r.crisis_rank) == ("review", 2)
    assert r.due_at == T0 + dt.timedelta(hours=1)
    with read_session(engine) as s:
        kinds = s.execute(select(CrisisChange.kind).where(CrisisChange.request_id == rid)
                          .order_by(CrisisChange.id)).scalars().all()
    assert kinds == ["assessed", "raised", "acknowledged", "lowered"]


def test_manual_level_stands_until_new_text_raises_it(engine):
    rid = make_request(engine, email="same@example.com", first_name="Ana", last_name="Diaz")
    with write_session(engine) as s:
        lc.set_crisis_level(s, rid, actor=ACTOR, seen_version=1, level="review")
    # A duplicate submission with crisis text arrives: new text can only raise the level.
    again = make_request(engine, email="same@example.com", first_name="Ana", last_name="Diaz",
                         received_at=T0 + dt.timedelta(hours=1),
                         message="I keep thinking I want to kill myself")
    assert again == rid
    r = get(engine, rid)
    assert (r.crisis_level, r.crisis_source, r.crisis_rank) == ("urgent", "auto", 0)


# --------------------------------------------------------------------------- other actions


def test_assign_only_to_front_desk(engine):
    rid = make_request(engine)
    url = engine.url.render_as_string(hide_password=False)
    desk = make_user(url, "desk.one", ["front_desk"])
    boss = make_user(url, "boss.one", ["manager"])
    with pytest.raises(lc.LifecycleError, match="front-desk"), write_session(engine) as s:
        lc.assign(s, rid, actor=ACTOR, seen_version=1, assignee_id=boss)
    with write_session(engine) as s:
        lc.assign(s, rid, actor=ACTOR, seen_version=1, assignee_id=desk)
    assert get(engine, rid).assignee_id == desk
    with read_session(engine) as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "request.assign")).scalar_one()
    assert ev.changes == {"assignee_id": [None, desk]}


def test_note_and_treatments_and_details(engine):
    rid = make_request(engine)
    with write_session(engine) as s:
        lc.add_note(s, rid, actor=ACTOR, body="  prefers afternoons ")
        v = lc.set_treatments(s, rid, actor=ACTOR, seen_version=1, codes=["spravato", "tms"])
        v = lc.update_details(s, rid, actor=ACTOR, seen_version=v, phone="(212) 555-0199",
                              insurance="Aetna PPO", prior_auth_status="submitted")
    r = get(engine, rid)
    assert r.treatment_set == {"spravato", "tms"} and r.treatment_list == "spravato;tms"
    assert r.phone == "+12125550199" and "2125550199" in r.search_text
    assert (r.insurance, r.prior_auth_status, r.version) == ("Aetna PPO", "submitted", v)
    with read_session(engine) as s:
        assert s.execute(select(Note.body)).scalar_one() == "prefers afternoons"
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "request.update")).scalar_one()
    # identifying fields are named, never valued
    assert ev.changes["phone"] == {"changed": True}
    assert ev.changes["prior_auth_status"] == [None, "submitted"]
    with pytest.raises(lc.LifecycleError, match="Phone"), write_session(engine) as s:
        lc.update_details(s, rid, actor=ACTOR, seen_version=v, phone="12")
    with pytest.raises(lc.LifecycleError, match="empty"), write_session(engine) as s:
        lc.add_note(s, rid, actor=ACTOR, body="   ")


def test_mark_duplicate_closes_and_keeps_both(engine):
    a = make_request(engine)
    b = make_request(engine)
    with pytest.raises(lc.MoveNotAllowed, match="itself"), write_session(engine) as s:
        lc.mark_duplicate(s, a, actor=ACTOR, seen_version=1, duplicate_of_id=a)
    with write_session(engine) as s:
        lc.mark_duplicate(s, b, actor=ACTOR, seen_version=1, duplicate_of_id=a)
    r = get(engine, b)
    assert (r.status, r.close_reason, r.duplicate_of_id, r.is_open) == ("closed", "duplicate", a,
                                                                        False)
    # a closed request is never a merge target
    c = make_request(engine)
    with pytest.raises(lc.MoveNotAllowed, match="closed"), write_session(engine) as s:
        lc.mark_duplicate(s, c, actor=ACTOR, seen_version=1, duplicate_of_id=b)
    with read_session(engine) as s:
        assert s.execute(select(func.count()).select_from(Request)).scalar_one() == 3


def test_link_and_split_people(engine):
    a = make_request(engine, phone="(212) 555-0101", email=None, first_name="Luis",
                     last_name="Reyes")
    b = make_request(engine, phone="(212) 555-0101", email=None, first_name="Lou",
                     last_name="Reyes", treatments=("Ketamine",))
    ra, rb = get(engine, a), get(engine, b)
    assert ra.person_id != rb.person_id
    with read_session(engine) as s:
        match = s.execute(select(PossibleMatch)).scalar_one()
    with write_session(engine) as s:
        assert lc.link_people(s, actor=ACTOR, person_id=ra.person_id,
                              other_person_id=rb.person_id) == 1
    rb = get(engine, b)
    assert rb.person_id == ra.person_id
    with read_session(engine) as s:
        assert s.get(PossibleMatch, match.id).status == "linked"
        assert s.get(Person, match.person_id).merged_into_id == ra.person_id
    with write_session(engine) as s:
        new_person = lc.split_person(s, b, actor=ACTOR, seen_version=rb.version)
    assert get(engine, b).person_id == new_person != ra.person_id


def test_dismiss_match(engine):
    make_request(engine, phone="(212) 555-0102", email=None, first_name="Kim", last_name="Lo")
    make_request(engine, phone="(212) 555-0102", email=None, first_name="Pat", last_name="Lo")
    with read_session(engine) as s:
        mid = s.execute(select(PossibleMatch.id)).scalar_one()
    with write_session(engine) as s:
        lc.dismiss_match(s, mid, actor=ACTOR)
    with pytest.raises(lc.LifecycleError, match="already"), write_session(engine) as s:
        lc.dismiss_match(s, mid, actor=ACTOR)
    with read_session(engine) as s:
        assert s.get(PossibleMatch, mid).status == "dismissed"
