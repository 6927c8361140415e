"""One submission as it arrives, before it is stored: `RequestInput` (every way in builds one),
the `Outcome` of receiving it, and the pure checks and keys `receive` and the import pipeline
apply to it (received time, reject reasons, the ledger key, the content digest, UTM fields).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy.orm import Session

from zoelife.db.models import IntakeKey
from zoelife.intake.normalize import clean_name, name_key, split_full_name
from zoelife.vocabulary import CANONICAL_FIELDS

# A received time is the form's own word, so it is bounded: never more than a few minutes
# after it reached us (clocks differ a little), never before this floor (the clinic's software
# era; year 0001 and 1970 are what broken or hostile senders produce).
RECEIVED_AHEAD_TOLERANCE = dt.timedelta(minutes=5)
EARLIEST_RECEIVED_AT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FORM_TIME_FIELD = "form_received_at"
METADATA_FIELDS_KEY = "_tool_metadata"
PHONE_DOUBT_FIELD = "phone (as typed; may be wrong)"
NUMERIC_IDS_REASON = "fields arrived as numeric ids: map them once"
FORM_TIME_NOTE = "received_time_note"
# The message kept (and assessed with evidence) as the request's message. A longer one keeps
# its rest in the extra field MESSAGE_OVERFLOW_FIELD, never dropped, and that rest is assessed
# in chunks of OVERFLOW_CHUNK characters: a 250 KB message took 2-3 s to assess whole (the
# time grows with the matches), and the crisis flag must still see a clause at its very end.
MESSAGE_MAX_CHARS = 10_000
MESSAGE_OVERFLOW_FIELD = "message (continued)"
OVERFLOW_CHUNK = 10_000
# Chunks overlap so a clause across a chunk boundary is read whole in one of them.
OVERFLOW_OVERLAP = 400


@dataclass
class RequestInput:
    """One submission after field mapping, before normalization. Values are as received."""

    source: str
    external_id: str | None = None
    received_at: dt.datetime | None = None  # aware; None or naive is a reject reason
    received_at_raw: str | None = None  # what the file said, for the reject reason
    channel: str = "web_form"
    submitter: str = "self"
    submitter_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    date_of_birth: dt.date | None = None
    treatments: tuple[str, ...] = ()  # raw labels from the form's own treatment field
    message: str | None = None
    heard_about: str | None = None
    referring_provider: str | None = None
    landing_page: str | None = None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    utm_content: str | None = None
    utm_term: str | None = None
    insurance: str | None = None
    sms_consent: bool | None = None
    preferred_contact_time: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    row_number: int | None = None
    # When it reached us, for live deliveries (webhook): the received time is then kept within
    # a few minutes before it, so due times and on-call alerts run from arrival.
    arrived_at: dt.datetime | None = None
    raw: dict[str, Any] | None = None  # the row as received, kept on quarantine
    # Treatments already resolved to the vocabulary (manual entry picks them directly).
    treatment_codes: tuple[str, ...] = ()
    # Answers arrived keyed by numeric field ids that nothing maps yet (Gravity "All Fields").
    numeric_ids: bool = False
    # A reason it cannot become a request yet, whatever it holds (a lead not fetched).
    hold_reason: str | None = None

    def __post_init__(self) -> None:
        # Every way in builds a RequestInput: the cap holds for all of them.
        if isinstance(self.message, str) and len(self.message) > MESSAGE_MAX_CHARS:
            self.extra = dict(self.extra)
            rest = self.message[MESSAGE_MAX_CHARS:]
            earlier = self.extra.get(MESSAGE_OVERFLOW_FIELD)
            self.extra[MESSAGE_OVERFLOW_FIELD] = (
                rest if not isinstance(earlier, str) else rest + "\n" + earlier)
            self.message = self.message[:MESSAGE_MAX_CHARS]

    def overflow(self) -> str:
        value = self.extra.get(MESSAGE_OVERFLOW_FIELD)
        return value if isinstance(value, str) else ""

    def all_text(self) -> str:
        """Every free-text answer, message first: what the crisis detector reads (the
        message's overflow apart: `assess_inputs` reads it in chunks)."""
        parts = [self.message or ""]
        skip = metadata_fields(self.extra)
        for key, value in self.extra.items():
            if key == MESSAGE_OVERFLOW_FIELD or key in skip:
                continue
            if isinstance(value, str) and value.strip():
                parts.append(f"{key}: {value}")
        for value in (self.heard_about, self.preferred_contact_time, self.insurance):
            if value:
                parts.append(value)
        return "\n".join(p for p in parts if p)

    def content_key(self) -> str:
        """A stable id for exports without ids: the hash of the row's content."""
        payload = self.raw if self.raw is not None else {
            k: getattr(self, k) for k in CANONICAL_FIELDS if hasattr(self, k)
        } | {"extra": self.extra}
        blob = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
        return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:40]


@dataclass
class Outcome:
    kind: str  # created | duplicate | already_imported | rejected
    # Set when the submission repeated a key already received with different content: it is
    # kept for review (quarantined; urgent ones reach the queue), never dropped.
    review_reason: str | None = None
    request_id: int | None = None
    submission_id: int | None = None
    quarantined_row_id: int | None = None
    crisis: str = "none"
    reasons: list[str] = field(default_factory=list)  # why rejected
    warnings: list[str] = field(default_factory=list)
    external_id: str | None = None
    repeat_of_id: int | None = None
    possible_matches: int = 0


def utm_from_landing_page(landing_page: str | None) -> dict[str, str]:
    if not landing_page or "?" not in landing_page:  # no query string
        return {}
    try:
        query = parse_qs(urlsplit(landing_page).query)
    except ValueError:
        return {}
    return {k: v[0] for k, v in query.items() if k.startswith("utm_") and v and v[0]}


def clip(value: str | None, length: int) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value[:length] or None


def metadata_fields(extra: dict[str, Any] | None) -> frozenset[str]:
    """The extra fields that are a form tool's metadata (ids, URLs, times, statuses): kept and
    shown, never read by the crisis detector (`pipeline.parse.to_input` lists them)."""
    listed = (extra or {}).get(METADATA_FIELDS_KEY)
    return frozenset(map(str, listed)) if isinstance(listed, list) else frozenset()


def check_input(inp: RequestInput, phone, email, *, now: dt.datetime | None = None
                ) -> tuple[list[str], list[str], dt.datetime | None]:
    """Reject reasons, warnings and the usable received time of one submission.

    A received time more than a few minutes after arrival (or after `now`, the import's time),
    or before `EARLIEST_RECEIVED_AT`, is not used: arrival (or `now`) is, and the form's time
    is kept as an extra field with the reason. A live delivery (`inp.arrived_at`) is also
    received no earlier than a few minutes before it arrived: due times and on-call alerts
    run from arrival, whatever the form says."""
    reasons: list[str] = []
    warnings: list[str] = []
    if phone.problem and email.ok:
        warnings.append(f"{phone.problem}; imported with the email only")
    if email.problem and phone.ok:
        warnings.append(f"{email.problem}; imported with the phone only")
    if phone.kept:
        # Kept as typed for staff to see and judge, never as the number to call.
        inp.extra = dict(inp.extra) | {PHONE_DOUBT_FIELD: phone.kept}
    if inp.hold_reason:
        reasons.append(inp.hold_reason)
    elif not phone.ok and not email.ok:
        detail = "; ".join(
            p for p in (phone.problem, email.problem) if p
        )
        if inp.numeric_ids:
            reasons.append(NUMERIC_IDS_REASON)
        else:
            reasons.append("no usable phone or email" + (f" ({detail})" if detail else ""))
    received_at = inp.received_at
    if received_at is None or received_at.tzinfo is None:
        raw = (inp.received_at_raw or "").strip()
        reasons.append(f"received time {raw!r} could not be read" if raw
                       else "received time is missing")
        return reasons, warnings, None
    arrival = inp.arrived_at
    reference = arrival or now
    what = "arrival" if arrival else "the import"
    note = None
    if reference is not None and received_at > reference + RECEIVED_AHEAD_TOLERANCE:
        note = f"the form's time is more than 5 minutes after {what}"
    elif received_at < EARLIEST_RECEIVED_AT:
        note = f"the form's time is before {EARLIEST_RECEIVED_AT:%Y-%m-%d}"
    elif arrival is not None and received_at < arrival - RECEIVED_AHEAD_TOLERANCE:
        note = "the form's time is more than 5 minutes before arrival"
    if note is not None and reference is not None:
        shown = (inp.received_at_raw or received_at.isoformat()).strip()[:80]
        sentence = (f"received time {shown!r} not used: {note}; the time of {what} was used "
                    f"(the form's time is kept as {FORM_TIME_FIELD})")
        inp.extra = dict(inp.extra) | {FORM_TIME_FIELD: shown, FORM_TIME_NOTE: sentence}
        warnings.append(sentence)
        received_at = reference
    elif arrival is not None:
        received_at = min(received_at, arrival)
    return reasons, warnings, received_at


def content_digest(inp: RequestInput) -> str:
    """What a submission says about who and why, as short per-field digests (no patient data
    in clear): `{"n": name, "e": email, "p": phone, "b": birth date, "m": message}`, empty
    fields left out. Tool metadata (status, read flags, times) is not part of it, so a
    cumulative export imported again matches what came before."""
    first, last = input_names(inp)
    fields = {
        "n": name_key(first, last) or "",
        "e": (inp.email or "").strip().casefold(),
        "p": "".join(c for c in (inp.phone or "") if c.isdigit())[-10:],
        "b": inp.date_of_birth.isoformat() if inp.date_of_birth else "",
        "m": " ".join((inp.message or "").split()),
    }
    return json.dumps({k: hashlib.sha256(v.encode()).hexdigest()[:16]
                       for k, v in fields.items() if v}, sort_keys=True, separators=(",", ":"))


def differing_fields(stored: str | None, digest: str) -> list[str]:
    """The fields both deliveries give that differ; [] for a key recorded before digests."""
    if not stored:
        return []
    try:
        before = json.loads(stored)
    except ValueError:
        return []
    after = json.loads(digest)
    names = {"n": "name", "e": "email", "p": "phone", "b": "birth date", "m": "message"}
    return [names[k] for k in names if k in before and k in after and before[k] != after[k]]


def conflict_key(external_id: str, digest: str) -> str:
    """The ledger key of a repeated id with different content: one per distinct content, so
    the same conflicting delivery sent again is recognized."""
    return f"{external_id[:150]}~conflict-{hashlib.sha256(digest.encode()).hexdigest()[:16]}"


def input_names(inp: RequestInput) -> tuple[str | None, str | None]:
    first, last = clean_name(inp.first_name), clean_name(inp.last_name)
    if not first and not last and inp.full_name:
        first, last = split_full_name(inp.full_name)
    return first, last


def input_key(inp: RequestInput) -> tuple[str, str]:
    """The (source, external_id) the intake ledger keys a submission by."""
    source = (inp.source or "unknown").strip()[:120]
    return source, (inp.external_id or "").strip()[:200] or inp.content_key()


def utm_fields(inp: RequestInput) -> dict[str, str | None]:
    utm = utm_from_landing_page(inp.landing_page)
    return {
        "utm_source": clip(inp.utm_source or utm.get("utm_source"), 200),
        "utm_medium": clip(inp.utm_medium or utm.get("utm_medium"), 200),
        "utm_campaign": clip(inp.utm_campaign or utm.get("utm_campaign"), 200),
        "utm_content": clip(inp.utm_content or utm.get("utm_content"), 200),
        "utm_term": clip(inp.utm_term or utm.get("utm_term"), 200),
    }


def quarantine_raw(inp: RequestInput) -> Any:
    raw = inp.raw if inp.raw is not None else {
        k: getattr(inp, k) for k in CANONICAL_FIELDS if hasattr(inp, k)
    } | {"extra": inp.extra}
    return json.loads(json.dumps(raw, default=str))


def ledger_entry(session: Session, source: str, external_id: str) -> IntakeKey | None:
    """The intake ledger's entry for a submission's key (None when never received)."""
    return session.get(IntakeKey, (source, external_id))
