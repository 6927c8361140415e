"""Reading form-tool exports: CSV (UTF-8 with or without BOM, CRLF, quoted multi-line cells,
delimiter chosen from the header line) and JSON (an array of objects or JSON lines).

A reader yields `Record(row, values)` where `row` is the number a spreadsheet shows (the
header is row 1) or, for JSON, the record's 1-based position. A file that cannot be read at all
raises `ReadError` naming the file and, where it applies, the row and column.
A record that is not an object (JSON) is yielded with `problem` set: it is rejected, not lost.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zoelife.spreadsheet import unneutralize

csv.field_size_limit(16 * 1024 * 1024)



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
    if not _encodable(value):
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def _unguarded(value: str) -> str:
    """`clean_text` for text known to hold no NUL and no lone surrogate."""
    return unneutralize(value)


def _encodable(text: str) -> bool:
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


def read_table(source: str | Path | bytes, *, fmt: str | None = None,
               name: str | None = None, source_name: str | None = None) -> Table:
    """The whole file's records in memory (`open_table` streams them)."""
    stream = open_table(source, fmt=fmt, name=name, source_name=source_name)
    return Table(stream.headers, list(stream.records), stream.fmt, stream.name, stream.notes)


def _unique_headers(raw: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    headers = []
    for i, h in enumerate(raw, start=1):
        h = clean_text(h).strip() or f"Column {i}"
        if h in seen:
            seen[h] += 1
            h = f"{h} ({seen[h]})"
        else:
            seen[h] = 1
        headers.append(h)
    return headers


DELIMITERS = ",;\t|"
# A header longer than this is not a form export's; counting stops there (bounded work).
_HEADER_SCAN_CHARS = 1024 * 1024


def header_delimiter(text: str) -> str:
    """The delimiter of a CSV export, chosen from its header line alone: the candidate
    (`,` `;` tab `|`) that occurs most often outside quotes before the first line break outside
    quotes; `,` when none does (a one-column file). Data rows are never looked at: a message
    full of `;` cannot change how the file is split, and the work is one pass over one line
    (csv.Sniffer, which this replaced, is quadratic over its sample and holds the GIL)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text[:_HEADER_SCAN_CHARS]:
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch in "\r\n":
            break
        elif ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties: the earlier in DELIMITERS
    return best if counts[best] else ","


def read_csv_text(text: str, name: str = "file") -> Table:
    if not text.strip():
        raise ReadError(f"{name}: the file is empty")
    delimiter = header_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = _csv_headers(reader, name)
    # Checked once for the whole text instead of once per cell: most files hold neither.
    clean = clean_text if "\0" in text or not _encodable(text) else _unguarded
    return Table(headers, list(_csv_records(reader, headers, name, clean)), "csv", name)


def _csv_headers(reader, name: str) -> list[str]:
    try:
        header_cells = next(reader)
    except (csv.Error, StopIteration) as exc:
        raise ReadError(f"{name}: row 1: cannot read the header ({exc})") from None
    headers = _unique_headers(header_cells)
    if not any(h and not h.startswith("Column ") for h in headers):
        raise ReadError(f"{name}: row 1: no column headers")
    return headers


def _csv_records(reader, headers: list[str], name: str,
                 clean: Callable[[str], str] | None) -> Iterator[Record]:
    """The records of a CSV reader past its header row. `clean`: how every cell is cleaned;
    None: decided row by row (a row with a NUL is cleaned; text decoded from a file never holds
    a lone surrogate)."""
    row = 1
    width = len(headers)
    try:
        for cells in reader:
            row += 1
            joined = "".join(cells)
            if not cells or not joined.strip():
                continue  # a blank row holds nothing to import
            row_clean = clean or (clean_text if "\0" in joined else _unguarded)
            # No NUL and no apostrophe in a row: nothing to clean, the cells are taken as they
            # are (an export's guard quote may stand at a cell's start or after a separator
            # inside it).
            if row_clean is _unguarded and len(cells) == width and "'" not in joined:
                yield Record(row, dict(zip(headers, cells, strict=True)))
                continue
            values: dict[str, Any] = {}
            for i, cell in enumerate(cells):
                key = headers[i] if i < len(headers) else f"Column {i + 1}"
                values[key] = row_clean(cell)
            for h in headers[len(cells):]:
                values[h] = ""
            yield Record(row, values)
    except csv.Error as exc:
        raise ReadError(f"{name}: row {row}: {exc}") from None


# --------------------------------------------------------------------------- streaming

SAMPLE_RECORDS = 200  # what the mapping is chosen from and the Import page previews
_BLOCK = 1 << 20


class Records:
    """A file's records without holding them: `len()` and the first SAMPLE_RECORDS by index
    or slice come from the first pass over the file, iterating reads it again from the start
    (`open_table`)."""

    def __init__(self, opener: Callable[[], Iterator[Record]], sample: list[Record],
                 count: int) -> None:
        self._opener = opener
        self.sample = sample
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Record]:
        return self._opener()

    def __getitem__(self, index):
        if isinstance(index, slice):
            stop = self.count if index.stop is None else index.stop
            if index.start in (None, 0) and index.step in (None, 1) and \
                    stop <= len(self.sample):
                return self.sample[:stop]
            return list(self)[index]
        if 0 <= index < len(self.sample):
            return self.sample[index]
        return list(self)[index]


@dataclass
class TableStream:
    """A file opened for streaming: its headers, format and digest, its records read lazily."""

    headers: list[str]
    records: Records
    fmt: str
    name: str
    digest: str  # sha256 of the file's bytes: what a resumed import recognises it by
    notes: list[str] = field(default_factory=list)


def open_table(source: str | Path | bytes, *, fmt: str | None = None,
               name: str | None = None, source_name: str | None = None) -> TableStream:
    """`read_table`, streaming: a CSV file is read twice (once here, to check it can be read
    whole, count its records and keep the first ones; again for the import), never held in
    memory. Bytes (an upload) are already in memory; JSON is read whole (a JSON export is one
    document); a file that is not UTF-8 is decoded whole as `decode` does."""
    if isinstance(source, bytes | bytearray):
        return _table_of_bytes(bytes(source), fmt, name or "upload", source_name)
    path = Path(source)
    name = name or path.name
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    head = ""
    utf8 = True
    try:
        with path.open("rb") as fh:
            while block := fh.read(_BLOCK):
                digest.update(block)
                if utf8:
                    try:
                        text = decoder.decode(block)
                    except UnicodeDecodeError:
                        utf8 = False
                        continue
                    if len(head) < _HEADER_SCAN_CHARS:
                        head += text[:_HEADER_SCAN_CHARS - len(head)]
            if utf8:
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    utf8 = False
    except OSError as exc:
        raise ReadError(f"{name}: cannot open ({exc.strerror or type(exc).__name__})") from None
    head = head.removeprefix("\ufeff")
    fmt = (fmt or guess_format(name, head)).lower()
    if not utf8 or fmt != "csv":
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ReadError(f"{name}: cannot open "
                            f"({exc.strerror or type(exc).__name__})") from None
        return _table_of_bytes(data, fmt, name, source_name)
    if not head.strip():
        raise ReadError(f"{name}: the file is empty")
    delimiter = header_delimiter(head)

    def reader():
        fh = path.open("r", encoding="utf-8-sig", newline="")
        return fh, csv.reader(fh, delimiter=delimiter)

    def opener() -> Iterator[Record]:
        fh, rd = reader()
        with fh:
            headers = _csv_headers(rd, name)
            yield from _csv_records(rd, headers, name, None)

    fh, rd = reader()
    with fh:
        headers = _csv_headers(rd, name)
        sample: list[Record] = []
        count = 0
        for record in _csv_records(rd, headers, name, None):
            if count < SAMPLE_RECORDS:
                sample.append(record)
            count += 1
    return TableStream(headers, Records(opener, sample, count), "csv", name, digest.hexdigest())


def _table_of_bytes(data: bytes, fmt: str | None, name: str,
                    source_name: str | None) -> TableStream:
    digest = hashlib.sha256(data).hexdigest()
    text = decode(data, name)
    fmt = (fmt or guess_format(name, text)).lower()
    if fmt == "csv":
        table = read_csv_text(text, name)
    elif fmt in ("json", "jsonl", "ndjson"):
        table = read_json_text(text, name, source_name)
    else:
        raise ReadError(f"{name}: unknown format {fmt!r} (use csv or json)")
    records = table.records
    return TableStream(table.headers, Records(lambda: iter(records), records, len(records)),
                       table.fmt, table.name, digest, table.notes)


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


def _whole_json(text: str, name: str) -> Any:
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
    from zoelife.ingest import connectors

    stripped = text.strip()
    if not stripped:
        raise ReadError(f"{name}: the file is empty")
    items: list[tuple[int, Any, str | None, str | None]] = []  # (position, obj, problem, raw)
    single = None
    if stripped.startswith("{") and "\n{" not in stripped.replace("\r", ""):
        single = _whole_json(stripped, name)
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
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ReadError(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                            f"{exc.msg})") from None
        except RecursionError:
            raise ReadError(f"{name}: JSON nested too deeply") from None
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
