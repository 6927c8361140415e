"""Conversations: texts both ways, missed calls and voicemails through Twilio
(docs/conversations.md): the SMS templates, one thread per phone number, its messages, and the
appended texting consent of each number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zoelife.db.models.base import (
    Base,
    CrisisLevelType,
    MessageDirectionType,
    MessageKindType,
)
from zoelife.db.types import JSONText, UTCDateTime


class SmsTemplate(Base):
    """A text the front desk sends in one click; the admin edits them. Placeholders: only
    {first_name} and {clinic}. `cadence`: the attempt cadence may send it by itself."""

    __tablename__ = "sms_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    body: Mapped[str] = mapped_column(Text)
    cadence: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class Conversation(Base):
    """One phone number's thread in the shared inbox, pointing at the request its messages
    belong to now. `possible_match`: open requests of several people share the number."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), unique=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    possible_match: Mapped[bool] = mapped_column(Boolean, default=False)
    unread: Mapped[int] = mapped_column(Integer, default=0)
    last_message_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    last_inbound_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Message(Base):
    """One text, missed call or voicemail, either way. `provider_sid` (Twilio's MessageSid,
    CallSid or RecordingSid) is unique: a delivery Twilio repeats is stored once. A voicemail
    keeps its transcript; the audio stays with Twilio (`recording_url`)."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    direction: Mapped[str] = mapped_column(MessageDirectionType)
    kind: Mapped[str] = mapped_column(MessageKindType, default="sms")
    body: Mapped[str | None] = mapped_column(Text)
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # inbound: received | missed | recorded; outbound: queued | sending | sent | delivered |
    # undelivered | failed (Twilio's words) | refused (never sent: no consent, opted out)
    status: Mapped[str] = mapped_column(String(20))
    error_code: Mapped[str | None] = mapped_column(String(20))
    crisis_level: Mapped[str] = mapped_column(CrisisLevelType, default="none")
    crisis_evidence: Mapped[Any] = mapped_column(JSONText, default=list)
    recording_url: Mapped[str | None] = mapped_column(String(500))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("sms_templates.id"))
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # What sent it by itself: after_hours_crisis | auto_reply | text_back | cadence | keyword
    automatic: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class SmsConsentEvent(Base):
    """The person's texting consent, per number, appended: STOP, START, a text to us, staff.
    The latest event of a number says whether it opted out."""

    __tablename__ = "sms_consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), index=True)
    consent: Mapped[bool] = mapped_column(Boolean)
    via: Mapped[str] = mapped_column(String(20))  # stop | start | texted_in | staff
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
