"""The records request letter: a PDF listing only what the checklist misses, served to the front
desk by the download route (never to a manager or the signed out), recorded on the timeline and
in the audit log, and restarting the records reminder."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.apptest import make_user
from tests.clock import FIXED_NOW
from tests.coverage.helpers import DESK, seed_insured_request, seed_payers
from zoelife.coverage import letter, records
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.models import AuditEvent, Authorization
from zoelife.security import accounts, downloads, sessions
from zoelife.security.web import COOKIE_NAME

pytestmark = pytest.mark.usefixtures("clock")


def test_the_letter_renders_unicode_names_and_each_missing_item():
    pdf = letter.render(letter.Letter("Zoelife", dt.date(2026, 3, 4), "Dr. Ana Peña",
                                      "José Nguyễn", dt.date(1980, 2, 1), "TMS", "Aetna",
                                      ("a recent PHQ-9 score", "psychotherapy notes")))
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000


def seed(db_url):
    make_user(db_url, "desk", ["front_desk"])
    make_user(db_url, "boss", ["manager"])
    engine = make_engine(db_url)
    payers = seed_payers(engine)
    rid = seed_insured_request(engine, payers["Aetna"], cards=False,
                               referring_provider="Dr. Ana Peña")
    with write_session(engine) as s:
        auth = records.open_authorization(s, rid, "tms", actor=DESK, payer_id=payers["Aetna"],
                                          now=FIXED_NOW - dt.timedelta(days=9))
        records.set_evidence(s, auth.id, {"psychotherapy": True}, actor=DESK, seen_version=1)
        aid = auth.id
    return engine, rid, aid


def cookie(engine, username):
    with write_session(engine) as s:
        return {COOKIE_NAME: sessions.start(s, accounts.find_by_username(s, username))}


def test_the_front_desk_downloads_the_letter_and_the_request_is_recorded(app_db):
    engine, rid, aid = seed(app_db)
    client = TestClient(Starlette(routes=downloads.routes()), base_url="http://testserver")
    url = f"{downloads.RECORDS_REQUEST_PATH}?authorization={aid}"
    assert client.get(url).status_code == 401
    client.cookies.update(cookie(engine, "boss"))
    assert client.get(url).status_code == 403
    client.cookies.clear()
    client.cookies.update(cookie(engine, "desk"))
    resp = client.get(url)
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/pdf"
    assert resp.headers["cache-control"] == "no-store"
    assert resp.content.startswith(b"%PDF-")
    with read_session(engine) as s:
        events = records.timeline(s, rid)
        assert [e.kind for e in events] == ["records_requested"]
        # Only what is missing: the psychotherapy trial is confirmed, so it is not asked for.
        assert "PHQ-9" in events[0].detail and "2 more adequate" in events[0].detail
        assert "psychotherapy" not in events[0].detail
        assert s.get(Authorization, aid).records_requested_at is not None
        row = s.execute(select(AuditEvent).where(
            AuditEvent.action == "coverage.records_request")).scalar()
        assert row.changes == {"treatments": "tms", "count": 2, "format": "pdf"}
    engine.dispose()


def test_nothing_missing_means_no_letter(app_db):
    engine, rid, aid = seed(app_db)
    with write_session(engine) as s:
        a = s.get(Authorization, aid)
        records.set_evidence(s, aid, {"psychotherapy": True, "scores": {"phq9": 20}, "trials": [
            {"drug": "sertraline", "weeks": 8}, {"drug": "bupropion", "weeks": 10}]},
            actor=DESK, seen_version=a.version)
    with pytest.raises(letter.NothingMissing):
        with write_session(engine) as s:
            letter.records_request(s, aid, actor=DESK)
    engine.dispose()
