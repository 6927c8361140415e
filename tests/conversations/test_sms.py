"""Two-way texts through the app's Twilio routes, against the mock Twilio (no network):
signed inbound texts become or join the person's request, are assessed for crisis language,
land on the timeline and in the inbox; replies and sends respect consent and STOP."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.apptest import read_db
from tests.clock import FIXED_NOW
from tests.conversations.mock_twilio import CLINIC_NUMBER, signed_post, sms_params
from tests.intake.helpers import make_request
from zoelife import audit, settings
from zoelife.conversations import inbox, outbound, templates, twilio_api
from zoelife.db.engine import make_engine, write_session
from zoelife.db.models import (
    ContactAttempt,
    Conversation,
    Message,
    Request,
    SmsConsentEvent,
)
from zoelife.intake import lifecycle
from zoelife.intake.schedule import change_setting

pytestmark = pytest.mark.usefixtures("clock")

CRISIS = "I don't want to be alive anymore, I have the pills saved up"
ROUTINE = "Hi, do you take Aetna for TMS?"
PHONE = "+12025550143"
# 23:00 in New York on the fixed clock's Wednesday: outside business hours.
NIGHT = dt.datetime(2026, 3, 5, 4, 0, tzinfo=dt.UTC)
DESK = audit.Actor(None, "desk")


def count(db_url, model, *where):
    return read_db(db_url, lambda s: s.execute(
        select(func.count()).select_from(model).where(*where)).scalar_one())


def requests(db_url):
    return read_db(db_url, lambda s: list(s.execute(select(Request).order_by(Request.id))
                                          .scalars()))


def messages(db_url):
    return read_db(db_url, lambda s: list(s.execute(select(Message).order_by(Message.id))
                                          .scalars()))


def engine_of(db_url):
    return make_engine(db_url)


# --------------------------------------------------------------------------- inbound


def test_a_text_from_a_new_number_becomes_a_text_request_on_the_timeline_and_inbox(
        client, app_db, twilio):
    r = signed_post(client, "/api/twilio/sms", sms_params(ROUTINE))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/xml")
    assert "<Response" in r.text and "<Message" not in r.text
    [req] = requests(app_db)
    assert (req.channel, req.source, req.phone, req.message) == ("text", "twilio-sms", PHONE,
                                                                 ROUTINE)
    assert req.sms_consent is True  # they texted us: we may answer by text
    assert req.crisis_level == "none" and req.status == "new"
    [msg] = messages(app_db)
    assert (msg.direction, msg.kind, msg.request_id, msg.body) == ("inbound", "sms", req.id,
                                                                    ROUTINE)
    conv = read_db(app_db, lambda s: s.execute(select(Conversation)).scalar_one())
    assert (conv.phone, conv.request_id, conv.unread, conv.possible_match) == (PHONE, req.id, 1,
                                                                               False)
    assert twilio.sent == []  # business hours: no automatic reply


def test_a_repeated_message_sid_is_stored_once(client, app_db):
    params = sms_params(ROUTINE)
    assert signed_post(client, "/api/twilio/sms", params).status_code == 200
    assert signed_post(client, "/api/twilio/sms", params).status_code == 200
    assert count(app_db, Message) == 1
    assert count(app_db, Request) == 1
    conv = read_db(app_db, lambda s: s.execute(select(Conversation)).scalar_one())
    assert conv.unread == 1


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl", None])
def test_a_missing_or_wrong_signature_is_refused_and_nothing_is_stored(client, app_db,
                                                                       signature):
    params = sms_params(CRISIS)
    if signature is None:
        r = client.post("/api/twilio/sms", data=params)  # no header at all
    else:
        r = signed_post(client, "/api/twilio/sms", params, signature=signature)
    assert r.status_code == 403
    assert CRISIS not in r.text
    assert count(app_db, Message) == 0 and count(app_db, Request) == 0


def test_a_signature_made_with_another_token_is_refused(client, app_db):
    r = signed_post(client, "/api/twilio/sms", sms_params(ROUTINE), token="someone-elses")
    assert r.status_code == 403
    assert count(app_db, Message) == 0


def test_the_signature_is_checked_on_the_configured_public_url(client, app_db, monkeypatch):
    monkeypatch.setenv(twilio_api.PUBLIC_URL_ENV, "https://intake.clinic.example/")
    params = sms_params(ROUTINE)
    # Signed for the URL the request came to (a proxy's inside address): refused.
    assert signed_post(client, "/api/twilio/sms", params).status_code == 403
    assert count(app_db, Message) == 0
    public = "https://intake.clinic.example/api/twilio/sms"
    assert signed_post(client, "/api/twilio/sms", params, url=public).status_code == 200
    assert count(app_db, Message) == 1


def test_without_twilio_credentials_the_routes_answer_503_and_store_nothing(client, app_db,
                                                                             monkeypatch):
    monkeypatch.delenv(twilio_api.AUTH_TOKEN_ENV)
    r = signed_post(client, "/api/twilio/sms", sms_params(ROUTINE))
    assert r.status_code == 503
    assert count(app_db, Message) == 0
    assert not twilio_api.sending_enabled()


def test_a_text_joins_the_open_request_of_that_number_and_crisis_words_raise_it(client,
                                                                                 app_db):
    eng = engine_of(app_db)
    rid = make_request(eng, phone="(202) 555-0143", now=FIXED_NOW, received_at=FIXED_NOW)
    r = signed_post(client, "/api/twilio/sms", sms_params(CRISIS))
    assert r.status_code == 200
    [req] = requests(app_db)  # no second request
    assert req.id == rid and req.crisis_level == "urgent"
    assert req.crisis_acknowledged_at is None and req.crisis_rank == 0  # the queue's banner
    [msg] = messages(app_db)
    assert msg.request_id == rid and msg.crisis_level == "urgent" and msg.crisis_evidence
    # A calm text later never lowers it.
    signed_post(client, "/api/twilio/sms", sms_params("ok thanks, talk tomorrow"))
    assert requests(app_db)[0].crisis_level == "urgent"
    eng.dispose()


def test_an_acknowledged_urgent_request_needs_a_new_acknowledgement_after_a_crisis_text(
        client, app_db):
    eng = engine_of(app_db)
    rid = make_request(eng, phone=PHONE, message="I have thought about killing myself",
                       now=FIXED_NOW, received_at=FIXED_NOW)
    with write_session(eng) as s:
        lifecycle.acknowledge(s, rid, actor=DESK)
    signed_post(client, "/api/twilio/sms", sms_params(ROUTINE))
    assert requests(app_db)[0].crisis_acknowledged_at is not None  # routine: stays acknowledged
    eng.dispose()


def test_several_people_on_one_number_make_a_possible_match(client, app_db):
    eng = engine_of(app_db)
    make_request(eng, phone=PHONE, first_name="Ana", now=FIXED_NOW, received_at=FIXED_NOW)
    later = make_request(eng, phone=PHONE, first_name="Luis", last_name="Other",
                         now=FIXED_NOW, received_at=FIXED_NOW + dt.timedelta(minutes=5))
    signed_post(client, "/api/twilio/sms", sms_params(ROUTINE))
    conv = read_db(app_db, lambda s: s.execute(select(Conversation)).scalar_one())
    assert conv.possible_match is True and conv.request_id == later
    assert count(app_db, Request) == 2
    eng.dispose()


def test_a_closed_request_does_not_take_the_text_a_new_request_does(client, app_db):
    eng = engine_of(app_db)
    old = make_request(eng, phone=PHONE, now=FIXED_NOW, received_at=FIXED_NOW)
    with write_session(eng) as s:
        lifecycle.change_status(s, old, actor=DESK, seen_version=1, to_status="closed",
                              close_reason="declined")
    signed_post(client, "/api/twilio/sms", sms_params(ROUTINE))
    reqs = requests(app_db)
    assert len(reqs) == 2 and reqs[1].channel == "text"
    assert reqs[1].repeat_of_id is None or reqs[1].repeat_of_id == old
    eng.dispose()


# --------------------------------------------------------------------------- after hours


def test_after_hours_an_urgent_text_gets_the_crisis_reply_and_never_the_routine_one(
        client, app_db, twilio, clock):
    clock.move_to(NIGHT)
    signed_post(client, "/api/twilio/sms", sms_params(CRISIS))
    assert len(twilio.sent) == 1
    reply = twilio.sent[0]
    assert reply["To"] == PHONE and reply["From"] == CLINIC_NUMBER
    assert "988" in reply["Body"] and "911" in reply["Body"]
    assert reply["StatusCallback"].endswith("/api/twilio/status")
    out = [m for m in messages(app_db) if m.direction == "outbound"]
    assert [(m.automatic, m.provider_sid) for m in out] == [("after_hours_crisis",
                                                             reply["Sid"])]
    # The same person writes again: still urgent, so no routine auto-reply, ever.
    signed_post(client, "/api/twilio/sms", sms_params("are you there?"))
    assert all(m.automatic != "auto_reply" for m in messages(app_db))


def test_after_hours_a_routine_text_gets_the_auto_reply_once(client, app_db, twilio, clock):
    clock.move_to(NIGHT)
    signed_post(client, "/api/twilio/sms", sms_params(ROUTINE))
    signed_post(client, "/api/twilio/sms", sms_params("also, do you do evenings?"))
    assert len(twilio.sent) == 1
    assert "closed" in twilio.sent[0]["Body"] and "988" in twilio.sent[0]["Body"]
    assert "Zoelife Psychiatric Services" in twilio.sent[0]["Body"]


def test_the_admin_edits_the_after_hours_crisis_text(client, app_db, twilio, clock):
    eng = engine_of(app_db)
    with write_session(eng) as s:
        change_setting(s, "sms_after_hours_crisis_reply",
                       "{clinic}: call 911 now if in danger, or call/text 988.")
    clock.move_to(NIGHT)
    signed_post(client, "/api/twilio/sms", sms_params(CRISIS))
    assert twilio.sent[0]["Body"] == ("Zoelife Psychiatric Services: call 911 now if in danger, "
                                      "or call/text 988.")
    eng.dispose()


# --------------------------------------------------------------------------- consent


def test_stop_opts_the_number_out_everywhere_and_start_opts_it_back_in(client, app_db, twilio):
    eng = engine_of(app_db)
    rid = make_request(eng, phone=PHONE, sms_consent=True, now=FIXED_NOW, received_at=FIXED_NOW)
    signed_post(client, "/api/twilio/sms", sms_params("STOP"))
    assert requests(app_db)[0].sms_consent is False
    events = read_db(app_db, lambda s: [(e.consent, e.via) for e in
                                        s.execute(select(SmsConsentEvent)).scalars()])
    assert events == [(False, "stop")]
    with pytest.raises(lifecycle.LifecycleError, match="STOP"):
        outbound.send_text(eng, rid, "Hello", actor=DESK)
    assert twilio.sent == []  # nothing left for Twilio
    signed_post(client, "/api/twilio/sms", sms_params("start"))
    assert requests(app_db)[0].sms_consent is True
    outbound.send_text(eng, rid, "Welcome back", actor=DESK)
    assert [m["Body"] for m in twilio.sent] == ["Welcome back"]
    eng.dispose()


def test_a_keyword_alone_from_an_unknown_number_makes_no_request(client, app_db):
    signed_post(client, "/api/twilio/sms", sms_params("STOP", from_="+12025550199"))
    assert count(app_db, Request) == 0
    assert count(app_db, SmsConsentEvent) == 1


def test_help_is_answered_only_when_keyword_replies_are_on(client, app_db, twilio):
    signed_post(client, "/api/twilio/sms", sms_params("HELP"))
    assert twilio.sent == []
    eng = engine_of(app_db)
    with write_session(eng) as s:
        change_setting(s, "sms_keyword_replies", True)
    signed_post(client, "/api/twilio/sms", sms_params("help"))
    assert len(twilio.sent) == 1 and "STOP" in twilio.sent[0]["Body"]
    eng.dispose()


def test_nothing_is_sent_without_sms_consent(app_db, twilio):
    eng = engine_of(app_db)
    rid = make_request(eng, phone=PHONE, sms_consent=None, now=FIXED_NOW, received_at=FIXED_NOW)
    with pytest.raises(lifecycle.LifecycleError, match="consent"):
        outbound.send_text(eng, rid, "Hello", actor=DESK)
    assert twilio.sent == [] and count(app_db, Message) == 0
    eng.dispose()


# --------------------------------------------------------------------------- outbound


def test_a_sent_text_is_an_attempt_and_their_answer_reaches_them(client, app_db, twilio):
    eng = engine_of(app_db)
    rid = make_request(eng, phone=PHONE, sms_consent=True, first_name="Dana", now=FIXED_NOW,
                       received_at=FIXED_NOW)
    with write_session(eng) as s:
        template = templates.save_template(s, actor=DESK, name="First contact",
                                           body="Hi {first_name}, this is {clinic}.")
        body = templates.render(template.body, first_name="Dana", clinic="Zoelife")
    outbound.send_text(eng, rid, body, actor=DESK, template_id=template.id)
    assert twilio.sent[0]["Body"] == "Hi Dana, this is Zoelife."
    assert twilio.sent[0]["To"] == PHONE
    attempts = read_db(app_db, lambda s: [(a.method, a.outcome) for a in
                                          s.execute(select(ContactAttempt)).scalars()])
    assert attempts == [("text", "message_sent")]
    assert requests(app_db)[0].status == "attempted"
    signed_post(client, "/api/twilio/sms", sms_params("Yes please call me after 3"))
    attempts = read_db(app_db, lambda s: [(a.method, a.outcome) for a in s.execute(
        select(ContactAttempt).order_by(ContactAttempt.id)).scalars()])
    assert attempts == [("text", "message_sent"), ("text", "reached")]
    req = requests(app_db)[0]
    assert req.status == "in_progress" and req.reached_at is not None
    timeline = read_db(app_db, lambda s: [(m.direction, m.body) for m in
                                          inbox.request_messages(s, rid)])
    assert timeline == [("outbound", "Hi Dana, this is Zoelife."),
                        ("inbound", "Yes please call me after 3")]
    eng.dispose()


def test_delivery_status_moves_forward_only(client, app_db, twilio):
    eng = engine_of(app_db)
    rid = make_request(eng, phone=PHONE, sms_consent=True, now=FIXED_NOW, received_at=FIXED_NOW)
    outbound.send_text(eng, rid, "Hello", actor=DESK)
    sid = twilio.sent[0]["Sid"]
    for status in ("sent", "delivered", "sent"):
        r = signed_post(client, "/api/twilio/status", {"MessageSid": sid, "MessageStatus": status,
                                                        "AccountSid": "AC1"})
        assert r.status_code == 204
    assert messages(app_db)[0].status == "delivered"
    # An unknown sid changes nothing.
    signed_post(client, "/api/twilio/status", {"MessageSid": "SMunknown",
                                               "MessageStatus": "failed"})
    assert messages(app_db)[0].status == "delivered"
    eng.dispose()


def test_a_carrier_opt_out_error_records_the_opt_out(client, app_db, twilio):
    eng = engine_of(app_db)
    rid = make_request(eng, phone=PHONE, sms_consent=True, now=FIXED_NOW, received_at=FIXED_NOW)
    outbound.send_text(eng, rid, "Hello", actor=DESK)
    signed_post(client, "/api/twilio/status", {"MessageSid": twilio.sent[0]["Sid"],
                                               "MessageStatus": "undelivered",
                                               "ErrorCode": "21610"})
    assert requests(app_db)[0].sms_consent is False
    eng.dispose()


def test_a_refused_send_is_kept_as_failed_and_is_not_an_attempt(app_db, twilio):
    eng = engine_of(app_db)
    rid = make_request(eng, phone=PHONE, sms_consent=True, now=FIXED_NOW, received_at=FIXED_NOW)
    twilio.refuse_code = 21211
    with pytest.raises(lifecycle.LifecycleError, match="21211"):
        outbound.send_text(eng, rid, "Hello", actor=DESK)
    [msg] = messages(app_db)
    assert (msg.status, msg.error_code) == ("failed", "21211")
    assert count(app_db, ContactAttempt) == 0
    eng.dispose()


def test_texting_is_off_without_credentials(app_db, monkeypatch):
    for name in (twilio_api.ACCOUNT_SID_ENV, twilio_api.AUTH_TOKEN_ENV, twilio_api.FROM_ENV):
        monkeypatch.delenv(name, raising=False)
    eng = engine_of(app_db)
    rid = make_request(eng, phone=PHONE, sms_consent=True, now=FIXED_NOW, received_at=FIXED_NOW)
    with pytest.raises(lifecycle.LifecycleError, match="off"):
        outbound.send_text(eng, rid, "Hello", actor=DESK)
    eng.dispose()


def test_templates_take_only_first_name_and_clinic():
    body = "Hi {first_name} from {clinic}"
    assert templates.check_template(body) == body
    with pytest.raises(lifecycle.LifecycleError, match="diagnosis"):
        templates.check_template("Hi {first_name}, about your {diagnosis}")
    assert templates.render("Hi {first_name}", first_name=None, clinic="Z") == "Hi there"


def test_the_webhook_logs_name_no_number_and_no_words(client, app_db, caplog):
    caplog.set_level("DEBUG")
    signed_post(client, "/api/twilio/sms", sms_params(CRISIS))
    signed_post(client, "/api/twilio/sms", sms_params(CRISIS), token="forged")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "5550143" not in logged and "pills" not in logged


def test_open_pages_learn_which_requests_new_words_made_urgent(client, app_db):
    from zoelife.intake import arrivals

    eng = engine_of(app_db)
    rid = make_request(eng, phone=PHONE, now=FIXED_NOW, received_at=FIXED_NOW)
    before = read_db(app_db, arrivals.latest_urgent_change_id)
    signed_post(client, "/api/twilio/sms", sms_params(CRISIS, from_="+12025550111"))  # new
    signed_post(client, "/api/twilio/sms", sms_params(CRISIS))  # raises the open request
    assert read_db(app_db, arrivals.latest_urgent_change_id) > before
    assert read_db(app_db, lambda s: arrivals.raised_after(s, before)) == [rid]
    eng.dispose()


def test_the_admin_texts_take_only_the_two_placeholders_and_the_crisis_reply_keeps_988_911():
    with pytest.raises(settings.SettingError, match="diagnosis"):
        settings.validate("sms_auto_reply", "Hi {first_name}, about your {diagnosis}")
    with pytest.raises(settings.SettingError, match="988 and 911"):
        settings.validate("sms_after_hours_crisis_reply", "We are closed; call 911.")
    assert settings.validate("sms_auto_reply", "") == ""  # no routine auto-reply
    text = "{clinic} is closed. In danger: 911. Crisis line: call or text 988."
    assert settings.validate("sms_after_hours_crisis_reply", text) == text


@pytest.fixture
def oncall_hook():
    """A stand-in for the clinic's paging webhook: records what it is posted."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args):
            pass

        def do_POST(self):  # noqa: N802 - http.server's name
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/page", received
    server.shutdown()
    server.server_close()


def test_after_hours_a_crisis_text_alerts_the_on_call_contacts_at_once(client, app_db, clock,
                                                                       oncall_hook):
    url, received = oncall_hook
    eng = engine_of(app_db)
    with write_session(eng) as s:
        change_setting(s, "oncall_webhook_url", url)
    signed_post(client, "/api/twilio/sms", sms_params(CRISIS, from_="+12025550121"))
    assert received == []  # business hours: the desk has its minutes to acknowledge
    clock.move_to(NIGHT)
    signed_post(client, "/api/twilio/sms", sms_params(CRISIS))
    assert len(received) == 1  # no wait for the server's next round
    alert = str(received[0])
    assert "pills" not in alert and "5550143" not in alert  # no patient data
    req = [r for r in requests(app_db) if r.phone == PHONE][0]
    assert req.oncall_notified_at is not None and str(req.id) in alert
    eng.dispose()
