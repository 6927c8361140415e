"""The worklist's tabs and fast hands through AppTest, for the front desk, on SQLite and (when
configured) PostgreSQL: each tab with its count and its rows, the tab in the URL and kept
across pages, the next step a user sets, and on the request page previous/next in the same
list and the next due request after an action. Signed out or with another role: nothing."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from tests.apptest import app, make_user, page, read_db, sign_in
from tests.clock import FIXED_NOW
from tests.intake.helpers import make_request, page_text
from zoelife import audit
from zoelife.db.engine import make_engine, write_session
from zoelife.db.models import Request
from zoelife.intake import lifecycle as lc
from zoelife.intake.schedule import change_setting

pytestmark = pytest.mark.usefixtures("clock")
ACTOR = audit.Actor(None, "tester")
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def desk_db(db_url, monkeypatch) -> str:
    monkeypatch.setenv("ZOELIFE_DATABASE_URL", db_url)
    make_user(db_url, "clinic.admin", ["admin"])
    return db_url


def seed(db_url) -> dict[str, int]:
    """One request per place in the worklist, relative to the test clock (Wednesday 10:00)."""
    engine = make_engine(db_url)
    now = FIXED_NOW
    try:
        ids = {
            "new": make_request(engine, received_at=now - HOUR, first_name="Nell", now=now,
                                phone="(212) 555-0101"),
            "older": make_request(engine, received_at=now - 26 * HOUR, first_name="Otto",
                                  now=now, phone="(212) 555-0102"),
            "tried": make_request(engine, received_at=now - 3 * HOUR, first_name="Tess", now=now),
            "booked": make_request(engine, received_at=now - 5 * HOUR, first_name="Bea", now=now),
            "done": make_request(engine, received_at=now - 6 * HOUR, first_name="Dora", now=now),
        }
        with write_session(engine) as s:
            # Tried this morning, no answer: the next attempt is due tomorrow (Waiting).
            lc.log_attempt(s, ids["tried"], actor=ACTOR, method="call", outcome="no_answer",
                           now=now - HOUR)
            lc.change_status(s, ids["booked"], actor=ACTOR, seen_version=1,
                             to_status="scheduled", appointment_at=now + 6 * 24 * HOUR,
                             appointment_kind="TMS consultation", now=now - HOUR)
            lc.change_status(s, ids["done"], actor=ACTOR, seen_version=1, to_status="closed",
                             close_reason="spam", now=now - HOUR)
    finally:
        engine.dispose()
    return ids


def shown(at) -> list[int]:
    return [int(m.group(1)) for c in at.caption if (m := re.match(r"^#(\d+) · ", c.value))]


def tabs(at):
    return at.get("button_group")[0]


def choose_tab(at, tab: str):
    at.session_state["q_tab"] = tab  # what a click on the tab sets
    return at.run()


def test_each_tab_with_its_count_and_rows(desk_db):
    ids = seed(desk_db)
    at = page("pages/queue.py")
    sign_in(at, desk_db)
    at.run()
    assert not at.exception
    assert tabs(at).options == ["To do (2)", "Scheduled (1)", "Waiting (1)", "All (4)"]
    # To do: the older lead first (more overdue), then the new one; nothing scheduled.
    assert shown(at) == [ids["older"], ids["new"]]
    assert choose_tab(at, "scheduled") and shown(at) == [ids["booked"]]
    assert "**Confirmation call** in 5 days" in page_text(at)
    assert at.query_params["tab"] in ("scheduled", ["scheduled"])
    assert choose_tab(at, "waiting") and shown(at) == [ids["tried"]]
    assert "**Next attempt** in 1 day" in page_text(at)
    assert choose_tab(at, "all") and shown(at) == [ids["older"], ids["new"], ids["tried"],
                                                    ids["booked"]]
    at.multiselect(key="q_status").set_value(["closed"]).run()
    assert shown(at) == [ids["done"]]
    assert tabs(at).options == ["To do (0)", "Scheduled (0)", "Waiting (0)", "All (1)"]


def test_the_tab_comes_from_the_url_and_survives_a_visit_to_another_page(desk_db):
    ids = seed(desk_db)
    at = app()
    sign_in(at, desk_db)
    at.query_params["tab"] = "waiting"
    at.run()
    assert shown(at) == [ids["tried"]]
    at.switch_page("pages/new_request.py").run()
    at.switch_page("pages/queue.py").run()
    assert not at.exception
    assert at.session_state["q_tab"] == "waiting" and shown(at) == [ids["tried"]]


@pytest.mark.parametrize("roles", [None, ("manager",), ("admin",)])
def test_signed_out_or_another_role_sees_no_tab_and_no_row(desk_db, roles):
    seed(desk_db)
    at = page("pages/queue.py")
    if roles:
        sign_in(at, desk_db, roles=roles, username="other_" + roles[0])
    at.query_params["tab"] = "all"
    at.run()
    text = page_text(at)
    assert not shown(at) and not at.get("button_group")
    for name in ("Nell", "Otto", "Tess", "Bea"):
        assert name not in text


def opened(db_url, rid, kept=None):
    at = page("pages/request.py")
    sign_in(at, db_url)
    if kept is not None:
        at.session_state["q_kept"] = kept
    at.query_params["id"] = str(rid)
    return at.run()


def test_request_page_walks_the_same_list_and_offers_the_next_due_request(desk_db):
    ids = seed(desk_db)
    at = opened(desk_db, ids["older"], kept={"q_tab": "todo"})
    assert not at.exception
    text = page_text(at)
    assert "Back to To do" in text and f"Next (#{ids['new']})" in text
    assert "Previous (#" not in text
    assert f"Next due request (#{ids['new']})" in text
    # In All, the scheduled request's neighbours are the tried one and nothing after it.
    at = opened(desk_db, ids["booked"], kept={"q_tab": "all"})
    text = page_text(at)
    assert f"Previous (#{ids['tried']})" in text and "Next (#" not in text
    # One click logs "No answer" on the new lead: it leaves To do, and the next due request is
    # the other one, one click away.
    at = opened(desk_db, ids["new"], kept={"q_tab": "todo"})
    [b for b in at.button if b.label == "No answer"][0].click().run()
    assert not at.exception
    text = page_text(at)
    assert "Attempt logged (no answer)." in text
    assert f"Next due request (#{ids['older']})" in text
    row = read_db(desk_db, lambda s: s.get(Request, ids["new"]))
    assert (row.status, row.next_step) == ("attempted", "next_attempt")


def test_a_request_in_progress_takes_a_chase_date_while_waiting_on_someone(desk_db):
    ids = seed(desk_db)
    engine = make_engine(desk_db)
    with write_session(engine) as s:
        lc.log_attempt(s, ids["new"], actor=ACTOR, method="call", outcome="reached",
                       now=FIXED_NOW)
    engine.dispose()
    at = opened(desk_db, ids["new"])
    form_radio = [r for r in at.radio if r.label == "What is next"][0]
    form_radio.set_value("wait_other")
    [d for d in at.date_input if d.label == "Due on"][0].set_value(dt.date(2026, 3, 10))
    [b for b in at.button if b.label == "Save next step"][0].click().run()
    assert not at.exception
    assert "Next step saved: chase: waiting on someone else." in page_text(at)
    row = read_db(desk_db, lambda s: s.get(Request, ids["new"]))
    # Tuesday March 10, by the clinic's closing time (17:00 New York, 21:00 UTC in DST).
    assert row.next_step == "wait_other"
    assert row.next_due_at == dt.datetime(2026, 3, 10, 21, 0, tzinfo=dt.UTC)


def test_next_and_previous_page_follow_the_list(desk_db):
    engine = make_engine(desk_db)
    try:
        made = [make_request(engine, received_at=FIXED_NOW - (i + 1) * HOUR, now=FIXED_NOW,
                             first_name=f"P{i}") for i in range(7)]
        with write_session(engine) as s:
            change_setting(s, "queue_page_size", 5, actor=ACTOR)
    finally:
        engine.dispose()
    at = page("pages/queue.py")
    sign_in(at, desk_db)
    at.run()
    # The worklist's order (due time, then id: receipts before opening share a due time).
    from zoelife.intake.queue import QueueFilters, horizon_for, queue_page

    def ordered(s):
        return [r.id for r in queue_page(s, QueueFilters(), FIXED_NOW, page_size=50,
                                         horizon=horizon_for(FIXED_NOW, ZoneInfo(
                                             "America/New_York")))[0]]

    oldest_first = read_db(desk_db, ordered)
    assert sorted(oldest_first) == sorted(made)
    assert shown(at) == oldest_first[:5]
    assert "7 requests in To do; showing 1-5" in page_text(at)
    [b for b in at.button if b.label == "Next page"][0].click().run()
    assert shown(at) == oldest_first[5:]
    assert "showing 6-7" in page_text(at)
    [b for b in at.button if b.label == "Previous page"][0].click().run()
    assert shown(at) == oldest_first[:5]
