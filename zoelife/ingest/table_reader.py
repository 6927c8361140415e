"""A form tool's export opened as a table (`open_table`, streaming; `read_table`, whole): its
format, headers and sha256 digest, its records read by `csv_reader` or `json_reader`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from zoelife.ingest.csv_reader import (
    HEADER_SCAN_CHARS,
    csv_headers,
    csv_records,
    header_delimiter,
    read_csv_text,
)
from zoelife.ingest.json_reader import read_json_text
from zoelife.ingest.readers import ReadError, Record, Table, decode, guess_format

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
                    if len(head) < HEADER_SCAN_CHARS:
                        head += text[:HEADER_SCAN_CHARS - len(head)]
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
            headers = csv_headers(rd, name)
            yield from csv_records(rd, headers, name, None)

    fh, rd = reader()
    with fh:
        headers = csv_headers(rd, name)
        sample: list[Record] = []
        count = 0
        for record in csv_records(rd, headers, name, None):
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


def read_table(source: str | Path | bytes, *, fmt: str | None = None,
               name: str | None = None, source_name: str | None = None) -> Table:
    """The whole file's records in memory (`open_table` streams them)."""
    stream = open_table(source, fmt=fmt, name=name, source_name=source_name)
    return Table(stream.headers, list(stream.records), stream.fmt, stream.name, stream.notes)
