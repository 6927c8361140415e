"""The parse stage: a file read (`table_reader.open_table`) and its columns mapped (`prepare`,
what the Import page previews), and one record as the `RequestInput` every way in hands over
(`to_input`: the file import and the webhook alike). Values stay as received; the next stages
normalize them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from zoelife import settings
from zoelife.ingest import connectors
from zoelife.ingest.fields import (
    DEFAULT_SOURCES,
    auto_mapping,
    detect_form_tool,
    fold_header,
    is_metadata,
    looks_like_email,
    looks_like_phone,
    names_metadata,
)
from zoelife.ingest.readers import ReadError, Record
from zoelife.ingest.table_reader import TableStream, open_table
from zoelife.intake.inputs import METADATA_FIELDS_KEY, RequestInput
from zoelife.intake.normalize import parse_bool, parse_date, parse_datetime
from zoelife.intake.schedule import change_setting
from zoelife.vocabulary import CHANNELS

_UTC = ZoneInfo("UTC")


@dataclass
class Prepared:
    table: TableStream
    form_tool: str | None
    mapping: dict[str, str | None]
    source: str
    explicit: dict[str, str] = field(default_factory=dict)  # staff's mapping (or the saved one)


def prepare(data: str | Path | bytes, *, fmt: str | None = None, source: str | None = None,
            mapping: Mapping[str, str] | None = None, name: str | None = None) -> Prepared:
    """Read the file and choose the mapping (what the Import page previews). ReadError if the
    file cannot be read at all."""
    table = open_table(data, fmt=fmt, name=name, source_name=source)
    tools = {r.submission.tool for r in table.records[:50] if r.submission is not None} \
        - {"generic"}
    form_tool = detect_form_tool(table.headers) or (tools.pop() if len(tools) == 1 else None)
    col_map = auto_mapping(table.headers, mapping)
    # Records a connector read are mapped as their tool documents: the preview shows that
    # (and the page sends it back as the mapping), not a guess from the labels alone.
    documented: dict[str, str | None] = {}
    for record in table.records[:200]:
        sub = record.submission
        if sub is not None and sub.tool != "generic":
            for header, target in connectors.mapping_for(list(record.values), sub,
                                                         dict(mapping or {})).items():
                documented.setdefault(header, target)
    col_map = {h: documented[h] if h in documented else col_map.get(h) for h in table.headers}
    unknown = [c for c in (mapping or {}) if c not in col_map
               and fold_header(c) not in {fold_header(h) for h in table.headers}]
    if unknown:
        raise ReadError(f"{table.name}: --map names a column the file does not have: "
                        f"{unknown[0]!r}")
    src = (source or DEFAULT_SOURCES.get(form_tool) or form_tool or "file-import").strip()[:120]
    if not src:
        raise ReadError("the source name is empty")
    return Prepared(table, form_tool, col_map, src, dict(mapping or {}))


def saved_mapping(session, source: str) -> dict[str, str]:
    """The field mapping saved for a source (setting `source_field_mappings`)."""
    saved = settings.get(session, "source_field_mappings") or {}
    found = saved.get(source) if isinstance(saved, dict) else None
    return dict(found) if isinstance(found, dict) else {}


def save_mapping(session, source: str, mapping: Mapping[str, str], *, actor=None) -> bool:
    """Save (replace) the field mapping of one source; audited as a setting change."""
    saved = dict(settings.get(session, "source_field_mappings") or {})
    saved[source] = {str(k): str(v) for k, v in mapping.items() if v}
    return change_setting(session, "source_field_mappings", saved, actor=actor)


_SPLIT_TREATMENTS = re.compile(r"[;|\n]|,(?![^()]*\))")
_SUBMITTER_RULES = (
    (re.compile(r"\b(parent|guardian|child|son|daughter|minor|teen)\b"), "parent_guardian"),
    (re.compile(r"\b(spouse|partner|husband|wife|boyfriend|girlfriend)\b"), "spouse_partner"),
    (re.compile(r"\b(provider|doctor|physician|clinician|therapist|referring|nurse|"
                r"counselor|case manager)\b"), "provider"),
    (re.compile(r"\b(self|myself|me|patient|yes)\b"), "self"),
)


# Targets whose text is split, parsed or mapped; any other target takes the text as it is.
_READ_SPECIALLY = frozenset({"treatments", "message", "received_at", "date_of_birth",
                             "sms_consent", "channel", "submitter"})


def _submitter(value: str) -> str:
    folded = fold_header(value)
    if not folded:
        return "self"
    if folded.replace(" ", "_") in ("self", "parent_guardian", "spouse_partner", "provider",
                                    "other"):
        return folded.replace(" ", "_")
    for rx, code in _SUBMITTER_RULES:
        if rx.search(folded):
            return code
    return "other"


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def to_input(record: Record, col_map: Mapping[str, str | None], *, source: str, channel: str,
             zone: ZoneInfo, explicit: Mapping[str, str] | None = None,
             arrival: dt.datetime | None = None) -> RequestInput:
    """One read row as the service's input. Values stay as received; the service normalizes.

    A record read by a connector (`record.submission`) is mapped by what its tool documents
    (`connectors.mapping_for`); its tool's metadata, and unmapped fields that look like
    metadata (`fields.is_metadata`), are kept in extra and listed under METADATA_FIELDS_KEY so
    the crisis detector never reads them. Email and phone are recognised by value when no
    label names them. A tool that sends no submission time (`Submission.untimed`) is received
    at `arrival` (the delivery's, or the import's time), whichever way it came."""
    values = record.values
    if record.problem is not None:
        return RequestInput(source=source, channel=channel, row_number=record.row,
                            raw={"_record": record.raw_text or ""})
    sub = record.submission
    time_zone = zone  # how a received time without an offset is read
    if sub is not None:
        col_map = connectors.mapping_for(list(values), sub, dict(explicit or {}),
                                         table_map=dict(col_map))
        if sub.utc:
            time_zone = _UTC
    tool_metadata = sub.metadata if sub is not None else frozenset()
    hold = sub.hold_reason if sub is not None else None
    if sub is not None and sub.kind == connectors.LEAD_NOTIFICATION and not hold:
        hold = ("Meta lead notification: a file holds only the lead's id, not the lead: "
                "import the leads download (or the Graph API's lead) instead")
    kw: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    metadata: list[str] = []
    treatments: list[str] = []
    messages: list[str] = []
    # The row as received, without empty cells: it keys id-less rows by content, and a column
    # the form gained later (empty in old rows) must not make old rows look new.
    raw: dict[str, Any] = {}
    for header, value in values.items():
        target = col_map.get(header)
        text = (value if type(value) is str else _as_text(value)).strip()
        if text:
            raw[header] = value
        if target is None:
            if text:
                extra[header] = value if isinstance(value, list) else text
                if header in tool_metadata or is_metadata(header, value):
                    metadata.append(header)
            continue
        if target not in _READ_SPECIALLY:  # most columns: the text as it is
            if text:
                if target in kw:
                    extra[header] = text
                else:
                    kw[target] = text
            continue
        if target == "treatments":
            items = value if isinstance(value, list) else _SPLIT_TREATMENTS.split(text)
            treatments.extend(s.strip() for s in items if str(s).strip())
        elif target == "message":
            if text:
                messages.append(text)
        elif not text:
            continue
        elif target == "received_at":
            # Tools that say so in the header ("Submit Date (UTC)") or document it write UTC,
            # others local; an explicit offset in the value wins over both.
            col_zone = _UTC if "utc" in fold_header(header).split() else time_zone
            kw["received_at"] = parse_datetime(text, col_zone)
            kw["received_at_raw"] = text
        elif target == "date_of_birth":
            born = parse_date(text)
            if born is None or born.year < 1900 or born > dt.datetime.now(zone).date():
                extra[header] = text  # unreadable: kept, not guessed
            else:
                kw["date_of_birth"] = born
        elif target == "sms_consent":
            kw["sms_consent"] = parse_bool(text)
        elif target == "channel":
            code = text.lower().replace("-", "_").replace(" ", "_")
            kw["channel"] = code if code in CHANNELS else "other"
        elif target == "submitter":
            kw["submitter"] = _submitter(text)
    if sub is not None and sub.untimed and arrival is not None and "received_at_raw" not in kw:
        kw["received_at"] = arrival
    if "email" not in kw and "phone" not in kw:
        _contact_by_value(extra, tool_metadata, kw)
        metadata = [h for h in metadata if h in extra]
    numeric_ids = sub is not None and sub.numeric_ids and any(
        connectors.is_numeric_key(h) and col_map.get(h) is None for h in extra)
    kw.setdefault("channel", channel)
    if "received_at_raw" in kw and kw.get("received_at") is None:
        kw.pop("received_at", None)
    if "extra" in extra and isinstance(extra["extra"], str) and extra["extra"].startswith("{"):
        # Our own export's `extra` column: its fields come back as extra fields.
        import json

        try:
            decoded = json.loads(extra["extra"])
        except ValueError:
            decoded = None
        if isinstance(decoded, dict):
            del extra["extra"]
            extra = {str(k): v for k, v in decoded.items()} | extra
    if metadata:
        earlier = extra.get(METADATA_FIELDS_KEY)
        earlier = earlier if isinstance(earlier, list) else []
        extra[METADATA_FIELDS_KEY] = sorted({*earlier, *(h for h in metadata if h in extra)})
    return RequestInput(
        source=source, row_number=record.row, treatments=tuple(treatments),
        message="\n\n".join(messages) or None, extra=extra, raw=raw,
        numeric_ids=numeric_ids, hold_reason=hold,
        **kw,
    )


def _contact_by_value(extra: dict[str, Any], tool_metadata: frozenset[str],
                      kw: dict[str, Any]) -> None:
    """No label names an email or a phone (numeric-id forms, custom relays): the first
    unmapped value shaped like one is used, and leaves the extra fields."""
    for header, value in list(extra.items()):
        if header in tool_metadata:
            continue
        if "email" not in kw and looks_like_email(value):
            kw["email"] = extra.pop(header)
        elif "phone" not in kw and looks_like_phone(value) and not names_metadata(header):
            kw["phone"] = extra.pop(header)


def input_of_record_tuple(values: tuple, **kw: Any) -> RequestInput:
    return to_input(Record(*values), **kw)

