"""Receiving one request, whatever way it came in (webhook, file import, manual entry, demo).

`receive` applies DESIGN.md's rules in one place:
- the same `(source, external_id)` is never stored twice (the `intake_keys` ledger);
- a submission without a usable phone or email, or without a readable received time, is
  quarantined with its reason; its text is still assessed and an `urgent` one still reaches the
  queue as a request marked "no usable contact";
- the person is found (or a possible match recorded);
- a **duplicate** (same person, same treatments, within 24 hours, earlier request still open) is
  attached to the earlier request as a submission, its text appended and assessed again;
- otherwise a new request, marked as a **repeat** of the person's most recent earlier one.
Everything happens in the caller's transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import (
    ContentItem,
    CrisisChange,
    IntakeKey,
    Person,
    QuarantinedRow,
    Request,
    RequestTreatment,
    Submission,
)
from zoelife.intake import matching, pacing
from zoelife.intake.normalize import (
    clean_name,
    name_key,
    normalize_email,
    normalize_phone,
    search_text,
    split_full_name,
)
from zoelife.intake.schedule import Schedule
from zoelife.triage import CRISIS_RANK, Assessment, assess, assess_all, max_level
from zoelife.vocabulary import CANONICAL_FIELDS, CHANNELS, SUBMITTERS, TREATMENTS

DUPLICATE_WINDOW = dt.timedelta(hours=24)
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
APPENDED_TEXT_MARKER = "\n\n--- later submission, {when} ---\n"


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


def url_path_key(url: str | None) -> str | None:
    """The lowercased path of a URL without trailing slash: how pages are compared."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    path = parts.path if (parts.scheme or parts.netloc) else url.split("?")[0].split("#")[0]
    path = path.rstrip("/").lower()
    return path or "/"


def attributed_content_id(session: Session, landing_page: str | None,
                          utm_campaign: str | None) -> int | None:
    """Credit a content item when the landing page or the UTM campaign points at it."""
    path = url_path_key(landing_page)
    if path and path != "/":
        found = session.execute(
            select(ContentItem.id).where(ContentItem.url_path == path).limit(1)
        ).scalar()
        if found:
            return found
    if utm_campaign:
        found = session.execute(
            select(ContentItem.id)
            .where(ContentItem.campaign_key == utm_campaign.strip().lower())
            .limit(1)
        ).scalar()
        if found:
            return found
    return None


def _clip(value: str | None, length: int) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value[:length] or None


def _key(session: Session, source: str, external_id: str) -> IntakeKey | None:
    return session.get(IntakeKey, (source, external_id))


def assess_input(inp: RequestInput) -> Assessment:
    return assess_inputs([inp])[0]


def assess_inputs(inputs: Sequence[RequestInput]) -> list[Assessment]:
    """The assessment of each input: its text, its form's treatment labels (mapped to the
    vocabulary) and the treatments it already names by code."""
    results = assess_all([(inp.all_text(), inp.treatments) for inp in inputs])
    for i, (inp, result) in enumerate(zip(inputs, results, strict=True)):
        codes = set(result.treatments) | {t for t in inp.treatment_codes if t in TREATMENTS}
        level = result.crisis
        if inp.overflow():
            level = max_level(level, assess_overflow(inp.overflow()))
        if codes != set(result.treatments) or level != result.crisis:
            results[i] = dataclasses.replace(result, crisis=level, treatments=frozenset(codes))
    return results


def assess_overflow(text: str) -> str:
    """The crisis level of a message's overflow, read in overlapping chunks of bounded size,
    stopping at the first `urgent` one (nothing can raise the level further)."""
    level = "none"
    step = OVERFLOW_CHUNK - OVERFLOW_OVERLAP
    for start in range(0, max(len(text) - OVERFLOW_OVERLAP, 1), step):
        with pacing.LANE.chunk():  # in the server, long assessments share half the interpreter
            level = max_level(level, assess(text[start:start + OVERFLOW_CHUNK]).crisis)
        if level == "urgent":
            break
    return level


def assess_in_chunks(inputs: Sequence[RequestInput]) -> list[Assessment]:
    """`assess_inputs`, ASSESS_CHUNK_ROWS inputs at a time, each chunk paced in the server
    (zoelife.intake.pacing): for an import, before its write transaction."""
    out: list[Assessment] = []
    size = pacing.ASSESS_CHUNK_ROWS
    for start in range(0, len(inputs), size):
        with pacing.LANE.chunk():
            out.extend(assess_inputs(inputs[start:start + size]))
    return out


def metadata_fields(extra: dict[str, Any] | None) -> frozenset[str]:
    """The extra fields that are a form tool's metadata (ids, URLs, times, statuses): kept and
    shown, never read by the crisis detector (`pipeline.parse.to_input` lists them)."""
    listed = (extra or {}).get(METADATA_FIELDS_KEY)
    return frozenset(map(str, listed)) if isinstance(listed, list) else frozenset()


def reassessed_extra_text(extra: dict[str, Any] | None) -> str:
    """The request's extra fields as the crisis detector reads them again when new text
    arrives. The message overflow is left out: it was assessed (in chunks) when it came, and
    the level it gave stands, since new text can only raise a level. A tool's metadata is
    never read."""
    skip = metadata_fields(extra)
    return "\n".join(f"{k}: {v}" for k, v in (extra or {}).items()
                     if isinstance(v, str) and k != MESSAGE_OVERFLOW_FIELD and k not in skip)


def evidence_json(assessment: Assessment) -> list[dict[str, Any]]:
    return [
        {"start": e.start, "end": e.end, "category": e.category, "level": e.level}
        for e in assessment.crisis_evidence
    ]


def crisis_rank(level: str, acknowledged: bool) -> int:
    if level == "urgent":
        return 1 if acknowledged else 0
    return 2 if level == "review" else 3


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
        "utm_source": _clip(inp.utm_source or utm.get("utm_source"), 200),
        "utm_medium": _clip(inp.utm_medium or utm.get("utm_medium"), 200),
        "utm_campaign": _clip(inp.utm_campaign or utm.get("utm_campaign"), 200),
        "utm_content": _clip(inp.utm_content or utm.get("utm_content"), 200),
        "utm_term": _clip(inp.utm_term or utm.get("utm_term"), 200),
    }


def quarantine_raw(inp: RequestInput) -> Any:
    raw = inp.raw if inp.raw is not None else {
        k: getattr(inp, k) for k in CANONICAL_FIELDS if hasattr(inp, k)
    } | {"extra": inp.extra}
    return json.loads(json.dumps(raw, default=str))


def receive(
    session: Session,
    inp: RequestInput,
    *,
    schedule: Schedule,
    actor: audit.Actor | None = None,
    batch_id: int | None = None,
    audit_each: bool = True,
    now: dt.datetime | None = None,
    assessment: Assessment | None = None,
) -> Outcome:
    """`assessment`: `assess_input(inp)` worked out before the write transaction began, so a
    long message is not assessed while every other writer waits (see `receive_one`)."""
    now = now or dt.datetime.now(dt.UTC)
    actor = actor or audit.SYSTEM
    source, external_id = input_key(inp)
    outcome_base = {"external_id": inp.external_id or ""}

    digest = content_digest(inp)
    existing = _key(session, source, external_id)
    review_reason = None
    if existing is not None and existing.kind in ("request", "submission"):
        differ = differing_fields(existing.content_digest, digest)
        if not differ:
            return Outcome("already_imported", request_id=existing.request_id,
                           submission_id=existing.submission_id, **outcome_base)
        # The same id with different content: a second form entry, an edited one, or someone
        # else's delivery under a taken id. Never dropped: kept for review, and assessed.
        review_reason = (f"id {external_id[:80]!r} was already received from {source} with a "
                         f"different {', '.join(differ)}; kept for review")
        external_id = conflict_key(external_id, digest)
        existing = _key(session, source, external_id)
        if existing is not None:  # this same conflicting content, sent again
            return Outcome("already_imported", request_id=existing.request_id,
                           quarantined_row_id=existing.quarantined_row_id,
                           review_reason=review_reason, **outcome_base)

    assessment = assessment or assess_input(inp)
    phone = normalize_phone(inp.phone)
    email = normalize_email(inp.email)
    reasons, warnings, received_at = check_input(inp, phone, email, now=now)
    first, last = input_names(inp)

    if reasons or review_reason:
        out = _quarantine(session, inp, source, external_id, [review_reason] * bool(review_reason)
                          + reasons, assessment, schedule, actor=actor, batch_id=batch_id,
                          now=now, first=first, last=last, received_at=received_at,
                          existing=existing, audit_each=audit_each, digest=digest,
                          contact=(email.value, phone.value) if review_reason else None)
        out.review_reason = review_reason
        return out

    fields = utm_fields(inp)
    channel = inp.channel if inp.channel in CHANNELS else "other"
    submitter = inp.submitter if inp.submitter in SUBMITTERS else "other"

    # A fixed row whose urgent text already put a "no usable contact" request in the queue
    # completes that request: staff may already be working it, and a second one would split
    # its story in two.
    placeholder = _placeholder_for(session, existing)
    match = matching.find_person(session, email=email.value, phone=phone.value,
                                 first_name=first, last_name=last,
                                 date_of_birth=inp.date_of_birth,
                                 exclude_request_id=placeholder.id if placeholder else None)

    if match.person_id is not None and placeholder is None:
        dup = _open_duplicate_target(session, match.person_id, assessment.treatments,
                                     received_at)
        if dup is not None:
            return _attach_duplicate(session, dup, inp, source, external_id, assessment,
                                     schedule, actor=actor, batch_id=batch_id, now=now,
                                     first=first, last=last, email=email.value,
                                     phone=phone.value, received_at=received_at,
                                     existing=existing, audit_each=audit_each,
                                     warnings=warnings, digest=digest)

    if match.person_id is None:
        person = Person(first_name=first, last_name=last, name_key=name_key(first, last),
                        date_of_birth=inp.date_of_birth, created_at=now)
        session.add(person)
        session.flush()
        person_id = person.id
        added = matching.record_possible_matches(session, person_id, match.possible_matches, now)
    else:
        person_id = match.person_id
        added = 0
        if inp.date_of_birth:
            session.execute(update(Person).where(Person.id == person_id,
                                                 Person.date_of_birth.is_(None))
                            .values(date_of_birth=inp.date_of_birth))

    repeat_q = select(Request.id).where(Request.person_id == person_id,
                                        Request.received_at <= received_at)
    if placeholder is not None:
        repeat_q = repeat_q.where(Request.id != placeholder.id)
    repeat_of = session.execute(
        repeat_q.order_by(Request.received_at.desc(), Request.id.desc()).limit(1)
    ).scalar()

    if placeholder is not None:
        request = _complete_placeholder(
            session, placeholder, inp, assessment, schedule, now=now, first=first, last=last,
            email=email.value, phone=phone.value, received_at=received_at,
            person_id=person_id, channel=channel, submitter=submitter, repeat_of=repeat_of,
            fields=fields)
    else:
        request = _new_request(session, inp, source, external_id, assessment, schedule,
                               now=now, first=first, last=last, email=email.value,
                               phone=phone.value, received_at=received_at,
                               person_id=person_id, channel=channel, submitter=submitter,
                               batch_id=batch_id, repeat_of=repeat_of, fields=fields,
                               usable=True)
    if existing is not None:  # a quarantined row imported again once fixed
        existing.kind = "request"
        existing.content_digest = digest
        existing.request_id = request.id
        if existing.quarantined_row_id:
            row = session.get(QuarantinedRow, existing.quarantined_row_id)
            if row is not None:
                row.status = "reimported"
                row.resolved_at = now
    else:
        session.add(IntakeKey(source=source, external_id=external_id, kind="request",
                              request_id=request.id, first_seen_at=now, content_digest=digest))
    session.flush()
    if audit_each:
        audit.record(session, actor, "request.create", "request", request.id,
                     {"channel": channel, "source": source,
                      "crisis_level": assessment.crisis,
                      "treatments": sorted(assessment.treatments),
                      "repeat_of_id": repeat_of})
    return Outcome("created", request_id=request.id, crisis=assessment.crisis,
                   warnings=warnings, repeat_of_id=repeat_of, possible_matches=added,
                   **outcome_base)


def request_values(inp, source, external_id, assessment, schedule, *, now, first, last,
                   email, phone, received_at, person_id, channel, submitter, batch_id,
                   repeat_of, fields, usable, attributed) -> dict[str, Any]:
    """The columns of a new request (shared with the set-based import path)."""
    local_date, hour, weekday = schedule.local_parts(received_at)
    return dict(
        source=source, external_id=external_id, channel=channel, submitter=submitter,
        submitter_name=_clip(inp.submitter_name, 200), person_id=person_id,
        received_at=received_at, received_local_date=local_date, received_local_hour=hour,
        received_local_weekday=weekday, first_name=first, last_name=last, email=email,
        phone=phone, date_of_birth=inp.date_of_birth, has_usable_contact=usable,
        message=inp.message, heard_about=_clip(inp.heard_about, 200),
        referring_provider=_clip(inp.referring_provider, 300),
        landing_page=_clip(inp.landing_page, 1000), insurance=_clip(inp.insurance, 200),
        sms_consent=inp.sms_consent,
        preferred_contact_time=_clip(inp.preferred_contact_time, 200),
        extra=dict(inp.extra),
        search_text=search_text(first, last, email, phone, inp.message),
        crisis_level=assessment.crisis, crisis_source="auto",
        crisis_evidence=evidence_json(assessment),
        crisis_rank=crisis_rank(assessment.crisis, False),
        status="new", is_open=True,
        due_at=(due := schedule.first_contact_due(received_at, assessment.crisis)),
        next_step="first_contact", next_due_at=due,
        repeat_of_id=repeat_of, import_batch_id=batch_id,
        attributed_content_id=attributed,
        treatment_list=";".join(sorted(assessment.treatments)), created_at=now,
        updated_at=now, version=1, attempt_count=0, **fields,
    )


def _new_request(session, inp, source, external_id, assessment, schedule, *, now, first, last,
                 email, phone, received_at, person_id, channel, submitter, batch_id,
                 repeat_of, fields, usable) -> Request:
    values = request_values(
        inp, source, external_id, assessment, schedule, now=now, first=first, last=last,
        email=email, phone=phone, received_at=received_at, person_id=person_id,
        channel=channel, submitter=submitter, batch_id=batch_id, repeat_of=repeat_of,
        fields=fields, usable=usable,
        attributed=attributed_content_id(session, inp.landing_page, fields["utm_campaign"]))
    request = Request(**values)
    session.add(request)
    session.flush()
    for t in sorted(assessment.treatments):
        session.add(RequestTreatment(request_id=request.id, treatment=t, origin="form",
                                     received_local_date=values["received_local_date"]))
    session.add(CrisisChange(request_id=request.id, kind="assessed", from_level=None,
                             to_level=assessment.crisis, changed_at=now))
    session.flush()
    return request


def _placeholder_for(session: Session, existing: IntakeKey | None) -> Request | None:
    if existing is None or existing.kind != "quarantine" or not existing.quarantined_row_id:
        return None
    row = session.get(QuarantinedRow, existing.quarantined_row_id)
    if row is None or row.request_id is None:
        return None
    return session.get(Request, row.request_id)


def _complete_placeholder(session, request: Request, inp, assessment, schedule, *, now, first,
                          last, email, phone, received_at, person_id, channel, submitter,
                          repeat_of, fields) -> Request:
    """Turn an urgent "no usable contact" request into a full one, once its row is fixed.

    The crisis level can only rise (new text), and status, attempts and acknowledgement stay:
    the front desk may already have acted on it."""
    local_date, hour, weekday = schedule.local_parts(received_at)
    request.person_id = person_id
    request.channel, request.submitter = channel, submitter
    request.submitter_name = _clip(inp.submitter_name, 200)
    request.received_at = received_at
    request.received_local_date, request.received_local_hour = local_date, hour
    request.received_local_weekday = weekday
    request.first_name, request.last_name = first, last
    request.email, request.phone = email, phone
    request.date_of_birth = inp.date_of_birth
    request.has_usable_contact = True
    request.message = inp.message
    request.heard_about = _clip(inp.heard_about, 200)
    request.referring_provider = _clip(inp.referring_provider, 300)
    request.landing_page = _clip(inp.landing_page, 1000)
    request.insurance = _clip(inp.insurance, 200)
    request.sms_consent = inp.sms_consent
    request.preferred_contact_time = _clip(inp.preferred_contact_time, 200)
    request.extra = dict(inp.extra)
    request.search_text = search_text(first, last, email, phone, inp.message)
    request.repeat_of_id = repeat_of
    request.attributed_content_id = attributed_content_id(session, inp.landing_page,
                                                          fields["utm_campaign"])
    for key, value in fields.items():
        setattr(request, key, value)
    level = max_level(request.crisis_level, assessment.crisis)
    if level != request.crisis_level:
        session.add(CrisisChange(request_id=request.id, kind="assessed",
                                 from_level=request.crisis_level, to_level=level,
                                 reason="new text arrived", changed_at=now))
        request.crisis_level = level
        request.crisis_evidence = evidence_json(assessment)
        request.crisis_rank = crisis_rank(level, request.crisis_acknowledged_at is not None)
    if request.first_contact_at is None:
        request.due_at = schedule.first_contact_due(received_at, request.crisis_level)
        if request.status == "new":
            request.next_due_at = request.due_at
    have = {t.treatment for t in request.treatments}
    for t in request.treatments:
        t.received_local_date = local_date
    for t in sorted(set(assessment.treatments) - have):
        request.treatments.append(RequestTreatment(treatment=t, origin="form",
                                                   received_local_date=local_date))
    request.treatment_list = ";".join(sorted(have | set(assessment.treatments)))
    request.version += 1
    request.updated_at = now
    session.flush()
    return request


def _open_duplicate_target(session: Session, person_id: int, treatments: frozenset[str],
                           received_at: dt.datetime) -> Request | None:
    candidates = session.execute(
        select(Request).where(
            Request.person_id == person_id,
            Request.is_open.is_(True),
            Request.received_at >= received_at - DUPLICATE_WINDOW,
            Request.received_at <= received_at,
        ).order_by(Request.received_at.desc())
    ).scalars().all()
    for candidate in candidates:
        if candidate.treatment_set == set(treatments):
            return candidate
    return None


def _attach_duplicate(session, target: Request, inp, source, external_id, assessment,
                      schedule, *, actor, batch_id, now, first, last, email, phone,
                      received_at, existing, audit_each, warnings, digest=None) -> Outcome:
    submission = Submission(
        request_id=target.id, source=source, external_id=external_id,
        channel=inp.channel if inp.channel in CHANNELS else "other", received_at=received_at,
        first_name=first, last_name=last, email=email, phone=phone, message=inp.message,
        treatments=sorted(assessment.treatments),
        fields={k: v for k, v in (inp.raw or {}).items()} | {"extra": inp.extra},
        crisis_level=assessment.crisis, crisis_evidence=evidence_json(assessment),
        import_batch_id=batch_id, created_at=now,
    )
    session.add(submission)
    session.flush()
    if inp.message and inp.message.strip():
        target.message = _appended_message(target.message, inp.message, received_at)
        target.search_text = search_text(target.first_name, target.last_name, target.email,
                                         target.phone, target.message)
    raise_crisis_from_text(session, target, schedule, now=now, also=assessment)
    target.updated_at = now
    if existing is not None:
        existing.kind = "submission"
        existing.submission_id = submission.id
        existing.request_id = target.id
        existing.content_digest = digest
    else:
        session.add(IntakeKey(source=source, external_id=external_id, kind="submission",
                              request_id=target.id, submission_id=submission.id,
                              first_seen_at=now, content_digest=digest))
    session.flush()
    if audit_each:
        audit.record(session, actor, "request.duplicate_attached", "request", target.id,
                     {"crisis_level": target.crisis_level, "source": source})
    return Outcome("duplicate", request_id=target.id, submission_id=submission.id,
                   crisis=assessment.crisis, warnings=warnings, external_id=inp.external_id or "")


def _appended_message(message: str | None, new: str, received_at: dt.datetime) -> str:
    when = received_at.strftime("%Y-%m-%d %H:%M UTC")
    return (message or "") + APPENDED_TEXT_MARKER.format(when=when) + new


def _request_text(message: str | None, extra: dict[str, Any] | None) -> str:
    """A request's whole text as `raise_crisis_from_text` reads it."""
    return (message or "") + "\n" + reassessed_extra_text(extra)


# Assessments of a request's whole text worked out before a write transaction
# (`preassess_duplicate`), by the text's hash: used once, by the transaction that reads that
# very text. The detector gives the same result for the same text, so nothing changes but
# where the work happens; a text that changed meanwhile is simply assessed there.
_PREASSESSED: OrderedDict[bytes, Assessment] = OrderedDict()
_PREASSESSED_MAX = 64
_PREASSESSED_LOCK = threading.Lock()


def _text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def _assess_request_text(text: str) -> Assessment:
    with _PREASSESSED_LOCK:
        found = _PREASSESSED.pop(_text_key(text), None)
    return found if found is not None else assess(text)


def preassess_duplicate(session: Session, inp: RequestInput, assessment: Assessment, *,
                        now: dt.datetime) -> bool:
    """In a read session, before `receive` opens its write transaction: when `inp` would be
    attached to an open request as a duplicate, assess that request's whole text with `inp`'s
    message appended now, as `raise_crisis_from_text` will inside the transaction (a request's
    text grows with every duplicate: the 30th of 10,000 characters is 300,000 characters,
    1.4 s of triage while every other writer of the process waits). True when it did."""
    source, external_id = input_key(inp)
    if _key(session, source, external_id) is not None:
        return False  # already received, a conflict or a fixed row: not a plain duplicate
    phone = normalize_phone(inp.phone)
    email = normalize_email(inp.email)
    reasons, _, received_at = check_input(inp, phone, email, now=now)
    if reasons:
        return False
    first, last = input_names(inp)
    match = matching.find_person(session, email=email.value, phone=phone.value,
                                 first_name=first, last_name=last,
                                 date_of_birth=inp.date_of_birth)
    if match.person_id is None:
        return False
    target = _open_duplicate_target(session, match.person_id, assessment.treatments,
                                    received_at)
    if target is None:
        return False
    message = target.message
    if inp.message and inp.message.strip():
        message = _appended_message(message, inp.message, received_at)
    text = _request_text(message, target.extra)
    with pacing.LANE.chunk():
        result = assess(text)
    with _PREASSESSED_LOCK:
        _PREASSESSED[_text_key(text)] = result
        while len(_PREASSESSED) > _PREASSESSED_MAX:
            _PREASSESSED.popitem(last=False)
    return True


def raise_crisis_from_text(session: Session, request: Request, schedule: Schedule, *,
                           now: dt.datetime, text: str | None = None,
                           also: Assessment | None = None) -> bool:
    """Assess the request's whole text again; new text can only raise the level.

    A manual level stands until new text arrives; new text can still raise it. `also`: the
    assessment of the new submission (its message overflow included). Returns True
    when the level rose (an urgent rise needs a fresh acknowledgement).
    """
    result = _assess_request_text(text if text is not None else _request_text(request.message,
                                                                              request.extra))
    new_level = max_level(request.crisis_level, result.crisis)
    if also is not None:
        new_level = max_level(new_level, also.crisis)
    if CRISIS_RANK[new_level] <= CRISIS_RANK[request.crisis_level]:
        return False
    old = request.crisis_level
    request.crisis_level = new_level
    request.crisis_source = "auto"
    request.crisis_evidence = evidence_json(result)
    if new_level == "urgent":
        request.crisis_acknowledged_at = None
        request.crisis_acknowledged_by = None
        request.oncall_notified_at = None
        if request.first_contact_at is None:
            request.due_at = schedule.first_contact_due(request.received_at, "urgent")
            if request.status == "new":
                request.next_due_at = request.due_at
    request.crisis_rank = crisis_rank(new_level, request.crisis_acknowledged_at is not None)
    request.version += 1
    session.add(CrisisChange(request_id=request.id, kind="assessed", from_level=old,
                             to_level=new_level, reason="new text arrived", changed_at=now))
    return True


def _quarantine(session, inp, source, external_id, reasons, assessment, schedule, *, actor,
                batch_id, now, first, last, received_at, existing, audit_each, digest=None,
                contact: tuple[str | None, str | None] | None = None) -> Outcome:
    """Keep an unusable (or, with `contact`, a conflicting but usable) submission for review;
    an urgent one also becomes a request in the queue, with its contact when it has one."""
    reason = "; ".join(reasons)
    if existing is not None and existing.kind == "quarantine":
        row = session.get(QuarantinedRow, existing.quarantined_row_id)
        if row is not None:
            # Not quarantined twice; the reason and batch follow the latest attempt.
            row.reason = reason
            row.batch_id = batch_id or row.batch_id
            row.row_number = inp.row_number
            return Outcome("rejected", quarantined_row_id=row.id, request_id=row.request_id,
                           crisis=assessment.crisis, reasons=reasons,
                           external_id=inp.external_id or "")
    row = QuarantinedRow(
        batch_id=batch_id, source=source, row_key=external_id, row_number=inp.row_number,
        external_id=inp.external_id, raw=quarantine_raw(inp),
        reason=reason, crisis_level=assessment.crisis,
        crisis_evidence=evidence_json(assessment), status="open", created_at=now,
    )
    session.add(row)
    session.flush()
    request_id = None
    if assessment.crisis == "urgent":
        # An urgent message must reach the queue even when nobody can be called back yet.
        when = received_at or now
        email, phone = contact or (None, None)
        request = _new_request(
            session, inp, source, external_id, assessment, schedule, now=now, first=first,
            last=last, email=email, phone=phone, received_at=when, person_id=None,
            channel=inp.channel if inp.channel in CHANNELS else "other",
            submitter=inp.submitter if inp.submitter in SUBMITTERS else "other",
            batch_id=batch_id, repeat_of=None,
            fields={"utm_source": None, "utm_medium": None, "utm_campaign": None,
                    "utm_content": None, "utm_term": None},
            usable=bool(email or phone),
        )
        request.extra = dict(inp.extra) | {"_quarantine_reason": reason,
                                           "_as_received": row.raw}
        row.request_id = request.id
        request_id = request.id
    session.add(IntakeKey(source=source, external_id=external_id, kind="quarantine",
                          quarantined_row_id=row.id, request_id=request_id, first_seen_at=now,
                          content_digest=digest))
    session.flush()
    if audit_each:
        audit.record(session, actor, "request.quarantine", "quarantined_row", row.id,
                     {"crisis_level": assessment.crisis, "source": source})
    return Outcome("rejected", quarantined_row_id=row.id, request_id=request_id,
                   crisis=assessment.crisis, reasons=reasons, external_id=inp.external_id or "")
