"""WPForms: the entry's fields as WPForms keeps and passes them (`wpforms_process_complete`,
the entry's `fields` column, an "all fields" webhook relay): `{"1": {"name": "Name",
"value": "Jane Doe", "id": 1, "type": "name", "first": "Jane", "last": "Doe"}, ...}`, alone or
under `fields` beside `entry_id`, `form_id` and `date` (WPForms stores entry dates in UTC).
Each field is labelled by its `name` (the label the form shows)."""

from __future__ import annotations

from typing import Any

from zoelife.ingest.connectors import Submission, flat, is_numeric_key, text_of

TOOL = "wpforms"
SOURCE_WORDS = ("wpforms",)
_PARTS = ("first", "middle", "last")


def _fields(body: dict[str, Any]) -> dict[str, Any] | None:
    inner = body.get("fields") if isinstance(body.get("fields"), dict) else body
    entries = [(k, v) for k, v in inner.items() if is_numeric_key(k)]
    if entries and all(isinstance(v, dict) and "name" in v and "value" in v for _, v in entries) \
            and len(entries) >= len(inner) / 2:
        return inner
    return None


def detect(body: dict[str, Any], *, by_source: bool) -> bool:
    return _fields(body) is not None


def unpack(body: dict[str, Any]) -> list[Submission]:
    inner = _fields(body)
    values: dict[str, Any] = {}
    mapping: dict[str, str] = {}
    answers: set[str] = set()
    for key, fld in inner.items():
        if not is_numeric_key(key):
            continue
        label = str(fld.get("name") or f"Field {key}")
        if label in values:
            label = f"{label} ({key})"
        if fld.get("type") == "name" and (fld.get("first") or fld.get("last")):
            values[f"{label} (First)"] = str(fld.get("first") or "")
            values[f"{label} (Last)"] = str(fld.get("last") or "")
            mapping |= {f"{label} (First)": "first_name", f"{label} (Last)": "last_name"}
            answers |= {f"{label} (First)", f"{label} (Last)"}
            continue
        value = fld.get("value_raw") if fld.get("type") == "checkbox" and \
            isinstance(fld.get("value_raw"), list) else fld.get("value")
        values[label] = text_of(value)
        answers.add(label)
        kind = fld.get("type")
        if kind == "email":
            mapping[label] = "email"
        elif kind == "phone":
            mapping[label] = "phone"
    meta: dict[str, Any] = {}
    if inner is not body:
        for key, value in body.items():
            if key != "fields":
                flat(f"wpforms {key}", value, meta)
    for key, value in inner.items():
        if not is_numeric_key(key):
            flat(f"wpforms {key}", value, meta)
    mapping |= {"wpforms entry_id": "external_id", "wpforms date": "received_at",
                "wpforms page_url": "landing_page"}
    values |= meta
    return [Submission(TOOL, values, mapping, metadata=frozenset(meta) - {"wpforms page_url"},
                       answer_labels=frozenset(answers), utc=True, untimed=True)]
