"""Reading a CSV export (UTF-8 with or without BOM, CRLF, quoted multi-line cells, delimiter
chosen from the header line): its headers and records (`zoelife.ingest.readers.Record`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

from zoelife.ingest.readers import ReadError, Record, Table, clean_text, encodable, unguarded

csv.field_size_limit(16 * 1024 * 1024)


def unique_headers(raw: list[str]) -> list[str]:
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
HEADER_SCAN_CHARS = 1024 * 1024


def header_delimiter(text: str) -> str:
    """The delimiter of a CSV export, chosen from its header line alone: the candidate
    (`,` `;` tab `|`) that occurs most often outside quotes before the first line break outside
    quotes; `,` when none does (a one-column file). Data rows are never looked at: a message
    full of `;` cannot change how the file is split, and the work is one pass over one line
    (csv.Sniffer, which this replaced, is quadratic over its sample and holds the GIL)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text[:HEADER_SCAN_CHARS]:
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
    headers = csv_headers(reader, name)
    # Checked once for the whole text instead of once per cell: most files hold neither.
    clean = clean_text if "\0" in text or not encodable(text) else unguarded
    return Table(headers, list(csv_records(reader, headers, name, clean)), "csv", name)


def csv_headers(reader, name: str) -> list[str]:
    try:
        header_cells = next(reader)
    except (csv.Error, StopIteration) as exc:
        raise ReadError(f"{name}: row 1: cannot read the header ({exc})") from None
    headers = unique_headers(header_cells)
    if not any(h and not h.startswith("Column ") for h in headers):
        raise ReadError(f"{name}: row 1: no column headers")
    return headers


def csv_records(reader, headers: list[str], name: str,
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
            row_clean = clean or (clean_text if "\0" in joined else unguarded)
            # No NUL and no apostrophe in a row: nothing to clean, the cells are taken as they
            # are (an export's guard quote may stand at a cell's start or after a separator
            # inside it).
            if row_clean is unguarded and len(cells) == width and "'" not in joined:
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
