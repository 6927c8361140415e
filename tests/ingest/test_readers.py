"""Readers and header mapping: encodings, line endings, quoted multi-line cells, delimiters,
JSON shapes, and every supported tool's headers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zoelife.ingest.fields import auto_mapping, detect_form_tool, parse_mapping_option
from zoelife.ingest.readers import ReadError
from zoelife.ingest.table_reader import read_table


def test_csv_bom_crlf_multiline_and_semicolons():
    data = ('\ufeffName;Email;Message\r\n"Ana";ana@example.com;"line one\r\nline two; still"'
            '\r\n\r\n"Bo";bo@example.com;ok\r\n').encode()
    table = read_table(data, name="x.csv")
    assert table.headers == ["Name", "Email", "Message"]
    assert [r.row for r in table.records] == [2, 4]  # the blank row 3 is skipped, not renumbered
    assert table.records[0].values["Message"] == "line one\r\nline two; still"


def test_windows_1252_and_duplicate_headers():
    table = read_table("Name,Name,Note\nJos\xe9,x,caf\xe9\n".encode("cp1252"), name="x.csv")
    assert table.headers == ["Name", "Name (2)", "Note"]
    assert table.records[0].values == {"Name": "José", "Name (2)": "x", "Note": "café"}


def test_guard_quote_removed_only_before_formula_characters():
    table = read_table(b"A,B,C\n'=1+1,'hello,'-5\n", name="x.csv")
    assert table.records[0].values == {"A": "=1+1", "B": "'hello", "C": "-5"}


def test_errors_say_where():
    with pytest.raises(ReadError, match=r"x.json: not valid JSON \(line 2, column"):
        read_table(b'[{"a": 1},\n oops]', name="x.json")
    with pytest.raises(ReadError, match="x.csv: row 1: no column headers"):
        read_table(b",,\n1,2,3\n", name="x.csv")


@pytest.mark.parametrize("headers, tool", [
    (["Entry Id", "Entry Date", "Name (First)", "Name (Last)", "Email", "Source Url"],
     "gravity_forms"),
    (["Name", "Email", "Comment or Message", "Entry Date", "Entry ID", "Entry Notes"], "wpforms"),
    (["Submission Date", "Name", "E-mail", "Submission ID"], "jotform"),
    (["Timestamp", "Email Address", "Your name"], "google_forms"),
    (["#", "What's your email?", "Submit Date (UTC)", "Network ID"], "typeform"),
    (["name", "email"], None),
])
def test_form_tool_detection(headers, tool):
    assert detect_form_tool(headers) == tool


def test_mapping_rules():
    mapping = auto_mapping(["Entry Id", "Name", "Name (First)", "Name (Last)", "Phone",
                            "Mobile", "Please describe your concerns", "Favorite color",
                            "utm_campaign", "q4_email4", "When"],
                           {"When": "received_at"})
    assert mapping == {
        "Entry Id": "external_id", "Name": None, "Name (First)": "first_name",
        "Name (Last)": "last_name", "Phone": "phone", "Mobile": None,
        "Please describe your concerns": "message", "Favorite color": None,
        "utm_campaign": "utm_campaign", "q4_email4": "email", "When": "received_at",
    }
    assert parse_mapping_option(["Their column = email"]) == {"Their column": "email"}
    with pytest.raises(ValueError, match="unknown field 'mail'"):
        parse_mapping_option(["X=mail"])


def _cells_as_read(text: str) -> list[tuple[int, dict]]:
    """The reference: every cell through `clean_text`, missing cells empty, extra cells named
    by position, blank rows skipped."""
    import csv
    import io

    from zoelife.ingest.readers import clean_text

    rows = list(csv.reader(io.StringIO(text, newline="")))
    headers = rows[0]
    out = []
    for number, cells in enumerate(rows[1:], start=2):
        if not cells or all(not c.strip() for c in cells):
            continue
        values = {(headers[i] if i < len(headers) else f"Column {i + 1}"): clean_text(c)
                  for i, c in enumerate(cells)}
        out.append((number, values | {h: "" for h in headers[len(cells):]}))
    return out


_CELL = st.text(alphabet=st.sampled_from("a'=+-@ é,\""), max_size=5)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CELL, min_size=1, max_size=4), min_size=1, max_size=6))
def test_csv_cells_are_read_as_the_reference_reads_them(body: list[list[str]]) -> None:
    """Whole rows taken as they are and rows needing a guard quote removed (=SUM, '+1...),
    short and long rows, blank rows: the same values either way."""
    import csv
    import io

    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["First", "Phone", "Message"])
    writer.writerows(body)
    text = out.getvalue()
    table = read_table(text.encode("utf-8"), fmt="csv")
    assert [(r.row, r.values) for r in table.records] == _cells_as_read(text)
