"""`pipeline.store.insert_rows` stores what a plain SQLAlchemy insert would store; chunks cover a file."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    select,
)
from sqlalchemy.orm import Session

from zoelife.db.types import JSONText, UTCDateTime
from zoelife.ingest.pipeline.store import insert_rows
from zoelife.ingest.pipeline.workers import chunk_bounds

NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)


def _table() -> Table:
    return Table(
        "things", MetaData(),
        Column("id", Integer, primary_key=True),
        Column("name", String(50)),
        Column("flag", Integer, server_default="7"),  # the database's own default
        Column("note", String(50)),
        Column("at", UTCDateTime()),
        Column("data", JSONText()),
        Column("day", Date()),
    )


def _rows() -> list[dict]:
    return [
        {"id": 1, "name": "a", "flag": None, "note": None, "at": NOW, "data": {"k": [1]},
         "day": dt.date(2026, 2, 3)},
        {"id": 2, "name": None, "flag": None, "note": None, "at": NOW, "data": [],
         "day": dt.date(987, 6, 5)},
        {"id": 3, "name": "c", "flag": 1, "note": None, "at": None, "data": None, "day": None},
        {"id": 4, "name": "d", "flag": None, "note": None,
         "at": NOW + dt.timedelta(hours=1), "data": {}, "day": dt.date(2026, 2, 3)},
    ]


def _stored(rows: list[dict], *, fast: bool, chunk: int = 5000, raw: bool = False
            ) -> list[tuple]:
    """The rows as read back through SQLAlchemy, or (`raw`) as the text SQLite holds."""
    table = _table()
    engine = create_engine("sqlite://")
    table.metadata.create_all(engine)
    with Session(engine) as session:
        if fast:
            insert_rows(session, table, rows, chunk=chunk)
        else:
            session.execute(insert(table), rows)
        session.commit()
        if raw:
            return [tuple(r) for r in session.connection().exec_driver_sql(
                "SELECT * FROM things ORDER BY id")]
        return [tuple(r) for r in session.execute(select(table).order_by(table.c.id))]


def test_the_same_rows_as_a_core_insert() -> None:
    assert _stored(_rows(), fast=True) == _stored(_rows(), fast=False)
    assert _stored(_rows(), fast=True, raw=True) == _stored(_rows(), fast=False, raw=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.dates(), st.datetimes()), min_size=1, max_size=5))
def test_dates_are_stored_as_the_dialect_writes_them(days: list) -> None:
    rows = [{"id": i, "day": day} for i, day in enumerate(days, start=1)]
    assert _stored(rows, fast=True, raw=True) == _stored(rows, fast=False, raw=True)


def test_null_given_for_a_column_with_a_database_default_stays_null() -> None:
    # A column NULL in every row is left out of the INSERT, except where leaving it out
    # would let the database fill in its default instead of the NULL asked for.
    stored = _stored(_rows(), fast=True)
    assert [r[2] for r in stored] == [None, None, 1, None]
    all_null = [dict(r, flag=None) for r in _rows()]
    assert [r[2] for r in _stored(all_null, fast=True)] == [None] * 4


def test_a_column_null_in_one_batch_only_is_still_written_in_the_others() -> None:
    assert _stored(_rows(), fast=True, chunk=2) == _stored(_rows(), fast=False)
    assert _stored(_rows(), fast=True, chunk=1) == _stored(_rows(), fast=False)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 30_000), st.integers(1, 3000))
def test_chunks_cover_the_file_in_order(total: int, size: int) -> None:
    bounds = chunk_bounds(total, size)
    assert [start for start, _ in bounds] == [0, *(stop for _, stop in bounds)][:len(bounds)]
    assert (bounds[-1][1] if bounds else 0) == total
    assert all(0 < stop - start <= size for start, stop in bounds)


def test_a_big_file_has_small_chunks_at_both_ends() -> None:
    sizes = [stop - start for start, stop in chunk_bounds(100_000, 2000)]
    assert sizes[:3] == [250, 500, 1000] and sizes[-3:] == [1000, 500, 250]
    assert sizes.count(2000) == 48
