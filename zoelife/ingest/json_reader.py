"""Reading a JSON export: an array of objects, JSON lines, one object, or a saved API
response; each record unpacked by the connectors, as a webhook body is.
"""

from __future__ import annotations

import json
from typing import Any

from zoelife.ingest import connectors
from zoelife.ingest.readers import ReadError, Record, Table, clean_text


def whole_json(text: str, name: str) -> Any:
    """The text parsed as one JSON document, or `ReadError` saying where it is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                        f"{exc.msg})") from None
    except RecursionError:
        raise ReadError(f"{name}: JSON nested too deeply") from None


def read_json_text(text: str, name: str = "file", source: str | None = None) -> Table:
    """An array of records, JSON lines, a single object (one webhook body saved to a file) or a
    saved API response (`{"results": [...]}`, `{"data": [...]}`). Each record goes through the
    connectors (`zoelife.ingest.connectors.unpack`), as a webhook body does."""
    stripped = text.strip()
    if not stripped:
        raise ReadError(f"{name}: the file is empty")
    items: list[tuple[int, Any, str | None, str | None]] = []  # (position, obj, problem, raw)
    single = None
    if stripped.startswith("{") and "\n{" not in stripped.replace("\r", ""):
        single = whole_json(stripped, name)
    elif stripped.startswith("{"):
        try:
            single = json.loads(stripped)
        except ValueError:
            single = None  # JSON lines
    if isinstance(single, dict):
        listed = connectors.unwrap_response(single)
        for i, obj in enumerate(listed if listed is not None else [single], start=1):
            items.append((i, obj, None, None))
    elif stripped.startswith("["):
        data = whole_json(stripped, name)
        if not isinstance(data, list):
            raise ReadError(f"{name}: expected a JSON array of records")
        for i, obj in enumerate(data, start=1):
            items.append((i, obj, None, None))
    else:
        parsed_any = False
        position = 0
        for lineno, line in enumerate(stripped.splitlines(), start=1):
            if not line.strip():
                continue
            position += 1
            try:
                obj = json.loads(line)
                parsed_any = True
                items.append((position, obj, None, None))
            except (json.JSONDecodeError, RecursionError) as exc:
                msg = getattr(exc, "msg", "nested too deeply")
                items.append((position, None, f"line {lineno} is not valid JSON ({msg})",
                              clean_text(line[:2000])))
        if not parsed_any:
            raise ReadError(f"{name}: not JSON (neither an array nor JSON lines)")
    records: list[Record] = []
    headers: dict[str, None] = {}
    for position, obj, problem, raw in items:
        if problem is None and not isinstance(obj, dict):
            problem = f"record {position} is not an object"
            raw = clean_text(json.dumps(obj, ensure_ascii=False, default=str)[:2000])
        if problem is not None:
            records.append(Record(position, {}, problem, raw))
            continue
        for sub in connectors.unpack(obj, source):
            for k in sub.values:
                headers.setdefault(k, None)
            records.append(Record(position, sub.values, submission=sub.without_values()))
    return Table(list(headers), records, "json", name)
