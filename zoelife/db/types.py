"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import DateTime, Text
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A point in time, always stored in UTC and always returned timezone-aware (UTC).

    SQLite has no time zone type; PostgreSQL gets `timestamptz`. Naive values are refused
    on the way in because a naive time in this product is always a bug (which zone?).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone first")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def bind_processor(self, dialect: Any) -> Any:
        generic = super().bind_processor(dialect)
        if dialect.name != "sqlite" or generic is None:
            return generic
        # SQLite stores the text SQLAlchemy formats field by field; isoformat writes the same
        # text in one C call (an import writes hundreds of thousands of times). Kept only if
        # it agrees with the dialect's own format.
        to_utc = self.process_bind_param

        def as_text(value: dt.datetime | None) -> str | None:
            value = to_utc(value, dialect)
            return None if value is None else value.isoformat(" ", "microseconds")

        sample = dt.datetime(987, 6, 5, 4, 3, 2, 10, tzinfo=dt.UTC)
        if any(generic(v) != as_text(v) for v in (sample, sample.replace(microsecond=0))):
            return generic
        return as_text

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


_EMPTY_JSON = {list: "[]", dict: "{}"}


class JSONText(TypeDecorator[Any]):
    """JSON kept as text: portable, and compared by content in tests on both databases."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if not value and type(value) in _EMPTY_JSON:  # most evidence lists and extras
            return _EMPTY_JSON[type(value)]
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        if value is None:
            return None
        return json.loads(value)
