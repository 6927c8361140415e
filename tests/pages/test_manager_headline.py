"""The manager's headline numbers at the top of Inquiry trends (the managers' start page), on
every configured database, against the clinic counted by hand in tests/insights/test_headline.py;
and nobody else sees them."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.apptest import make_user, page, sign_in
from tests.insights.helpers import charts_of, page_text, seed_headline_clinic
from zoelife.db.engine import make_engine, read_session
from zoelife.db.models import Request
from zoelife.ui.gate import REFUSAL
from zoelife.ui.navigation import default_page_for

TRENDS = "pages/trends.py"


@pytest.fixture
def known(db_url, clock, monkeypatch):
    """The hand-counted clinic, in the database the app uses; the clock at Wednesday March 4th
    2026, 10:00 in New York."""
    monkeypatch.setenv("ZOELIFE_DATABASE_URL", db_url)
    engine = make_engine(db_url)
    try:
        seed_headline_clinic(engine)
        with read_session(engine) as s:
            people = s.query(Request.first_name, Request.last_name, Request.email).all()
    finally:
        engine.dispose()
    return db_url, people


def _manager(db_url: str):
    at = page(TRENDS, timeout=60)
    sign_in(at, db_url, roles=("manager",), username="mgr")
    return at.run()


def _metrics(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


def test_trends_is_the_managers_start_page():
    assert default_page_for(frozenset({"manager"})) == TRENDS


def test_a_week_beside_the_week_before(known):
    db_url, people = known
    at = _manager(db_url)
    assert not at.exception
    at.radio(key="headline_days").set_value(7).run()
    assert not at.exception
    got = _metrics(at)
    # The week: 6 inquiries; the week before: 2 (p1, p2).
    assert got["Median time to first attempt"] == ("1.4 h", "+38 min")  # 82.5 vs 45 minutes
    assert got["Reached within 1 business hour"] == ("40%", "-10 pts")  # 2 of 5 vs 1 of 2
    assert got["Reached within 1 business day"] == ("75%", "+25 pts")  # 3 of 4 vs 1 of 2
    assert got["Reached"] == ("67%", "-33 pts")  # 4 of 6 vs 2 of 2
    assert got["Scheduled"] == ("17%", "-33 pts")  # 1 of 6 vs 1 of 2
    assert got["Started treatment"] == ("17%", "+17 pts")  # 1 of 6 vs 0 of 2
    captions = [c.value for c in at.caption]
    assert any(c.startswith("6 inquiries received Feb 26 to Mar 04, 2026") and
               "against 2 in the 7 days before (Feb 19 to Feb 25)" in c for c in captions)
    for count in ("5 attempted · before: 45 min, 2 attempted",
                  "2 of 5 · before: 50%, 1 of 2", "3 of 4 · before: 50%, 1 of 2",
                  "4 of 6 · before: 100%, 2 of 2", "1 of 6 · before: 50%, 1 of 2",
                  "1 of 6 · before: 0%, 0 of 2"):
        assert count in captions, count

    by_treatment, by_channel = (d.value for d in at.get("dataframe")[:2])
    rows = {(r.Treatment, r.Window): r for r in by_treatment.itertuples()}
    tms = rows[("TMS", "Last 7 days")]
    assert (tms.Inquiries, tms._4, tms._5, tms._6, tms.Reached, tms.Scheduled, tms.Started) == (
        4, "1.4 h (3)", "33% (1/3)", "67% (2/3)", "75% (3/4)", "25% (1/4)", "25% (1/4)")
    assert rows[("TMS", "7 days before")].Inquiries == 1  # p1
    assert rows[("Ketamine", "Last 7 days")]._4 == "2 min (1)"  # 0 minutes: bin [0, 5)
    assert rows[("Ketamine", "7 days before")].Inquiries == 0  # shown, with dashes
    assert list(by_treatment["Treatment"])[:2] == ["TMS", "TMS"]  # most inquiries first
    channels = {(r.Channel, r.Window): r for r in by_channel.itertuples()}
    assert channels[("Web form", "Last 7 days")].Inquiries == 3
    assert channels[("Phone", "Last 7 days")]._5 == "50% (1/2)"
    assert channels[("Email", "7 days before")].Reached == "100% (1/1)"
    assert ("Email", "Last 7 days") in channels and channels[("Email", "Last 7 days")] \
        .Inquiries == 0  # the merged duplicate (email) is not an inquiry

    # Aggregates only: no name or address of anyone in the clinic, anywhere on the page.
    text = page_text(at)
    for _first, last, email in people:
        assert last not in text and email not in text


def test_the_default_window_is_thirty_days(known):
    db_url, _ = known
    at = _manager(db_url)
    assert not at.exception
    assert at.radio(key="headline_days").value == 30
    # Feb 3 to Mar 4: a-f, p1, p2 and the one of Feb 18; nothing the 30 days before.
    assert any(c.value.startswith("9 inquiries received Feb 03 to Mar 04, 2026")
               and "against 0 in the 30 days before" in c.value for c in at.caption)
    assert _metrics(at)["Reached"] == ("67%", "")  # 6 of 9; no delta without a before
    assert "6 of 9 · before: –, no inquiries" in [c.value for c in at.caption]


@pytest.mark.parametrize("roles", [("front_desk",), ("admin",), ("front_desk", "admin")])
def test_other_roles_are_refused_the_numbers(known, roles):
    db_url, _ = known
    at = page(TRENDS, timeout=60)
    sign_in(at, db_url, roles=roles, username="other_" + "_".join(roles))
    at.run()
    assert [e.value for e in at.error] == [REFUSAL]
    assert not at.metric and not at.get("dataframe") and not charts_of(at)
    assert not at.radio


def test_signed_out_shows_only_the_sign_in(known):
    db_url, _ = known
    make_user(db_url, "root", ("admin",))  # an administrator exists: the sign-in, not the first run
    at = page(TRENDS, timeout=60).run()
    assert not at.exception
    assert "Sign in" in [t.value for t in at.title]
    assert not at.metric and not at.get("dataframe") and not charts_of(at)


def test_windows_without_inquiries_say_so(known, clock):
    db_url, _ = known
    clock.move_to(dt.datetime(2026, 9, 1, 15, 0, tzinfo=dt.UTC))  # months after the last one
    at = _manager(db_url)
    assert not at.exception
    headline = {k: v for k, v in _metrics(at).items() if k in (
        "Median time to first attempt", "Reached within 1 business hour", "Reached")}
    assert headline == {k: ("–", "") for k in headline} and len(headline) == 3
    assert "no inquiries · before: –, no inquiries" in [c.value for c in at.caption]
    assert [i.value for i in at.info][:2] == ["No inquiries in either window."] * 2
    assert not at.get("dataframe")
