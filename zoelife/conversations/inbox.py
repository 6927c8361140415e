"""The shared inbox: one row per phone number's conversation, urgent ones on top, then the
unread, then the most recent; each claimed by whoever answers it (or takes it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import Conversation, Message, Request, StaffUser

PREVIEW_CHARS = 80


@dataclass(frozen=True)
class InboxRow:
    conversation_id: int
    request_id: int | None
    name: str
    phone: str
    crisis_level: str
    unread: int
    last_message_at: dt.datetime
    preview: str
    claimed_by: str | None
    possible_match: bool


def _order():
    urgent = case((Request.crisis_level == "urgent", 0), else_=1)
    unread = case((Conversation.unread > 0, 0), else_=1)
    return urgent, unread, Conversation.last_message_at.desc(), Conversation.id.desc()


def count(session: Session) -> tuple[int, int]:
    """(conversations, unread conversations)."""
    total, unread = session.execute(select(
        func.count(), func.coalesce(func.sum(case((Conversation.unread > 0, 1), else_=0)), 0)
    ).select_from(Conversation)).one()
    return int(total), int(unread)


def page(session: Session, *, offset: int = 0, limit: int = 25,
         conversation_id: int | None = None) -> list[InboxRow]:
    """A page of the inbox in its order; or the one conversation `conversation_id`."""
    q = (select(Conversation.id, Conversation.request_id, Conversation.phone,
                Conversation.unread, Conversation.last_message_at, Conversation.possible_match,
                Request.first_name, Request.last_name, Request.crisis_level,
                StaffUser.display_name)
         .outerjoin(Request, Request.id == Conversation.request_id)
         .outerjoin(StaffUser, StaffUser.id == Conversation.claimed_by))
    if conversation_id is not None:
        q = q.where(Conversation.id == conversation_id)
    rows = session.execute(q.order_by(*_order()).offset(offset).limit(limit)).all()
    ids = [r.id for r in rows]
    previews: dict[int, str] = {}
    if ids:
        latest = (select(func.max(Message.id)).where(Message.conversation_id.in_(ids))
                  .group_by(Message.conversation_id))
        for conv_id, kind, body in session.execute(
                select(Message.conversation_id, Message.kind, Message.body)
                .where(Message.id.in_(latest))):
            words = {"missed_call": "(missed call)",
                     "voicemail": "(voicemail) " + (body or "")}.get(kind, body or "")
            previews[conv_id] = " ".join(words.split())[:PREVIEW_CHARS]
    return [InboxRow(r.id, r.request_id,
                     " ".join(p for p in (r.first_name, r.last_name) if p) or "(no name)",
                     r.phone, r.crisis_level or "none", r.unread, r.last_message_at,
                     previews.get(r.id, ""), r.display_name, r.possible_match) for r in rows]


def thread(session: Session, conversation_id: int, limit: int = 200) -> list[Message]:
    """The conversation's latest messages, oldest first."""
    found = list(session.execute(
        select(Message).where(Message.conversation_id == conversation_id)
        .order_by(Message.id.desc()).limit(limit)).scalars())
    return found[::-1]


def mark_read(session: Session, conversation_id: int, *, actor: audit.Actor) -> bool:
    conv = session.get(Conversation, conversation_id)
    if conv is None or not conv.unread:
        return False
    conv.unread = 0
    audit.record(session, actor, "conversation.read", "conversation", conversation_id, {})
    return True


def claim(session: Session, conversation_id: int, *, actor: audit.Actor,
          now: dt.datetime | None = None) -> bool:
    """Take the conversation (whoever answers it takes it too, `service.send_text`)."""
    conv = session.get(Conversation, conversation_id)
    if conv is None or conv.claimed_by == actor.user_id:
        return False
    before = conv.claimed_by
    conv.claimed_by, conv.claimed_at = actor.user_id, now or dt.datetime.now(dt.UTC)
    audit.record(session, actor, "conversation.claim", "conversation", conversation_id,
                 {"claimed_by": [before, actor.user_id]})
    return True


def staff_names(session: Session, messages: list[Message]) -> dict[int, str]:
    ids = {m.sent_by for m in messages if m.sent_by}
    if not ids:
        return {}
    return dict(session.execute(select(StaffUser.id, StaffUser.display_name)
                                .where(StaffUser.id.in_(ids))).all())


def request_messages(session: Session, request_id: int) -> list[Message]:
    return list(session.execute(select(Message).where(Message.request_id == request_id)
                                .order_by(Message.created_at, Message.id)).scalars())


def unread_total(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Conversation)
                           .where(Conversation.unread > 0)).scalar_one()
