"""The conversation pages through AppTest: the shared inbox (front desk only: urgent first,
then unread; opening marks read; answering sends through the mock Twilio and claims it), the
admin's text templates, and the request page's thread."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.apptest import make_user, page, read_db, sign_in
from tests.clock import FIXED_NOW
from tests.conversations.mock_twilio import signed_post, sms_params
from tests.intake.helpers import make_request, page_text
from zoelife.db.engine import make_engine
from zoelife.db.models import ContactAttempt, Conversation, SmsTemplate

pytestmark = pytest.mark.usefixtures("clock")

CRISIS = "I want to kill myself tonight"
ROUTINE = "Can I book a TMS consult?"


def seed(app_db, client):
    """Three conversations: an old routine one already known, a newer routine one and a
    crisis text, in that order."""
    make_user(app_db, "clinic.admin", ["admin"])
    engine = make_engine(app_db)
    make_request(engine, phone="+12025550101", first_name="Rita", last_name="Routine",
                 sms_consent=True, now=FIXED_NOW, received_at=FIXED_NOW)
    engine.dispose()
    signed_post(client, "/api/twilio/sms", sms_params(ROUTINE, from_="+12025550101"))
    signed_post(client, "/api/twilio/sms", sms_params(CRISIS, from_="+12025550102"))
    signed_post(client, "/api/twilio/sms", sms_params("hello?", from_="+12025550103"))


def run(path, app_db, roles, **state):
    at = page(path)
    if roles:
        sign_in(at, app_db, roles=roles)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


@pytest.mark.parametrize("path, allowed", [("pages/inbox.py", "front_desk"),
                                           ("pages/sms_templates.py", "admin")])
def test_each_page_is_refused_to_the_signed_out_and_to_other_roles(app_db, client, path,
                                                                   allowed):
    seed(app_db, client)
    at = run(path, app_db, None)
    assert "Sign in" in [t.value for t in at.title]
    assert "kill" not in page_text(at) and "Rita" not in page_text(at)
    for role in {"front_desk", "manager", "admin"} - {allowed}:
        at = run(path, app_db, (role,))
        assert at.error and "not available to your account" in at.error[0].value, role
        assert "kill" not in page_text(at) and "Rita" not in page_text(at), role


def test_the_inbox_lists_urgent_first_then_unread(app_db, client):
    seed(app_db, client)
    at = run("pages/inbox.py", app_db, ("front_desk",))
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame["Crisis"]) == ["Urgent", "", ""]
    assert list(frame["Message"])[0] == CRISIS
    assert list(frame[""]) == ["● ", "● ", "● "]
    assert "3 conversations, 3 unread." in page_text(at)


def test_opening_a_conversation_marks_it_read_and_answering_claims_it(app_db, client, twilio):
    seed(app_db, client)
    at = run("pages/inbox.py", app_db, ("front_desk",),
             inbox_table={"selection": {"rows": [2], "columns": []}})
    assert not at.exception
    text = page_text(at)
    assert ROUTINE in text and "Rita Routine" in text
    unread = read_db(app_db, lambda s: {c.phone: c.unread for c in
                                        s.execute(select(Conversation)).scalars()})
    assert unread["+12025550101"] == 0 and unread["+12025550102"] == 1
    [t for t in at.text_area if t.label == "Text"][0].set_value("Yes: call us at 3?")
    [b for b in at.button if b.label == "Send text"][0].click()
    at.run()
    assert [m["Body"] for m in twilio.sent] == ["Yes: call us at 3?"]
    conv = read_db(app_db, lambda s: s.execute(select(Conversation).where(
        Conversation.phone == "+12025550101")).scalar_one())
    assert conv.claimed_by is not None
    attempts = read_db(app_db, lambda s: [(a.method, a.outcome) for a in
                                          s.execute(select(ContactAttempt)).scalars()])
    assert attempts == [("text", "message_sent")]


def test_the_admin_saves_a_template_and_a_clinical_placeholder_is_refused(app_db, twilio):
    make_user(app_db, "clinic.admin", ["admin"])
    at = run("pages/sms_templates.py", app_db, ("admin",))
    assert not at.exception
    [t for t in at.text_input if t.label == "Name"][0].set_value("Reminder")
    [t for t in at.text_area if t.label == "Text"][0].set_value("Hi {first_name}, re {diagnosis}")
    [b for b in at.button if b.label == "Save template"][0].click()
    at.run()
    assert any("{diagnosis}" in e.value for e in at.error)
    assert read_db(app_db, lambda s: s.execute(select(SmsTemplate)).all()) == []
    [t for t in at.text_input if t.label == "Name"][0].set_value("Reminder")
    [t for t in at.text_area if t.label == "Text"][0].set_value("Hi {first_name}, {clinic} here")
    [c for c in at.checkbox if c.label.startswith("The attempt cadence")][0].check()
    [b for b in at.button if b.label == "Save template"][0].click()
    at.run()
    saved = read_db(app_db, lambda s: [(t.name, t.body, t.cadence) for t in
                                       s.execute(select(SmsTemplate)).scalars()])
    assert saved == [("Reminder", "Hi {first_name}, {clinic} here", True)]


def test_the_request_page_shows_the_thread_and_refuses_to_text_without_consent(app_db, client):
    make_user(app_db, "clinic.admin", ["admin"])
    engine = make_engine(app_db)
    rid = make_request(engine, phone="+12025550109", first_name="Nora", sms_consent=False,
                       now=FIXED_NOW, received_at=FIXED_NOW)
    engine.dispose()
    signed_post(client, "/api/twilio/sms", sms_params("STOP", from_="+12025550109"))
    at = run("pages/request.py", app_db, ("front_desk",), request_id=rid)
    assert not at.exception
    text = page_text(at)
    assert "Texts, calls and voicemails" in text and "STOP" in text
    assert "replied STOP" in text
    assert not [b for b in at.button if b.label == "Send text"]


def test_with_texting_off_the_pages_say_so_and_offer_no_send(app_db, monkeypatch):
    from zoelife.conversations import twilio_api

    for name in (twilio_api.ACCOUNT_SID_ENV, twilio_api.AUTH_TOKEN_ENV, twilio_api.FROM_ENV):
        monkeypatch.delenv(name, raising=False)
    make_user(app_db, "clinic.admin", ["admin"])
    engine = make_engine(app_db)
    rid = make_request(engine, phone="+12025550108", sms_consent=True, now=FIXED_NOW,
                       received_at=FIXED_NOW)
    engine.dispose()
    at = run("pages/request.py", app_db, ("front_desk",), request_id=rid)
    assert not at.exception
    assert "Texting is off" in page_text(at)
    assert not [b for b in at.button if b.label == "Send text"]
    at = run("pages/inbox.py", app_db, ("front_desk",))
    assert not at.exception and "No conversations yet." in page_text(at)
    at = run("pages/sms_templates.py", app_db, ("admin",))
    assert not at.exception and "Texting is off on this server" in page_text(at)


def test_a_refresh_with_a_new_urgent_conversation_on_top_keeps_the_open_one(app_db, client):
    seed(app_db, client)
    rita = read_db(app_db, lambda s: s.execute(select(Conversation.id).where(
        Conversation.phone == "+12025550101")).scalar_one())
    at = run("pages/inbox.py", app_db, ("front_desk",), _inbox_open_id=rita)
    assert "Rita Routine" in page_text(at)
    signed_post(client, "/api/twilio/sms", sms_params(CRISIS, from_="+12025550104"))
    at.run()  # the refresh: a new urgent conversation is now the first row
    assert list(at.dataframe[0].value["Message"])[:2] == [CRISIS, CRISIS]
    assert "Rita Routine" in [s.value for s in at.subheader]
    unread = read_db(app_db, lambda s: {c.phone: c.unread for c in
                                        s.execute(select(Conversation)).scalars()})
    assert unread["+12025550104"] == 1  # not marked read behind the reader's back
