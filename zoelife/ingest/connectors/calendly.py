"""Calendly webhooks: `invitee.created` (a booking) and `invitee.canceled`.

The v2 body: `{"event": "invitee.created", "created_at": ..., "payload": {invitee}}` where the
invitee has `uri` (the id), `name`/`first_name`/`last_name`, `email`, `text_reminder_number`,
`questions_and_answers` (`[{question, answer, position}]`), `tracking` (`utm_source`,
`utm_medium`, `utm_campaign`, `utm_content`, `utm_term`, `salesforce_uuid`), `status`,
`timezone`, `created_at` (ISO 8601 UTC) and `scheduled_event` (`start_time`, `end_time`,
`name`, `location`). The older v1 body nests `invitee`, `event` and `event_type` in `payload`.
A booking is not a new request: it schedules the person's open request (`intake.bookings`).
Only the answers to the booking questions are the person's words; URLs, times and status
words are metadata."""

from __future__ import annotations

from typing import Any

from zoelife.ingest.connectors import BOOKING, CANCELLATION, SUBMISSION, Submission, flat

TOOL = "calendly"
SOURCE_WORDS = ("calendly",)
_PERSON = {"name": "full_name", "first_name": "first_name", "last_name": "last_name",
           "email": "email", "text_reminder_number": "phone", "uri": "external_id",
           "uuid": "external_id", "created_at": "received_at"}


def detect(body: dict[str, Any], *, by_source: bool) -> bool:
    event = body.get("event")
    return (isinstance(event, str) and event.startswith("invitee")
            and isinstance(body.get("payload"), dict)) or (
        isinstance(body.get("questions_and_answers"), list) and "email" in body)


def unpack(body: dict[str, Any]) -> list[Submission]:
    event = body.get("event") if isinstance(body.get("event"), str) else ""
    payload = body.get("payload") if isinstance(body.get("payload"), dict) else body
    invitee = payload.get("invitee") if isinstance(payload.get("invitee"), dict) else payload
    scheduled = payload.get("scheduled_event") or (
        payload.get("event") if isinstance(payload.get("event"), dict) else None) or {}
    values: dict[str, Any] = {}
    mapping: dict[str, str] = {}
    answers: set[str] = set()
    for key, target in _PERSON.items():
        if invitee.get(key) not in (None, ""):
            values[key] = str(invitee[key])
            mapping[key] = target
    if "uri" in mapping and "uuid" in mapping:
        del mapping["uuid"]
    for qa in payload.get("questions_and_answers") or []:
        if isinstance(qa, dict) and qa.get("question"):
            label = str(qa["question"])
            values[label] = str(qa.get("answer") or "")
            answers.add(label)
    for key, value in (payload.get("tracking") or {}).items():
        if key.startswith("utm_") and value:
            values[key] = str(value)
            mapping[key] = key
    meta: dict[str, Any] = {}
    for key in ("status", "timezone", "cancel_url", "reschedule_url", "rescheduled",
                "old_invitee", "new_invitee", "no_show", "updated_at", "event"):
        value = invitee.get(key) if key in invitee else payload.get(key)
        if value not in (None, "") and not isinstance(value, dict):
            flat(f"calendly {key}", value, meta)
    cancellation = payload.get("cancellation")
    if isinstance(cancellation, dict):
        for key, value in cancellation.items():
            if key == "reason":  # typed by the person: their words
                values["Cancellation reason"] = str(value or "")
                answers.add("Cancellation reason")
            elif value not in (None, ""):
                meta[f"calendly cancellation {key}"] = str(value)
    booking = {"start_time": scheduled.get("start_time"), "end_time": scheduled.get("end_time"),
               "name": scheduled.get("name") or (payload.get("event_type") or {}).get("name"),
               "location": scheduled.get("location")}
    for key in ("start_time", "end_time", "name"):
        if booking.get(key):
            meta[f"calendly event {key}"] = str(booking[key])
    if event:
        meta["calendly webhook event"] = event
    kind = {"invitee.created": BOOKING, "invitee.canceled": CANCELLATION}.get(event)
    if kind is None:
        kind = CANCELLATION if invitee.get("status") == "canceled" else (
            BOOKING if booking.get("start_time") else SUBMISSION)
    values |= meta
    return [Submission(TOOL, values, mapping, metadata=frozenset(meta),
                       answer_labels=frozenset(answers), utc=True, kind=kind, booking=booking)]
