"""Every clinic setting, declared once: name, type, default and help.

Values live in the `settings` table (JSON); a setting never written there has its default.
Read them through `get(session, name)` or `load(session)`. `set_value` validates and stores
one; `zoelife.intake.schedule.change_setting` also audits the change and keeps derived request
fields (due times, local dates) in step. This module knows nothing of either.
`docs/settings.md` documents each one, and a test fails if a setting is missing there.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoelife.db.models import Setting as SettingRow
from zoelife.vocabulary import CANONICAL_FIELDS, IGNORE

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class SettingError(ValueError):
    """A value that a setting refuses; the message says which setting and why."""


@dataclass(frozen=True)
class SettingSpec:
    name: str
    kind: str  # str | int | bool | time_zone | business_hours | dates | emails | url | text
    #           | sms_text | crisis_sms_text (texts to the public: docs/conversations.md)
    default: Any
    help: str
    group: str
    minimum: int | None = None
    maximum: int | None = None
    # Changing it means stored due times / local dates must be recomputed.
    affects_schedule: bool = False


def _hours(open_: str, close: str) -> list[str]:
    return [open_, close]


DEFAULT_BUSINESS_HOURS = {
    "mon": _hours("08:00", "17:00"),
    "tue": _hours("08:00", "17:00"),
    "wed": _hours("08:00", "17:00"),
    "thu": _hours("08:00", "17:00"),
    "fri": _hours("08:00", "17:00"),
    "sat": None,
    "sun": None,
}

SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("clinic_name", "str", "Zoelife Psychiatric Services",
                "The clinic's name, shown in every page header.", "Clinic"),
    SettingSpec("time_zone", "time_zone", "America/New_York",
                "IANA time zone of the clinic. Times are stored in UTC and shown in this zone; "
                "trends group by the local date.", "Clinic", affects_schedule=True),
    SettingSpec("business_hours", "business_hours", DEFAULT_BUSINESS_HOURS,
                "Opening hours per weekday as [\"HH:MM\", \"HH:MM\"], or null when closed. "
                "Response targets count only these hours.", "Response targets",
                affects_schedule=True),
    SettingSpec("holidays", "dates", [],
                "Dates (YYYY-MM-DD) the clinic is closed; they do not count as business time.",
                "Response targets", affects_schedule=True),
    SettingSpec("first_response_minutes", "int", 60,
                "Business minutes after receipt by which a new lead's first contact attempt is "
                "due (the first minutes decide whether a lead is reached at all).",
                "Response targets", minimum=0, maximum=4320, affects_schedule=True),
    SettingSpec("urgent_response_minutes", "int", 0,
                "Minutes after receipt by which an urgent request's first contact is due "
                "(0: at once, whatever the hour).", "Response targets", minimum=0, maximum=240,
                affects_schedule=True),
    SettingSpec("attempt_cadence_business_days", "int", 1,
                "Business days after an unanswered attempt by which the next attempt is due.",
                "Response targets", minimum=0, maximum=14, affects_schedule=True),
    SettingSpec("max_contact_attempts", "int", 3,
                "Unanswered attempts after which the request page suggests closing as "
                "unreachable.", "Response targets", minimum=1, maximum=20,
                affects_schedule=True),
    SettingSpec("follow_up_business_days", "int", 2,
                "Business days after a request moves to in progress by which its follow-up is "
                "due, unless the user sets another date.", "Response targets", minimum=0,
                maximum=30, affects_schedule=True),
    SettingSpec("idle_timeout_minutes", "int", 15,
                "Minutes without user activity after which a sign-in ends. Automatic refreshes "
                "are not activity.", "Security", minimum=1, maximum=240),
    SettingSpec("session_absolute_hours", "int", 12,
                "Hours after sign-in after which a sign-in ends whatever the activity.",
                "Security", minimum=1, maximum=24),
    SettingSpec("crisis_protocol_text", "text",
                "If the person may be in danger now, call 911. Give the 988 Suicide & Crisis "
                "Lifeline (call or text 988). Do not leave a voicemail-only response: keep "
                "calling and escalate.",
                "Shown on every urgent request above the message.", "Crisis"),
    SettingSpec("crisis_escalation_step", "text",
                "Tell the on-call clinician at once, in person or by phone.",
                "The clinic's own escalation step, shown with the crisis protocol.", "Crisis"),
    SettingSpec("oncall_emails", "emails", [],
                "Email addresses of the on-call contacts alerted about unacknowledged urgent "
                "requests. Alerts carry no patient data.", "Crisis"),
    SettingSpec("oncall_webhook_url", "url", "",
                "A URL (Teams, Slack, a paging service) that receives a JSON alert about "
                "unacknowledged urgent requests. Empty: no webhook.", "Crisis"),
    SettingSpec("oncall_ack_minutes", "int", 15,
                "Minutes an urgent request may wait unacknowledged during business hours before "
                "the on-call contacts are alerted (outside business hours: at once).", "Crisis",
                minimum=0, maximum=240),
    SettingSpec("app_base_url", "url", "http://localhost:8501",
                "The address staff open the app at; used for links in on-call alerts.",
                "Clinic"),
    SettingSpec("queue_page_size", "int", 25,
                "Requests per page on the queue.", "Queue", minimum=5, maximum=200),
    SettingSpec("impact_window_days", "int", 14,
                "Days after a publication counted as its window on the content impact page.",
                "Insights", minimum=1, maximum=90),
    SettingSpec("impact_baseline_days", "int", 28,
                "Days before a publication used as its baseline on the content impact page.",
                "Insights", minimum=7, maximum=365),
    SettingSpec("upload_max_mb", "int", 50,
                "Largest file (MB) accepted by the Import requests and Content pages "
                "(Streamlit's server.maxUploadSize, 50, is the ceiling above it).",
                "Imports", minimum=1, maximum=200),
    SettingSpec("sms_after_hours_crisis_reply", "crisis_sms_text",
                "If you are in danger now, call 911. You can call or text 988, the Suicide & "
                "Crisis Lifeline, at any hour. {clinic} is closed now; our on-call staff have "
                "been alerted and we will contact you.",
                "The automatic reply to a text the crisis detector marks urgent outside business "
                "hours (placeholders: {first_name}, {clinic}). Must give 988 and 911.",
                "Text messages"),
    SettingSpec("sms_auto_reply", "sms_text",
                "Thank you for your message to {clinic}. We are closed now and will answer when "
                "we open. If you are in crisis, call 911 or call or text 988.",
                "The automatic reply to any other text outside business hours, at most once in "
                "12 hours per number; never sent in answer to an urgent message. Empty: none.",
                "Text messages"),
    SettingSpec("sms_missed_call_text_back", "bool", False,
                "Text a caller back when their call was missed (only a number with texting "
                "consent that has not opted out).", "Text messages"),
    SettingSpec("sms_missed_call_text", "sms_text",
                "Sorry we missed your call to {clinic}. Reply here by text, or we will call you "
                "back. If you are in crisis, call 911 or call or text 988.",
                "The missed-call text-back (placeholders: {first_name}, {clinic}).",
                "Text messages"),
    SettingSpec("sms_keyword_replies", "bool", False,
                "Answer STOP, START and HELP ourselves. Leave off while Twilio's own opt-out "
                "handling answers them (the default on Twilio numbers): they would be answered "
                "twice. Either way the consent is recorded.", "Text messages"),
    SettingSpec("sms_help_reply", "sms_text",
                "{clinic}: appointment requests by text. Reply STOP to opt out. Message and data "
                "rates may apply. In an emergency call 911; call or text 988 for crisis support.",
                "The answer to HELP when keyword replies are on.", "Text messages"),
    SettingSpec("voice_greeting", "sms_text",
                "You have reached {clinic}. We cannot take your call right now. Please leave "
                "your name, number and a short message after the tone. If you are in danger, "
                "hang up and call 911, or call 988.",
                "What a caller hears before leaving a voicemail.", "Text messages"),
    SettingSpec("source_field_mappings", "field_mappings", {},
                "Per source, what each field of its bodies means (label or numeric field id -> "
                "request field), for forms that post numeric ids (Gravity Forms' \"All "
                "Fields\"). Set on the Import requests page from one received body.",
                "Imports"),
)

BY_NAME: dict[str, SettingSpec] = {s.name: s for s in SPECS}


def spec(name: str) -> SettingSpec:
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown setting {name!r}") from None


_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _validate_business_hours(value: Any) -> dict[str, list[str] | None]:
    if not isinstance(value, dict):
        raise SettingError("business_hours: expected a mapping of weekday to [open, close]")
    result: dict[str, list[str] | None] = {}
    for day in WEEKDAYS:
        hours = value.get(day)
        if hours in (None, [], ""):
            result[day] = None
            continue
        if not (isinstance(hours, list | tuple) and len(hours) == 2):
            raise SettingError(f"business_hours: {day} must be [\"HH:MM\", \"HH:MM\"] or null")
        open_, close = (str(h) for h in hours)
        if not (_HHMM.match(open_) and _HHMM.match(close)) or open_ >= close:
            raise SettingError(f"business_hours: {day} has an invalid range {open_}-{close}")
        result[day] = [open_, close]
    unknown = set(value) - set(WEEKDAYS)
    if unknown:
        raise SettingError(f"business_hours: unknown weekday {sorted(unknown)[0]!r}")
    return result


def _validate_dates(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [v for v in re.split(r"[\s,]+", value) if v]
    if not isinstance(value, list | tuple):
        raise SettingError("holidays: expected a list of YYYY-MM-DD dates")
    out = []
    for item in value:
        try:
            out.append(dt.date.fromisoformat(str(item)).isoformat())
        except ValueError:
            raise SettingError(f"holidays: {item!r} is not a YYYY-MM-DD date") from None
    return sorted(set(out))


def _validate_emails(value: Any) -> list[str]:
    from email_validator import EmailNotValidError, validate_email

    if isinstance(value, str):
        value = [v for v in re.split(r"[\s,;]+", value) if v]
    out = []
    for item in value or []:
        try:
            out.append(validate_email(str(item), check_deliverability=False).normalized)
        except EmailNotValidError as exc:
            raise SettingError(f"oncall_emails: {item!r} is not an email address ({exc})") from None
    return out




def _validate_field_mappings(value: Any) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise SettingError("source_field_mappings: expected {source: {field id: request field}}")
    out: dict[str, dict[str, str]] = {}
    for source, mapping in value.items():
        if not isinstance(mapping, dict):
            raise SettingError(f"source_field_mappings: {source!r} must map field ids to fields")
        clean: dict[str, str] = {}
        for label, target in mapping.items():
            if target not in CANONICAL_FIELDS and target != IGNORE:
                raise SettingError(f"source_field_mappings: {source!r}: unknown request field "
                                   f"{target!r}")
            clean[str(label)[:300]] = str(target)
        out[str(source)[:120]] = clean
    return out


SMS_PLACEHOLDERS = ("first_name", "clinic")
SMS_MAX_CHARS = 1600


def _validate_sms_text(name: str, value: Any, *, crisis: bool) -> str:
    """A text sent to the public: placeholders {first_name} and {clinic} only (never a
    clinical detail), within one message; the crisis reply must give 988 and 911."""
    value = "" if value is None else str(value).strip()
    unknown = sorted({p for p in re.findall(r"\{([^{}]*)\}", value)
                      if p not in SMS_PLACEHOLDERS})
    if unknown:
        raise SettingError(f"{name}: only {{first_name}} and {{clinic}} are filled in, not "
                           + ", ".join("{" + p + "}" for p in unknown))
    if len(value) > SMS_MAX_CHARS:
        raise SettingError(f"{name}: at most {SMS_MAX_CHARS} characters")
    if crisis and not ("988" in value and "911" in value):
        raise SettingError(f"{name}: the crisis reply must give 988 and 911")
    return value


def validate(name: str, value: Any) -> Any:
    """Return the value in its stored form, or raise SettingError naming the setting."""
    s = spec(name)
    if s.kind == "field_mappings":
        return _validate_field_mappings(value)
    if s.kind in ("str", "text"):
        value = "" if value is None else str(value).strip()
        if s.kind == "str" and not value:
            raise SettingError(f"{name}: must not be empty")
        return value
    if s.kind in ("sms_text", "crisis_sms_text"):
        return _validate_sms_text(name, value, crisis=s.kind == "crisis_sms_text")
    if s.kind == "int":
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise SettingError(f"{name}: expected a whole number") from None
        if s.minimum is not None and value < s.minimum:
            raise SettingError(f"{name}: must be at least {s.minimum}")
        if s.maximum is not None and value > s.maximum:
            raise SettingError(f"{name}: must be at most {s.maximum}")
        return value
    if s.kind == "bool":
        return bool(value)
    if s.kind == "time_zone":
        try:
            ZoneInfo(str(value))
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingError(f"{name}: {value!r} is not an IANA time zone") from None
        return str(value)
    if s.kind == "business_hours":
        return _validate_business_hours(value)
    if s.kind == "dates":
        return _validate_dates(value)
    if s.kind == "emails":
        return _validate_emails(value)
    if s.kind == "url":
        value = "" if value is None else str(value).strip()
        if value and not re.match(r"^https?://[^\s]+$", value):
            raise SettingError(f"{name}: must start with http:// or https://")
        return value
    raise SettingError(f"{name}: unknown kind {s.kind}")  # pragma: no cover


def load(session: Session) -> dict[str, Any]:
    """All settings: stored values over defaults."""
    values = {s.name: s.default for s in SPECS}
    for row in session.execute(select(SettingRow.name, SettingRow.value)):
        if row.name in BY_NAME:
            values[row.name] = row.value
    return values


def get(session: Session, name: str) -> Any:
    s = spec(name)
    value = session.execute(select(SettingRow.value).where(SettingRow.name == name)).scalar()
    return s.default if value is None else value


@dataclass(frozen=True)
class Change:
    """A stored setting's old and new value (settings are not patient data: both are kept)."""

    name: str
    old: Any
    new: Any


def set_value(session: Session, name: str, value: Any, *, user_id: int | None = None
              ) -> Change | None:
    """Validate and store a setting; None when nothing changed.

    Only the row: recording the change in the audit log and recomputing what the setting
    shapes (due times, local dates: `SettingSpec.affects_schedule`) are the caller's, through
    `zoelife.intake.schedule.change_setting`."""
    s = spec(name)
    new = validate(name, value)
    row = session.get(SettingRow, name)
    old = s.default if row is None else row.value
    if row is not None and row.value == new:
        return None
    if row is None and new == s.default:
        return None
    now = dt.datetime.now(dt.UTC)
    if row is None:
        session.add(SettingRow(name=name, value=new, updated_at=now, updated_by=user_id))
    else:
        row.value = new
        row.updated_at = now
        row.updated_by = user_id
    session.flush()
    return Change(name, old, new)


def clinic_zone(session: Session) -> ZoneInfo:
    return ZoneInfo(get(session, "time_zone"))


def clinic_today(session: Session, now: dt.datetime | None = None) -> dt.date:
    """Today's date on the clinic's calendar (a server's own date is often UTC's, a day ahead
    of New York every evening)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(clinic_zone(session)).date()
