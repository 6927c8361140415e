"""What every coverage record shares: the refusal (`CoverageError`), loading the request,
checking a treatment, trimming text, and the coverage timeline's events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from zoelife import audit
from zoelife.db.models import CoverageEvent, Request
from zoelife.intake.lifecycle import LifecycleError, NotFound
from zoelife.intake.lifecycle.common import now_or_utc
from zoelife.vocabulary import TREATMENTS

BENEFITS_FRESH_DAYS = 30


class CoverageError(LifecycleError):
    """A refused coverage action; the page shows the message as it is (it names no data)."""


def clean(value: str | None, most: int) -> str | None:
    value = (value or "").strip()
    return value[:most] or None


def request_or_refuse(session: Session, request_id: int) -> Request:
    request = session.get(Request, request_id)
    if request is None:
        raise NotFound(f"Request {request_id} does not exist.")
    return request


def checked_treatment(treatment: str) -> str:
    if treatment not in TREATMENTS:
        raise CoverageError(f"Unknown treatment {treatment!r}.")
    return treatment


def event(session: Session, request_id: int, kind: str, *, actor: audit.Actor,
          detail: str | None = None, authorization_id: int | None = None,
          now: dt.datetime | None = None) -> CoverageEvent:
    row = CoverageEvent(request_id=request_id, authorization_id=authorization_id, kind=kind,
                        detail=detail, occurred_at=now_or_utc(now), staff_user_id=actor.user_id)
    session.add(row)
    session.flush()
    return row


# Called after a write that may open a first treatment's gate (REMS enrolment, benefits, an
# approval): `booked` registers here to settle a flagged booking, so that the records the
# gates read need not import what reads the gates.
GATE_FACTS_CHANGED: list[Callable[..., object]] = []


def gate_facts_changed(session: Session, request_id: int, *, actor: audit.Actor,
                       now: dt.datetime | None = None) -> None:
    for hook in GATE_FACTS_CHANGED:
        hook(session, request_id, actor=actor, now=now)
