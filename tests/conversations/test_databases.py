"""The inbound path on every configured database (SQLite always, PostgreSQL when
ZOELIFE_TEST_DATABASE_URL is set): a text becomes a request and is assessed, a replay is
stored once, and the same delivery arriving several times at the same moment is stored once
without an error."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.conversations.mock_twilio import signed_post, sms_params
from zoelife.conversations import inbound, webhooks
from zoelife.db.engine import read_session
from zoelife.db.models import Conversation, Message, Request, SmsConsentEvent

pytestmark = [pytest.mark.db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def client(db_url, twilio, monkeypatch):
    monkeypatch.setenv("ZOELIFE_DATABASE_URL", db_url)
    return TestClient(Starlette(routes=webhooks.routes()), base_url="http://testserver")


def counts(engine):
    with read_session(engine) as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one()
                     for m in (Request, Message, SmsConsentEvent))


def test_a_crisis_text_becomes_an_urgent_text_request_once(client, engine):
    params = sms_params("I am going to kill myself tonight", from_="+12025550131")
    for _ in range(2):
        assert signed_post(client, "/api/twilio/sms", params).status_code == 200
    assert counts(engine) == (1, 1, 0)
    with read_session(engine) as s:
        req = s.execute(select(Request)).scalar_one()
        assert (req.channel, req.crisis_level, req.crisis_rank) == ("text", "urgent", 0)
    assert signed_post(client, "/api/twilio/sms",
                       sms_params("stop", from_="+12025550131")).status_code == 200
    with read_session(engine) as s:
        assert s.execute(select(Request.sms_consent)).scalar_one() is False


def test_the_same_delivery_at_the_same_moment_is_stored_once(engine, twilio):
    params = sms_params("Do you take Medicare for TMS?", from_="+12025550132")
    results, errors = [], []

    def deliver():
        try:
            results.append(inbound.receive_sms(engine, params).stored)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(type(exc).__name__)

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [False] * 5 + [True]
    assert counts(engine)[:2] == (1, 1)


def test_texts_from_a_new_number_at_the_same_moment_are_all_stored(engine, twilio):
    sent = [sms_params(f"question {i} about ketamine", from_="+12025550133") for i in range(4)]
    errors = []

    def deliver(params):
        try:
            inbound.receive_sms(engine, params)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(type(exc).__name__)

    threads = [threading.Thread(target=deliver, args=(p,)) for p in sent]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with read_session(engine) as s:
        assert s.execute(select(func.count()).select_from(Message)).scalar_one() == 4
        assert s.execute(select(func.count()).select_from(Conversation)).scalar_one() == 1
        # One request: the texts after the first join it (the conversation is created first,
        # so a text that lost that race runs again and finds the request).
        assert s.execute(select(func.count()).select_from(Request)).scalar_one() == 1
