"""Coverage in the front desk's own pages through AppTest, on SQLite and (when configured)
PostgreSQL: a coverage reminder is a next step of the Queue (with its due time, overdue badge
and the title's count), of the request page, and on the Coverage tab with what to do and a
"Mark chased" that starts it again; the request page reads insurance and prior authorization
from the coverage records, the request's old fields only as a read-only fallback."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.apptest import make_user, page, read_db, sign_in
from tests.clock import FIXED_NOW
from tests.coverage.helpers import DESK, seed_insured_request, seed_payers
from tests.intake.helpers import make_request, page_text
from zoelife.coverage import records
from zoelife.db.engine import make_engine, write_session
from zoelife.db.models import Authorization, CoverageEvent, Request
from zoelife.intake import lifecycle

pytestmark = pytest.mark.usefixtures("clock")
NOW = FIXED_NOW


@pytest.fixture
def desk_db(db_url, monkeypatch) -> str:
    monkeypatch.setenv("ZOELIFE_DATABASE_URL", db_url)
    make_user(db_url, "clinic.admin", ["admin"])
    return db_url


def seed_waiting_on_records(db_url) -> int:
    """A reached TMS request (its own follow-up due in two days) whose authorization has
    waited on records for 8 days (Aetna asks after 5)."""
    engine = make_engine(db_url)
    payers = seed_payers(engine)
    rid = seed_insured_request(engine, payers["Aetna"], cards=False, first_name="Rita",
                               last_name="Records")
    with write_session(engine) as s:
        lifecycle.log_attempt(s, rid, actor=DESK, method="call", outcome="reached",
                              now=NOW - dt.timedelta(hours=1))
        records.open_authorization(s, rid, "tms", actor=DESK, payer_id=payers["Aetna"],
                                   now=NOW - dt.timedelta(days=8))
    engine.dispose()
    return rid


def opened(db_url, rid):
    at = page("pages/request.py")
    sign_in(at, db_url)
    at.query_params["id"] = str(rid)
    return at.run()


def test_the_queue_lists_a_coverage_reminder_as_an_overdue_next_step(desk_db):
    rid = seed_waiting_on_records(desk_db)
    engine = make_engine(desk_db)
    later = make_request(engine, received_at=NOW - dt.timedelta(minutes=10), now=NOW,
                         first_name="Nell", last_name="New")
    engine.dispose()
    at = page("pages/queue.py")
    sign_in(at, desk_db)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Queue: 1 overdue"
    text = page_text(at)
    assert "**Coverage: chase the missing records** :red-badge[:material/schedule: overdue 3 days]" \
        in text
    # Ordered with the other due steps: the overdue reminder before the new lead.
    assert text.index("Rita Records") < text.index("Nell New")
    assert rid != later


def test_the_request_page_and_its_coverage_tab_say_what_is_due_and_a_chase_restarts_it(desk_db):
    rid = seed_waiting_on_records(desk_db)
    at = opened(desk_db, rid)
    assert not at.exception
    text = page_text(at)
    assert "Coverage: chase the missing records, overdue 3 days" in text
    assert ("Coverage: chase the missing records (records still missing), overdue 3 days"
            in text)
    assert "Next: send the records request letter or call the referring provider" in text
    [t for t in at.text_input if t.label == "What was done (optional)"][0].set_value(
        "called Dr. Lee's office")
    [b for b in at.button if b.label == "Mark chased"][0].click()
    at.run()
    assert not at.exception
    chased, due, kinds = read_db(desk_db, lambda s: (
        s.query(Authorization.chased_at).scalar(),
        s.get(Request, rid).coverage_due_at,
        [e.detail for e in s.query(CoverageEvent).all()]))
    assert chased is not None and due == chased + dt.timedelta(days=5)
    assert kinds == ["Chased the records (TMS): called Dr. Lee's office"]
    text = page_text(at)
    # Five days of 24 hours from the chase (the clock has ticked a little since).
    assert ("Coverage: chase the missing records (records still missing), in 4 days "
            "(2026-03-09 11:00)") in text
    # The request's own follow-up (Friday) now comes first.
    assert "Follow up, in 2 days" in text


def test_insurance_and_prior_authorization_are_read_from_the_coverage_records(desk_db):
    engine = make_engine(desk_db)
    payers = seed_payers(engine)
    old = make_request(engine, received_at=NOW - dt.timedelta(days=3), now=NOW,
                       first_name="Otto", last_name="Oldrow", insurance="Aetna PPO (from form)")
    with write_session(engine) as s:
        lifecycle.update_details(s, old, actor=DESK, seen_version=1,
                                 prior_auth_status="submitted")
    tracked = seed_insured_request(engine, payers["Aetna"], cards=False, first_name="Tia",
                                   insurance="whatever the form said")
    with write_session(engine) as s:
        records.open_authorization(s, tracked, "tms", actor=DESK, payer_id=payers["Aetna"],
                                   now=NOW)
    engine.dispose()
    at = opened(desk_db, old)
    text = page_text(at)
    assert "Aetna PPO (from form) (as the request said; not entered on the Coverage tab)" in text
    assert "Submitted (recorded before the tracker; read only)" in text
    # The Details tab no longer edits them; it shows them read only.
    assert "Insurance" not in [t.label for t in at.text_input]
    assert "Prior authorization" not in [b.label for b in at.selectbox]
    assert "insurance: Aetna PPO (from form); prior authorization: Submitted" in text
    at = opened(desk_db, tracked)
    frame = at.dataframe[0].value
    facts = dict(zip(frame.iloc[:, 0], frame.iloc[:, 1], strict=True))
    assert facts["Insurance"] == "Aetna, Choice POS II"
    assert facts["Prior authorization"] == "TMS: gathering records"
