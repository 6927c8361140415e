"""People, and the possible matches staff confirm or dismiss."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zoelife.db.models.base import Base, MatchStatusType
from zoelife.db.types import UTCDateTime


class Person(Base):
    """The patient-to-be. Contact details live on each request; matching reads them there."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str | None] = mapped_column(String(120))
    last_name: Mapped[str | None] = mapped_column(String(120))
    # Casefolded, accent-free "first last" used for matching.
    name_key: Mapped[str | None] = mapped_column(String(240), index=True)
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # When staff link two records of one person, the absorbed one points at the survivor.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class PossibleMatch(Base):
    """Two people who share a phone or an email but not a name: staff link or dismiss."""

    __tablename__ = "possible_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    other_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))  # same_phone | same_email
    status: Mapped[str] = mapped_column(MatchStatusType, default="open")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    __table_args__ = (
        UniqueConstraint("person_id", "other_person_id"),
        CheckConstraint("person_id <> other_person_id", name="distinct_people"),
    )
