"""SMS consent per phone number: the carriers' keywords (STOP, START, HELP), the consent
history (`sms_consent_events`) carried to every request with the number, and whether a
request's person may be texted at all.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import Request, SmsConsentEvent

OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT",
                           "REVOKE"})
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP", "OPTIN"})
HELP_WORDS = frozenset({"HELP", "INFO"})
STOP_CONFIRMATION = ("You are unsubscribed from {clinic} texts and will receive no more. "
                     "Reply START to subscribe again.")
START_CONFIRMATION = ("You are subscribed to {clinic} texts again. Reply STOP to unsubscribe, "
                      "HELP for help.")

WEBHOOK_ACTOR = audit.Actor(None, "twilio")


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
