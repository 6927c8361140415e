"""The queue page through AppTest: who may see it, order, filters in the URL, the crisis
banner, new arrivals and opening a request."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from tests.apptest import app, make_user, page, sign_in
from tests.clock import FIXED_NOW
from tests.intake.helpers import make_request, page_text
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.models import AuditEvent, Request

URGENT = "I want to kill myself"

# The page reads the same frozen clock the seed uses.
pytestmark = pytest.mark.usefixtures("clock")


def seed(db_url):
    """Four requests received relative to the fixed test clock (a Wednesday morning), so which
    are overdue does not depend on the day or hour the suite runs."""
    make_user(db_url, "clinic.admin", ["admin"])  # past the first-run screen
    engine = make_engine(db_url)
    now = FIXED_NOW
    ids = {
        "old": make_request(engine, received_at=now - dt.timedelta(days=3), first_name="Olga",
                            last_name="Oldest", now=now),
        "ket": make_request(engine, received_at=now - dt.timedelta(days=2), first_name="Kim",
                            last_name="Ketamine", treatments=("Ketamine",), message="ketamine?",
                            channel="phone", now=now),
        "urgent": make_request(engine, received_at=now - dt.timedelta(hours=1),
                               first_name="Uma", last_name="Urgent", message=URGENT, now=now),
        "nocontact": make_request(engine, received_at=now - dt.timedelta(hours=2), email="bad",
                                  first_name="Nora", last_name="Nocontact",
                                  message="I have a plan to end my life", now=now),
    }
    engine.dispose()
    return ids


def table(at):
    """The worklist's rows as the page shows them: each row's caption starts "#<id> · "."""
    found = [int(m.group(1)) for c in at.caption if (m := re.match(r"^#(\d+) · ", c.value))]
    assert found, "the worklist is missing"
    return {"#": found}


def shown(at) -> list[int]:
    return [int(m.group(1)) for c in at.caption if (m := re.match(r"^#(\d+) · ", c.value))]


def test_signed_out_shows_sign_in_and_no_patient_data(app_db):
    seed(app_db)
    at = page("pages/queue.py").run()
    text = page_text(at)
    assert "Sign in" in [t.value for t in at.title]
    for name in ("Olga", "Uma", "Kim", "Nora"):
        assert name not in text
    assert not shown(at)


def test_manager_is_refused_and_sees_no_patient_data(app_db):
    seed(app_db)
    at = page("pages/queue.py")
    sign_in(at, app_db, roles=("manager",))
    at.run()
    assert at.error and "not available to your account" in at.error[0].value
    text = page_text(at)
    assert "Olga" not in text and "Uma" not in text and not shown(at)


def test_queue_order_markers_and_banner(app_db):
    ids = seed(app_db)
    at = page("pages/queue.py")
    sign_in(at, app_db)
    at.run()
    assert not at.exception
    df = table(at)
    # both urgent and unacknowledged: the longer overdue first; then the rest, most overdue first
    assert list(df["#"]) == [ids["nocontact"], ids["urgent"], ids["old"], ids["ket"]]
    badges = [m.value for m in at.markdown if "URGENT, not acknowledged" in m.value]
    assert len(badges) == 2
    captions = [c.value for c in at.caption]
    assert f"#{ids['nocontact']} · Web form · No usable contact" in captions
    text = page_text(at)
    assert "**First contact** :red-badge[:material/schedule: overdue 2 days]" in text
    assert "2 urgent requests need acknowledgement" in text
    # The overdue count is in the page's title.
    assert [t.value for t in at.title] == ["Queue: 4 overdue"]


def test_acknowledge_from_the_banner(app_db):
    ids = seed(app_db)
    at = page("pages/queue.py")
    sign_in(at, app_db)
    at.run()
    at.button(key=f"ack_{ids['nocontact']}").click().run()
    assert not at.exception
    assert "1 urgent request needs acknowledgement" in page_text(at)
    engine = make_engine(app_db)
    with read_session(engine) as s:
        r = s.get(Request, ids["nocontact"])
        assert r.crisis_acknowledged_at is not None and r.crisis_rank == 1
        assert "request.acknowledge" in s.execute(select(AuditEvent.action)).scalars().all()
    engine.dispose()
    # Still urgent, but acknowledged: ordered by how overdue it is, after older overdue ones.
    assert list(table(at)["#"]) == [ids["urgent"], ids["old"], ids["ket"], ids["nocontact"]]


def test_filters_come_from_and_go_to_the_url_but_search_does_not(app_db):
    ids = seed(app_db)
    at = page("pages/queue.py")
    sign_in(at, app_db)
    at.query_params["treatment"] = "ketamine"
    at.query_params["channel"] = "phone"
    at.run()
    assert list(table(at)["#"]) == [ids["ket"]]
    assert at.multiselect(key="q_treatment").value == ["ketamine"]
    at.multiselect(key="q_treatment").set_value([])
    at.multiselect(key="q_channel").set_value([])
    at.multiselect(key="q_crisis").set_value(["urgent"])
    at.text_input(key="q_search").input("Nocontact")
    at.run()
    assert list(table(at)["#"]) == [ids["nocontact"]]
    params = dict(at.query_params)
    assert params.get("crisis") in ("urgent", ["urgent"])
    assert "treatment" not in params and "Nocontact" not in str(params)


def test_overdue_mine_and_date_filters_through_widgets(app_db):
    ids = seed(app_db)
    at = page("pages/queue.py")
    sign_in(at, app_db)
    at.run()
    at.checkbox(key="q_overdue").check().run()
    assert set(table(at)["#"]) == {ids["urgent"], ids["nocontact"], ids["old"], ids["ket"]}
    at.selectbox(key="q_assignee").set_value("mine").run()
    assert not shown(at) and "No requests match." in page_text(at)
    at.selectbox(key="q_assignee").set_value("").run()
    at.checkbox(key="q_overdue").uncheck()
    today = FIXED_NOW.date()
    at.date_input(key="q_from").set_value(today - dt.timedelta(days=1)).run()
    assert set(table(at)["#"]) <= {ids["urgent"], ids["nocontact"]}
    assert ids["old"] not in set(table(at)["#"])


def test_new_arrival_shows_a_toast(app_db):
    seed(app_db)
    at = page("pages/queue.py")
    sign_in(at, app_db)
    at.run()
    engine = make_engine(app_db)
    new_id = make_request(engine, first_name="Nia", last_name="Newcomer")
    engine.dispose()
    at.run()
    # The shared arrival toast (w.flash_arrivals): the request's channel and number, a link.
    assert (f"New web request #{new_id}: [open #{new_id}](request?id={new_id})"
            in [t.value for t in at.toast])
    assert "Newcomer" in page_text(at)


def name_links(at) -> list[tuple[str, str, str]]:
    """(label, page, query) of every page link on the page."""
    return [(e.proto.label, e.proto.page, e.proto.query_string)
            for e in at.get("page_link")]


def test_a_row_opens_from_its_name_a_link_to_the_request(app_db):
    ids = seed(app_db)
    at = app()  # the whole app: page links need the navigation's pages
    sign_in(at, app_db)
    at.run()
    assert not at.exception
    links = [link for link in name_links(at) if link[1] == "request"]
    # One link per row, named by the person, in the worklist's order (a link is reached with
    # Tab and opened with Enter, like any link).
    assert [q for _, _, q in links] == [f"id={ids[k]}" for k in ("nocontact", "urgent", "old",
                                                                  "ket")]
    assert links[0][0] == "Nora Nocontact"
    # Following it opens the request in the same tab.
    at.query_params["id"] = str(ids["nocontact"])
    at.switch_page("pages/request.py").run()
    assert not at.exception
    assert f"Request #{ids['nocontact']}" in [t.value for t in at.title]


def test_filters_survive_a_visit_to_another_page(app_db):
    # Streamlit forgets the state of widgets a run did not draw: going to another page and
    # back used to reset "Received from/to" to today (hiding older requests) and every filter.
    ids = seed(app_db)
    at = app()
    sign_in(at, app_db)
    at.run()
    since = FIXED_NOW.date() - dt.timedelta(days=10)
    at.date_input(key="q_from").set_value(since)
    at.multiselect(key="q_treatment").set_value(["ketamine"]).run()
    assert list(table(at)["#"]) == [ids["ket"]]
    at.switch_page("pages/new_request.py").run()
    assert "New request" in [t.value for t in at.title]
    at.switch_page("pages/queue.py").run()
    assert not at.exception
    assert at.date_input(key="q_from").value == since
    assert at.date_input(key="q_to").value is None
    assert at.multiselect(key="q_treatment").value == ["ketamine"]
    assert list(table(at)["#"]) == [ids["ket"]]


def test_a_page_the_role_may_not_open_is_refused_when_navigated_to(app_db):
    # Every page is registered with st.navigation (hidden from the menu when the role may not
    # open it), so a manager reaching the queue gets its refusal, not another page.
    seed(app_db)
    at = app()
    sign_in(at, app_db, roles=("manager",))
    at.run()
    assert "Inquiry trends" in [t.value for t in at.title]
    at.switch_page("pages/queue.py").run()
    assert not at.exception
    assert at.error and "not available to your account" in at.error[0].value
    text = page_text(at)
    assert "Olga" not in text and "Uma" not in text and not shown(at)


def test_rows_carry_call_and_text_links(app_db):
    ids = seed(app_db)
    engine = make_engine(app_db)
    with write_session(engine) as s:
        s.execute(update(Request).where(Request.id.in_([ids["old"], ids["ket"]]))
                  .values(phone="+12125550100"))
        s.execute(update(Request).where(Request.id == ids["old"]).values(sms_consent=False))
    engine.dispose()
    at = page("pages/queue.py")
    sign_in(at, app_db)
    at.run()
    links = [m.value for m in at.markdown if "tel:" in m.value]
    # Each row with a phone: Call, and Text unless they said no to texts.
    assert links == ["[:material/call: Call](tel:+12125550100)",
                     "[:material/call: Call](tel:+12125550100) "
                     "[:material/sms: Text](sms:+12125550100)"]
    # The number itself, shown as text (escaped: it is public input).
    assert sum("212" in c.value and "0100" in c.value for c in at.caption) == 2


def test_queue_refresh_interval_comes_from_the_environment(monkeypatch):
    from zoelife.ui.request_widgets import QUEUE_REFRESH_ENV, queue_refresh_seconds

    monkeypatch.delenv(QUEUE_REFRESH_ENV, raising=False)
    assert queue_refresh_seconds() == 20
    monkeypatch.setenv(QUEUE_REFRESH_ENV, "3")
    assert queue_refresh_seconds() == 3
    for bad in ("0", "-5", "soon"):  # never a busy loop, never a crash
        monkeypatch.setenv(QUEUE_REFRESH_ENV, bad)
        assert queue_refresh_seconds() == 20
