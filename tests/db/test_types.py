"""The portable column types store what json and ISO time would."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.dialects import sqlite

from zoelife.db.types import JSONText


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
