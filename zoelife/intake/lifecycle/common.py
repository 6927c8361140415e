"""What every action shares: the refusals (`LifecycleError` and its kinds, whose messages
are shown to the user as they are and carry no patient data), loading a request, and the
version-checked write of its own fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zoelife.db.models import Request

MAX_NOTE_LENGTH = 5000


class LifecycleError(Exception):
    """A refused action; the message is for the user and carries no patient data."""


class StaleEdit(LifecycleError):
    def __init__(self, request_id: int):
        super().__init__(
            "Someone else changed this request since you opened it. Here is the current state; "
            "your change was not saved."
        )
        self.request_id = request_id


class MoveNotAllowed(LifecycleError):
    pass


class NotFound(LifecycleError):
    pass


def now_or_utc(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def load_request(session: Session, request_id: int, *, lock: bool = False) -> Request:
    q = select(Request).where(Request.id == request_id).execution_options(populate_existing=True)
    if lock:
        q = q.with_for_update()
    request = session.execute(q).scalar_one_or_none()
    if request is None:
        raise NotFound(f"Request {request_id} does not exist.")
    return request


def versioned_update(session: Session, request_id: int, seen_version: int, now: dt.datetime,
                      values: dict[str, Any]) -> int:
    """Write the request's own fields only if nobody changed it since `seen_version`."""
    result = session.execute(
        update(Request)
        .where(Request.id == request_id, Request.version == seen_version)
        .values(**values, version=seen_version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleEdit(request_id)
    return seen_version + 1
