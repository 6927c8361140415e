"""The follow-up cadence sending its next text by itself (opt-in per template).

When a request's next attempt is due (`next_step = next_attempt`: an earlier attempt went
unanswered), during business hours, the cadence templates (`sms_templates.cadence`, active,
in their order) are sent one per due attempt, each once per request; the text is a contact
attempt like any other (`text`, `message_sent`), which moves the next attempt by the cadence.
It stops as soon as the person answers (a `reached` attempt, or any text, call or voicemail
from them since the last attempt) or books (the request is no longer new or attempted), and
never texts an urgent request (a person calls), a number that opted out or a request without
SMS consent. The server runs it every `ZOELIFE_SMS_CADENCE_SECONDS` (default 300; 0: never).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from zoelife import audit, config, settings
from zoelife.conversations import outbound, templates, twilio_api
from zoelife.db.engine import read_session
from zoelife.db.models import Message, Request
from zoelife.intake.lifecycle import LifecycleError
from zoelife.intake.schedule import Schedule

CADENCE_SECONDS_ENV = "ZOELIFE_SMS_CADENCE_SECONDS"
ACTOR = audit.Actor(None, "cadence")
BATCH = 100


def cadence_seconds() -> float:
    return config.get(CADENCE_SECONDS_ENV)


def due(session, now: dt.datetime, limit: int = BATCH) -> list[int]:
    """Open requests whose next attempt is due and that the cadence may text."""
    answered = (select(Message.id).where(
        Message.request_id == Request.id, Message.direction == "inbound",
        Message.created_at >= func.coalesce(Request.last_attempt_at, Request.received_at))
        .exists())
    return list(session.execute(
        select(Request.id).where(
            Request.is_open.is_(True), Request.status.in_(("new", "attempted")),
            Request.next_step == "next_attempt", Request.next_due_at <= now,
            Request.reached_at.is_(None), Request.crisis_level != "urgent",
            Request.sms_consent.is_(True), Request.phone.isnot(None), ~answered)
        .order_by(Request.next_due_at).limit(limit)).scalars())


def run(engine, now: dt.datetime | None = None) -> list[int]:
    """Send the texts that are due now; returns the ids of the messages sent."""
    now = now or dt.datetime.now(dt.UTC)
    if not twilio_api.sending_enabled():
        return []
    with read_session(engine) as session:
        values = settings.load(session)
        schedule = Schedule.from_settings(values)
        if not schedule.is_business_time(now):
            return []
        steps = [t for t in templates.templates(session) if t.cadence]
        if not steps:
            return []
        ids = due(session, now)
    sent: list[int] = []
    for request_id in ids:
        with read_session(engine) as session:
            request = session.get(Request, request_id)
            done = session.execute(select(func.count()).select_from(Message).where(
                Message.request_id == request_id, Message.automatic == "cadence",
                Message.status != "failed")).scalar_one()
            if request is None or done >= len(steps):
                continue
            template = steps[done]
            body = templates.render(template.body, first_name=request.first_name,
                                    clinic=values["clinic_name"])
        try:
            sent.append(outbound.send_text(engine, request_id, body, actor=ACTOR,
                                           template_id=template.id, automatic="cadence",
                                           now=now))
        except LifecycleError:
            continue  # consent withdrawn, opted out, or sent by another server meanwhile
    return sent
