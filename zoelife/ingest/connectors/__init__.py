"""Connectors: each form or booking tool's documented body shapes, turned into one shape.

Every way in (the webhook, the file import, any future poller) hands a parsed body to
`unpack(body, source)` and gets back `Submission`s: flat `values` (label -> value as given),
the canonical field the tool documents for some labels (`mapping`), which labels are the
tool's own metadata (`metadata`: ids, URLs, times, statuses; kept and shown, never triaged),
how the tool's times are written (`utc`), and what the body is (`kind`: a submission, a
booking, a cancellation, a lead notification). `pipeline.parse.to_input` then makes the
`RequestInput` the same way for every path, so the same body gets the same stored request
whichever way it came.

The tool is chosen by the source name in the URL (`/api/intake/calendly`) or, failing that,
by the body's shape. Adding a tool: a module with `detect(body, source) -> bool` and
`unpack(body) -> list[Submission]`, listed in `CONNECTORS` (docs/connectors.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from zoelife.ingest.fields import MULTI_FIELDS, auto_mapping, explicit_targets
from zoelife.ingest.readers import clean_text, flatten_record

# Kinds of body a connector recognises.
SUBMISSION = "submission"
BOOKING = "booking"
CANCELLATION = "cancellation"
LEAD_NOTIFICATION = "lead_notification"

# What the import's JSON reader unwraps: a saved API response holds its records in one of these.
RESPONSE_LISTS = ("results", "data", "items", "entries", "submissions", "responses", "leads",
                  "records", "collection")


@dataclass
class Submission:
    """One body as a connector read it (see the module docstring)."""

    tool: str
    values: dict[str, Any]
    mapping: dict[str, str] = field(default_factory=dict)
    metadata: frozenset[str] = frozenset()
    # Labels the person filling the form chose (answers, hidden fields): never the id or time.
    answer_labels: frozenset[str] = frozenset()
    utc: bool = False  # a received time without an offset is UTC (else clinic time)
    kind: str = SUBMISSION
    # Bookings: start/end of the appointment and its name; lead notifications: the lead's id.
    booking: dict[str, Any] | None = None
    lead_id: str | None = None
    # Fields arrived keyed by numeric ids (Gravity Forms' "All Fields", Formstack by id).
    numeric_ids: bool = False
    # Why it cannot become a request yet (a lead notification whose lead was not fetched).
    hold_reason: str | None = None
    # The tool's body carries no submission time (Jotform, Formstack, WPForms webhooks): it is
    # received when it reaches us, whichever way in.
    untimed: bool = False

    def without_values(self) -> Submission:
        """Everything but the values (what an import's worker processes are sent per row)."""
        return Submission(self.tool, {}, self.mapping, self.metadata, self.answer_labels,
                          self.utc, self.kind, self.booking, self.lead_id, self.numeric_ids,
                          self.hold_reason, self.untimed)


_NUMERIC_KEY = re.compile(r"^\d+(\.\d+)?$")


def is_numeric_key(key: str) -> bool:
    return bool(_NUMERIC_KEY.match(str(key).strip()))


def flat(prefix: str, value: Any, out: dict[str, Any]) -> None:
    """Nested objects flattened as `outer (inner)` (the readers' convention); lists of plain
    values stay lists; lists of objects are unpacked by the caller or kept as JSON text."""
    if type(value) is str:  # most values: the reader's cleaning only
        out[prefix] = clean_text(value)
    elif isinstance(value, dict):
        for k, v in flatten_record(value).items():
            out[f"{prefix} ({k})" if prefix else k] = v
    else:
        out.update(flatten_record({prefix: value}))


def text_of(value: Any) -> Any:
    """A documented answer value as text (lists of plain values stay lists)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        plain = [v for v in value if not isinstance(v, dict | list)]
        if len(plain) == len(value):
            return [str(v) for v in value if v is not None]
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


_MODULES: list[Any] = []
_GENERIC: list[Any] = []


def _modules() -> list[Any]:
    if _MODULES:
        return _MODULES
    from zoelife.ingest.connectors import (
        calendly,
        formstack,
        generic,
        gravity,
        hubspot,
        jotform,
        meta,
        typeform,
        wpforms,
    )

    # Most specific shapes first; `generic` takes anything left.
    _GENERIC[:] = [generic]
    _MODULES[:] = [typeform, jotform, calendly, meta, hubspot, formstack, gravity, wpforms]
    return _MODULES


@lru_cache(maxsize=256)
def tool_for_source(source: str | None) -> str | None:
    """The tool a source name says (`/api/intake/gravity-forms` -> gravity)."""
    if not source:
        return None
    name = source.lower()
    for module in _modules():
        if any(word in name for word in module.SOURCE_WORDS):
            return module.TOOL
    return None


def unpack(body: dict[str, Any], source: str | None = None) -> list[Submission]:
    """The submissions in one parsed body. The source's tool is tried first, then each
    tool's shape; a body no tool claims goes through `generic`."""
    listed = unwrap_response(body)
    if listed is not None:  # a saved API response posted whole
        return [sub for item in listed for sub in unpack(item, source)]
    modules = _modules()
    named = tool_for_source(source)
    ordered = sorted(modules, key=lambda m: m.TOOL != named) if named else modules
    for module in ordered:
        if module.detect(body, by_source=module.TOOL == named):
            return module.unpack(body)
    return _GENERIC[0].unpack(body)


def unwrap_response(obj: Any) -> list[Any] | None:
    """A saved API response's records (`{"results": [...]}`, `{"data": [...]}`), or None."""
    if not isinstance(obj, dict):
        return None
    for key in RESPONSE_LISTS:
        value = obj.get(key)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            # `data` of a Typeform/Calendly body is not a list of records; the rest of the
            # object is paging and counts.
            others = set(obj) - {key}
            if others <= {"paging", "pagination", "total", "total_items", "page_count",
                          "next", "previous", "count", "has_more", "offset", "limit",
                          "summary", "meta", "links"}:
                return value
    return None


_TOOL_ONLY = frozenset({"external_id", "received_at"})


def mapping_for(headers: list[str], sub: Submission | None,
                explicit: dict[str, str] | None = None,
                table_map: dict[str, str | None] | None = None) -> dict[str, str | None]:
    """label -> canonical field for one record: a mapping staff set (explicit, or saved for
    the source) wins, then what the tool documents, then guessing from the label. Metadata
    labels are never guessed; labels the person chose never give the id or the time."""

    result, taken = explicit_targets(headers, explicit or {})
    documented = sub.mapping if sub is not None else {}
    for label in headers:
        target = documented.get(label)
        if label not in result and target and (target not in taken or target in MULTI_FIELDS):
            result[label] = target
            taken.add(target)
    metadata = sub.metadata if sub is not None else frozenset()
    rest = [h for h in headers if h not in result and h not in metadata]
    # A flat file's records share one guessed mapping (the table's), worked out once.
    shared = table_map is not None and sub is not None and sub.tool == "generic" \
        and all(h in table_map for h in rest)
    guessed = table_map if shared else auto_mapping(rest)
    answers = sub.answer_labels if sub is not None else frozenset()
    for label in rest:
        target = guessed.get(label)
        if target in _TOOL_ONLY and label in answers:
            target = None
        if target is not None and target in taken and target not in MULTI_FIELDS:
            target = None
        if target is not None:
            taken.add(target)
        result[label] = target
    for label in headers:
        result.setdefault(label, None)
    if "first_name" in taken and "full_name" in taken:
        for label, target in result.items():
            if target == "full_name" and label not in explicit:
                result[label] = None
    return result
