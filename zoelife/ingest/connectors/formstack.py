"""Formstack Forms webhooks ("Send Data to an External URL"): `FormID` and `UniqueID` (the
submission's id) beside the fields, keyed by label ("Post using field names", the default),
by API-friendly key, or by numeric field id ("Post using field IDs"); compound fields as
objects (`Name: {first, last}`) in JSON or `first = Jane\nlast = Doe` text in form posts.
`HandshakeKey` is a shared secret: never stored. No submission time is sent (arrival)."""

from __future__ import annotations

import re
from typing import Any

from zoelife.ingest.connectors import Submission, flat, is_numeric_key

TOOL = "formstack"
SOURCE_WORDS = ("formstack",)
_SECRET = "HandshakeKey"
_PAIR = re.compile(r"^\s*([A-Za-z_ ]+?)\s*=\s*(.*)$")


def detect(body: dict[str, Any], *, by_source: bool) -> bool:
    return "UniqueID" in body and "FormID" in body or (by_source and "UniqueID" in body)


def _parts(value: str) -> dict[str, str] | None:
    """Formstack's form-encoded compound value `first = Jane\nlast = Doe`."""
    lines = [ln for ln in value.splitlines() if ln.strip()]
    pairs = [_PAIR.match(ln) for ln in lines]
    if len(lines) >= 2 and all(pairs):
        return {m.group(1).strip(): m.group(2).strip() for m in pairs}
    return None


def unpack(body: dict[str, Any]) -> list[Submission]:
    values: dict[str, Any] = {}
    answers: set[str] = set()
    numeric = False
    for key, value in body.items():
        key = str(key)
        if key in (_SECRET, "FormID", "UniqueID"):
            continue
        if isinstance(value, str) and "\n" in value and (parts := _parts(value)):
            value = parts
        numeric = numeric or is_numeric_key(key)
        before = set(values)
        flat(key, value, values)
        answers |= set(values) - before
    values["formstack UniqueID"] = str(body.get("UniqueID") or "")
    values["formstack FormID"] = str(body.get("FormID") or "")
    return [Submission(TOOL, values, {"formstack UniqueID": "external_id"},
                       metadata=frozenset({"formstack FormID"}),
                       answer_labels=frozenset(answers), numeric_ids=numeric, untimed=True)]
