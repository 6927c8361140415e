"""Attacks on the webhook's body handling (the webhook receives crisis messages, so the server
staying responsive is a safety property).

Found in review:
- a signed form-encoded body of 87,000 repeated keys blocked the event loop for 5.7 s (each
  repeat copied the list of values so far: quadratic), on the loop itself;
- one byte of a declared 100 kB body, then silence, held the connection open for over 65 s,
  without any authentication (the body is read before the signature can be checked).
Controls (zoelife.ingest.webhook.bodies): repeated keys appended in place and at most MAX_FIELDS
fields; JSON and form bodies parsed in the thread pool; the whole body must arrive within
READ_SECONDS (10 s), else 408.

Found after: every other route (`/auth/*`, `/download/*`, Streamlit's own pages) answered
at once without reading the body, but kept the connection open for as long as the declared
body kept trickling in (a byte a second held each for good). Control for every route of the
server: zoelife.security.body_deadline (the body within 10 s, else 408; an answer given before
the body arrived closes the connection).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from urllib.parse import urlencode

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.scale.liveserver import WEBHOOK_SECRET
from zoelife.ingest.webhook import auth, bodies, routes

pytestmark = [pytest.mark.slow]

FORM = "application/x-www-form-urlencoded"


def _signed(body: bytes, ctype: str) -> dict[str, str]:
    return {"Content-Type": ctype, "X-Zoelife-Signature": auth.sign(body, WEBHOOK_SECRET)}


def test_87000_repeated_keys_are_refused_with_a_reason(live):
    body = urlencode([("x", "")] * 87_000).encode()  # 261 kB: under the 256 KiB limit
    assert len(body) <= bodies.DEFAULT_MAX_BYTES
    response = httpx.post(f"{live.base}/api/intake", content=body, headers=_signed(body, FORM),
                          timeout=30)
    assert response.status_code == 400
    assert response.json()["message"] == "the form body has more than 1000 fields"
    assert httpx.get(f"{live.base}/_stcore/health", timeout=5).status_code == 200


def test_repeated_keys_become_one_list_in_order():
    pairs = [("Treatments[]", "TMS"), ("Treatments[]", "Spravato"), ("note", "a"),
             ("note", "b"), ("note", "c")]
    parsed = bodies.parse_form(urlencode(pairs).encode())
    assert parsed == {"Treatments": ["TMS", "Spravato"], "note": ["a", "b", "c"]}


def test_a_list_of_repeats_is_extended_in_place_not_copied():
    data: dict = {}
    for i in range(3):
        bodies._add(data, "x", str(i), list_marker=True)
    first = data["x"]
    bodies._add(data, "x", "3", list_marker=True)
    assert data["x"] is first and first == ["0", "1", "2", "3"]


def test_json_with_too_many_fields_is_refused():
    body = ("{" + ",".join(f'"k{i}": 1' for i in range(1001)) + "}").encode()
    with pytest.raises(bodies.BadBody, match="more than 1000 fields"):
        bodies.parse_json(body)


@pytest.mark.parametrize("ctype,body", [
    (FORM, b"Email=a%40example.com&Message=hello"),
    ("application/json", b'{"Email": "a@example.com"}'),
])
def test_bodies_are_parsed_off_the_event_loop(monkeypatch, ctype, body):
    seen = []
    real = {"form": bodies.parse_form, "json": bodies.parse_json}

    def spy(kind):
        def parse(raw):
            try:
                asyncio.get_running_loop()
                seen.append("event loop")
            except RuntimeError:
                seen.append("worker thread")
            return real[kind](raw)
        return parse

    monkeypatch.setattr(routes, "parse_form", spy("form"))
    monkeypatch.setattr(routes, "parse_json", spy("json"))
    monkeypatch.setattr(routes, "store", lambda payload, source, client, **_: (202, {"ok": True}))
    monkeypatch.setenv("ZOELIFE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    with TestClient(Starlette(routes=routes.routes())) as client:
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


def _trickle(port: int, method: str, path: str) -> tuple[bytes, float]:
    """Headers declaring a 100 kB body, one byte, then a byte a second: (the answer's status
    line, seconds until the server closed the connection; 30 if it never did)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     f"Origin: http://127.0.0.1:{port}\r\nContent-Type: {FORM}\r\n"
                     "Content-Length: 100000\r\n\r\nx".encode())
        started = time.monotonic()
        stop = threading.Event()

        def drip() -> None:
            while not stop.wait(1.0):
                try:
                    sock.sendall(b"x")
                except OSError:
                    return

        threading.Thread(target=drip, daemon=True).start()
        answer = b""
        try:
            while time.monotonic() - started < 30:
                sock.settimeout(max(0.1, 30 - (time.monotonic() - started)))
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except (TimeoutError, OSError):
            pass
        finally:
            stop.set()
        return answer.split(b"\r\n", 1)[0], time.monotonic() - started


def test_no_route_holds_a_trickled_body(live):
    from zoelife.server import routes

    targets = [(method, route.path.replace("{source}", "web-form"))
               for route in routes() for method in sorted(route.methods - {"HEAD"})]
    targets += [("GET", "/"), ("GET", "/_stcore/health"), ("POST", "/no/such/route")]
    assert ("POST", "/auth/signout") in targets and ("GET", "/download/requests.csv") in targets
    results: dict = {}
    threads = [threading.Thread(target=lambda t=t: results.__setitem__(t, _trickle(live.port, *t)))
               for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for target, (status, closed_after) in results.items():
        assert status.startswith(b"HTTP/1.1 "), (target, status)
        # Answered and closed by the body limit at the latest, never held while bytes trickle.
        assert closed_after <= 15, (target, status, closed_after)
        if target[1].startswith("/api/intake"):
            assert status.startswith(b"HTTP/1.1 408"), (target, status)


def _deadline_app(seconds: float):
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, StreamingResponse
    from starlette.routing import Route

    from zoelife.security.body_deadline import BodyDeadline

    async def reads(request: Request):
        return PlainTextResponse(f"{len(await request.body())} bytes")

    async def streams(request: Request):
        async def parts():
            for _ in range(3):
                await asyncio.sleep(seconds)
                yield b"part\n"
        return StreamingResponse(parts())

    app = Starlette(routes=[Route("/reads", reads, methods=["POST", "PUT"]),
                            Route("/streams", streams)])
    return BodyDeadline(app, seconds=seconds, upload_seconds=seconds * 4)


async def _call(app, method: str, path: str, chunks: list[bytes], gap: float, length: int):
    """Drive `app` as the server would: the body in `chunks`, `gap` seconds apart."""
    sent: list[dict] = []
    queue = list(chunks)
    given = [0]

    async def receive():
        if not queue:
            await asyncio.sleep(3600)  # the client never sends the rest
        await asyncio.sleep(gap)
        chunk = queue.pop(0)
        given[0] += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": given[0] < length}

    async def send(message):
        sent.append(message)

    headers = [(b"content-length", str(length).encode())] if length else []
    scope = {"type": "http", "method": method, "path": path, "headers": headers,
             "query_string": b"", "http_version": "1.1", "scheme": "http",
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1), "root_path": ""}
    await asyncio.wait_for(app(scope, receive, send), 10)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], dict(start["headers"]), b"".join(
        m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_the_body_deadline_answers_408_and_leaves_bodiless_requests_alone():
    app = _deadline_app(0.2)
    # In time: read normally.
    assert asyncio.run(_call(app, "POST", "/reads", [b"ab", b"cd"], 0.01, 4))[2] == b"4 bytes"
    # Too slow, or never finished: 408 and the connection closed.
    status, headers, body = asyncio.run(_call(app, "POST", "/reads", [b"a", b"b"], 0.15, 100))
    assert status == 408 and headers[b"connection"] == b"close" and b"0.2 seconds" in body
    assert asyncio.run(_call(app, "POST", "/reads", [b"a"], 0.01, 100))[0] == 408
    # An upload has longer (a 50 MB file on a slow line).
    status, _, body = asyncio.run(_call(app, "PUT", "/_stcore/upload_file/s/f", [b"a", b"b"],
                                        0.15, 2))
    assert status == 404  # not routed here; it was given the time to arrive
    # No body: a streamed answer longer than the limit is not cut short.
    status, _, body = asyncio.run(_call(app, "GET", "/streams", [], 0, 0))
    assert status == 200 and body == b"part\n" * 3
