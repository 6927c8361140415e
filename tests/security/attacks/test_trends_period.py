"""Attack: one chart request that takes a gigabyte of the server's memory.

Found in review: with one request dated 0001-01-01 in the database (an import or a form tool
can send any date), a manager set Inquiry trends' period from year 1 and grouped by day: a
4.4-million-row chart, server memory 476 -> 1,304 MB. Control (zoelife.insights.queries.fit):
a chart draws at most MAX_BUCKETS buckets; a longer period is grouped more coarsely and, beyond
MAX_BUCKETS months, only the most recent months are drawn, said on screen. Speed to lead too.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.apptest import page, sign_in
from tests.insights.helpers import at_local, receive_one
from zoelife.db.engine import make_engine
from zoelife.insights import queries

ANCIENT = dt.datetime(1, 1, 2, 12, tzinfo=dt.UTC)
RECENT = dt.date(2026, 3, 2)


@pytest.fixture
def ancient(app_db):
    engine = make_engine(app_db)
    receive_one(engine, ANCIENT, treatments=("TMS", "Ketamine"))
    receive_one(engine, at_local(RECENT, 10), treatments=("Spravato",))
    engine.dispose()
    return app_db


def _rows(at) -> int:
    import pyarrow as pa

    rows = 0
    for el in at.get("arrow_vega_lite_chart") + at.get("vega_lite_chart"):
        blobs = [el.proto.data.data] if el.proto.HasField("data") else []
        blobs += [d.data.data for d in el.proto.datasets]
        rows += sum(pa.ipc.open_stream(b).read_all().num_rows for b in blobs if b)
    return rows


@pytest.mark.parametrize("path", ["pages/trends.py", "pages/speed.py"])
def test_a_period_from_year_one_by_day_draws_a_bounded_chart(ancient, path):
    at = page(path, timeout=120)
    sign_in(at, ancient, roles=("manager",), username="mgr")
    at.run()
    at.radio(key="grain").set_value("day")
    at.date_input(key="period").set_value((ANCIENT.date(), RECENT))  # the first day of data
    at.run()
    assert not at.exception
    notes = [i.value for i in at.info]
    assert any("longer than 1,000 months" in n for n in notes), notes
    assert 0 < _rows(at) <= 6 * queries.MAX_BUCKETS * 3


def test_fit_goes_coarser_before_it_shortens():
    two_years = queries.Period(dt.date(2024, 3, 1), dt.date(2026, 2, 28))
    assert queries.fit(two_years, "day") == (two_years, "day", None)
    five_years = queries.Period(dt.date(2021, 3, 1), dt.date(2026, 2, 28))
    period, grain, note = queries.fit(five_years, "day")
    assert (period, grain) == (five_years, "week")
    assert note.startswith("Grouped by week: by day, this period would draw more than 1,000")
    period, grain, note = queries.fit(queries.Period(dt.date(1, 1, 1), RECENT), "day")
    assert grain == "month" and queries.bucket_count(period, "month") == queries.MAX_BUCKETS
    assert period.end == RECENT and period.start == dt.date(1942, 12, 1)


def test_bucket_count_agrees_with_the_buckets():
    for start, end in ((dt.date(2025, 12, 31), dt.date(2026, 3, 2)),
                       (dt.date(2026, 1, 5), dt.date(2026, 1, 5))):
        period = queries.Period(start, end)
        for grain in queries.GRAINS:
            assert queries.bucket_count(period, grain) == len(queries.bucket_starts(period, grain))
