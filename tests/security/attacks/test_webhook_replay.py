"""Review finding #9: webhook replay across paths.

The signature covered only the body, so a captured delivery posted to another
`/api/intake/<source>` was accepted, and after the duplicate window a replay could create a new
request. Now the signature covers `timestamp.path.body`, a timestamp more than 5 minutes away is
refused, and a signature already accepted is refused (stored, pruned after the window)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select

from tests.clock import FIXED_NOW
from tests.security.attacks.webhook_harness import SECRET, client, post_signed, requests
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.models import WebhookSignature
from zoelife.ingest.webhook import auth

STAMP = int(FIXED_NOW.timestamp())


def _payload(n: str) -> dict:
    return {"Entry Id": n, "Name (First)": "Rhea", "Name (Last)": "Moss",
            "Email": f"rhea.{n}@example.com", "Message": "Do you take new TMS patients?"}


def test_a_captured_delivery_is_refused_on_another_path(app_db, monkeypatch, clock):
    with client(app_db, monkeypatch, ZOELIFE_WEBHOOK_SECRET=SECRET) as c:
        first, body, headers = post_signed(c, "/api/intake/website", _payload("r1"))
        assert first.status_code == 202, first.text
        other = c.post("/api/intake/newsletter", content=body, headers=headers)
    assert other.status_code == 401
    assert other.json()["message"] == "The signature does not match the body."
    assert [(r.source, r.external_id) for r in requests(app_db)] == [("website", "r1")]


def test_the_same_signature_is_refused_a_second_time(app_db, monkeypatch, clock):
    with client(app_db, monkeypatch, ZOELIFE_WEBHOOK_SECRET=SECRET) as c:
        first, body, headers = post_signed(c, "/api/intake/website", _payload("r2"))
        assert first.status_code == 202
        again = c.post("/api/intake/website", content=body, headers=headers)
        assert again.status_code == 409
        assert "already used" in again.json()["message"]
        # A sender that signs its retry afresh is answered as before (nothing stored twice).
        retry, _, _ = post_signed(c, "/api/intake/website", _payload("r2"), timestamp=STAMP + 1)
        assert retry.status_code == 202
    assert len(requests(app_db)) == 1


def test_old_and_future_timestamps_are_refused(app_db, monkeypatch, clock):
    with client(app_db, monkeypatch, ZOELIFE_WEBHOOK_SECRET=SECRET) as c:
        for stamp in (STAMP - 301, STAMP + 301):
            resp, _, _ = post_signed(c, "/api/intake/website", _payload(f"t{stamp}"),
                                     timestamp=stamp)
            assert resp.status_code == 401
            assert "more than 5 minutes away" in resp.json()["message"]
        body = json.dumps(_payload("t0")).encode()
        resp = c.post("/api/intake/website", content=body, headers={
            auth.TIMESTAMP_HEADER: "yesterday",
            auth.SIGNATURE_HEADER: auth.sign(body, SECRET)})
        assert resp.status_code == 401
    assert requests(app_db) == []


def test_a_replay_after_the_window_is_refused_and_old_signatures_are_pruned(
        app_db, monkeypatch, clock):
    with client(app_db, monkeypatch, ZOELIFE_WEBHOOK_SECRET=SECRET) as c:
        first, body, headers = post_signed(c, "/api/intake/website", _payload("r3"))
        assert first.status_code == 202
        clock.move_to(FIXED_NOW + dt.timedelta(hours=25))  # past the duplicate window too
        late = c.post("/api/intake/website", content=body, headers=headers)
        assert late.status_code == 401
        fresh, _, _ = post_signed(c, "/api/intake/website", _payload("r4"),
                                  timestamp=STAMP + 25 * 3600)
        assert fresh.status_code == 202
    engine = make_engine(app_db)
    with read_session(engine) as s:
        # The first signature is gone (pruned when the second was stored).
        assert s.execute(select(func.count()).select_from(WebhookSignature)).scalar() == 1
    engine.dispose()
    assert [r.external_id for r in requests(app_db)] == ["r3", "r4"]


def test_the_body_only_signature_still_works_for_senders_that_cannot_do_better(
        app_db, monkeypatch, clock):
    with client(app_db, monkeypatch, ZOELIFE_WEBHOOK_SECRET=SECRET) as c:
        body = json.dumps(_payload("b1")).encode()
        resp = c.post("/api/intake/website", content=body,
                      headers={"Content-Type": "application/json",
                               auth.SIGNATURE_HEADER: auth.sign(body, SECRET)})
    assert resp.status_code == 202
    assert [r.external_id for r in requests(app_db)] == ["b1"]


def test_a_signature_is_accepted_once_on_every_database(engine, clock):
    """The replay store itself, on SQLite and PostgreSQL (the HTTP tests above run on SQLite)."""
    key = "ab" * 32
    for expected in (True, False):
        with write_session(engine) as s:
            assert auth.claim_signature(s, key, FIXED_NOW) is expected
    with write_session(engine) as s:  # after the window the row is pruned, the time check refuses
        assert auth.claim_signature(s, "cd" * 32, FIXED_NOW + dt.timedelta(minutes=11))
        assert s.get(WebhookSignature, key) is None


def test_a_batch_claims_its_signatures_in_one_statement_each_once(engine, clock):
    """A group's keys in one statement, on SQLite and PostgreSQL: a key stored earlier and a
    key given twice are each accepted at most once, and nothing else is stored."""
    stored, fresh, twice = "01" * 32, "02" * 32, "03" * 32
    with write_session(engine) as s:
        assert auth.claim_signatures(s, [stored], FIXED_NOW) == {stored}
    with write_session(engine) as s:
        assert auth.claim_signatures(s, [twice, stored, fresh, twice], FIXED_NOW) == {twice,
                                                                                     fresh}
        assert auth.claim_signatures(s, [], FIXED_NOW) == set()
    with read_session(engine) as s:
        assert sorted(s.scalars(select(WebhookSignature.signature))) == [stored, fresh, twice]
