"""Attacks on the Twilio webhooks (`/api/twilio/sms`, `/voice`, `/status`): forged, tampered,
moved and replayed deliveries. Twilio's signature covers the URL and every POST parameter
(no timestamp), so a wrong one stores nothing, and a captured delivery posted again changes
nothing: each sid is stored once, a replayed START cannot undo a later STOP, a replayed
status cannot undo a later one, and nobody is texted twice."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.apptest import read_db
from tests.clock import FIXED_NOW
from tests.conversations import fixtures as twilio_fixtures
from tests.conversations.mock_twilio import AUTH_TOKEN, signed_post, sms_params
from tests.intake.helpers import make_request
from zoelife import audit
from zoelife.conversations import outbound, twilio_api
from zoelife.db.engine import make_engine
from zoelife.db.models import Conversation, Message, Request, SmsConsentEvent

pytestmark = pytest.mark.usefixtures("clock")

# The mock Twilio and the routes' client, as the conversation tests have them.
twilio = twilio_fixtures.twilio
client = twilio_fixtures.client

PHONE = "+12025550190"
CRISIS = "I want to die, I have a gun at home"
NIGHT = dt.datetime(2026, 3, 5, 4, 0, tzinfo=dt.UTC)


def stored(db_url, model) -> int:
    return read_db(db_url, lambda s: s.execute(select(func.count()).select_from(model))
                   .scalar_one())


def test_a_forged_signature_stores_nothing(client, app_db):
    for token in ("", "guessed-token", AUTH_TOKEN[:-1]):
        params = sms_params(CRISIS, from_=PHONE)
        r = signed_post(client, "/api/twilio/sms", params,
                        signature=twilio_api.sign(token or "x", "http://testserver/api/twilio/sms",
                                                  params))
        assert r.status_code == 403
    for path in ("/api/twilio/voice", "/api/twilio/status"):
        assert client.post(path, data={"CallSid": "CA1", "From": PHONE}).status_code == 403
    assert stored(app_db, Message) == stored(app_db, Request) == 0
    assert stored(app_db, Conversation) == stored(app_db, SmsConsentEvent) == 0


def test_a_tampered_parameter_breaks_the_signature(client, app_db):
    params = sms_params("Can I book TMS?", from_=PHONE)
    signature = twilio_api.sign(AUTH_TOKEN, "http://testserver/api/twilio/sms", params)
    for field, value in (("Body", "STOP"), ("From", "+12025550999"), ("MessageSid", "SMx")):
        r = signed_post(client, "/api/twilio/sms", params | {field: value}, signature=signature)
        assert r.status_code == 403, field
    # An added parameter is part of what is signed, too.
    r = signed_post(client, "/api/twilio/sms", params | {"Extra": "1"}, signature=signature)
    assert r.status_code == 403
    assert stored(app_db, Message) == 0


def test_a_delivery_signed_for_one_route_is_refused_on_another(client, app_db):
    params = {"MessageSid": "SM" + "a" * 32, "MessageStatus": "delivered", "From": PHONE,
              "CallSid": "CA" + "b" * 32, "Body": CRISIS}
    signature = twilio_api.sign(AUTH_TOKEN, "http://testserver/api/twilio/status", params)
    for path in ("/api/twilio/sms", "/api/twilio/voice", "/api/twilio/voice?event=transcript"):
        assert signed_post(client, path, params, signature=signature).status_code == 403, path
    assert stored(app_db, Message) == 0


def test_an_unsupported_signature_algorithm_is_refused(client, app_db):
    params = sms_params("hi", from_=PHONE)
    r = client.post("/api/twilio/sms", data=params, headers={
        twilio_api.SIGNATURE_HEADER: twilio_api.sign(AUTH_TOKEN,
                                                     "http://testserver/api/twilio/sms", params),
        twilio_api.SETTINGS_HEADER: "algorithm=HMAC-MD5"})
    assert r.status_code == 403
    assert stored(app_db, Message) == 0


def test_a_replayed_text_is_stored_once_and_answered_once(client, app_db, twilio, clock):
    clock.move_to(NIGHT)  # after hours: the crisis text is answered by text
    params = sms_params(CRISIS, from_=PHONE)
    for _ in range(5):
        assert signed_post(client, "/api/twilio/sms", params).status_code == 200
    assert stored(app_db, Request) == 1
    assert read_db(app_db, lambda s: s.execute(
        select(func.count()).select_from(Message).where(Message.direction == "inbound"))
        .scalar_one()) == 1
    assert len(twilio.sent) == 1
    conv = read_db(app_db, lambda s: s.execute(select(Conversation)).scalar_one())
    assert conv.unread == 1


def test_a_replayed_start_cannot_undo_a_later_stop(client, app_db, twilio):
    engine = make_engine(app_db)
    rid = make_request(engine, phone=PHONE, sms_consent=True, now=FIXED_NOW,
                       received_at=FIXED_NOW)
    start = sms_params("START", from_=PHONE)
    assert signed_post(client, "/api/twilio/sms", start).status_code == 200
    assert signed_post(client, "/api/twilio/sms", sms_params("STOP", from_=PHONE)).status_code \
        == 200
    assert signed_post(client, "/api/twilio/sms", start).status_code == 200  # captured, replayed
    assert read_db(app_db, lambda s: s.get(Request, rid).sms_consent) is False
    with pytest.raises(Exception, match="STOP"):
        outbound.send_text(engine, rid, "hello", actor=audit.Actor(None, "desk"))
    assert twilio.sent == []
    engine.dispose()


def test_a_replayed_status_cannot_undo_a_later_one(client, app_db, twilio):
    engine = make_engine(app_db)
    rid = make_request(engine, phone=PHONE, sms_consent=True, now=FIXED_NOW,
                       received_at=FIXED_NOW)
    outbound.send_text(engine, rid, "hello", actor=audit.Actor(None, "desk"))
    sid = twilio.sent[0]["Sid"]
    sent = {"MessageSid": sid, "MessageStatus": "sent"}
    signed_post(client, "/api/twilio/status", sent)
    signed_post(client, "/api/twilio/status", {"MessageSid": sid, "MessageStatus": "failed",
                                               "ErrorCode": "30003"})
    signed_post(client, "/api/twilio/status", sent)
    msg = read_db(app_db, lambda s: s.execute(select(Message)).scalar_one())
    assert (msg.status, msg.error_code) == ("failed", "30003")
    engine.dispose()


def test_a_body_over_the_limit_is_refused_unread(client, app_db):
    params = sms_params("x" * 70_000, from_=PHONE)
    r = signed_post(client, "/api/twilio/sms", params)
    assert r.status_code == 413
    assert stored(app_db, Message) == 0


def test_with_no_token_configured_nothing_is_accepted(client, app_db, monkeypatch):
    monkeypatch.delenv(twilio_api.AUTH_TOKEN_ENV)
    # Even a signature made with the empty token (HMAC of the URL with key "") is refused.
    params = sms_params(CRISIS, from_=PHONE)
    r = signed_post(client, "/api/twilio/sms", params, token="")
    assert r.status_code == 503
    assert stored(app_db, Message) == 0
