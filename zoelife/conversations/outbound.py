"""What the clinic sends: a staff (or cadence) text, the automatic replies stored by the webhooks
and sent after their commit, and Twilio's delivery status callbacks.

Nothing is sent to a number that opted out, nor from a request without SMS consent (a text
from the person is consent to answer them). Texts staff (or the cadence) send are contact
attempts (`text`, `message_sent`). Automatic replies are on the timeline but are not attempts:
an auto-reply is not the clinic reaching anyone.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zoelife import audit, settings
from zoelife.conversations import twilio_api
from zoelife.conversations.consent import may_text, opted_out, record_consent
from zoelife.conversations.templates import MAX_BODY_CHARS
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import Conversation, Message, Request
from zoelife.intake import lifecycle
from zoelife.intake.lifecycle import LifecycleError


def conversation_for(session: Session, phone: str, now: dt.datetime) -> Conversation:
    """The phone number's conversation, begun by the first text either way."""
    conv = session.execute(select(Conversation).where(Conversation.phone == phone)).scalar()
    if conv is None:
        conv = Conversation(phone=phone, unread=0, possible_match=False, last_message_at=now,
                            created_at=now)
        session.add(conv)
        session.flush()
    return conv


def status_callback_url(engine) -> str:
    cfg = twilio_api.config()
    base = cfg.public_url
    if not base:
        with read_session(engine) as session:
            base = str(settings.get(session, "app_base_url")).rstrip("/")
    return f"{base}/api/twilio/status"


def _set(message_id: int, **values):
    """The update of one stored message's row."""
    return update(Message).where(Message.id == message_id).values(**values)


def _hand_to_twilio(engine, cfg: twilio_api.TwilioConfig, message_id: int, phone: str,
                    body: str, now: dt.datetime) -> tuple[str, str] | twilio_api.SendFailed:
    """Send a stored text (after its transaction committed): Twilio's sid and status, or the
    failure, already recorded on the message."""
    try:
        return twilio_api.send_sms(cfg, phone, body, status_callback_url(engine))
    except twilio_api.SendFailed as exc:
        with write_session(engine) as session:
            session.execute(_set(message_id, status="failed", error_code=exc.code,
                                 updated_at=now))
        return exc


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
                session.execute(_set(message_id, status="refused", updated_at=now))
            continue
        sent = _hand_to_twilio(engine, cfg, message_id, phone, body, now)
        if not isinstance(sent, twilio_api.SendFailed):
            with write_session(engine) as session:
                session.execute(_set(message_id, provider_sid=sent[0], status=sent[1],
                                     updated_at=now))


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
        conv = conversation_for(session, phone, now)
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
    sent = _hand_to_twilio(engine, cfg, message_id, phone, body, now)
    if isinstance(sent, twilio_api.SendFailed):
        raise LifecycleError(str(sent)) from None
    with write_session(engine) as session:
        session.execute(_set(message_id, provider_sid=sent[0], status=sent[1], updated_at=now))
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
