"""Content the clinic published, its topics, and the demo's content lift."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zoelife.db.models.base import Base, ContentChannelType, TreatmentType
from zoelife.db.types import UTCDateTime


class ContentItem(Base):
    __tablename__ = "content_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    # Lowercased path of the url without trailing slash: what landing pages are matched on.
    url_path: Mapped[str] = mapped_column(String(1000), index=True)
    # The slug that UTM campaigns are matched on (last path segment, unless set by hand).
    campaign_key: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    published_local_date: Mapped[dt.date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(ContentChannelType, default="blog")
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    topics: Mapped[list[ContentTopic]] = relationship(
        back_populates="item", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def topic_set(self) -> frozenset[str]:
        return frozenset(t.topic for t in self.topics)


class ContentTopic(Base):
    __tablename__ = "content_topics"

    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), primary_key=True)
    topic: Mapped[str] = mapped_column(TreatmentType, primary_key=True)
    origin: Mapped[str] = mapped_column(String(16), default="inferred")  # inferred | staff

    item: Mapped[ContentItem] = relationship(back_populates="topics")


class DemoLift(Base):
    """What the demo generator planted: which content item lifted which topic, by how much."""

    __tablename__ = "demo_lifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), unique=True)
    topic: Mapped[str] = mapped_column(TreatmentType)
    multiplier: Mapped[float]
    window_days: Mapped[int] = mapped_column(Integer)
    extra_requests: Mapped[int] = mapped_column(Integer)
