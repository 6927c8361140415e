"""Whatever a file holds, the importer neither crashes nor loses count: it either refuses the
file with a one-line ReadError or accounts for every row (rows == imported + duplicates +
already_imported + rejected), on both import paths."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from zoelife.ingest.importer import import_requests
from zoelife.ingest.readers import ReadError

HEADERS = ["Entry Id", "Entry Date", "Name (First)", "Name (Last)", "Email", "Phone",
           "Treatments", "Message", "Custom question"]
cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "2026-03-02 10:00:00", "3/2/2026 9:00", "ana@example.com",
                     "(212) 201-3344", "TMS", "I want to die", "=1+1", "'=SUM(A1)", "\x00",
                     "1", "not a date"]),
)
row = st.fixed_dictionaries({h: cell for h in HEADERS})


def _identity(r) -> None:
    assert r.rows == r.imported + r.duplicates + r.already_imported + r.rejected
    assert r.rejected == len(r.rejects)
    assert r.crisis_urgent + r.crisis_review <= r.rows


@settings(max_examples=25)
@given(data=st.binary(max_size=400), fmt=st.sampled_from(["csv", "json", None]))
def test_arbitrary_bytes(sqlite_engine, data, fmt):
    try:
        r = import_requests(sqlite_engine, data, fmt=fmt, name="upload")
    except ReadError as exc:
        assert "\n" not in str(exc) and str(exc)
        return
    _identity(r)


@settings(max_examples=20)
@given(rows=st.lists(row, max_size=12), fast=st.booleans())
def test_arbitrary_csv_rows(sqlite_engine, rows, fast):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8", "surrogatepass")
    try:
        first = import_requests(sqlite_engine, data, fmt="csv", fast=fast)
    except ReadError:
        return
    _identity(first)
    # Importing the same file again adds nothing new.
    again = import_requests(sqlite_engine, data, fmt="csv", fast=not fast)
    _identity(again)
    assert again.imported == 0 and again.duplicates == 0


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


@settings(max_examples=20)
@given(records=st.lists(st.one_of(
    st.dictionaries(st.sampled_from(["id", "email", "phone", "submitted_at", "message",
                                     "name", "treatments", "other"]), json_value, max_size=6),
    json_value), max_size=8), fast=st.booleans())
def test_arbitrary_json_records(sqlite_engine, records, fast):
    data = json.dumps(records).encode()
    try:
        r = import_requests(sqlite_engine, data, fmt="json", fast=fast)
    except ReadError:
        return
    _identity(r)
    assert r.rows == len(records)
