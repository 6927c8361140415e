"""The coverage pages through AppTest: the front desk's work list (names and reminders, opening
a request), the managers' outcomes (aggregates only: never a name or a member id), the admin's
payers and criteria; each refused to other roles and to the signed out."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.apptest import make_user, page, read_db, sign_in
from tests.clock import FIXED_NOW
from tests.coverage.helpers import DESK, MEMBER_ID, seed_insured_request, seed_payers
from tests.intake.helpers import page_text
from zoelife.coverage import machine, records
from zoelife.db.engine import make_engine, write_session
from zoelife.db.models import AuditEvent, Payer, PayerCriteria

pytestmark = pytest.mark.usefixtures("clock")
NOW = FIXED_NOW


def seed(db_url):
    """One TMS request gathering records for 8 days, one approved after 4 days."""
    make_user(db_url, "clinic.admin", ["admin"])  # past the first run's setup
    engine = make_engine(db_url)
    payers = seed_payers(engine)
    waiting = seed_insured_request(engine, payers["Aetna"], first_name="Wanda",
                                   last_name="Waiting")
    done = seed_insured_request(engine, payers["Aetna"], first_name="Olive", last_name="Okay")
    with write_session(engine) as s:
        records.open_authorization(s, waiting, "tms", actor=DESK, payer_id=payers["Aetna"],
                                   now=NOW - dt.timedelta(days=8))
        a = records.open_authorization(s, done, "tms", actor=DESK, payer_id=payers["Aetna"],
                                       now=NOW - dt.timedelta(days=10))
        records.move_authorization(s, a.id, "submitted", actor=DESK, seen_version=1,
                                   now=NOW - dt.timedelta(days=8))
        records.move_authorization(s, a.id, "approved", actor=DESK, seen_version=2,
                                   decision=machine.Decision("AUTH-9", 36, NOW.date(),
                                                             (NOW + dt.timedelta(days=90)).date()),
                                   now=NOW - dt.timedelta(days=4))
    engine.dispose()
    return waiting, done


def run(path, db_url, roles):
    at = page(path)
    if roles:
        sign_in(at, db_url, roles=roles)
    return at.run()


@pytest.mark.parametrize("path, allowed", [("pages/coverage.py", "front_desk"),
                                           ("pages/coverage_outcomes.py", "manager"),
                                           ("pages/payers.py", "admin")])
def test_each_page_is_refused_to_the_signed_out_and_to_other_roles(app_db, path, allowed):
    seed(app_db)
    at = run(path, app_db, None)
    assert "Sign in" in [t.value for t in at.title]
    assert "Waiting" not in page_text(at)
    for role in {"front_desk", "manager", "admin"} - {allowed}:
        at = run(path, app_db, (role,))
        assert at.error and "not available to your account" in at.error[0].value, role
        assert "Waiting" not in page_text(at) and MEMBER_ID not in page_text(at)


def test_the_front_desk_work_list_shows_who_waits_on_records_and_why(app_db):
    waiting, _ = seed(app_db)
    at = run("pages/coverage.py", app_db, ("front_desk",))
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame["Name"]) == ["Wanda Waiting"]
    assert list(frame["Due"]) == ["records still missing after 8 days"]
    assert "Waiting on records (1)" in str(at.get("button_group")[0].proto)


def decide_many(db_url, payer, n_approved, n_denied, days=4):
    """`n_approved` + `n_denied` TMS authorizations of `payer`, each decided `days` after
    submission."""
    engine = make_engine(db_url)
    for i in range(n_approved + n_denied):
        rid = seed_insured_request(engine, payer, cards=False, first_name=f"Many{i}")
        with write_session(engine) as s:
            a = records.open_authorization(s, rid, "tms", actor=DESK, payer_id=payer,
                                           now=NOW - dt.timedelta(days=20))
            records.move_authorization(s, a.id, "submitted", actor=DESK, seen_version=1,
                                       now=NOW - dt.timedelta(days=10))
            records.move_authorization(
                s, a.id, "approved" if i < n_approved else "denied", actor=DESK, seen_version=2,
                reason="criteria not met", now=NOW - dt.timedelta(days=10 - days),
                decision=machine.Decision("AUTH-X", 36, NOW.date(),
                                          (NOW + dt.timedelta(days=90)).date()))
    engine.dispose()


def test_managers_never_see_a_group_of_fewer_than_five_requests(app_db):
    seed(app_db)  # one decision for Aetna / TMS, two requests with an authorization
    at = run("pages/coverage_outcomes.py", app_db, ("manager",))
    assert not at.exception
    row = at.dataframe[0].value.iloc[0]
    assert (row["Payer"], row["Treatment"], row["Decided"], row["Approved"],
            row["Approval rate"], row["Median days to decision"]) == (
        "Aetna", "TMS", "fewer than 5", "", "", "")
    metrics = [m.value for m in at.metric]
    assert metrics == ["fewer than 5", "not shown (small group)", "-"]
    text = page_text(at)
    for secret in ("Wanda", "Waiting", "Olive", MEMBER_ID, "AUTH-9", "Sam Subscriber"):
        assert secret not in text
    assert "A group of fewer than 5 requests is never shown" in text


def test_managers_see_rates_and_medians_of_groups_of_five_or_more(app_db):
    seed(app_db)
    engine = make_engine(app_db)
    with write_session(engine) as s:
        medicare = s.execute(select(Payer.id).where(Payer.name == "Medicare")).scalar()
        bcbs = s.execute(select(Payer.id).where(Payer.name == "Blue Cross Blue Shield")).scalar()
    engine.dispose()
    decide_many(app_db, medicare, 5, 5, days=3)   # 10 decided: 5 approved, 5 denied
    decide_many(app_db, bcbs, 6, 2, days=6)       # 8 decided: only 2 denied
    at = run("pages/coverage_outcomes.py", app_db, ("manager",))
    assert not at.exception
    frame = at.dataframe[0].value.set_index("Payer")
    assert tuple(frame.loc["Medicare", ["Decided", "Approved", "Approval rate",
                                        "Median days to decision"]]) == ("10", "5", "50%", "3")
    # 2 denied would be a small group: neither the approved count nor the rate gives it away.
    assert tuple(frame.loc["Blue Cross Blue Shield", ["Decided", "Approved",
                                                      "Approval rate"]]) == (
        "8", "more than 3", "")
    assert frame.loc["Aetna", "Decided"] == "fewer than 5"
    assert [m.value for m in at.metric][0] == "20"


def test_the_admin_adds_a_payer_and_saves_its_criteria(app_db):
    at = run("pages/payers.py", app_db, ("admin",))
    assert not at.exception
    [t for t in at.text_input if t.label == "Payer name"][0].set_value("Cigna")
    [b for b in at.button if b.label == "Add payer"][0].click()
    at.run()
    assert read_db(app_db, lambda s: s.execute(select(Payer.name)).scalars().all()) == ["Cigna"]
    [n for n in at.number_input if n.label == "Adequate trials needed"][0].set_value(3)
    [t for t in at.text_input if t.label.startswith("Minimum doses")][0].set_value(
        "sertraline=50")
    [b for b in at.button if b.label == "Save criteria"][0].click()
    at.run()
    assert not at.exception
    saved = read_db(app_db, lambda s: s.execute(select(PayerCriteria)).scalar())
    assert (saved.treatment, saved.criteria["trials_needed"], saved.criteria["min_dose_mg"]) == (
        "spravato", 3, {"sertraline": 50.0})
    actions = read_db(app_db, lambda s: s.execute(select(AuditEvent.action).where(
        AuditEvent.action.startswith("payer."))).scalars().all())
    assert actions == ["payer.add", "payer.criteria"]
    [t for t in at.text_input if t.label.startswith("Minimum doses")][0].set_value("sertraline")
    [b for b in at.button if b.label == "Save criteria"][0].click()
    at.run()
    assert any("drug=mg" in e.value for e in at.error)
