"""The follow-up cadence sends its next text itself, through the mock Twilio: only templates
the admin opted in, in order, once each, as attempts; it stops when the person answers or
books, and never texts an urgent request, after hours, or without consent."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.apptest import read_db
from tests.clock import FIXED_NOW
from tests.conversations.mock_twilio import signed_post, sms_params
from tests.intake.helpers import make_request
from zoelife import audit
from zoelife.conversations import cadence, outbound, templates
from zoelife.db.engine import make_engine, write_session
from zoelife.db.models import ContactAttempt, Request
from zoelife.intake import lifecycle

pytestmark = pytest.mark.usefixtures("clock")

DESK = audit.Actor(None, "desk")
MONDAY = FIXED_NOW - dt.timedelta(days=2)  # Monday 10:00 in the clinic
PHONE = "+12025550160"


@pytest.fixture
def engine(app_db, twilio):
    eng = make_engine(app_db)
    with write_session(eng) as s:
        templates.save_template(s, actor=DESK, name="Manual", body="Manual only", now=MONDAY)
        templates.save_template(s, actor=DESK, name="Second try", cadence=True, now=MONDAY,
                                body="Hi {first_name}, {clinic} again: reply here to book.")
        templates.save_template(s, actor=DESK, name="Last try", cadence=True, now=MONDAY,
                                body="Last note from {clinic}: reply any time.")
    yield eng
    eng.dispose()


def unanswered(engine, phone=PHONE, **kw) -> int:
    """A request called on Monday without an answer: its next attempt is due by now."""
    rid = make_request(engine, phone=phone, first_name="Tess", sms_consent=True, now=MONDAY,
                       received_at=MONDAY, **kw)
    with write_session(engine) as s:
        lifecycle.log_attempt(s, rid, actor=DESK, method="call", outcome="no_answer",
                              now=MONDAY + dt.timedelta(minutes=5))
    return rid


def test_the_cadence_sends_the_opted_in_templates_in_order_once_each(engine, twilio, app_db):
    rid = unanswered(engine)
    assert len(cadence.run(engine, FIXED_NOW)) == 1
    assert twilio.sent[0]["Body"] == ("Hi Tess, Zoelife Psychiatric Services again: reply here "
                                      "to book.")
    assert cadence.run(engine, FIXED_NOW + dt.timedelta(minutes=1)) == []  # not due again yet
    later = FIXED_NOW + dt.timedelta(days=1)
    cadence.run(engine, later)
    cadence.run(engine, later + dt.timedelta(days=1))
    assert [m["Body"] for m in twilio.sent] == [
        "Hi Tess, Zoelife Psychiatric Services again: reply here to book.",
        "Last note from Zoelife Psychiatric Services: reply any time."]
    attempts = read_db(app_db, lambda s: [(a.method, a.outcome) for a in s.execute(
        select(ContactAttempt).where(ContactAttempt.request_id == rid)
        .order_by(ContactAttempt.id)).scalars()])
    assert attempts == [("call", "no_answer"), ("text", "message_sent"), ("text", "message_sent")]


def test_the_cadence_stops_when_they_answer(engine, twilio, client, app_db):
    unanswered(engine)
    cadence.run(engine, FIXED_NOW)
    signed_post(client, "/api/twilio/sms", sms_params("yes, call me", from_=PHONE))
    cadence.run(engine, FIXED_NOW + dt.timedelta(days=1))
    assert len(twilio.sent) == 1
    req = read_db(app_db, lambda s: s.execute(select(Request)).scalar_one())
    assert req.reached_at is not None


def test_the_cadence_stops_when_they_call_back_before_it_is_due(engine, twilio, client):
    unanswered(engine)
    signed_post(client, "/api/twilio/voice", {"CallSid": "CA9", "From": PHONE, "To": "+1"})
    assert cadence.run(engine, FIXED_NOW) == []


def test_the_cadence_stops_when_they_book(engine, twilio):
    rid = unanswered(engine)
    with write_session(engine) as s:
        version = s.get(Request, rid).version
        lifecycle.change_status(s, rid, actor=DESK, seen_version=version, to_status="scheduled",
                                appointment_at=FIXED_NOW + dt.timedelta(days=7),
                                appointment_kind="consult", now=FIXED_NOW)
    assert cadence.run(engine, FIXED_NOW + dt.timedelta(hours=1)) == []
    assert twilio.sent == []


def test_the_cadence_never_texts_urgent_requests_nor_after_hours_nor_without_consent(engine,
                                                                                     twilio):
    unanswered(engine, phone="+12025550161", message="I have been thinking of killing myself")
    no_consent = make_request(engine, phone="+12025550162", sms_consent=None, now=MONDAY,
                              received_at=MONDAY)
    with write_session(engine) as s:
        lifecycle.log_attempt(s, no_consent, actor=DESK, method="call", outcome="no_answer",
                              now=MONDAY)
    assert cadence.run(engine, FIXED_NOW) == []
    unanswered(engine)
    night = dt.datetime(2026, 3, 5, 4, 0, tzinfo=dt.UTC)
    assert cadence.run(engine, night) == []
    assert twilio.sent == []


def test_two_servers_running_the_cadence_at_once_send_once(engine, twilio):
    rid = unanswered(engine)
    with write_session(engine) as s:
        # The first server stored its text; the second one's transaction sees it.
        from zoelife.db.models import Conversation, Message
        conv = Conversation(phone=PHONE, unread=0, possible_match=False,
                            last_message_at=FIXED_NOW, created_at=FIXED_NOW)
        s.add(conv)
        s.flush()
        s.add(Message(conversation_id=conv.id, request_id=rid, direction="outbound", kind="sms",
                      body="x", status="sending", automatic="cadence", crisis_level="none",
                      crisis_evidence=[], created_at=FIXED_NOW, updated_at=FIXED_NOW))
    with pytest.raises(lifecycle.LifecycleError):
        outbound.send_text(engine, rid, "again", actor=cadence.ACTOR, automatic="cadence",
                           now=FIXED_NOW)
    assert twilio.sent == []
