"""The queue in SQL: order, every filter, paging, URL round trip, one query per page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, update

from tests.apptest import make_user
from tests.intake.helpers import T0, make_request
from zoelife import audit
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import Request
from zoelife.intake import lifecycle as lc
from zoelife.intake.queue import (
    QueueFilters,
    count_unacknowledged_urgent,
    queue_page,
    request_detail,
    search_terms,
)

ACTOR = audit.Actor(None, "tester")
NOW = T0 + dt.timedelta(days=2)  # Wednesday 10:00 New York
URGENT = "I want to kill myself"
REVIEW = "Years ago I attempted suicide but I am safe now and have no thoughts of it"


def ids(engine, filters=None, **kw):
    with read_session(engine) as s:
        rows, total = queue_page(s, filters or QueueFilters(), NOW, **kw)
    return [r.id for r in rows], total


def at(hours):
    return T0 + dt.timedelta(hours=hours)


def test_worklist_order_and_tabs(engine):
    # received oldest first: a (none, overdue), b (none, contacted, next attempt due tomorrow),
    # c (review), d (urgent acknowledged), e (urgent unacknowledged), f (none, new, not due)
    b = make_request(engine, received_at=at(-30))
    a = make_request(engine, received_at=at(0))
    c = make_request(engine, received_at=at(1), message=REVIEW)
    d = make_request(engine, received_at=at(2), message=URGENT)
    e = make_request(engine, received_at=at(3), message=URGENT)
    f = make_request(engine, received_at=NOW - dt.timedelta(minutes=5))
    with write_session(engine) as s:
        lc.acknowledge(s, d, actor=ACTOR)
        lc.log_attempt(s, b, actor=ACTOR, method="call", outcome="no_answer",
                       now=NOW - dt.timedelta(minutes=1))
    with read_session(engine) as s:
        assert s.get(Request, c).crisis_level == "review"
    # Unacknowledged urgent first, then by the next step's due time: a (due an hour after
    # Monday 10:00), c (due at 12:00), d (urgent: due on receipt at 12:00, a later id), then
    # the new lead f (due within the hour). b's next attempt is due tomorrow: Waiting.
    assert ids(engine) == ([e, a, c, d, f], 5)
    assert ids(engine, QueueFilters(tab="waiting")) == ([b], 1)
    assert ids(engine, QueueFilters(tab="scheduled")) == ([], 0)
    assert ids(engine, QueueFilters(tab="all")) == ([e, a, c, d, f, b], 6)
    assert ids(engine, QueueFilters(tab="all"), page=2, page_size=4) == ([f, b], 6)


def test_closed_requests_leave_the_queue_unless_asked_for(engine):
    a = make_request(engine)
    b = make_request(engine)
    with write_session(engine) as s:
        lc.change_status(s, b, actor=ACTOR, seen_version=1, to_status="closed",
                         close_reason="spam")
    assert ids(engine)[0] == [a]
    # Closed requests have no next step: only All shows them, after the open ones.
    assert ids(engine, QueueFilters(statuses=("closed",)))[0] == []
    assert ids(engine, QueueFilters(statuses=("closed",), tab="all"))[0] == [b]
    assert ids(engine, QueueFilters(statuses=("new", "closed"), tab="all"))[0] == [a, b]


def test_each_filter(engine):
    url = engine.url.render_as_string(hide_password=False)
    me = make_user(url, "desk.me", ["front_desk"])
    tms = make_request(engine, received_at=at(0))
    ket = make_request(engine, received_at=at(1), treatments=("Ketamine",),
                       message="ketamine please", channel="phone")
    urgent = make_request(engine, received_at=at(2), message=URGENT, treatments=(),
                          first_name="Zoë", last_name="Ångström", phone="(646) 555-0142",
                          email="zoe@example.org")
    fresh = make_request(engine, received_at=NOW - dt.timedelta(minutes=1),
                         treatments=("Spravato",), message="spravato info")
    with write_session(engine) as s:
        lc.assign(s, ket, actor=ACTOR, seen_version=1, assignee_id=me)
        lc.log_attempt(s, tms, actor=ACTOR, method="call", outcome="reached")
    with write_session(engine) as s:  # received on the Thursday before, local date
        s.execute(update(Request).where(Request.id == fresh)
                  .values(received_local_date=dt.date(2026, 3, 4)))

    def only(**kw):
        return sorted(ids(engine, QueueFilters(tab="all", **kw), user_id=me)[0])

    assert only(statuses=("in_progress",)) == [tms]
    assert only(treatments=("ketamine",)) == [ket]
    assert only(treatments=("spravato", "ketamine")) == sorted([ket, fresh])
    assert only(channels=("phone",)) == [ket]
    assert only(crisis_levels=("urgent",)) == [urgent]
    assert only(assignee="mine") == [ket]
    assert only(assignee="unassigned") == sorted([tms, urgent, fresh])
    assert only(overdue=True) == sorted([ket, urgent])  # tms was reached, fresh not due yet
    assert only(date_from=dt.date(2026, 3, 3)) == [fresh]
    assert only(date_to=dt.date(2026, 3, 2)) == sorted([tms, ket, urgent])
    assert only(search="angstrom") == [urgent]  # accents and case folded
    assert only(search="ZOË") == [urgent]
    assert only(search="646-555-0142") == [urgent]  # typed with punctuation
    assert only(search="kill myself") == [urgent]
    assert only(search="zoe@example") == [urgent]
    assert only(search="100%") == []  # LIKE wildcards are literal
    assert only(search="ketamine", channels=("web_form",)) == []


def test_filters_round_trip_through_the_url_without_search():
    f = QueueFilters(statuses=("new", "attempted"), treatments=("tms",), channels=("phone",),
                     crisis_levels=("urgent",), assignee="mine", overdue=True,
                     date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31),
                     search="Dana Reyes")
    params = f.to_query_params()
    assert "Dana" not in str(params) and "search" not in params
    back = QueueFilters.from_query_params(params)
    assert back == QueueFilters(**{**f.__dict__, "search": ""})
    junk = QueueFilters.from_query_params({"status": "new,bogus", "from": "notadate",
                                           "assignee": "someone", "overdue": "maybe"})
    assert junk == QueueFilters(statuses=("new",))
    assert QueueFilters().to_query_params() == {} and QueueFilters().is_default()


def test_search_terms_fold_and_take_digits():
    assert search_terms("  José  NÚÑEZ ") == ["jose nunez"]
    assert search_terms("(212) 555-0101") == ["212 555-0101", "2125550101"]
    assert search_terms("") == []


def test_a_page_costs_the_same_few_queries_whatever_its_size(engine):
    url = engine.url.render_as_string(hide_password=False)
    me = make_user(url, "desk.q", ["front_desk"])
    for i in range(12):
        rid = make_request(engine, received_at=at(i), phone="(212) 555-0199", email=None,
                           first_name=f"P{i}", last_name="Same")
        with write_session(engine) as s:
            lc.assign(s, rid, actor=ACTOR, seen_version=1, assignee_id=me)
    statements = []

    def count(_conn, _cursor, statement, *_rest):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    with read_session(engine) as s:
        event.listen(s.get_bind(), "before_cursor_execute", count)
        try:
            rows, total = queue_page(s, QueueFilters(), NOW, page_size=10)
        finally:
            event.remove(s.get_bind(), "before_cursor_execute", count)
    assert total == 12 and len(rows) == 10
    assert len(statements) == 3  # count, page, possible-match markers
    assert all(r.assignee_name == "Desk.Q" for r in rows)
    assert sum(r.possible_match for r in rows) == 10  # same phone, different names


def test_unacknowledged_count_and_detail(engine):
    a = make_request(engine, message=URGENT, phone="(212) 555-0177", email=None,
                     first_name="Rae", last_name="Kim")
    b = make_request(engine, received_at=at(1), phone="(212) 555-0177", email=None,
                     first_name="Rae", last_name="Kim", treatments=("Ketamine",),
                     message="ketamine")
    with read_session(engine) as s:
        assert count_unacknowledged_urgent(s) == 1
        detail = request_detail(s, b)
        assert [o.id for o in detail.other_requests] == [a]
        assert detail.request.repeat_of_id == a
        assert request_detail(s, 999) is None


def test_search_goes_through_the_index_and_finds_what_the_scan_finds(engine):
    """On SQLite a search of open requests scans the open requests' own index (any term); one
    that takes in closed requests asks the FTS5 trigram table (terms of 3+ characters), and
    shorter terms scan. Results are the same either way."""
    zoe = make_request(engine, first_name="Zoë", last_name="Ångström", phone="(646) 555-0142",
                       email="zoe@example.org", message="Is 100% of TMS covered?")
    other = make_request(engine, first_name="Al", last_name="Bo", message="ketamine")
    # Its own email: the default one carries a tag from a process-wide count, which can hold "al".
    closed = make_request(engine, first_name="Zoe", last_name="Angstrom", message="done",
                          email="zoe.angstrom@example.net")
    with write_session(engine) as s:
        lc.change_status(s, closed, actor=ACTOR, seen_version=1, to_status="closed",
                         close_reason="spam")
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    def found(text, statuses=()):
        statements.clear()
        with read_session(engine) as s:
            event.listen(s.get_bind(), "before_cursor_execute", count)
            try:
                rows, total = queue_page(s, QueueFilters(search=text, tab="all",
                                                         statuses=statuses), NOW)
            finally:
                event.remove(s.get_bind(), "before_cursor_execute", count)
        used = ("open" if any("ix_requests_open_search" in st for st in statements) else
                "trigrams" if any("request_search" in st for st in statements) else "scan")
        return sorted(r.id for r in rows), total, used

    sqlite = engine.dialect.name == "sqlite"
    open_index = "open" if sqlite else "scan"
    assert found("angstrom") == ([zoe], 1, open_index)
    assert found("6465550142") == ([zoe], 1, open_index)
    assert found("zoe@example") == ([zoe], 1, open_index)
    assert found("100%") == ([zoe], 1, open_index)  # wildcards are literal in the index too
    assert found("al") == ([other], 1, open_index)
    assert found("nobody here") == ([], 0, open_index)
    everyone = ("new", "closed")
    assert found("angstrom", everyone) == ([zoe, closed], 2, "trigrams" if sqlite else "scan")
    assert found("al", everyone) == ([other], 1, "scan")  # too short for trigrams
    # A changed name is found under its new name at once (triggers and the index keep up).
    with write_session(engine) as s:
        lc.update_details(s, other, actor=ACTOR, seen_version=1, first_name="Alberta")
    assert found("alberta") == ([other], 1, open_index)
    assert found("alberta", everyone) == ([other], 1, "trigrams" if sqlite else "scan")


def test_keyset_pages_match_the_order_and_neighbours_walk_it(engine):
    from zoelife.intake.queue import neighbours

    made = [make_request(engine, received_at=at(i)) for i in range(7)]
    urgent = make_request(engine, received_at=at(8), message=URGENT)
    order, total = ids(engine)
    assert order[0] == urgent and sorted(order[1:]) == sorted(made) and total == 8
    with read_session(engine) as s:
        first, _ = queue_page(s, QueueFilters(), NOW, page_size=3)
        second, _ = queue_page(s, QueueFilters(), NOW, page_size=3, after=first[-1].sort_key)
        third, _ = queue_page(s, QueueFilters(), NOW, page_size=3, after=second[-1].sort_key)
        back, _ = queue_page(s, QueueFilters(), NOW, page_size=3, before=second[0].sort_key)
        assert [r.id for r in first + second + third] == order
        assert [r.id for r in back] == [r.id for r in first]
        assert neighbours(s, QueueFilters(), NOW, order[0]) == (None, order[1])
        assert neighbours(s, QueueFilters(), NOW, order[4]) == (order[3], order[5])
        assert neighbours(s, QueueFilters(), NOW, order[-1]) == (order[-2], None)
