"""Manager pages: gated, the numbers and chart specs right, and nothing identifying shown."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import select

from tests.apptest import page, sign_in
from tests.insights.helpers import (
    add_content,
    at_local,
    attempt,
    charts_of,
    layer_data,
    mark_of,
    move,
    page_text,
    receive_one,
    views,
)
from zoelife import demo
from zoelife.db.engine import make_engine, read_session
from zoelife.db.models import Request
from zoelife.ui.gate import REFUSAL

PAGES = ("pages/trends.py", "pages/impact.py", "pages/funnel.py", "pages/speed.py")
MON = dt.date(2026, 3, 2)
PERIOD = (MON, dt.date(2026, 3, 31))


@pytest.fixture
def known(app_db):
    """Three March inquiries, a spam one, and a TMS article published March 2nd."""
    engine = make_engine(app_db)
    add_content(engine, "TMS explained", MON, topics=("tms",))
    add_content(engine, "Ketamine Q&A", dt.date(2026, 3, 12), topics=("ketamine",),
                channel="video")
    ids = {
        "r1": receive_one(engine, at_local(MON, 10), treatments=("TMS",),
                          landing_page="https://clinic.example/blog/tms-explained"),
        "r2": receive_one(engine, at_local(MON, 23, 30), treatments=("Spravato", "TMS")),
        "r3": receive_one(engine, at_local(dt.date(2026, 3, 10), 14), treatments=("Ketamine",),
                          channel="phone"),
        "spam": receive_one(engine, at_local(dt.date(2026, 3, 10), 15)),
    }
    attempt(engine, ids["r1"], at_local(MON, 10, 22), "reached")
    move(engine, ids["r1"], at_local(MON, 12), "scheduled",
         appointment_at=at_local(dt.date(2026, 3, 9), 10), appointment_kind="TMS consultation")
    move(engine, ids["r1"], at_local(dt.date(2026, 3, 9), 12), "closed",
         close_reason="became_patient")
    attempt(engine, ids["r3"], at_local(dt.date(2026, 3, 10), 16, 5), "no_answer")
    move(engine, ids["spam"], at_local(dt.date(2026, 3, 10), 16), "closed", close_reason="spam")
    engine.dispose()
    return app_db


def _manager(path: str, db_url: str):
    at = page(path)
    sign_in(at, db_url, roles=("manager",), username="mgr")
    return at.run()


def _trend_metrics(at) -> list[str]:
    """The two metrics above the trends chart (the headline numbers come before them)."""
    shown = {m.label: m.value for m in at.metric}
    return [shown["Inquiries in the period"], shown["Content items published in the period"]]


def _choose_period(at, start, end):
    at.date_input(key="period").set_value((start, end))
    return at.run()


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_and_other_roles_see_no_data(path, known):
    front = page(path)
    sign_in(front, known, roles=("front_desk", "admin"), username="desk")
    at = page(path).run()
    assert not at.exception
    assert "Sign in" in [t.value for t in at.title]
    assert not charts_of(at) and not at.metric
    front.run()
    assert [e.value for e in front.error] == [REFUSAL]
    assert not charts_of(front) and not front.metric and not front.get("dataframe")


def test_trends_counts_and_content_markers(known):
    at = _choose_period(_manager("pages/trends.py", known), *PERIOD)
    assert not at.exception
    assert _trend_metrics(at) == ["3", "2"]
    (spec, data), = charts_of(at)
    lines = layer_data(spec, data, "line")
    week = lines[lines["period"] == "2026-03-02"].set_index("series")["inquiries"].to_dict()
    assert week == {"TMS": 2, "Spravato": 1, "Ketamine": 0}  # a two-treatment request twice
    assert lines[lines["period"] == "2026-03-09"].set_index("series")["inquiries"].to_dict() \
        == {"TMS": 0, "Spravato": 0, "Ketamine": 1}  # spam not counted
    marks = layer_data(spec, data, "point", shape="triangle-down")
    assert sorted(marks["title"]) == ["Ketamine Q&A", "TMS explained"]
    assert set(marks["topic"]) == {"TMS", "Ketamine"}
    # Interactive: legend toggles and zoom/pan on time; tooltips carry title, channel, date.
    params = {p["name"]: p for view, _ in views(spec) for p in view.get("params", [])} | {
        p["name"]: p for p in spec.get("params", [])}
    assert params["time_zoom"]["bind"] == "scales"
    assert params["series_toggle"]["bind"] == "legend"
    flag = next(v for v, _ in views(spec) if mark_of(v).get("shape") == "triangle-down")
    assert {t["field"] for t in flag["encoding"]["tooltip"]} >= {"title", "content_channel",
                                                                  "published"}
    assert any("Inquiries received per week" in c.value for c in at.caption)
    assert [b.label for b in at.get("download_button")] == ["Numbers (CSV)", "Chart (PNG)",
                                                            "Chart (SVG)"]

    # By channel, monthly, TMS only: the markers follow the treatment filter.
    at.radio(key="split").set_value("channel")
    at.radio(key="grain").set_value("month")
    at.multiselect(key="treatments").set_value(["tms"])
    at.run()
    assert not at.exception
    (spec, data), = charts_of(at)
    lines = layer_data(spec, data, "line")
    assert lines.set_index("series")["inquiries"].to_dict() == {"Web form": 2}
    assert list(layer_data(spec, data, "point", shape="triangle-down")["title"]) == \
        ["TMS explained"]
    assert _trend_metrics(at) == ["2", "1"]


def test_trends_explains_an_empty_period_and_an_empty_database(known, sqlite_template,
                                                               tmp_path, monkeypatch):
    at = _choose_period(_manager("pages/trends.py", known), dt.date(2026, 5, 1),
                        dt.date(2026, 5, 31))
    assert not charts_of(at)
    assert any("No inquiries between May 01, 2026 and May 31, 2026" in i.value for i in at.info)
    shutil.copy(sqlite_template, tmp_path / "empty.db")
    empty_url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("ZOELIFE_DATABASE_URL", empty_url)
    empty = _manager("pages/speed.py", empty_url)
    assert not empty.exception and not charts_of(empty)
    assert "No requests have been received yet" in empty.info[0].value


def test_impact_table_and_chart(known):
    at = _manager("pages/impact.py", known)
    at.date_input(key="published").set_value(PERIOD).run()
    assert not at.exception
    table = at.get("dataframe")[0].value.set_index("title")
    tms = table.loc["TMS explained"]
    # Window March 2-15: r1 and r2 ask about TMS. Baseline: the data starts March 2, so none.
    assert (tms.attributed, tms.attributed_topic, tms.by_treatment, tms.funnel, tms.observed) \
        == (1, 1, "TMS 1", "1 → 1 → 1", 2)
    assert "short baseline (0 of 28 days)" in tms.note
    ket = table.loc["Ketamine Q&A"]
    assert ket.observed == 0 and ket.by_treatment == ""
    charts = charts_of(at)
    assert len(charts) == 2  # the ratios, and the attributed inquiries by treatment
    spec, data = charts[0]
    assert spec["layer"][0]["encoding"]["x"]["scale"]["type"] == "log"
    bars = layer_data(*charts[1], "bar")
    assert bars[["item", "treatment", "inquiries"]].values.tolist() == [
        ["TMS explained", "TMS", 1]]
    assert any("association" in c.value or "not proof" in c.value for c in at.caption)

    # Published after the TMS item only: it leaves the table.
    at.date_input(key="published").set_value((dt.date(2026, 3, 10), dt.date(2026, 3, 31))).run()
    assert list(at.get("dataframe")[0].value["title"]) == ["Ketamine Q&A"]
    assert len(charts_of(at)) == 1  # nothing attributed to it: a sentence instead
    assert any("No inquiry in these days was attributed" in i.value for i in at.info)


def test_funnel_numbers(known):
    at = _choose_period(_manager("pages/funnel.py", known), *PERIOD)
    at.radio(key="by").set_value("channel").run()
    assert not at.exception
    assert [m.value for m in at.metric] == ["3", "1", "1", "1"]
    (spec, data), (spec2, data2) = charts_of(at)
    bars = layer_data(spec, data, "bar")
    web = bars[bars["group"] == "Web form"].set_index("stage")["requests"].to_dict()
    assert web == {"Received": 2, "Reached": 1, "Scheduled": 1, "Became patient": 1}
    outcomes = layer_data(spec2, data2, "bar")
    phone = outcomes[outcomes["group"] == "Phone"].set_index("outcome")["requests"].to_dict()
    assert phone["Still open"] == 1 and "Spam" not in set(outcomes["outcome"])


def test_speed_numbers(known):
    at = _choose_period(_manager("pages/speed.py", known), *PERIOD)
    at.radio(key="grain").set_value("month").run()
    assert not at.exception
    # r1 within target; r3 tried after its due time; r2 never tried and past due: 1 of 3.
    assert [m.value for m in at.metric] == ["2", "33%"]
    charts = charts_of(at)
    # Response times, within target, the two heat maps (each its own chart, as wide as the
    # page), backlog.
    assert len(charts) == 5
    times = layer_data(*charts[0], "line").set_index("measure")["hours"].to_dict()
    # 22 and 125 minutes: bins [20, 30) and [120, 150); median 30 min, p90 = 120 + 30 * 0.8.
    assert times == {"Median": 0.5, "90th percentile": 2.4}
    heat = layer_data(*charts[2], "rect")
    monday = heat[(heat["weekday"] == "Mon")].set_index("hour")["arrivals"]
    assert monday[10] == 1 and monday[23] == 1 and heat["arrivals"].sum() == 3
    assert charts[2][0]["encoding"]["color"]["field"] == "arrivals"
    assert charts[3][0]["encoding"]["color"]["field"] == "median_hours"
    assert "hconcat" not in charts[2][0] and "hconcat" not in charts[3][0]
    response = layer_data(*charts[3], "rect")
    assert response.set_index(["weekday", "hour"]).loc[("Tue", 14), "median_hours"] == \
        pytest.approx(2.25)  # r3: 125 minutes, bin [120, 150): 120 + 30 * 0.5
    backlog = layer_data(*charts[4], "bar")
    assert backlog["requests"].sum() == 2 and set(backlog["status"]) == {"New", "Attempted"}


def test_manager_pages_never_show_people_or_their_words(app_db):
    engine = make_engine(app_db)
    demo.load_demo(engine, requests=600, seed=3)
    with read_session(engine) as s:
        rows = s.execute(select(Request.first_name, Request.last_name, Request.email,
                                Request.phone, Request.message, Request.submitter_name,
                                Request.referring_provider)).all()
    engine.dispose()
    secrets = set()
    for first, last, email, phone, message, submitter, provider in rows:
        secrets |= {f"{first} {last}", last, email, phone, submitter, provider}
        secrets |= {line.strip() for line in (message or "").splitlines() if len(line) > 25}
    secrets = {x for x in secrets if x and len(x) > 5 and "---" not in x}
    assert len(secrets) > 300
    for path in PAGES:
        at = _manager(path, app_db)
        assert not at.exception, path
        assert charts_of(at), path
        text = page_text(at)
        shown = [x for x in secrets if x in text]
        assert not shown, (path, shown[:5])
