"""What a text from a person does to the clinic's records, and what texts, missed calls and
voicemails (`zoelife.conversations.calls`) share.

Inbound (the webhooks, `zoelife.conversations.webhooks`):
- every delivery is stored once, by Twilio's sid (MessageSid, CallSid, RecordingSid);
- the number is matched to the person's open request (the most recent; when open requests of
  several people share the number, the conversation is marked a **possible match**); with none
  open, a new request comes in as a batch of one through the import's stages
  (`ingest.pipeline.match.receive_batch`; channel `text`, or `phone` for a missed call), as
  every other way in that is not a file;
- every word is assessed (`zoelife.triage.assess`) before the write transaction and raises the
  request's crisis level, never lowers it (`intake.assessment.raise_crisis_from_text`): an urgent
  rise clears the acknowledgement, so every front-desk screen shows it and the on-call check
  alerts outside business hours, as for any urgent request;
- outside business hours an urgent message is answered with the crisis reply (988 and 911,
  the admin's text); any other text with the routine auto-reply, never an urgent one;
- STOP, START and HELP are the carriers' keywords: consent is recorded per number
  (`sms_consent_events`) and on every request with that number.

Outbound texts, templates and consent: `outbound`, `templates`, `consent`.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zoelife import audit, settings
from zoelife.conversations import twilio_api
from zoelife.conversations.consent import (
    START_CONFIRMATION,
    STOP_CONFIRMATION,
    WEBHOOK_ACTOR,
    keyword_of,
    opted_out,
    record_consent,
)
from zoelife.conversations.outbound import conversation_for, deliver
from zoelife.conversations.templates import MAX_BODY_CHARS, render
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import Conversation, Message, Request
from zoelife.ingest.pipeline.match import receive_batch
from zoelife.intake import lifecycle
from zoelife.intake.assessment import (
    assess_input,
    evidence_json,
    raise_crisis_from_text,
    reassessed_extra_text,
)
from zoelife.intake.inputs import RequestInput
from zoelife.intake.normalize import normalize_phone
from zoelife.intake.oncall import check_and_alert
from zoelife.intake.schedule import Schedule
from zoelife.triage import CRISIS_RANK, Assessment, assess

SMS_SOURCE = "twilio-sms"
ROUTINE_REPLY_GAP = dt.timedelta(hours=12)
CRISIS_REPLY_GAP = dt.timedelta(hours=1)


def number_of(raw: str | None) -> tuple[str, bool]:
    """The E.164 number (or the sender as given, for a short code or a hidden number), and
    whether it is a usable phone."""
    found = normalize_phone(raw)
    if found.value:
        return found.value, True
    return (raw or "").strip()[:32] or "unknown", False


def _open_requests(session: Session, phone: str) -> list[Request]:
    return list(session.execute(
        select(Request).where(Request.phone == phone, Request.is_open.is_(True))
        .order_by(Request.received_at.desc(), Request.id.desc()).limit(50)).scalars())


@dataclass
class Matched:
    request: Request | None
    possible_match: bool
    created: bool


def match_or_create(session: Session, number: str, inp: RequestInput | None,
                    assessment: Assessment, schedule: Schedule, now: dt.datetime) -> Matched:
    """The person's open request, or a new one through the intake (when `inp` is given)."""
    found = _open_requests(session, number)
    people = {r.person_id for r in found}
    if found:
        return Matched(found[0], len(people) > 1, False)
    if inp is None:
        return Matched(None, False, False)
    # A batch of one through the import's stages, as every way in that is not a file.
    (out,) = receive_batch(session, [inp], schedule=schedule, now=now, actor=WEBHOOK_ACTOR,
                           assessments=[assessment])
    request = session.get(Request, out.request_id) if out.request_id else None
    return Matched(request, out.possible_matches > 0, out.kind == "created")


def _contacted_before(session: Session, request: Request) -> bool:
    if request.attempt_count:
        return True
    return session.execute(select(Message.id).where(
        Message.request_id == request.id, Message.direction == "outbound",
        Message.automatic.is_(None)).limit(1)).first() is not None


def with_context(engine, number: str, words: str, assessment: Assessment) -> Assessment:
    """The message read on its own and, before the write transaction (its holder makes every
    other writer of the process wait), read again after the text of the number's open request:
    a message that only alarms in context ("I still feel that way") raises it too."""
    if not words.strip() or assessment.crisis == "urgent":
        return assessment  # nothing to add: urgent is as high as it goes
    with read_session(engine) as session:
        found = _open_requests(session, number)
        context = ((found[0].message or "") + "\n" + reassessed_extra_text(found[0].extra)
                   if found else "")
    if not context.strip():
        return assessment
    together = assess(context + "\n" + words)
    return together if CRISIS_RANK[together.crisis] > CRISIS_RANK[assessment.crisis] \
        else assessment


def raise_level(session: Session, request: Request, assessment: Assessment,
                schedule: Schedule, now: dt.datetime) -> bool:
    """New words raise the request's level, never lower it (the intake's one rule). The
    words were assessed before the transaction (`with_context`): nothing is read again here
    (`text=""`); the request's stored evidence, which points into its own message, is
    replaced only when the level rises."""
    raised = raise_crisis_from_text(session, request, schedule, now=now, text="",
                                    also=assessment)
    if raised:
        request.updated_at = now
    return raised


def queue_reply(session: Session, conv: Conversation, request: Request | None, body: str,
                *, automatic: str, now: dt.datetime) -> Message | None:
    """An automatic text, stored before it is sent (`deliver` sends it after the commit)."""
    if not body.strip() or not twilio_api.sending_enabled():
        return None
    msg = Message(conversation_id=conv.id, request_id=request.id if request else None,
                  direction="outbound", kind="sms", body=body[:MAX_BODY_CHARS], status="queued",
                  automatic=automatic, crisis_level="none", crisis_evidence=[], created_at=now,
                  updated_at=now)
    session.add(msg)
    session.flush()
    return msg


def _recent_automatic(session: Session, conv: Conversation, kind: str,
                      since: dt.datetime) -> bool:
    return session.execute(select(Message.id).where(
        Message.conversation_id == conv.id, Message.automatic == kind,
        Message.created_at >= since).limit(1)).first() is not None


def after_hours_reply(session: Session, conv: Conversation, request: Request | None,
                      assessment: Assessment, values: dict, schedule: Schedule,
                      now: dt.datetime) -> Message | None:
    """Outside business hours: the crisis reply to anything urgent (the message, or the
    request it belongs to), else the routine auto-reply; never both, never the routine one in
    answer to an urgent message. Nothing to a number that opted out."""
    if schedule.is_business_time(now) or opted_out(session, conv.phone):
        return None
    clinic = values["clinic_name"]
    first = request.first_name if request else None
    message_urgent = assessment.crisis == "urgent"
    request_urgent = request is not None and request.crisis_level == "urgent"
    if message_urgent or request_urgent:
        if not message_urgent and _recent_automatic(session, conv, "after_hours_crisis",
                                                    now - CRISIS_REPLY_GAP):
            return None
        return queue_reply(session, conv, request,
                           render(values["sms_after_hours_crisis_reply"], first_name=first,
                                  clinic=clinic), automatic="after_hours_crisis", now=now)
    if _recent_automatic(session, conv, "auto_reply", now - ROUTINE_REPLY_GAP):
        return None
    return queue_reply(session, conv, request,
                       render(values["sms_auto_reply"], first_name=first, clinic=clinic),
                       automatic="auto_reply", now=now)


@dataclass
class Received:
    """What became of one webhook delivery."""

    stored: bool  # False: Twilio repeated a delivery already stored
    request_id: int | None = None
    message_id: int | None = None
    crisis: str = "none"
    created: bool = False
    possible_match: bool = False
    outbound: list[int] = field(default_factory=list)  # automatic texts to deliver now
    # The request waits as urgent and unacknowledged after this delivery: the on-call check
    # runs at once (outside business hours it alerts at once) instead of at its next round.
    oncall: bool = False


def waits_urgent(request: Request | None) -> bool:
    return (request is not None and request.crisis_level == "urgent"
            and request.crisis_acknowledged_at is None and request.oncall_notified_at is None)


def after_commit(engine, outbound: list[int], oncall: bool) -> None:
    """What a webhook does once its answer is on the way: send the automatic texts, and run
    the on-call check when an urgent request waits (it decides whether to alert now)."""
    if outbound:
        deliver(engine, outbound)
    if oncall:
        try:
            check_and_alert(engine)
        except Exception as exc:  # noqa: BLE001 - the server's own round retries
            logging.getLogger(__name__).warning("on-call check after a text failed: %s",
                                                type(exc).__name__)


def schedule_and_settings(engine) -> tuple[Schedule, dict[str, Any]]:
    with read_session(engine) as session:
        values = settings.load(session)
    return Schedule.from_settings(values), values


def once_per_sid(fn):
    """Twilio may deliver the same sid twice at the same moment (a retry racing the first):
    on PostgreSQL both transactions can pass the "already stored?" check, and the second
    then fails on the unique sid (or intake key). That is a repeat, not an error. Two texts
    from a new number at the same moment race to create its conversation the same way: the
    loser is run again once (it then finds the conversation)."""

    @functools.wraps(fn)
    def wrapper(engine, params, **kw):
        sid = (params.get("MessageSid") or params.get("SmsSid") or params.get("CallSid")
               or "").strip()[:64]
        for attempt in (1, 2):
            try:
                return fn(engine, params, **kw)
            except IntegrityError:
                with read_session(engine) as session:
                    if sid and session.execute(select(Message.id).where(
                            Message.provider_sid == sid)).first():
                        return Received(stored=False)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover
    return wrapper


@once_per_sid
def receive_sms(engine, params: dict[str, str], *, now: dt.datetime | None = None) -> Received:
    """One inbound text (Twilio's webhook parameters), stored, matched, assessed, answered."""
    now = now or dt.datetime.now(dt.UTC)
    sid = (params.get("MessageSid") or params.get("SmsSid") or "").strip()[:64]
    if not sid:
        raise ValueError("no MessageSid")
    raw_from = params.get("From", "")
    body = (params.get("Body") or "")[:MAX_BODY_CHARS]
    media = int(params.get("NumMedia") or 0) if str(params.get("NumMedia") or "0").isdigit() else 0
    if media and not body.strip():
        body = f"(a picture or file: {media}, kept with Twilio)"
    number, usable = number_of(raw_from)
    keyword = keyword_of(body)
    inp = RequestInput(source=SMS_SOURCE, external_id=sid, channel="text", phone=raw_from,
                       message=body or None, received_at=now, arrived_at=now,
                       sms_consent=True)
    # Triage before the write transaction: every writer of the process waits for its holder.
    assessment = assess_input(inp)
    in_context = with_context(engine, number, body, assessment) if usable else assessment
    schedule, values = schedule_and_settings(engine)
    with write_session(engine) as session:
        if session.execute(select(Message.id).where(Message.provider_sid == sid)).first():
            return Received(stored=False)
        conv = conversation_for(session, number, now)
        out_of = opted_out(session, number)
        inp.sms_consent = not out_of
        # A keyword alone from a number without an open request is not a request for care.
        create = keyword is None and bool(body.strip())
        matched = match_or_create(session, number, inp if create else None, assessment,
                                  schedule, now)
        request = matched.request
        msg = Message(conversation_id=conv.id, request_id=request.id if request else None,
                      direction="inbound", kind="sms", body=body, provider_sid=sid,
                      status="received", crisis_level=assessment.crisis,
                      crisis_evidence=evidence_json(assessment), created_at=now, updated_at=now)
        session.add(msg)
        session.flush()
        if keyword == "stop":
            record_consent(session, number, False, via="stop", now=now, message_id=msg.id)
        elif keyword == "start":
            record_consent(session, number, True, via="start", now=now, message_id=msg.id)
        elif (not out_of and usable and request is not None
              and request.sms_consent is not True):
            record_consent(session, number, True, via="texted_in", now=now, message_id=msg.id)
        if request is not None and not matched.created:
            raise_level(session, request, in_context, schedule, now)
            if keyword != "stop" and request.is_open and _contacted_before(session, request):
                lifecycle.log_attempt(session, request.id, actor=WEBHOOK_ACTOR, method="text",
                                      outcome="reached", note="They answered by text.",
                                      schedule=schedule, now=now)
        conv.request_id = request.id if request else conv.request_id
        conv.possible_match = matched.possible_match
        conv.unread += 1
        conv.last_message_at = conv.last_inbound_at = now
        replies: list[Message | None] = []
        clinic = values["clinic_name"]
        first = request.first_name if request else None
        if keyword is not None:
            if values["sms_keyword_replies"]:
                text = {"stop": STOP_CONFIRMATION, "start": START_CONFIRMATION,
                        "help": values["sms_help_reply"]}[keyword]
                # The STOP confirmation is the one text a number that opted out receives.
                replies.append(queue_reply(session, conv, request,
                                           render(text, first_name=first, clinic=clinic),
                                           automatic="keyword", now=now))
        else:
            replies.append(after_hours_reply(session, conv, request, assessment, values,
                                             schedule, now))
        level = request.crisis_level if request else assessment.crisis
        audit.record(session, WEBHOOK_ACTOR, "message.receive", "request",
                     request.id if request else None,
                     {"kind": "sms", "crisis_level": level, "keyword": keyword})
        return Received(True, request.id if request else None, msg.id, assessment.crisis,
                        matched.created, matched.possible_match,
                        [m.id for m in replies if m is not None], waits_urgent(request))
