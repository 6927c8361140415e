"""The one-click moves of the request page, as services: an attempt's outcome is required, each
status move asks for its own fields only, the cadence's last attempt offers closing as
unreachable, and acknowledging an urgent request claims it for the front-desk user."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from tests.apptest import make_user
from tests.intake.helpers import T0, make_request
from zoelife import audit
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import AuditEvent, Request, StaffUser, StatusChange
from zoelife.intake import lifecycle as lc
from zoelife.vocabulary import STATUS_MOVES

ACTOR = audit.Actor(None, "tester")


def get(engine, rid) -> Request:
    with read_session(engine) as s:
        return s.get(Request, rid)


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.mark.parametrize("outcome", [None, ""])
def test_an_attempt_needs_its_outcome(engine, outcome):
    rid = make_request(engine)
    with pytest.raises(lc.LifecycleError, match="Choose the attempt's outcome"), \
            write_session(engine) as s:
        lc.log_attempt(s, rid, actor=ACTOR, method="call", outcome=outcome, now=T0)
    assert get(engine, rid).attempt_count == 0


@pytest.mark.parametrize("start,to", [(a, b) for a, moves in STATUS_MOVES.items() for b in moves])
def test_each_move_asks_for_its_own_fields(start, to):
    form = lc.move_form(start, to)
    assert form.to_status == to
    assert bool(form.close_reasons) == (to == "closed")
    assert form.appointment == (to == "scheduled")
    if to == "closed":
        assert form.close_reasons == lc.allowed_close_reasons(start)
        assert ("became_patient" in form.close_reasons) == (start == "scheduled")
        assert form.reason == "optional"
    elif to == "scheduled":
        assert form.reason is None
    else:
        assert form.reason == ("required" if start == "closed" else "optional")


def test_a_move_the_table_does_not_allow_has_no_form():
    with pytest.raises(lc.MoveNotAllowed, match="cannot move"):
        lc.move_form("closed", "scheduled")


def test_the_last_attempt_offers_unreachable_and_closing_says_why(engine):
    rid = make_request(engine)
    for n in range(3):
        assert not lc.offers_unreachable(get(engine, rid), 3)
        with write_session(engine) as s:
            lc.log_attempt(s, rid, actor=ACTOR, method="call", outcome="no_answer",
                           now=T0 + dt.timedelta(days=n))
    r = get(engine, rid)
    assert lc.offers_unreachable(r, 3) and not lc.offers_unreachable(r, 4)
    with write_session(engine) as s:
        lc.close_unreachable(s, rid, actor=ACTOR, seen_version=r.version,
                             now=T0 + dt.timedelta(days=3))
    r = get(engine, rid)
    assert (r.status, r.close_reason, r.is_open) == ("closed", "unreachable", False)
    assert not lc.offers_unreachable(r, 3)
    with read_session(engine) as s:
        last = s.execute(select(StatusChange).order_by(StatusChange.id.desc())).scalars().first()
    assert (last.to_status, last.reason) == ("closed", "not reached after 3 attempts")


def test_a_reached_request_is_never_offered_unreachable(engine):
    rid = make_request(engine)
    for n, outcome in enumerate(("no_answer", "reached", "no_answer", "no_answer")):
        with write_session(engine) as s:
            lc.log_attempt(s, rid, actor=ACTOR, method="call", outcome=outcome,
                           now=T0 + dt.timedelta(days=n))
    assert not lc.offers_unreachable(get(engine, rid), 3)


def test_closing_as_unreachable_from_a_stale_screen_is_refused(engine):
    rid = make_request(engine)
    with write_session(engine) as s:
        s.execute(update(Request).where(Request.id == rid).values(version=Request.version + 1))
    with pytest.raises(lc.StaleEdit), write_session(engine) as s:
        lc.close_unreachable(s, rid, actor=ACTOR, seen_version=1, now=T0)
    assert get(engine, rid).status == "new"


def _urgent(engine):
    rid = make_request(engine, message="I want to kill myself")
    assert get(engine, rid).crisis_level == "urgent"
    return rid


def test_acknowledging_claims_an_unassigned_request_for_the_front_desk_user(engine):
    rid = _urgent(engine)
    desk = make_user(url_of(engine), "desk.one", ["front_desk"])
    who = audit.Actor(desk, "desk.one")
    with write_session(engine) as s:
        done = lc.acknowledge(s, rid, actor=who, now=T0)
    assert done and done.claimed
    r = get(engine, rid)
    assert (r.assignee_id, r.crisis_rank, r.crisis_acknowledged_by) == (desk, 1, desk)
    with read_session(engine) as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "request.acknowledge")
                       ).scalar_one()
    assert ev.changes == {"crisis_level": "urgent", "assignee_id": [None, desk]}
    with write_session(engine) as s:
        again = lc.acknowledge(s, rid, actor=who, now=T0)
    assert not again and not again.claimed


def test_acknowledging_never_takes_a_request_from_its_assignee(engine):
    rid = _urgent(engine)
    url = url_of(engine)
    first = make_user(url, "desk.one", ["front_desk"])
    second = make_user(url, "desk.two", ["front_desk"])
    with write_session(engine) as s:
        lc.assign(s, rid, actor=ACTOR, seen_version=get(engine, rid).version, assignee_id=first)
    with write_session(engine) as s:
        done = lc.acknowledge(s, rid, actor=audit.Actor(second, "desk.two"), now=T0)
    assert done and not done.claimed
    assert get(engine, rid).assignee_id == first


@pytest.mark.parametrize("who", ["system", "manager", "disabled"])
def test_acknowledging_claims_only_for_an_active_front_desk_user(engine, who):
    rid = _urgent(engine)
    actor = ACTOR
    if who != "system":
        roles = ["manager"] if who == "manager" else ["front_desk"]
        user = make_user(url_of(engine), f"{who}.one", roles)
        if who == "disabled":
            with write_session(engine) as s:
                s.execute(update(StaffUser).where(StaffUser.id == user).values(is_active=False))
        actor = audit.Actor(user, f"{who}.one")
    with write_session(engine) as s:
        done = lc.acknowledge(s, rid, actor=actor, now=T0)
    assert done and not done.claimed
    assert get(engine, rid).assignee_id is None
