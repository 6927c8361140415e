"""What a missed call, a voicemail and its transcript do to the clinic's records: a contact the
person made on their request (a new one, channel `phone`, when none is open), a text-back when
the clinic allows it, and the transcript assessed like any message.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.conversations import twilio_api
from zoelife.conversations.consent import WEBHOOK_ACTOR, may_text
from zoelife.conversations.inbound import (
    Received,
    after_hours_reply,
    match_or_create,
    number_of,
    once_per_sid,
    queue_reply,
    raise_level,
    schedule_and_settings,
    waits_urgent,
    with_context,
)
from zoelife.conversations.outbound import conversation_for
from zoelife.conversations.templates import render
from zoelife.db.engine import write_session
from zoelife.db.models import ContactAttempt, Conversation, Message, Request
from zoelife.intake.assessment import assess_input, evidence_json
from zoelife.intake.inputs import RequestInput
from zoelife.triage import assess

VOICE_SOURCE = "twilio-voice"


def _caller_attempt(session: Session, request_id: int, *, method: str, outcome: str,
                    note: str, now: dt.datetime) -> None:
    """A contact the person made (a missed call, a voicemail): on the attempts list, by
    nobody at the clinic; the cadence and the request's status are not moved by it."""
    session.add(ContactAttempt(request_id=request_id, attempted_at=now, staff_user_id=None,
                               method=method, outcome=outcome, note=note, created_at=now))


@once_per_sid
def record_missed_call(engine, params: dict[str, str], *, now: dt.datetime | None = None
                       ) -> Received:
    """A call nobody answered: on the caller's request (a new one, channel `phone`, when
    none is open) as a contact they made, and a text-back when the clinic allows it."""
    now = now or dt.datetime.now(dt.UTC)
    sid = (params.get("CallSid") or "").strip()[:64]
    if not sid:
        raise ValueError("no CallSid")
    raw_from = params.get("From", "")
    number, usable = number_of(raw_from)
    inp = RequestInput(source=VOICE_SOURCE, external_id=sid, channel="phone", phone=raw_from,
                       message=None, received_at=now, arrived_at=now)
    assessment = assess_input(inp)
    schedule, values = schedule_and_settings(engine)
    with write_session(engine) as session:
        if session.execute(select(Message.id).where(Message.provider_sid == sid)).first():
            return Received(stored=False)
        conv = conversation_for(session, number, now)
        matched = match_or_create(session, number, inp if usable else None, assessment,
                                  schedule, now)
        request = matched.request
        msg = Message(conversation_id=conv.id, request_id=request.id if request else None,
                      direction="inbound", kind="missed_call", body=None, provider_sid=sid,
                      status="missed", crisis_level="none", crisis_evidence=[],
                      created_at=now, updated_at=now)
        session.add(msg)
        session.flush()
        if request is not None and request.is_open:
            _caller_attempt(session, request.id, method="call", outcome="no_answer",
                            note="They called; nobody answered (missed call).", now=now)
        conv.request_id = request.id if request else conv.request_id
        conv.possible_match = matched.possible_match
        conv.unread += 1
        conv.last_message_at = conv.last_inbound_at = now
        reply = None
        if (values["sms_missed_call_text_back"] and request is not None
                and may_text(session, request)[0]):
            reply = queue_reply(session, conv, request,
                                render(values["sms_missed_call_text"],
                                       first_name=request.first_name,
                                       clinic=values["clinic_name"]),
                                automatic="text_back", now=now)
        audit.record(session, WEBHOOK_ACTOR, "message.receive", "request",
                     request.id if request else None, {"kind": "missed_call"})
        return Received(True, request.id if request else None, msg.id, "none",
                        matched.created, matched.possible_match, [reply.id] if reply else [])


def _voicemail(session: Session, params: dict[str, str], now: dt.datetime
               ) -> tuple[Message | None, Conversation | None, bool]:
    """The voicemail message of this recording (created on the first callback to arrive)."""
    rec_sid = (params.get("RecordingSid") or "").strip()[:64]
    if not rec_sid:
        raise ValueError("no RecordingSid")
    msg = session.execute(select(Message).where(Message.provider_sid == rec_sid)).scalar()
    if msg is not None:
        return msg, session.get(Conversation, msg.conversation_id), False
    number, _ = number_of(params.get("From") or params.get("Caller"))
    conv = conversation_for(session, number, now)
    # The missed call this voicemail follows belongs to its request.
    call = session.execute(select(Message).where(
        Message.provider_sid == (params.get("CallSid") or "").strip()[:64])).scalar()
    request_id = call.request_id if call is not None else conv.request_id
    msg = Message(conversation_id=conv.id, request_id=request_id, direction="inbound",
                  kind="voicemail", body=None, provider_sid=rec_sid, status="recorded",
                  recording_url=twilio_api.recording_link(params.get("RecordingUrl")),
                  crisis_level="none", crisis_evidence=[], created_at=now, updated_at=now)
    session.add(msg)
    session.flush()
    if request_id is not None:
        request = session.get(Request, request_id)
        if request is not None and request.is_open:
            _caller_attempt(session, request_id, method="call", outcome="left_voicemail",
                            note="They left a voicemail.", now=now)
    conv.unread += 1
    conv.last_message_at = conv.last_inbound_at = now
    return msg, conv, True


def record_voicemail(engine, params: dict[str, str], *, now: dt.datetime | None = None
                     ) -> Received:
    """Twilio's recording callback: the voicemail on the timeline, its audio linked."""
    now = now or dt.datetime.now(dt.UTC)
    with write_session(engine) as session:
        msg, _conv, created = _voicemail(session, params, now)
        if created:
            audit.record(session, WEBHOOK_ACTOR, "message.receive", "request", msg.request_id,
                         {"kind": "voicemail"})
        return Received(created, msg.request_id, msg.id)


def record_transcript(engine, params: dict[str, str], *, now: dt.datetime | None = None
                      ) -> Received:
    """The voicemail's transcript: stored once and assessed like any message (the crisis
    level rises, the after-hours crisis reply goes to an urgent one)."""
    now = now or dt.datetime.now(dt.UTC)
    transcript = (params.get("TranscriptionText") or "").strip()[:10_000]
    if (params.get("TranscriptionStatus") or "completed").lower() != "completed":
        transcript = ""
    assessment = assess(transcript)
    number, usable = number_of(params.get("From") or params.get("Caller"))
    in_context = (with_context(engine, number, transcript, assessment) if usable
                  else assessment)
    schedule, values = schedule_and_settings(engine)
    with write_session(engine) as session:
        msg, conv, _ = _voicemail(session, params, now)
        if msg.body is not None or not transcript:
            return Received(False, msg.request_id, msg.id)
        msg.body = transcript
        msg.crisis_level = assessment.crisis
        msg.crisis_evidence = evidence_json(assessment)
        msg.updated_at = now
        request = session.get(Request, msg.request_id) if msg.request_id else None
        if request is not None:
            raise_level(session, request, in_context, schedule, now)
        reply = None
        if assessment.crisis == "urgent" and request is not None and request.sms_consent is True:
            reply = after_hours_reply(session, conv, request, assessment, values, schedule, now)
        audit.record(session, WEBHOOK_ACTOR, "message.transcript", "request", msg.request_id,
                     {"kind": "voicemail", "crisis_level": assessment.crisis})
        return Received(True, msg.request_id, msg.id, assessment.crisis,
                        outbound=[reply.id] if reply else [], oncall=waits_urgent(request))
