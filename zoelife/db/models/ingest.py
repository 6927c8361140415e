"""File imports and the rows they quarantined."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zoelife.db.models.base import Base, CrisisLevelType, QuarantineStatusType
from zoelife.db.types import JSONText, UTCDateTime


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # requests | content
    source: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str | None] = mapped_column(String(300))
    file_format: Mapped[str | None] = mapped_column(String(20))
    form_tool: Mapped[str | None] = mapped_column(String(40))
    mapping: Mapped[Any] = mapped_column(JSONText, default=dict)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    already_imported: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    crisis_urgent: Mapped[int] = mapped_column(Integer, default=0)
    crisis_review: Mapped[int] = mapped_column(Integer, default=0)
    # What a resumed run recognises the file by (docs/ingest.md#a-killed-import).
    file_digest: Mapped[str | None] = mapped_column(String(64), index=True)


class QuarantinedRow(Base):
    """A row that could not become a request: kept with its reason, never dropped."""

    __tablename__ = "quarantined_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"), index=True)
    source: Mapped[str] = mapped_column(String(120))
    # The external id, or a hash of the row's content when the export has no ids.
    row_key: Mapped[str] = mapped_column(String(200))
    row_number: Mapped[int | None] = mapped_column(Integer)
    external_id: Mapped[str | None] = mapped_column(String(200))
    raw: Mapped[Any] = mapped_column(JSONText, default=dict)
    reason: Mapped[str] = mapped_column(Text)
    crisis_level: Mapped[str] = mapped_column(CrisisLevelType, default="none")
    crisis_evidence: Mapped[Any] = mapped_column(JSONText, default=list)
    # An urgent reject still reaches the queue as a request marked "no usable contact".
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    status: Mapped[str] = mapped_column(QuarantineStatusType, default="open")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("source", "row_key"),)
