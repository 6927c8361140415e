"""Caller ID for phone entry: who is on the line, and do they have an open request already?

While the front desk types a caller's number or name, `lookup` finds the people it may be and
their requests, by the keys of `matching` (the normalized phone, the normalized email, the name
key). Each key is read through an index with a LIMIT, so a lookup costs about the same at
1,000 and at 1,000,000 requests:

- a whole phone number (`normalize_phone`) or email (`normalize_email`): equality on the indexed
  `requests.phone` / `requests.email`, newest first;
- a number still being typed (7 digits or more): a range on `requests.phone` (E.164 text, so the
  digits typed so far are a prefix of it; `prefix_bounds`);
- a first and a last name: a range on the indexed `people.name_key` (the typed key is a prefix;
  a name in another script is looked up whole).

As in `matching`, the same phone or email with a different name is not the same person: such a
request is shown with `name_differs` and is never the suggested one. When a caller matches an
open request, phone entry offers to log the call on it (`log_call`) instead of a second request.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import Person, Request
from zoelife.intake import lifecycle
from zoelife.intake.assessment import raise_crisis_from_text
from zoelife.intake.manual_entry import AHEAD_TOLERANCE
from zoelife.intake.normalize import name_key, normalize_email, normalize_phone
from zoelife.intake.schedule import Schedule

SCAN_LIMIT = 50  # rows read per key: a shared number (the clinic's own line) stays cheap
OPEN_SHOWN = 5  # open requests offered
CLOSED_SHOWN = 3  # earlier closed requests named
PREFIX_DIGITS = 7  # a number being typed is looked up once it holds this many digits
_NOT_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class KnownRequest:
    id: int
    person_id: int | None
    name: str
    status: str
    close_reason: str | None
    received_at: dt.datetime
    closed_at: dt.datetime | None
    treatments: tuple[str, ...]
    how: str  # "same phone" | "same email" | "same name"
    name_differs: bool  # same phone or email, another name: only a possible match

    @property
    def is_open(self) -> bool:
        return self.status != "closed"


@dataclass(frozen=True)
class CallerId:
    """What a lookup found. Empty when nothing typed was enough to look for."""

    searched: bool = False
    open_requests: list[KnownRequest] = field(default_factory=list)  # best first
    closed_requests: list[KnownRequest] = field(default_factory=list)  # newest first
    closed_count: int = 0  # of the people found: how many closed requests they had

    @property
    def suggested(self) -> KnownRequest | None:
        """The open request to log the call on: the best one whose name does not differ."""
        return next((r for r in self.open_requests if not r.name_differs), None)


def phone_keys(raw: str | None) -> tuple[str | None, str | None]:
    """(the number in E.164 when it reads as one, the E.164 prefix to look for when that finds
    nothing: a number still being typed). Either may be None."""
    text = (raw or "").strip()
    digits = _NOT_DIGIT.sub("", text)
    whole = normalize_phone(text, strict=False)
    exact = whole.value if whole.ok else None
    if len(digits) < PREFIX_DIGITS:
        return exact, None
    if exact:  # seven digits are a "possible" local number, and the start of a longer one
        return exact, exact
    # Without a country code the number is read as a US one, like `normalize_phone` does;
    # a US area code never starts with 1, so a leading 1 is the country code.
    if text.startswith("+") or digits.startswith("1"):
        return None, "+" + digits
    return None, "+1" + digits


def _name_prefix(first: str | None, last: str | None) -> str | None:
    """A name is looked up once both a first and a last name are typed: a first name alone
    would offer every Maria of the clinic."""
    if not (first or "").strip() or not (last or "").strip():
        return None
    return name_key(first, last)


_STEPS = "0123456789abcdefghijklmnopqrstuvwxyz"


def prefix_bounds(prefix: str) -> tuple[str, str] | None:
    """`(low, high)` such that every string starting with `prefix` sorts in `[low, high)` under
    the binary order and under the usual database collations (PostgreSQL's C, ICU and glibc
    ones), so the range can be read from an index; None when no such bound is sure.

    `high` steps the last digit or letter up ('+1212555' -> '+1212556', 'maria lo' ->
    'maria lp'), after dropping a trailing 9, z or separator ('maria loz' -> 'maria lp'): a
    character such as ':' just above '9' in ASCII sorts below the digits in ICU and is
    ignored by glibc. The range alone may still admit a few other strings under a collation
    that ignores spaces: callers also filter with `startswith`."""
    if not prefix or not prefix.isascii():
        return None
    stem = prefix.rstrip("9z +_")
    while stem and stem[-1] not in _STEPS:
        stem = stem[:-1].rstrip("9z +_")
    if not stem:
        return None
    return prefix, stem[:-1] + _STEPS[_STEPS.index(stem[-1]) + 1]


def _differs(typed_key: str | None, known_key: str | None, typed_dob: dt.date | None,
             known_dob: dt.date | None) -> bool:
    """`matching`'s rule, for a name still being typed: the same birth date or a name that
    starts the same way is the same person; no name to compare is not a difference."""
    if typed_dob is not None and known_dob is not None and typed_dob == known_dob:
        return False
    if not typed_key or not known_key:
        return False
    return not known_key.startswith(typed_key)


def lookup(session: Session, *, phone: str | None = None, email: str | None = None,
           first_name: str | None = None, last_name: str | None = None,
           date_of_birth: dt.date | None = None) -> CallerId:
    """The people a caller may be and their requests, from what is typed so far."""
    exact_phone, phone_prefix = phone_keys(phone)
    checked_email = normalize_email(email)
    exact_email = checked_email.value if checked_email.ok else None
    prefix = _name_prefix(first_name, last_name)
    typed_key = name_key(first_name, last_name)
    if not (exact_phone or phone_prefix or exact_email or prefix):
        return CallerId()

    found: dict[int, str] = {}  # person id -> how, the first (strongest) key wins
    loose: dict[int, str] = {}  # request ids with no person (an urgent row without contact)

    def scan(condition, how: str, newest_first: bool = True) -> None:
        q = select(Request.id, Request.person_id).where(condition)
        if newest_first:
            q = q.order_by(Request.id.desc())
        for row in session.execute(q.limit(SCAN_LIMIT)):
            if row.person_id is None:
                loose.setdefault(row.id, how)
            else:
                found.setdefault(row.person_id, how)

    if exact_phone:
        scan(Request.phone == exact_phone, "same phone")
    bounds = prefix_bounds(phone_prefix) if phone_prefix else None
    if bounds and not (found or loose):
        # A range read in index order: newest first would sort every number of the prefix.
        scan(and_(Request.phone >= bounds[0], Request.phone < bounds[1],
                  Request.phone.startswith(phone_prefix, autoescape=True)), "same phone",
             newest_first=False)
    if exact_email:
        scan(Request.email == exact_email, "same email")
    if prefix:
        bounds = prefix_bounds(prefix)
        # A name in another script is looked up whole: no range bound is sure for it.
        by_name = (and_(Person.name_key >= bounds[0], Person.name_key < bounds[1],
                        Person.name_key.startswith(prefix, autoescape=True))
                   if bounds else Person.name_key == prefix)
        rows = session.execute(
            select(Person.id).where(by_name, Person.merged_into_id.is_(None)).limit(SCAN_LIMIT)
        ).scalars().all()
        for person_id in rows:
            found.setdefault(person_id, "same name")
    if not found and not loose:
        return CallerId(searched=True)

    people = {p.id: p for p in session.execute(
        select(Person.id, Person.name_key, Person.date_of_birth, Person.merged_into_id)
        .where(Person.id.in_(found))
    ).all()} if found else {}
    conds = []
    if found:
        conds.append(Request.person_id.in_(found))
    if loose:
        conds.append(Request.id.in_(loose))
    columns = (Request.id, Request.person_id, Request.first_name, Request.last_name,
               Request.status, Request.close_reason, Request.received_at, Request.closed_at,
               Request.treatment_list)
    # Each person's requests are few; the limit bounds a number shared by many people. Open
    # and closed are told apart here, not in SQL: a condition on `is_open` would have SQLite
    # read the queue index (every open request) instead of the people's own rows.
    rows = session.execute(
        select(*columns).where(or_(*conds))
        .order_by(Request.received_at.desc(), Request.id.desc()).limit(SCAN_LIMIT)
    ).all()
    open_rows = [r for r in rows if r.status != "closed"]
    closed_rows = [r for r in rows if r.status == "closed"][:CLOSED_SHOWN]
    closed_count = session.execute(
        select(func.coalesce(func.sum(case((Request.status == "closed", 1), else_=0)), 0))
        .where(or_(*conds))
    ).scalar_one()

    def known(row) -> KnownRequest:
        how = found.get(row.person_id) or loose.get(row.id, "same phone")
        person = people.get(row.person_id)
        differs = how != "same name" and _differs(
            typed_key, person.name_key if person else name_key(row.first_name, row.last_name),
            date_of_birth, person.date_of_birth if person else None)
        return KnownRequest(
            id=row.id, person_id=row.person_id,
            name=" ".join(p for p in (row.first_name, row.last_name) if p) or "(no name)",
            status=row.status, close_reason=row.close_reason, received_at=row.received_at,
            closed_at=row.closed_at,
            treatments=tuple(t for t in (row.treatment_list or "").split(";") if t),
            how=how, name_differs=differs)

    strength = {"same phone": 0, "same email": 0, "same name": 1}
    open_requests = sorted((known(r) for r in open_rows),
                           key=lambda k: (k.name_differs, strength[k.how]))[:OPEN_SHOWN]
    return CallerId(searched=True, open_requests=open_requests,
                    closed_requests=[known(r) for r in closed_rows], closed_count=closed_count)


def log_call(session: Session, request_id: int, *, actor: audit.Actor, note: str | None = None,
             at: dt.datetime | None = None, schedule: Schedule | None = None,
             now: dt.datetime | None = None) -> lifecycle.AttemptResult:
    """The person called in about their open request: a reached call on it (which moves a new
    or attempted request to in progress), with what they said as the note. What they said is
    new text for the request: it is assessed, and can only raise the crisis level."""
    now = now or dt.datetime.now(dt.UTC)
    at = at or now
    if at > now + AHEAD_TOLERANCE:
        raise lifecycle.LifecycleError("The call's time is in the future: enter when the call "
                                       "came in, or leave it empty for now.")
    at = min(at, now)
    schedule = schedule or Schedule.load(session)
    note = (note or "").strip()
    result = lifecycle.log_attempt(
        session, request_id, actor=actor, method="call", outcome="reached",
        note=f"Called in. {note}" if note else "Called in.", schedule=schedule, now=at)
    if note:
        request = session.get(Request, request_id, populate_existing=True)
        old = request.crisis_level
        if raise_crisis_from_text(session, request, schedule, now=now, text=note):
            session.flush()
            audit.record(session, actor, "request.crisis_level", "request", request_id,
                         {"crisis_level": [old, request.crisis_level], "crisis_source": "auto"})
            result = lifecycle.AttemptResult(
                attempt_id=result.attempt_id, status=result.status, moved=result.moved,
                next_attempt_due_at=result.next_attempt_due_at,
                suggest_unreachable=result.suggest_unreachable, version=request.version)
    return result
