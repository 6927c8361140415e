"""The clinic's text templates: their placeholders ({first_name}, {clinic}, never a clinical
detail), their length, and saving them (the SMS templates page).
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import SmsTemplate
from zoelife.intake.lifecycle import LifecycleError

MAX_BODY_CHARS = 1600  # Twilio's own limit for one message
PLACEHOLDERS = ("first_name", "clinic")
_PLACEHOLDER_RX = re.compile(r"\{([^{}]*)\}")


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
