"""CSV cells that a spreadsheet opens as text, never as a formula (OWASP CSV injection).

One rule for every export (requests, content, quarantine, audit log, the insights downloads):

- every cell is quoted (`writer` uses csv.QUOTE_ALL), so a comma-separated file keeps each
  cell whole where the list separator is a comma;
- where the list separator is `;` (much of Europe) or a tab, or a cell is split on lines, a
  spreadsheet starts a new cell after each `,` `;` tab or line break inside our cell, so every
  such segment is guarded, not only the first: a segment starting with `=` `+` `-` `@`, tab,
  carriage return or NUL gets a `'` in front (`Pat;=cmd|…` becomes `Pat;'=cmd|…`).

A segment that already starts with apostrophes before one of those characters gets one more, so
`unneutralize` (what the importer applies) gives back exactly the text that was exported.
"""

from __future__ import annotations

import csv
import re
from typing import IO, Any

SEPARATORS = ",;\t\n"
FORMULA_STARTS = "=+-@\t\r\0"
# At the start of the cell or right after a separator, before `'*` and a formula character.
_SEGMENT = r"(?<![^,;\t\n])"
_GUARD = re.compile(_SEGMENT + r"(?='*[=+\-@\t\r\0])")
_GUARDED = re.compile(_SEGMENT + r"'(?='*[=+\-@\t\r\0])")


def neutralize(value: Any) -> str:
    """A cell as text with every formula-like segment guarded by a leading `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _GUARD.sub("'", str(value))


def unneutralize(text: str) -> str:
    """Undo `neutralize` (the importer reads this project's exports back)."""
    if "'" not in text:
        return text
    return _GUARDED.sub("", text)


def writer(out: IO[str]):
    """A CSV writer that quotes every cell; give it `neutralize`d cells."""
    return csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
