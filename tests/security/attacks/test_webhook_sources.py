"""Review finding #11: per-source webhook credentials did not keep sources apart, and a real
urgent delivery was dropped.

With only the global token, a Gravity-shaped body with "Entry Id": "7002" was stored as a
Gravity Forms entry (the source was read from the payload); the real Gravity delivery with its
own token, same entry id, "I want to end my life, please call me", was answered
`200 already_received` and never became a request. The global HMAC secret was accepted on
/api/intake/gravity-forms, which has a token of its own, and the answer told whether an entry
id existed. Now credentials are bound to their source, the source never comes from the payload,
a repeated id with different content is kept for review (and reaches the queue when urgent), and
every usable delivery gets the same answer. The bulk import had the same drop, fixed the same way.
"""

from __future__ import annotations

import json

import pytest

from tests.clock import FIXED_NOW
from tests.security.attacks.webhook_harness import (
    GRAVITY_TOKEN,
    SECRET,
    TOKEN,
    client,
    post_signed,
    quarantined,
    requests,
)
from zoelife.db.engine import make_engine, read_session
from zoelife.ingest.importer import import_requests
from zoelife.intake import queue

CREDENTIALS = {"ZOELIFE_WEBHOOK_SECRET": SECRET, "ZOELIFE_WEBHOOK_TOKEN": TOKEN,
               "ZOELIFE_WEBHOOK_TOKEN_GRAVITY_FORMS": GRAVITY_TOKEN}
URGENT = "I want to end my life, please call me"


def _gravity(entry: str, message: str, first: str = "Ivy", phone: str = "(212) 201-7002"):
    return {"Entry Id": entry, "Name (First)": first, "Name (Last)": "Lorne",
            "Email": f"{first.lower()}.lorne@example.com", "Phone": phone,
            "Source Url": "https://zoelife.example/contact/", "Message": message}


def _queue_top(db_url: str):
    engine = make_engine(db_url)
    try:
        with read_session(engine) as s:
            rows, _ = queue.queue_page(s, queue.QueueFilters(), FIXED_NOW)
            return rows
    finally:
        engine.dispose()


def test_the_global_token_cannot_take_a_gravity_entry_id(app_db, monkeypatch, clock):
    with client(app_db, monkeypatch, **CREDENTIALS) as c:
        forged = c.post("/api/intake", json=_gravity("7002", "hello", first="Mallory"),
                        headers={"X-Zoelife-Token": TOKEN})
        real = c.post("/api/intake/gravity-forms", json=_gravity("7002", URGENT),
                      headers={"X-Zoelife-Token": GRAVITY_TOKEN})
    assert (forged.status_code, real.status_code) == (202, 202)
    assert forged.json() == real.json() == {"status": "received"}
    stored = {(r.source, r.external_id): r for r in requests(app_db)}
    assert set(stored) == {("web-form", "7002"), ("gravity-forms", "7002")}
    real_request = stored[("gravity-forms", "7002")]
    assert (real_request.first_name, real_request.crisis_level) == ("Ivy", "urgent")
    assert _queue_top(app_db)[0].id == real_request.id


def test_the_global_secret_is_refused_where_a_source_has_its_own_token(app_db, monkeypatch,
                                                                        clock):
    with client(app_db, monkeypatch, **CREDENTIALS) as c:
        resp, _, _ = post_signed(c, "/api/intake/gravity-forms", _gravity("7003", "hi"))
    assert resp.status_code == 401
    assert requests(app_db) == []


def test_a_repeated_id_with_different_content_is_kept_and_urgent_reaches_the_queue(
        app_db, monkeypatch, clock):
    with client(app_db, monkeypatch, **CREDENTIALS) as c:
        def send(payload):
            return c.post("/api/intake/gravity-forms", json=payload,
                          headers={"X-Zoelife-Token": GRAVITY_TOKEN})

        answers = [send(_gravity("7002", "hello", first="Mallory", phone="(212) 666-0000")),
                   send(_gravity("7002", URGENT)),  # same id, other content
                   send(_gravity("7002", URGENT)),  # that same delivery once more
                   send(_gravity("7100", "a new one"))]
    # One answer for every usable delivery: nothing tells whether the id was known.
    assert {(a.status_code, json.dumps(a.json())) for a in answers} == {
        (202, '{"status": "received"}')}
    rows = quarantined(app_db)
    assert [(r.source, r.external_id, r.status) for r in rows] == [
        ("gravity-forms", "7002", "open")]
    assert rows[0].reason == ("id '7002' was already received from gravity-forms with a "
                              "different name, email, phone, message; kept for review")
    urgent = requests(app_db, crisis_level="urgent")
    assert len(urgent) == 1 and urgent[0].id == rows[0].request_id
    # It can be called back: the contact it gave is on the request, and it heads the queue.
    assert (urgent[0].phone, urgent[0].has_usable_contact) == ("+12122017002", True)
    assert _queue_top(app_db)[0].id == urgent[0].id
    assert len(requests(app_db)) == 3  # Mallory's, the urgent one, 7100


def test_an_unusable_delivery_gets_the_same_answer_known_id_or_not(app_db, monkeypatch, clock):
    with client(app_db, monkeypatch, **CREDENTIALS) as c:
        def send(entry, phone):
            payload = _gravity(entry, "call me", phone=phone) | {"Email": ""}
            return c.post("/api/intake/gravity-forms", json=payload,
                          headers={"X-Zoelife-Token": GRAVITY_TOKEN})

        assert send("7200", "(212) 201-7200").status_code == 202
        known, unknown = send("7200", "12"), send("7201", "12")
    assert known.status_code == unknown.status_code == 422
    assert known.json() == unknown.json()


@pytest.mark.parametrize("fast", [False, True], ids=["row-by-row", "fast-path"])
def test_an_import_keeps_a_repeated_id_with_different_content(sqlite_engine, clock, fast):
    header = "Entry Id,Entry Date,Name (First),Name (Last),Email,Phone,Message,Source Url\n"

    def row(entry, first, phone, message):
        return (f"{entry},2026-03-02 09:00:00,{first},Lorne,{first.lower()}@example.com,"
                f"{phone},{message},https://zoelife.example/contact/\n")

    filler = "".join(row(9000 + i, f"Fill{i}", f"555-300-{i:04d}", "question")
                     for i in range(250 if fast else 0))
    first = import_requests(sqlite_engine, (header + row(7002, "Mallory", "212-666-0000", "hi")
                                            + filler).encode(), name="a.csv", fast=fast)
    assert first.imported == 1 + len(filler.splitlines())
    again = import_requests(sqlite_engine, (header + row(7002, "Ivy", "212-201-7002", URGENT)
                                            + row(7002, "Mallory", "212-666-0000", "hi")
                                            + filler).encode(), name="b.csv", fast=fast)
    assert (again.rejected, again.already_imported, again.crisis_urgent) == (
        1, 1 + len(filler.splitlines()), 1)
    assert "kept for review" in again.rejects[0]["reason"]
    with read_session(sqlite_engine) as s:
        rows, _ = queue.queue_page(s, queue.QueueFilters(), FIXED_NOW)
    assert (rows[0].first_name, rows[0].crisis_level) == ("Ivy", "urgent")
