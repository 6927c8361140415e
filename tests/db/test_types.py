"""The portable column types store what json and ISO time would."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from zoelife.db.types import JSONText, UTCDateTime


@pytest.mark.parametrize("value", [[], {}, [1, "é"], {"b": 1, "a": [None]}, {"at": object}])
def test_json_text_is_sorted_unescaped_json(value) -> None:
    stored = JSONText().process_bind_param(value, sqlite.dialect())
    assert stored == json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def test_json_text_keeps_null_and_empty_apart() -> None:
    kind = JSONText()
    assert kind.process_bind_param(None, sqlite.dialect()) is None
    assert kind.process_bind_param([], sqlite.dialect()) == "[]"
    assert kind.process_bind_param({}, sqlite.dialect()) == "{}"
    assert kind.process_bind_param("", sqlite.dialect()) == '""'
    assert kind.process_bind_param(0, sqlite.dialect()) == "0"


_SQLITE = sqlite.dialect()


def _generic_sqlite_text(value: dt.datetime) -> str:
    """What SQLAlchemy's own chain stores: the decorator's conversion, then the dialect's."""
    kind = UTCDateTime()
    impl = kind.impl_instance.dialect_impl(_SQLITE).bind_processor(_SQLITE)
    return impl(kind.process_bind_param(value, _SQLITE))


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30),
                    timezones=st.sampled_from([dt.UTC, ZoneInfo("America/New_York"),
                                               dt.timezone(dt.timedelta(hours=5, minutes=30))])))
def test_utc_datetime_is_stored_on_sqlite_as_sqlalchemy_stores_it(value: dt.datetime) -> None:
    process = UTCDateTime().dialect_impl(_SQLITE).bind_processor(_SQLITE)
    assert process(value) == _generic_sqlite_text(value)


def test_utc_datetime_refuses_naive_times_and_keeps_null() -> None:
    process = UTCDateTime().dialect_impl(_SQLITE).bind_processor(_SQLITE)
    assert process.__name__ == "as_text"  # the one-call format agreed with the dialect's
    assert process(None) is None
    with pytest.raises(ValueError, match="naive"):
        process(dt.datetime(2026, 1, 1))
