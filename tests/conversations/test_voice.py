"""Missed calls and voicemail through the voice webhook, against the mock Twilio: the missed
call is a contact the caller made, the text-back goes only when the clinic allows it and the
person may be texted, and the voicemail's transcript is stored (the audio stays with Twilio)
and assessed like any message."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.apptest import read_db
from tests.clock import FIXED_NOW
from tests.conversations.mock_twilio import ACCOUNT_SID, CLINIC_NUMBER, signed_post
from tests.intake.helpers import make_request
from zoelife.conversations import twilio_api
from zoelife.db.engine import make_engine, write_session
from zoelife.db.models import ContactAttempt, Message, Request
from zoelife.intake.schedule import change_setting

pytestmark = pytest.mark.usefixtures("clock")

CALLER = "+12025550177"
NIGHT = dt.datetime(2026, 3, 5, 4, 0, tzinfo=dt.UTC)
RECORDING = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/RE1"


def call(sid="CA1", from_=CALLER, **extra):
    return {"CallSid": sid, "AccountSid": ACCOUNT_SID, "From": from_, "To": CLINIC_NUMBER,
            "CallStatus": "ringing", "Direction": "inbound"} | extra


def recording(sid="CA1", rec="RE1", **extra):
    return call(sid) | {"RecordingSid": rec, "RecordingUrl": RECORDING,
                        "RecordingDuration": "14"} | extra


def rows(db_url, model):
    return read_db(db_url, lambda s: list(s.execute(select(model).order_by(model.id))
                                          .scalars()))


def allow_text_back(db_url):
    engine = make_engine(db_url)
    with write_session(engine) as s:
        change_setting(s, "sms_missed_call_text_back", True)
    engine.dispose()


def test_a_missed_call_from_a_new_number_is_a_phone_request_and_goes_to_voicemail(client,
                                                                                  app_db):
    r = signed_post(client, "/api/twilio/voice", call())
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    assert "<Record" in r.text and "event=recorded" in r.text and "event=transcript" in r.text
    assert "Zoelife Psychiatric Services" in r.text  # the greeting names the clinic
    [req] = rows(app_db, Request)
    assert (req.channel, req.source, req.phone) == ("phone", "twilio-voice", CALLER)
    [msg] = rows(app_db, Message)
    assert (msg.kind, msg.direction, msg.status, msg.request_id) == ("missed_call", "inbound",
                                                                      "missed", req.id)
    [attempt] = rows(app_db, ContactAttempt)
    assert (attempt.method, attempt.outcome, attempt.staff_user_id) == ("call", "no_answer",
                                                                         None)
    assert "They called" in attempt.note
    assert req.attempt_count == 0 and req.status == "new"  # their call is not our attempt
    # Twilio repeating the call's webhook stores nothing more.
    signed_post(client, "/api/twilio/voice", call())
    assert len(rows(app_db, Message)) == 1 and len(rows(app_db, Request)) == 1


def test_the_text_back_goes_only_when_allowed_and_to_a_person_who_may_be_texted(client,
                                                                                  app_db,
                                                                                  twilio):
    engine = make_engine(app_db)
    make_request(engine, phone=CALLER, first_name="Ivy", sms_consent=True, now=FIXED_NOW,
                 received_at=FIXED_NOW)
    make_request(engine, phone="+12025550178", sms_consent=None, now=FIXED_NOW,
                 received_at=FIXED_NOW)
    engine.dispose()
    signed_post(client, "/api/twilio/voice", call("CA1"))
    assert twilio.sent == []  # the clinic has not turned the text-back on
    allow_text_back(app_db)
    signed_post(client, "/api/twilio/voice", call("CA2"))
    signed_post(client, "/api/twilio/voice", call("CA3", from_="+12025550178"))  # no consent
    assert [m["To"] for m in twilio.sent] == [CALLER]
    assert "Sorry we missed your call" in twilio.sent[0]["Body"]
    back = [m for m in rows(app_db, Message) if m.direction == "outbound"]
    assert [(m.automatic, m.provider_sid) for m in back] == [("text_back", twilio.sent[0]["Sid"])]


def test_a_forwarded_call_rings_the_desk_first_and_an_answered_one_records_nothing(
        client, app_db, monkeypatch):
    monkeypatch.setenv(twilio_api.FORWARD_TO_ENV, "+12025550100")
    r = signed_post(client, "/api/twilio/voice", call())
    assert "<Dial" in r.text and "+12025550100" in r.text and "event=dial" in r.text
    assert rows(app_db, Message) == []
    answered = signed_post(client, "/api/twilio/voice?event=dial",
                           call(DialCallStatus="completed"),
                           url="http://testserver/api/twilio/voice?event=dial")
    assert "<Hangup" in answered.text and rows(app_db, Message) == []
    missed = signed_post(client, "/api/twilio/voice?event=dial", call(DialCallStatus="no-answer"),
                         url="http://testserver/api/twilio/voice?event=dial")
    assert "<Record" in missed.text
    assert [m.kind for m in rows(app_db, Message)] == ["missed_call"]


def test_a_voicemail_transcript_with_crisis_words_raises_the_request_and_links_the_audio(
        client, app_db, twilio, clock):
    engine = make_engine(app_db)
    rid = make_request(engine, phone=CALLER, sms_consent=True, now=FIXED_NOW,
                       received_at=FIXED_NOW)
    engine.dispose()
    clock.move_to(NIGHT)
    signed_post(client, "/api/twilio/voice", call())
    voice = "http://testserver/api/twilio/voice"
    signed_post(client, "/api/twilio/voice?event=recorded", recording(),
                url=voice + "?event=recorded")
    words = "hi it's Mara, I took all my pills and I don't want to wake up"
    r = signed_post(client, "/api/twilio/voice?event=transcript",
                    recording(TranscriptionText=words, TranscriptionStatus="completed"),
                    url=voice + "?event=transcript")
    assert r.status_code == 200
    vm = [m for m in rows(app_db, Message) if m.kind == "voicemail"]
    assert len(vm) == 1
    assert (vm[0].body, vm[0].recording_url, vm[0].crisis_level) == (words, RECORDING, "urgent")
    req = rows(app_db, Request)[0]
    assert req.id == rid and req.crisis_level == "urgent" and req.crisis_acknowledged_at is None
    outcomes = [a.outcome for a in rows(app_db, ContactAttempt)]
    assert outcomes == ["no_answer", "left_voicemail"]
    # After hours, the urgent voicemail of a person with texting consent gets the crisis reply.
    assert len(twilio.sent) == 1 and "988" in twilio.sent[0]["Body"]
    # The same transcript again: stored once, nothing sent twice.
    signed_post(client, "/api/twilio/voice?event=transcript",
                recording(TranscriptionText=words, TranscriptionStatus="completed"),
                url=voice + "?event=transcript")
    assert len(twilio.sent) == 1


def test_a_transcript_arriving_before_the_recording_callback_is_kept(client, app_db):
    signed_post(client, "/api/twilio/voice", call())
    voice = "http://testserver/api/twilio/voice"
    signed_post(client, "/api/twilio/voice?event=transcript",
                recording(TranscriptionText="please call me back about TMS",
                          TranscriptionStatus="completed"), url=voice + "?event=transcript")
    signed_post(client, "/api/twilio/voice?event=recorded", recording(),
                url=voice + "?event=recorded")
    vm = [m for m in rows(app_db, Message) if m.kind == "voicemail"]
    assert len(vm) == 1 and vm[0].body == "please call me back about TMS"
    assert vm[0].request_id == rows(app_db, Request)[0].id


def test_a_voice_callback_signed_for_another_event_is_refused(client, app_db):
    voice = "http://testserver/api/twilio/voice"
    r = signed_post(client, "/api/twilio/voice?event=transcript",
                    recording(TranscriptionText="x"), url=voice + "?event=recorded")
    assert r.status_code == 403
    assert rows(app_db, Message) == []


def test_only_a_twilio_recording_address_is_linked(client, app_db):
    voice = "http://testserver/api/twilio/voice"
    for rec, url in (("RE7", "https://evil.example/a.mp3"),
                     ("RE8", "http://api.twilio.com/x"),
                     ("RE9", "https://api.twilio.com.evil.example/x")):
        signed_post(client, "/api/twilio/voice?event=recorded",
                    recording(sid="CA7", rec=rec, RecordingUrl=url), url=voice + "?event=recorded")
    assert [m.recording_url for m in rows(app_db, Message)] == [None, None, None]
