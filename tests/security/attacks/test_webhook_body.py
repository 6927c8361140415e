"""Attacks on the webhook's body handling (the webhook receives crisis messages, so the server
staying responsive is a safety property).

Found in review:
- a signed form-encoded body of 87,000 repeated keys blocked the event loop for 5.7 s (each
  repeat copied the list of values so far: quadratic), on the loop itself;
- one byte of a declared 100 kB body, then silence, held the connection open for over 65 s,
  without any authentication (the body is read before the signature can be checked).
Controls (zoelife.ingest.webhook): repeated keys appended in place and at most MAX_FIELDS
fields; JSON and form bodies parsed in the thread pool; the whole body must arrive within
READ_SECONDS (10 s), else 408.
"""

from __future__ import annotations

import asyncio
import socket
import time
from urllib.parse import urlencode

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.scale.liveserver import WEBHOOK_SECRET
from zoelife.ingest import webhook

pytestmark = [pytest.mark.slow]

FORM = "application/x-www-form-urlencoded"


def _signed(body: bytes, ctype: str) -> dict[str, str]:
    return {"Content-Type": ctype, "X-Zoelife-Signature": webhook.sign(body, WEBHOOK_SECRET)}


def test_87000_repeated_keys_are_refused_with_a_reason(live):
    body = urlencode([("x", "")] * 87_000).encode()  # 261 kB: under the 256 KiB limit
    assert len(body) <= webhook.DEFAULT_MAX_BYTES
    response = httpx.post(f"{live.base}/api/intake", content=body, headers=_signed(body, FORM),
                          timeout=30)
    assert response.status_code == 400
    assert response.json()["message"] == "the form body has more than 1000 fields"
    assert httpx.get(f"{live.base}/_stcore/health", timeout=5).status_code == 200


def test_repeated_keys_become_one_list_in_order():
    pairs = [("Treatments[]", "TMS"), ("Treatments[]", "Spravato"), ("note", "a"),
             ("note", "b"), ("note", "c")]
    parsed = webhook.parse_form(urlencode(pairs).encode())
    assert parsed == {"Treatments": ["TMS", "Spravato"], "note": ["a", "b", "c"]}


def test_a_list_of_repeats_is_extended_in_place_not_copied():
    data: dict = {}
    for i in range(3):
        webhook._add(data, "x", str(i), list_marker=True)
    first = data["x"]
    webhook._add(data, "x", "3", list_marker=True)
    assert data["x"] is first and first == ["0", "1", "2", "3"]


def test_json_with_too_many_fields_is_refused():
    body = ("{" + ",".join(f'"k{i}": 1' for i in range(1001)) + "}").encode()
    with pytest.raises(webhook.BadBody, match="more than 1000 fields"):
        webhook.parse_json(body)


@pytest.mark.parametrize("ctype,body", [
    (FORM, b"Email=a%40example.com&Message=hello"),
    ("application/json", b'{"Email": "a@example.com"}'),
])
def test_bodies_are_parsed_off_the_event_loop(monkeypatch, ctype, body):
    seen = []
    real = {"form": webhook.parse_form, "json": webhook.parse_json}

    def spy(kind):
        def parse(raw):
            try:
                asyncio.get_running_loop()
                seen.append("event loop")
            except RuntimeError:
                seen.append("worker thread")
            return real[kind](raw)
        return parse

    monkeypatch.setattr(webhook, "parse_form", spy("form"))
    monkeypatch.setattr(webhook, "parse_json", spy("json"))
    monkeypatch.setattr(webhook, "store", lambda payload, source, client, **_: (202, {"ok": True}))
    monkeypatch.setenv("ZOELIFE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    with TestClient(Starlette(routes=webhook.routes())) as client:
        response = client.post("/api/intake", content=body, headers=_signed(body, ctype))
    assert response.status_code == 202
    assert seen == ["worker thread"]


def test_a_body_that_trickles_in_is_answered_408_within_the_limit(live):
    with socket.create_connection(("127.0.0.1", live.port), timeout=30) as sock:
        sock.sendall(b"POST /api/intake HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
        started = time.monotonic()
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert 9 <= waited <= 20
