"""A phone call or a walk-in entered by hand: what the form must hold before it is saved, and
when the call came in.

The checks are the per-field sentences the New request page shows, each naming its field.
Dates in the future are refused with a sentence rather than clamped by the date picker: a
birth date or a call time from tomorrow is a typing slip the person must see.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.intake.inputs import EARLIEST_RECEIVED_AT, Outcome, RequestInput
from zoelife.intake.normalize import clean_name, normalize_email, normalize_phone
from zoelife.intake.schedule import Schedule

SOURCE = "manual-entry"
MANUAL_CHANNELS = ("phone", "walk_in", "referral", "email", "other")
# A time typed to the minute may run a little ahead of the server's clock.
AHEAD_TOLERANCE = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class ManualEntry:
    first: str = ""
    last: str = ""
    phone: str = ""
    email: str = ""
    date_of_birth: dt.date | None = None
    channel: str = "phone"
    submitter: str = "self"
    submitter_name: str = ""
    treatments: tuple[str, ...] = ()  # vocabulary codes
    message: str = ""
    heard_about: str = ""
    referring_provider: str = ""
    preferred_contact_time: str = ""
    received_on: dt.date | None = None  # clinic-local; both empty: now
    received_at_time: dt.time | None = None


def received_instant(day: dt.date | None, time: dt.time | None, zone: ZoneInfo,
                     now: dt.datetime) -> tuple[dt.datetime | None, str | None]:
    """When the call came in, as a UTC instant (None: now), or why it cannot be used.

    A time without a date is today's (clinic time); a date needs its time."""
    if day is None and time is None:
        return None, None
    local_now = now.astimezone(zone)
    if day is None:
        day = local_now.date()
    if time is None:
        return None, "Received: give the time the call came in as well as the date."
    moment = dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)
    if moment > now + AHEAD_TOLERANCE:
        return None, (f"Received: {day:%Y-%m-%d} {time:%H:%M} is in the future (it is "
                      f"{local_now:%Y-%m-%d %H:%M} at the clinic). Enter when the call came "
                      "in, or leave the date and time empty for now.")
    if moment < EARLIEST_RECEIVED_AT:
        return None, f"Received: {day:%Y-%m-%d} is before {EARLIEST_RECEIVED_AT:%Y-%m-%d}."
    return min(moment, now), None


def problems(entry: ManualEntry, *, zone: ZoneInfo, now: dt.datetime) -> list[str]:
    """Every reason the entry cannot be saved yet, one sentence per field."""
    out: list[str] = []
    if not clean_name(entry.first) and not clean_name(entry.last):
        out.append("Name: enter a first or a last name.")
    phone, email = normalize_phone(entry.phone), normalize_email(entry.email)
    if phone.problem:
        out.append(f"Phone: the {phone.problem}.")
    if email.problem:
        out.append(f"Email: the {email.problem}.")
    if not phone.ok and not email.ok and not phone.problem and not email.problem:
        out.append("Phone or email: enter at least one way to reach them.")
    today = now.astimezone(zone).date()
    if entry.date_of_birth is not None and entry.date_of_birth > today:
        out.append(f"Date of birth: {entry.date_of_birth:%Y-%m-%d} is in the future.")
    if entry.submitter != "self" and not clean_name(entry.submitter_name):
        out.append("Their name: say who is asking when it is not the person.")
    if entry.channel == "referral" and not entry.referring_provider.strip():
        out.append("Referring provider: a referral needs the referring provider.")
    if not entry.treatments and not entry.message.strip():
        out.append("Treatment interests: pick at least one, or write what they said.")
    _, problem = received_instant(entry.received_on, entry.received_at_time, zone, now)
    if problem:
        out.append(problem)
    return out


def to_input(entry: ManualEntry, *, zone: ZoneInfo, now: dt.datetime) -> RequestInput:
    """The entry as every way in hands a request over (`service.receive`): its own source and
    a fresh external id, so assessment, duplicates and repeats apply as for the others."""
    received, _ = received_instant(entry.received_on, entry.received_at_time, zone, now)
    return RequestInput(
        source=SOURCE, external_id=str(uuid.uuid4()), received_at=received or now,
        channel=entry.channel, submitter=entry.submitter,
        submitter_name=entry.submitter_name or None, first_name=entry.first,
        last_name=entry.last, email=entry.email, phone=entry.phone,
        date_of_birth=entry.date_of_birth, message=entry.message or None,
        heard_about=entry.heard_about or None,
        referring_provider=entry.referring_provider or None,
        preferred_contact_time=entry.preferred_contact_time or None,
        treatment_codes=entry.treatments,
    )


def receive_entry(session: Session, entry: ManualEntry, *, zone: ZoneInfo, now: dt.datetime,
                  actor: audit.Actor) -> Outcome:
    """Save a checked entry (`problems` is empty) in the caller's transaction: a batch of one
    through the import's stages (docs/architecture.md)."""
    from zoelife.ingest.pipeline.match import receive_batch

    (out,) = receive_batch(session, [to_input(entry, zone=zone, now=now)],
                           schedule=Schedule.load(session), actor=actor, now=now)
    return out
