"""The prior-authorization status machine, pure: which moves exist and what each needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zoelife.vocabulary import AUTH_MOVES, AUTH_STATUSES, label

DECIDED = ("approved", "denied")


class MoveRefused(ValueError):
    """A move the machine does not allow or that lacks what it needs; says why."""


@dataclass(frozen=True)
class Decision:
    auth_number: str | None = None
    approved_units: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


def allowed(status: str) -> tuple[str, ...]:
    return AUTH_MOVES.get(status, ())


def check_move(from_status: str, to_status: str, *, reason: str = "",
               decision: Decision | None = None) -> None:
    """Raise `MoveRefused` unless `from_status -> to_status` is allowed with what was given."""
    if to_status not in AUTH_STATUSES:
        raise MoveRefused(f"Unknown authorization status {to_status!r}.")
    if to_status not in allowed(from_status):
        raise MoveRefused(f"An authorization that is {label(from_status).lower()} cannot move "
                          f"to {label(to_status).lower()}.")
    if to_status in ("denied", "appeal", "not_needed") and not reason.strip():
        raise MoveRefused(f"Moving to {label(to_status).lower()} needs a reason.")
    if to_status == "approved":
        d = decision or Decision()
        if not (d.auth_number or "").strip():
            raise MoveRefused("An approval needs the authorization number.")
        if d.approved_units is None or d.approved_units < 1:
            raise MoveRefused("An approval needs the number of approved sessions or units.")
        if d.start_date is None or d.end_date is None:
            raise MoveRefused("An approval needs its start and end dates.")
        if d.end_date < d.start_date:
            raise MoveRefused("The approval ends before it starts.")


def whole_days(start: dt.datetime, end: dt.datetime) -> int:
    return max(0, (end - start).days)


def calendar_days(start: dt.datetime, end: dt.datetime, zone) -> int:
    """Days between the clinic's calendar dates of two moments: a first contact on Monday and a
    first session on Thursday are 3 days apart, whatever the hours."""
    return max(0, (end.astimezone(zone).date() - start.astimezone(zone).date()).days)
