"""Finding #17 (LOW): formula neutralization looked only at a cell's first character, so
`Pat;=cmd|' /C calc'!A0` opened as a formula where the list separator is `;`. Every export
(requests, content, quarantine, audit log, insights) now quotes every cell and guards every
segment after `,` `;` tab or a line break, through one function (`zoelife.spreadsheet`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from tests.clock import FIXED_NOW
from tests.intake.helpers import make_request
from zoelife import audit, audit_search, spreadsheet
from zoelife.db.engine import read_session, write_session
from zoelife.ingest import export, quarantine
from zoelife.ingest.readers import clean_text
from zoelife.insights import export as insights_export

ATTACK = "Pat;=cmd|' /C calc'!A0"
GUARDED = "Pat;'=cmd|' /C calc'!A0"
CELLS = st.text(alphabet=st.sampled_from("ab '=+-@,;\t\n\r\0\"|"), max_size=12)


def _segments_safe(cell: str) -> bool:
    """What a spreadsheet splitting on any list separator (or line) would see as cell starts."""
    return not any(seg.startswith(tuple(spreadsheet.FORMULA_STARTS))
                   for seg in re.split(r"[,;\t\n]", cell))


def _all_quoted(text: str) -> bool:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    # Re-writing what was read with QUOTE_ALL gives the same bytes only if all was quoted.
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    return out.getvalue().replace("\r\n", "\n") == text.replace("\r\n", "\n")


@given(CELLS)
def test_every_segment_is_guarded_and_the_import_gives_it_back(cell):
    guarded = spreadsheet.neutralize(cell)
    assert _segments_safe(guarded)
    assert spreadsheet.unneutralize(guarded) == cell
    assert clean_text(guarded) == cell.replace("\0", "")


@given(st.lists(CELLS, min_size=1, max_size=5))
def test_a_written_row_is_quoted_and_reads_back_guarded(cells):
    out = io.StringIO()
    spreadsheet.writer(out).writerow([spreadsheet.neutralize(c) for c in cells])
    text = out.getvalue()
    assert text.startswith('"') and _all_quoted(text)
    (row,) = list(csv.reader(io.StringIO(text, newline="")))
    assert all(_segments_safe(c) for c in row)
    assert [spreadsheet.unneutralize(c) for c in row] == cells


@given(CELLS)
def test_insights_downloads_use_the_same_rule(cell):
    text = insights_export.csv_bytes(pd.DataFrame({"title": [cell], "n": [-3]})).decode()
    assert _all_quoted(text)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == [spreadsheet.neutralize(cell), "-3"]


def test_one_function_for_every_exporter():
    assert export.neutralize is spreadsheet.neutralize
    assert quarantine.neutralize is spreadsheet.neutralize
    assert insights_export.neutralize is spreadsheet.neutralize
    assert audit_search._cell(ATTACK) == GUARDED


def test_requests_export(engine):
    make_request(engine, received_at=FIXED_NOW - dt.timedelta(hours=1), now=FIXED_NOW,
                 last_name=ATTACK, message="hi\n=HYPERLINK(\"http://evil.test\")")
    text = export.requests_csv_text(engine)
    assert _all_quoted(text)
    header, row = list(csv.reader(io.StringIO(text, newline="")))
    values = dict(zip(header, row, strict=True))
    assert values["last_name"] == GUARDED
    assert values["message"] == "hi\n'=HYPERLINK(\"http://evil.test\")"


def test_audit_export(engine):
    with write_session(engine) as s:
        audit.record(s, audit.Actor(None, ATTACK, "10.0.0.1"), "sign_in.failure",
                     "staff_user", None, {})
    with read_session(engine) as s:
        text = audit_search.export_csv(s)
    assert _all_quoted(text)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert GUARDED in rows[-1]


def test_content_export(engine):
    from zoelife.ingest import content

    with write_session(engine) as s:
        content.add_item(s, url="https://zoelife.example/a/", title=ATTACK,
                         published_at=FIXED_NOW, actor=audit.SYSTEM)
    text = export.content_csv_text(engine)
    assert _all_quoted(text)
    assert list(csv.reader(io.StringIO(text, newline="")))[1][1] == GUARDED
