"""Any other JSON body: a flat or nested object (Zapier's and Make's "Webhooks" steps,
custom relays, our own export), with label/value lists unpacked.

- Lists of `{name|label|title|question|key: ..., value|values|answer: ...}` become one value
  per label (HubSpot-like, Elfsight-like, Google Ads lead `user_column_data`).
- Nested objects are flattened `outer (inner)`; Zapier's flattened keys `lead__fullName` and
  dotted keys `lead.fullName` are kept as they are. Where a whole label means nothing, its last
  segment is guessed (`lead (fullName)` -> full_name, `meta (ts)` -> received_at).
- Email and phone are recognised by value when no label names them (`pipeline.parse.to_input`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from zoelife.ingest.connectors import Submission, flat, text_of
from zoelife.ingest.fields import guess_field

TOOL = "generic"
SOURCE_WORDS = ("zapier", "make", "integromat", "relay")

_LABEL_KEYS = ("label", "name", "title", "question", "column_name", "key", "field", "column_id",
               "id")
_VALUE_KEYS = ("value", "values", "answer", "answers", "string_value", "text", "response")
_SEGMENTS = re.compile(r"\s*\(|\)|__|\.")


def label_value(item: Any) -> tuple[str, Any] | None:
    """`{name: "email", value: "a@b.c"}` -> ("email", "a@b.c"); None for other objects."""
    if not isinstance(item, dict):
        return None
    value_key = next((k for k in _VALUE_KEYS if k in item), None)
    label_key = next((k for k in _LABEL_KEYS if k in item and isinstance(item[k], str | int)
                      and k != value_key), None)
    if value_key is None or label_key is None:
        return None
    value = item[value_key]
    if isinstance(value, list) and len(value) == 1 and not isinstance(value[0], dict | list):
        value = value[0]
    return str(item[label_key]), text_of(value)


def unpack_lists(body: dict[str, Any]) -> dict[str, Any]:
    """The body flat, label/value lists unpacked into their labels."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        key = str(key)
        if type(value) is str:
            flat(key, value, out)
        elif isinstance(value, list) and value and all(label_value(v) for v in value):
            for item in value:
                label, text = label_value(item)
                out[label if label not in out else f"{key} ({label})"] = text
        else:
            flat(key, value, out)
    return out


def leaf(label: str) -> str:
    parts = [p for p in _SEGMENTS.split(label) if p.strip()]
    return parts[-1].strip() if parts else label


def leaf_mapping(values: dict[str, Any]) -> dict[str, str]:
    """Fields for nested labels whose whole name says nothing but whose last segment does."""
    return dict(_leaf_mapping(tuple(values)))


@lru_cache(maxsize=256)  # a file's records share their labels
def _leaf_mapping(labels: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for label in labels:
        if guess_field(label) is not None:
            continue
        end = leaf(label)
        if end == label:
            continue
        target = guess_field(end)
        if target and (target not in taken or target in ("message", "treatments")):
            mapping[label] = target
            taken.add(target)
    return tuple(mapping.items())


def unpack(body: dict[str, Any]) -> list[Submission]:
    values = unpack_lists(body)
    return [Submission(TOOL, values, leaf_mapping(values))]
