"""The webhook through the real HTTP server: `streamlit run streamlit_app.py` serving
`POST /api/intake` beside the pages. One server for the module."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from tests.clock import live_server_now
from zoelife.db.engine import make_engine, read_session
from zoelife.db.models import AuditEvent, QuarantinedRow, Request, Submission
from zoelife.ingest.webhook import auth

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("ingest_webhook")]

ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-hmac-secret-6f1d2a"
TOKEN = "test-static-token-93ab7c"
GRAVITY_TOKEN = "gravity-only-token-55aa"
MAX_BYTES = 8192


def _post(url: str, **kw) -> httpx.Response:
    """A delivery with room for a loaded machine: the server's first triage (the learned net
    trains at start) can take longer than httpx's default 5 s when the cores are busy."""
    return httpx.post(url, timeout=30, **kw)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, sqlite_template):
    folder = tmp_path_factory.mktemp("webhook")
    db = folder / "zoelife.db"
    shutil.copy(sqlite_template, db)
    url = f"sqlite:///{db}"
    port = _free_port()
    env = {**os.environ, "ZOELIFE_DATABASE_URL": url, "ZOELIFE_WEBHOOK_SECRET": SECRET,
           "ZOELIFE_WEBHOOK_TOKEN": TOKEN, "ZOELIFE_WEBHOOK_TOKEN_GRAVITY": GRAVITY_TOKEN,
           "ZOELIFE_WEBHOOK_MAX_BYTES": str(MAX_BYTES), "ZOELIFE_ONCALL_CHECK_SECONDS": "0"}
    log = open(folder / "server.log", "wb")  # noqa: SIM115 - the child's log for its lifetime
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "streamlit"), "run", "streamlit_app.py",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail("server exited:\n" + (folder / "server.log").read_text()[-3000:])
            try:
                if httpx.get(f"{base}/api/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("server did not start:\n" + (folder / "server.log").read_text()[-3000:])
            time.sleep(0.3)
        engine = make_engine(url)
        yield base, engine, folder / "server.log"
        engine.dispose()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _count(engine, model) -> int:
    with read_session(engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar()


def _signed(body: bytes, secret: str = SECRET, path: str = "/api/intake") -> dict[str, str]:
    stamp = int(live_server_now().timestamp())
    return {"Content-Type": "application/json"} | auth.sign_request(secret, path, body, stamp)


def _request(engine, external_id: str) -> Request:
    with read_session(engine) as s:
        return s.execute(select(Request).where(Request.external_id == external_id)).scalar_one()


def _payload(n: int, **kw) -> dict:
    return {"Entry Id": f"wh-{n}", "Name (First)": "Wren", "Name (Last)": f"Hale{n}",
            "Email": f"wren{n}@example.com", "Phone": "(212) 310-4400",
            "Treatments": "TMS", "Message": "Is TMS covered?",
            "Source Url": "https://zoelife.example/tms/?utm_campaign=tms-spring"} | kw


def test_signed_json_creates_a_request(server):
    base, engine, _ = server
    body = json.dumps(_payload(1)).encode()
    resp = _post(f"{base}/api/intake", content=body, headers=_signed(body))
    assert resp.status_code == 202, resp.text
    assert resp.json() == {"status": "received"}
    rid = _request(engine, "wh-1").id
    with read_session(engine) as s:
        req = s.get(Request, rid)
        assert (req.source, req.email, req.channel) == ("web-form", "wren1@example.com",
                                                        "web_form")
        assert req.utm_campaign == "tms-spring" and req.treatment_list == "tms"
        assert s.execute(select(AuditEvent).where(AuditEvent.action == "request.create",
                                                  AuditEvent.entity_id == str(rid))).first()


def test_replay_is_not_stored_twice(server):
    base, engine, _ = server
    body = json.dumps(_payload(2)).encode()
    first = _post(f"{base}/api/intake", content=body, headers=_signed(body))
    assert first.status_code == 202
    before = _count(engine, Request)
    # A re-delivery signed again is answered like the first (the same signature twice: 409).
    later = int(live_server_now().timestamp()) + 1
    again = _post(f"{base}/api/intake", content=body,
                       headers={"Content-Type": "application/json"}
                       | auth.sign_request(SECRET, "/api/intake", body, later))
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert _count(engine, Request) == before


def test_static_token(server):
    base, engine, _ = server
    before = _count(engine, Request)
    resp = _post(f"{base}/api/intake", json=_payload(3), headers={"X-Zoelife-Token": TOKEN})
    assert resp.status_code == 202
    assert _count(engine, Request) == before + 1
    # A per-source token serves that source only.
    resp = _post(f"{base}/api/intake/gravity", json=_payload(4),
                      headers={"X-Zoelife-Token": GRAVITY_TOKEN})
    assert resp.status_code == 202
    assert _request(engine, "wh-4").source == "gravity"
    resp = _post(f"{base}/api/intake/gravity", json=_payload(5),
                      headers={"X-Zoelife-Token": TOKEN})
    assert resp.status_code == 401


def test_bad_signature_stores_nothing(server):
    base, engine, _ = server
    before = (_count(engine, Request), _count(engine, QuarantinedRow), _count(engine, Submission))
    body = json.dumps(_payload(6)).encode()
    forged = _signed(body, "not-the-secret")
    assert _post(f"{base}/api/intake", content=body, headers=forged).status_code == 401
    tampered = json.dumps(_payload(6, Message="changed")).encode()
    resp = _post(f"{base}/api/intake", content=tampered, headers=_signed(body))
    assert resp.status_code == 401
    assert _post(f"{base}/api/intake", content=body,
                      headers={"Content-Type": "application/json"}).status_code == 401
    assert _post(f"{base}/api/intake", content=body,
                      headers={"X-Zoelife-Token": "guess"}).status_code == 401
    after = (_count(engine, Request), _count(engine, QuarantinedRow), _count(engine, Submission))
    assert after == before


def test_oversized_body(server):
    base, engine, _ = server
    before = _count(engine, Request)
    body = json.dumps(_payload(7, Message="x" * (MAX_BYTES + 10))).encode()
    resp = _post(f"{base}/api/intake", content=body, headers=_signed(body))
    assert resp.status_code == 413
    assert _count(engine, Request) == before


def test_form_encoded_body(server):
    base, engine, _ = server
    data = {"Entry Id": "wh-8", "Name (First)": "Quin", "Name (Last)": "Rowe",
            "Email": "quin@example.com", "Treatments[]": ["Spravato", "TMS"],
            "Message": "Spravato or TMS?"}
    body = httpx.QueryParams(data).__str__().encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Zoelife-Signature": auth.sign(body, SECRET)}  # body-only form
    resp = _post(f"{base}/api/intake", content=body, headers=headers)
    assert resp.status_code == 202, resp.text
    req = _request(engine, "wh-8")
    assert (req.first_name, req.treatment_list) == ("Quin", "spravato;tms")


def test_jotform_multipart(server):
    base, engine, _ = server
    raw = {"q3_name": {"first": "Sol", "last": "Tate"}, "q4_email": "sol@example.com",
           "q5_phoneNumber": {"full": "(212) 411-2233"}, "q6_typeA": "Ketamine"}
    resp = _post(f"{base}/api/intake/jotform",
                      data={"submissionID": "5999", "formID": "42",
                            "rawRequest": json.dumps(raw), "pretty": "Name:Sol Tate"},
                      files={"upload": ("x.txt", b"ignored")},
                      headers={"X-Zoelife-Token": TOKEN})
    assert resp.status_code == 202, resp.text
    req = _request(engine, "5999")
    assert (req.source, req.first_name, req.last_name, req.email) == (
        "jotform", "Sol", "Tate", "sol@example.com")


def test_unusable_submission_is_quarantined(server):
    base, engine, log = server
    before = _count(engine, QuarantinedRow)
    body = json.dumps({"Entry Id": "wh-9", "Name (First)": "Uma",
                       "Message": "I took all my pills, I want to die",
                       "Phone": "12"}).encode()
    resp = _post(f"{base}/api/intake", content=body, headers=_signed(body))
    assert resp.status_code == 422
    assert "no usable phone or email" in resp.json()["reasons"][0]
    assert _count(engine, QuarantinedRow) == before + 1
    with read_session(engine) as s:
        urgent = s.execute(select(Request).where(Request.external_id == "wh-9")).scalar_one()
        assert (urgent.crisis_level, urgent.has_usable_contact) == ("urgent", False)
    # The server's log names no patient data.
    text = log.read_text(errors="replace")
    assert "pills" not in text and "Uma" not in text and "wren1@example.com" not in text


def test_no_secret_configured(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("ZOELIFE_WEBHOOK_SECRET", "ZOELIFE_WEBHOOK_TOKEN")):
            monkeypatch.delenv(name)
    status, message = auth.authenticate({}, b"{}", None)
    assert status == 503 and "ZOELIFE_WEBHOOK_SECRET" in message
