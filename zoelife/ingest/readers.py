"""What every reader of a form tool's export shares: a file that cannot be read (`ReadError`),
a record (`Record`), a table of them (`Table`), text made storable (`clean_text`,
`flatten_record`), bytes decoded and the format guessed. The readers themselves:
`csv_reader`, `json_reader`, and `table_reader` (a file opened, streamed or whole).

A reader yields `Record(row, values)` where `row` is the number a spreadsheet shows (the
header is row 1) or, for JSON, the record's 1-based position. A file that cannot be read at all
raises `ReadError` naming the file and, where it applies, the row and column.
A record that is not an object (JSON) is yielded with `problem` set: it is rejected, not lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zoelife.spreadsheet import unneutralize


class ReadError(Exception):
    """The file cannot be read at all: one line saying what and where."""


@dataclass
class Record:
    row: int
    values: dict[str, Any]
    problem: str | None = None
    raw_text: str | None = None
    # How a connector read the record (its tool, documented mapping, metadata, time rule).
    submission: Any = None


@dataclass
class Table:
    headers: list[str]
    records: list[Record]
    fmt: str
    name: str
    notes: list[str] = field(default_factory=list)


def clean_text(value: str) -> str:
    """What a database can store: no NUL, no lone surrogates; an export's guard quotes removed
    (`zoelife.spreadsheet.unneutralize`)."""
    # Guards first: an exported NUL cell was guarded too.
    value = unneutralize(value)
    if "\0" in value:
        value = value.replace("\0", "")
    if not encodable(value):
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def unguarded(value: str) -> str:
    """`clean_text` for text known to hold no NUL and no lone surrogate."""
    return unneutralize(value)


def encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        # Excel on Windows still saves "CSV" as Windows-1252.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    line = data[: utf8_error.start].count(b"\n") + 1
    raise ReadError(f"{name}: not UTF-8 text (undecodable byte at line {line}, "
                    f"offset {utf8_error.start})")


def guess_format(name: str, text: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".json", ".jsonl", ".ndjson"):
        return "json"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    stripped = text.lstrip()
    return "json" if stripped[:1] in ("[", "{") else "csv"


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix} ({k})" if prefix else str(k), v, out)
    elif isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            out[prefix] = [clean_text(str(v)) for v in value if v is not None]
        else:
            out[prefix] = clean_text(json.dumps(value, ensure_ascii=False, default=str))
    elif value is None:
        out[prefix] = ""
    elif isinstance(value, bool):
        out[prefix] = "true" if value else "false"
    else:
        out[prefix] = clean_text(str(value))


def flatten_record(obj: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in obj.items():
        _flatten(clean_text(str(k)), v, out)
    return out
