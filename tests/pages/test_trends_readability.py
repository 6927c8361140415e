"""The trends chart stays readable: at most three lines unless the user picks more, and a week
still running (or cut by the period) is drawn apart, not read as a drop."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.apptest import page, sign_in
from tests.insights.helpers import at_local, charts_of, layer_data, mark_of, receive_one, views
from zoelife.db.engine import make_engine
from zoelife.insights import queries
from zoelife.insights.queries import Period

FEB_16 = dt.date(2026, 2, 16)  # a Monday; the clock's today is Wednesday March 4th
TODAY = dt.date(2026, 3, 4)


@pytest.fixture
def four_treatments(app_db, clock):
    """TMS 4, Spravato 3, Ketamine 2, Therapy 1, over three weeks to today."""
    engine = make_engine(app_db)
    days = [FEB_16, FEB_16 + dt.timedelta(days=8), FEB_16 + dt.timedelta(days=15), TODAY]
    for treatment, n in (("TMS", 4), ("Spravato", 3), ("Ketamine", 2), ("Therapy", 1)):
        for i in range(n):
            receive_one(engine, at_local(days[i], 9), treatments=(treatment,))
    engine.dispose()
    return app_db


def _trends(db_url):
    at = page("pages/trends.py", timeout=60)
    sign_in(at, db_url, roles=("manager",), username="mgr")
    at.run()
    at.date_input(key="period").set_value((FEB_16, TODAY)).run()
    assert not at.exception
    return at


def _series(at) -> set[str]:
    (spec, data), = charts_of(at)
    return set(layer_data(spec, data, "line")["series"])


def test_three_lines_unless_the_user_picks_more(four_treatments):
    at = _trends(four_treatments)
    assert _series(at) == {"TMS", "Spravato", "Ketamine"}
    note = [c.value for c in at.caption if c.value.startswith("Drawn: the 3 treatments")]
    assert note and "Also asked about: Therapy" in note[0]
    at.multiselect(key="treatments").set_value(["tms", "spravato", "ketamine", "therapy"]).run()
    assert _series(at) == {"TMS", "Spravato", "Ketamine", "Therapy"}
    assert not any(c.value.startswith("Drawn: the 3") for c in at.caption)
    at.multiselect(key="treatments").set_value(["therapy"]).run()
    assert _series(at) == {"Therapy"}
    # Split by channel: one channel only, nothing left out.
    at.multiselect(key="treatments").set_value([]).run()
    at.radio(key="split").set_value("channel").run()
    assert _series(at) == {"Web form"}
    assert not any(c.value.startswith("Drawn:") for c in at.caption)


def test_the_week_still_running_is_dashed_and_hollow(four_treatments):
    at = _trends(four_treatments)
    (spec, data), = charts_of(at)
    points = layer_data(spec, data, "point")
    complete = points.groupby("period")["complete"].first().to_dict()
    assert complete == {"2026-02-16": True, "2026-02-23": True, "2026-03-02": False}
    # The solid line leaves the running week out; a dashed segment joins it to the week before.
    solid = next(v for v, _ in views(spec) if mark_of(v).get("type") == "line"
                 and "strokeDash" not in mark_of(v))
    assert solid["transform"] == [{"filter": "datum.complete"}]
    dashed_view, dashed_data = next((v, d) for v, d in views(spec)
                                    if mark_of(v).get("strokeDash"))
    dashed = data[dashed_data["name"]]
    assert set(dashed["period"]) == {"2026-02-23", "2026-03-02"}
    assert set(dashed["segment"]) == {"end"} and set(dashed["series"]) == {
        "TMS", "Spravato", "Ketamine"}
    point_view = next(v for v, _ in views(spec) if mark_of(v).get("type") == "point"
                      and "shape" not in mark_of(v))
    assert point_view["encoding"]["fillOpacity"]["condition"]["test"] == "datum.complete"
    assert any("not a drop" in c.value for c in at.caption)


def test_top_categories_and_complete_buckets():
    import pandas as pd

    daily = pd.DataFrame([(FEB_16, "tms", 2), (FEB_16, "therapy", 2), (TODAY, "spravato", 5),
                          (TODAY, "ketamine", 1), (TODAY, "other", 2)],
                         columns=["date", "category", "count"])
    codes = ("spravato", "tms", "ketamine", "medication_management", "therapy", "other")
    # Spravato 5; TMS, Therapy and Other tie at 2: the vocabulary's order breaks the tie.
    assert queries.top_categories(daily, codes) == (["spravato", "tms", "therapy"],
                                                    ["ketamine", "other"])
    assert queries.top_categories(daily.iloc[0:0], codes) == ([], [])
    period = Period(dt.date(2026, 1, 15), TODAY)
    assert not queries.bucket_complete(dt.date(2026, 1, 1), "month", period, TODAY)  # cut
    assert queries.bucket_complete(dt.date(2026, 2, 1), "month", period, TODAY)
    assert not queries.bucket_complete(dt.date(2026, 3, 1), "month", period, TODAY)  # running
    assert not queries.bucket_complete(TODAY, "day", period, TODAY)  # today is not over
    assert queries.bucket_complete(TODAY - dt.timedelta(days=1), "day", period, TODAY)
