"""New arrivals, for the toast an open page raises: "New web request #412, urgent"; and
requests that new words (a text, a voicemail, a later submission) made urgent: "Request #87 is
now urgent".

A toast names a request by its number, channel and crisis level only: an id is not patient
data, and neither are our own vocabulary words, so the toast can never show a name or a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from zoelife.db.models import CrisisChange, Request

SHOWN = 3  # arrivals named at most per check; the others are counted in one more toast

CHANNEL_WORDS = {"web_form": "web", "phone": "phone", "referral": "referral", "email": "email",
                 "walk_in": "walk-in", "text": "text", "other": ""}


@dataclass(frozen=True)
class Arrival:
    id: int
    channel: str
    crisis_level: str

    def describe(self) -> str:
        """'New web request #412, urgent'."""
        channel = CHANNEL_WORDS.get(self.channel, "")
        words = f"New {channel} request #{self.id}" if channel else f"New request #{self.id}"
        if self.crisis_level in ("urgent", "review"):
            words += f", {self.crisis_level}"
        return words


def arrivals_after(session: Session, seen_id: int, limit: int = SHOWN) -> tuple[list[Arrival], int]:
    """Up to `limit` requests newer than `seen_id`, urgent first, then newest first; and how
    many arrived in all. Both read a range of the primary key: between two checks of an open
    page (seconds) it holds a few rows, after a large import a few thousand."""
    newer = Request.id > seen_id
    rows = session.execute(
        select(Request.id, Request.channel, Request.crisis_level).where(newer)
        .order_by(case((Request.crisis_level == "urgent", 0), else_=1), Request.id.desc())
        .limit(limit)
    ).all()
    total = session.execute(select(func.count()).select_from(Request).where(newer)).scalar_one()
    return [Arrival(r.id, r.channel, r.crisis_level) for r in rows], total


def latest_urgent_change_id(session: Session) -> int:
    """The newest crisis change to or at `urgent` (a rise, an acknowledgement): an open page
    compares it with the last one it saw. Read backwards along the primary key, stopping at
    the first urgent row (urgent changes are a few in a hundred)."""
    found = session.execute(
        select(CrisisChange.id).where(CrisisChange.to_level == "urgent")
        .order_by(CrisisChange.id.desc()).limit(1)).scalar()
    return found or 0


def raised_after(session: Session, seen_change_id: int, limit: int = SHOWN) -> list[int]:
    """Requests that new words raised to urgent since `seen_change_id` (not new requests:
    their arrival is announced already), newest first."""
    rows = session.execute(
        select(CrisisChange.request_id).where(
            CrisisChange.id > seen_change_id, CrisisChange.to_level == "urgent",
            CrisisChange.kind == "assessed", CrisisChange.from_level.isnot(None))
        .order_by(CrisisChange.id.desc()).limit(limit * 4)).scalars()
    out: list[int] = []
    for request_id in rows:
        if request_id not in out:
            out.append(request_id)
    return out[:limit]
