"""What a text, a missed call or a voicemail does to the clinic's records.

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

Outbound: nothing is sent to a number that opted out, nor from a request without SMS consent
(a text from the person is consent to answer them). Texts staff (or the cadence) send are
contact attempts (`text`, `message_sent`); an answer from the person after any attempt is
`reached`. Automatic replies are on the timeline but are not attempts: an auto-reply is not
the clinic reaching anyone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from zoelife import audit, settings
from zoelife.conversations import twilio_api
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import (
    ContactAttempt,
    Conversation,
    Message,
    Request,
    SmsConsentEvent,
    SmsTemplate,
)
from zoelife.ingest.pipeline.match import receive_batch
from zoelife.intake import lifecycle
from zoelife.intake.assessment import (
    assess_input,
    evidence_json,
    raise_crisis_from_text,
    reassessed_extra_text,
)
from zoelife.intake.inputs import RequestInput
from zoelife.intake.lifecycle import LifecycleError
from zoelife.intake.normalize import normalize_phone
from zoelife.intake.oncall import check_and_alert
from zoelife.intake.schedule import Schedule
from zoelife.triage import CRISIS_RANK, Assessment, assess

SMS_SOURCE = "twilio-sms"
VOICE_SOURCE = "twilio-voice"
MAX_BODY_CHARS = 1600  # Twilio's own limit for one message
ROUTINE_REPLY_GAP = dt.timedelta(hours=12)
CRISIS_REPLY_GAP = dt.timedelta(hours=1)

OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT",
                           "REVOKE"})
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP", "OPTIN"})
HELP_WORDS = frozenset({"HELP", "INFO"})
STOP_CONFIRMATION = ("You are unsubscribed from {clinic} texts and will receive no more. "
                     "Reply START to subscribe again.")
START_CONFIRMATION = ("You are subscribed to {clinic} texts again. Reply STOP to unsubscribe, "
                      "HELP for help.")
PLACEHOLDERS = ("first_name", "clinic")
_PLACEHOLDER_RX = re.compile(r"\{([^{}]*)\}")

WEBHOOK_ACTOR = audit.Actor(None, "twilio")


# --------------------------------------------------------------------------- templates


def check_template(body: str) -> str:
    """The template's text, refused when it names a placeholder other than {first_name} and
    {clinic}: a template never carries a clinical detail."""
    body = (body or "").strip()
    if not body:
        raise LifecycleError("A template needs its text.")
    if len(body) > MAX_BODY_CHARS:
        raise LifecycleError(f"A text is at most {MAX_BODY_CHARS} characters.")
    unknown = sorted({p for p in _PLACEHOLDER_RX.findall(body) if p not in PLACEHOLDERS})
    if unknown:
        raise LifecycleError("Templates may only use {first_name} and {clinic}; not "
                             + ", ".join("{" + p + "}" for p in unknown) + ".")
    return body


def render(body: str, *, first_name: str | None, clinic: str) -> str:
    """The text with its placeholders filled (a missing first name reads "there")."""
    values = {"first_name": (first_name or "").strip() or "there", "clinic": clinic}
    return _PLACEHOLDER_RX.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def save_template(session: Session, *, actor: audit.Actor, name: str, body: str,
                  cadence: bool = False, is_active: bool = True, template_id: int | None = None,
                  now: dt.datetime | None = None) -> SmsTemplate:
    now = now or dt.datetime.now(dt.UTC)
    name = (name or "").strip()[:80]
    if not name:
        raise LifecycleError("A template needs a name.")
    body = check_template(body)
    taken = session.execute(select(SmsTemplate.id).where(SmsTemplate.name == name)).scalar()
    if taken is not None and taken != template_id:
        raise LifecycleError("Another template has that name.")
    if template_id is None:
        template = SmsTemplate(name=name, body=body, cadence=cadence, is_active=is_active,
                               updated_at=now, updated_by=actor.user_id)
        session.add(template)
    else:
        template = session.get(SmsTemplate, template_id)
        if template is None:
            raise LifecycleError("That template does not exist.")
        template.name, template.body, template.cadence = name, body, cadence
        template.is_active, template.updated_at, template.updated_by = is_active, now, actor.user_id
    session.flush()
    audit.record(session, actor, "sms_template.save", "sms_template", template.id,
                 {"cadence": cadence, "is_active": is_active})
    return template


def templates(session: Session, *, active_only: bool = True) -> list[SmsTemplate]:
    q = select(SmsTemplate).order_by(SmsTemplate.id)
    if active_only:
        q = q.where(SmsTemplate.is_active.is_(True))
    return list(session.execute(q).scalars())


# --------------------------------------------------------------------------- consent


def keyword_of(body: str | None) -> str | None:
    """'stop', 'start' or 'help' when the whole text is one of the carriers' keywords."""
    word = re.sub(r"[^A-Z]", "", (body or "").upper()) if len((body or "").strip()) <= 16 else ""
    if word in OPT_OUT_WORDS:
        return "stop"
    if word in OPT_IN_WORDS:
        return "start"
    if word in HELP_WORDS:
        return "help"
    return None


def opted_out(session: Session, phone: str | None) -> bool:
    if not phone:
        return False
    latest = session.execute(
        select(SmsConsentEvent.consent).where(SmsConsentEvent.phone == phone)
        .order_by(SmsConsentEvent.id.desc()).limit(1)).scalar()
    return latest is False


def record_consent(session: Session, phone: str, consent: bool, *, via: str, now: dt.datetime,
                   message_id: int | None = None, actor: audit.Actor = WEBHOOK_ACTOR) -> None:
    """Append the number's consent and carry it to every request with that number."""
    session.add(SmsConsentEvent(phone=phone, consent=consent, via=via, message_id=message_id,
                                changed_at=now, changed_by=actor.user_id))
    ids = list(session.execute(select(Request.id).where(
        Request.phone == phone,
        (Request.sms_consent.is_(None)) | (Request.sms_consent.isnot(consent)))).scalars())
    if ids:
        session.execute(update(Request).where(Request.id.in_(ids))
                        .values(sms_consent=consent, version=Request.version + 1, updated_at=now)
                        .execution_options(synchronize_session=False))
    session.flush()
    audit.record(session, actor, "sms.consent", "sms_consent", None,
                 {"consent": consent, "via": via, "requests": len(ids)})


def may_text(session: Session, request: Request) -> tuple[bool, str]:
    """Whether staff (or the cadence) may text this request's person, and if not, why."""
    if not request.phone:
        return False, "No usable phone number on this request."
    if opted_out(session, request.phone):
        return False, "This number replied STOP: nothing is sent until they text START."
    if request.sms_consent is not True:
        return False, "No SMS consent on this request: call instead, or ask them to text us."
    if not request.is_open:
        return False, "This request is closed. Reopen it before texting."
    return True, ""


# --------------------------------------------------------------------------- conversations


def _conversation(session: Session, phone: str, now: dt.datetime) -> Conversation:
    conv = session.execute(select(Conversation).where(Conversation.phone == phone)).scalar()
    if conv is None:
        conv = Conversation(phone=phone, unread=0, possible_match=False, last_message_at=now,
                            created_at=now)
        session.add(conv)
        session.flush()
    return conv


def _number(raw: str | None) -> tuple[str, bool]:
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


def _match_or_create(session: Session, number: str, inp: RequestInput | None,
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


def _caller_attempt(session: Session, request_id: int, *, method: str, outcome: str,
                    note: str, now: dt.datetime) -> None:
    """A contact the person made (a missed call, a voicemail): on the attempts list, by
    nobody at the clinic; the cadence and the request's status are not moved by it."""
    session.add(ContactAttempt(request_id=request_id, attempted_at=now, staff_user_id=None,
                               method=method, outcome=outcome, note=note, created_at=now))


def _with_context(engine, number: str, words: str, assessment: Assessment) -> Assessment:
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


def _raise(session: Session, request: Request, assessment: Assessment, schedule: Schedule,
           now: dt.datetime) -> bool:
    """New words raise the request's level, never lower it (the intake's one rule). The
    words were assessed before the transaction (`_with_context`): nothing is read again here
    (`text=""`); the request's stored evidence, which points into its own message, is
    replaced only when the level rises."""
    raised = raise_crisis_from_text(session, request, schedule, now=now, text="",
                                    also=assessment)
    if raised:
        request.updated_at = now
    return raised


def _queue_reply(session: Session, conv: Conversation, request: Request | None, body: str,
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


def _after_hours_reply(session: Session, conv: Conversation, request: Request | None,
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
        return _queue_reply(session, conv, request,
                            render(values["sms_after_hours_crisis_reply"], first_name=first,
                                   clinic=clinic), automatic="after_hours_crisis", now=now)
    if _recent_automatic(session, conv, "auto_reply", now - ROUTINE_REPLY_GAP):
        return None
    return _queue_reply(session, conv, request,
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


def _waits_urgent(request: Request | None) -> bool:
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
            import logging

            logging.getLogger(__name__).warning("on-call check after a text failed: %s",
                                                type(exc).__name__)


def _loaded(engine) -> tuple[Schedule, dict[str, Any]]:
    with read_session(engine) as session:
        values = settings.load(session)
    return Schedule.from_settings(values), values


def _once(fn):
    """Twilio may deliver the same sid twice at the same moment (a retry racing the first):
    on PostgreSQL both transactions can pass the "already stored?" check, and the second
    then fails on the unique sid (or intake key). That is a repeat, not an error. Two texts
    from a new number at the same moment race to create its conversation the same way: the
    loser is run again once (it then finds the conversation)."""
    import functools

    from sqlalchemy.exc import IntegrityError

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


@_once
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
    number, usable = _number(raw_from)
    keyword = keyword_of(body)
    inp = RequestInput(source=SMS_SOURCE, external_id=sid, channel="text", phone=raw_from,
                       message=body or None, received_at=now, arrived_at=now,
                       sms_consent=True)
    # Triage before the write transaction: every writer of the process waits for its holder.
    assessment = assess_input(inp)
    in_context = _with_context(engine, number, body, assessment) if usable else assessment
    schedule, values = _loaded(engine)
    with write_session(engine) as session:
        if session.execute(select(Message.id).where(Message.provider_sid == sid)).first():
            return Received(stored=False)
        conv = _conversation(session, number, now)
        out_of = opted_out(session, number)
        inp.sms_consent = not out_of
        # A keyword alone from a number without an open request is not a request for care.
        create = keyword is None and bool(body.strip())
        matched = _match_or_create(session, number, inp if create else None, assessment,
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
            _raise(session, request, in_context, schedule, now)
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
                replies.append(_queue_reply(session, conv, request,
                                            render(text, first_name=first, clinic=clinic),
                                            automatic="keyword", now=now))
        else:
            replies.append(_after_hours_reply(session, conv, request, assessment, values,
                                              schedule, now))
        level = request.crisis_level if request else assessment.crisis
        audit.record(session, WEBHOOK_ACTOR, "message.receive", "request",
                     request.id if request else None,
                     {"kind": "sms", "crisis_level": level, "keyword": keyword})
        return Received(True, request.id if request else None, msg.id, assessment.crisis,
                        matched.created, matched.possible_match,
                        [m.id for m in replies if m is not None], _waits_urgent(request))


def record_status(engine, params: dict[str, str], *, now: dt.datetime | None = None) -> bool:
    """A delivery status callback: the text's status moves forward only (a late or repeated
    'sent' never undoes 'delivered'). A carrier's "unsubscribed recipient" (21610) records
    the opt-out. False for a sid we never sent."""
    now = now or dt.datetime.now(dt.UTC)
    sid = (params.get("MessageSid") or params.get("SmsSid") or "").strip()[:64]
    status = (params.get("MessageStatus") or params.get("SmsStatus") or "").strip().lower()[:20]
    code = (params.get("ErrorCode") or "").strip()[:20] or None
    order = {"accepted": 0, "queued": 0, "sending": 1, "sent": 2, "delivered": 3, "read": 4,
             "undelivered": 5, "failed": 5, "canceled": 5}
    if not sid or status not in order:
        return False
    with write_session(engine) as session:
        msg = session.execute(select(Message).where(Message.provider_sid == sid)).scalar()
        if msg is None or msg.direction != "outbound":
            return False
        if order.get(status, 0) >= order.get(msg.status, 0):
            msg.status, msg.updated_at = status, now
            if code:
                msg.error_code = code
        if code == "21610":
            conv = session.get(Conversation, msg.conversation_id)
            if conv is not None and not opted_out(session, conv.phone):
                record_consent(session, conv.phone, False, via="stop", now=now,
                               message_id=msg.id)
    return True


# --------------------------------------------------------------------------- voice


@_once
def record_missed_call(engine, params: dict[str, str], *, now: dt.datetime | None = None
                       ) -> Received:
    """A call nobody answered: on the caller's request (a new one, channel `phone`, when
    none is open) as a contact they made, and a text-back when the clinic allows it."""
    now = now or dt.datetime.now(dt.UTC)
    sid = (params.get("CallSid") or "").strip()[:64]
    if not sid:
        raise ValueError("no CallSid")
    raw_from = params.get("From", "")
    number, usable = _number(raw_from)
    inp = RequestInput(source=VOICE_SOURCE, external_id=sid, channel="phone", phone=raw_from,
                       message=None, received_at=now, arrived_at=now)
    assessment = assess_input(inp)
    schedule, values = _loaded(engine)
    with write_session(engine) as session:
        if session.execute(select(Message.id).where(Message.provider_sid == sid)).first():
            return Received(stored=False)
        conv = _conversation(session, number, now)
        matched = _match_or_create(session, number, inp if usable else None, assessment,
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
            reply = _queue_reply(session, conv, request,
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
    number, _ = _number(params.get("From") or params.get("Caller"))
    conv = _conversation(session, number, now)
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
    number, usable = _number(params.get("From") or params.get("Caller"))
    in_context = (_with_context(engine, number, transcript, assessment) if usable
                  else assessment)
    schedule, values = _loaded(engine)
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
            _raise(session, request, in_context, schedule, now)
        reply = None
        if assessment.crisis == "urgent" and request is not None and request.sms_consent is True:
            reply = _after_hours_reply(session, conv, request, assessment, values, schedule, now)
        audit.record(session, WEBHOOK_ACTOR, "message.transcript", "request", msg.request_id,
                     {"kind": "voicemail", "crisis_level": assessment.crisis})
        return Received(True, msg.request_id, msg.id, assessment.crisis,
                        outbound=[reply.id] if reply else [], oncall=_waits_urgent(request))


# --------------------------------------------------------------------------- sending


def status_callback_url(engine) -> str:
    cfg = twilio_api.config()
    base = cfg.public_url
    if not base:
        with read_session(engine) as session:
            base = str(settings.get(session, "app_base_url")).rstrip("/")
    return f"{base}/api/twilio/status"


def deliver(engine, message_ids: list[int]) -> None:
    """Send stored automatic texts (after their transaction committed)."""
    cfg = twilio_api.config()
    for message_id in message_ids:
        with read_session(engine) as session:
            msg = session.get(Message, message_id)
            conv = session.get(Conversation, msg.conversation_id) if msg else None
            if msg is None or conv is None or msg.status != "queued":
                continue
            body, phone = msg.body or "", conv.phone
            # The STOP confirmation apart, nothing goes to a number that opted out.
            if msg.automatic != "keyword" and opted_out(session, phone):
                blocked = True
            else:
                blocked = False
        now = dt.datetime.now(dt.UTC)
        if blocked:
            with write_session(engine) as session:
                session.execute(update(Message).where(Message.id == message_id)
                                .values(status="refused", updated_at=now))
            continue
        try:
            sid, status = twilio_api.send_sms(cfg, phone, body, status_callback_url(engine))
        except twilio_api.SendFailed as exc:
            with write_session(engine) as session:
                session.execute(update(Message).where(Message.id == message_id)
                                .values(status="failed", error_code=exc.code, updated_at=now))
            continue
        with write_session(engine) as session:
            session.execute(update(Message).where(Message.id == message_id)
                            .values(provider_sid=sid, status=status, updated_at=now))


def _cadence_still_due(session: Session, request: Request, now: dt.datetime) -> bool:
    """Checked in the sending transaction: two servers running the cadence at once send the
    due text once (the first one's stored message is seen by the second)."""
    if (request.next_step != "next_attempt" or request.next_due_at is None
            or request.next_due_at > now or request.reached_at is not None):
        return False
    since = request.last_attempt_at or request.received_at
    return session.execute(select(Message.id).where(
        Message.request_id == request.id, Message.automatic == "cadence",
        Message.created_at > since).limit(1)).first() is None


def send_text(engine, request_id: int, body: str, *, actor: audit.Actor,
              template_id: int | None = None, automatic: str | None = None,
              now: dt.datetime | None = None) -> int:
    """Send a text to the request's person: refused (LifecycleError, a sentence) without
    consent, to a number that opted out, or with texting off. Stored first, then sent; once
    Twilio accepted it, a contact attempt (`text`, `message_sent`) and the conversation is
    read and claimed by the sender. Returns the message's id."""
    now = now or dt.datetime.now(dt.UTC)
    cfg = twilio_api.config()
    if not cfg.sending:
        raise LifecycleError("Texting is off: Twilio is not configured on this server.")
    body = (body or "").strip()
    if not body:
        raise LifecycleError("Write the text first.")
    if len(body) > MAX_BODY_CHARS:
        raise LifecycleError(f"A text is at most {MAX_BODY_CHARS} characters.")
    with write_session(engine) as session:
        request = session.get(Request, request_id)
        if request is None:
            raise LifecycleError(f"Request {request_id} does not exist.")
        allowed, why = may_text(session, request)
        if not allowed:
            raise LifecycleError(why)
        if automatic == "cadence" and not _cadence_still_due(session, request, now):
            raise LifecycleError("The cadence's text is no longer due.")
        phone = request.phone
        conv = _conversation(session, phone, now)
        conv.request_id = request.id
        msg = Message(conversation_id=conv.id, request_id=request.id, direction="outbound",
                      kind="sms", body=body, status="sending", template_id=template_id,
                      sent_by=actor.user_id, automatic=automatic, crisis_level="none",
                      crisis_evidence=[], created_at=now, updated_at=now)
        session.add(msg)
        session.flush()
        message_id, conv_id = msg.id, conv.id
        audit.record(session, actor, "message.send", "request", request_id,
                     {"kind": "sms", "template": template_id is not None,
                      "automatic": automatic})
    try:
        sid, status = twilio_api.send_sms(cfg, phone, body, status_callback_url(engine))
    except twilio_api.SendFailed as exc:
        with write_session(engine) as session:
            session.execute(update(Message).where(Message.id == message_id)
                            .values(status="failed", error_code=exc.code, updated_at=now))
        raise LifecycleError(str(exc)) from None
    with write_session(engine) as session:
        session.execute(update(Message).where(Message.id == message_id)
                        .values(provider_sid=sid, status=status, updated_at=now))
        request = session.get(Request, request_id)
        if request is not None and request.is_open:
            lifecycle.log_attempt(session, request_id, actor=actor, method="text",
                                  outcome="message_sent",
                                  note="Text sent by the cadence." if automatic == "cadence"
                                  else "Text sent.", now=now)
        conv = session.get(Conversation, conv_id)
        conv.last_message_at = now
        if actor.user_id is not None:
            conv.unread = 0
            if conv.claimed_by is None:
                conv.claimed_by, conv.claimed_at = actor.user_id, now
    return message_id


# --------------------------------------------------------------------------- reading


def request_messages(session: Session, request_id: int) -> list[Message]:
    return list(session.execute(select(Message).where(Message.request_id == request_id)
                                .order_by(Message.created_at, Message.id)).scalars())


def unread_total(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Conversation)
                           .where(Conversation.unread > 0)).scalar_one()


__all__ = ["Received", "check_template", "deliver", "keyword_of", "may_text",
           "opted_out", "receive_sms", "record_consent", "record_missed_call",
           "record_status", "record_transcript", "record_voicemail", "render",
           "request_messages", "save_template", "send_text", "templates"]
