"""On-call alerts against a local SMTP server and a local HTTP receiver started by the test."""

import datetime as dt
import email
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from zoelife.db.engine import read_session, write_session
from zoelife.db.models import OnCallNotification, Request
from zoelife.intake.inputs import RequestInput
from zoelife.intake.oncall import check_and_alert
from zoelife.intake.schedule import Schedule, change_setting
from zoelife.intake.service import receive

# Tuesday 2026-03-03 15:00 UTC = 10:00 in New York (business hours)
T0 = dt.datetime(2026, 3, 3, 15, 0, tzinfo=dt.UTC)
NAME = "Quentin Zyzzyva"
MESSAGE = "I keep thinking about killing myself"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


@pytest.fixture
def smtp_server(monkeypatch):
    collector = _Collector()
    port = _free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("ZOELIFE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ZOELIFE_SMTP_PORT", str(port))
    yield collector
    controller.stop()


@pytest.fixture
def http_receiver():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server API
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


def _urgent_request(engine, received_at=T0):
    with write_session(engine) as s:
        out = receive(s, RequestInput(source="web", external_id="u1", received_at=received_at,
                                      first_name="Quentin", last_name="Zyzzyva",
                                      phone="(305) 555-0142", message=MESSAGE),
                      schedule=Schedule.load(s))
    assert out.crisis == "urgent"
    return out.request_id


def _configure(engine, **values):
    with write_session(engine) as s:
        for k, v in values.items():
            change_setting(s, k, v)


def test_alert_waits_during_business_hours_then_emails_without_patient_data(sqlite_engine,
                                                                            smtp_server):
    engine = sqlite_engine
    _configure(engine, oncall_emails=["oncall@example.org"], oncall_ack_minutes=15)
    rid = _urgent_request(engine)
    assert check_and_alert(engine, now=T0 + dt.timedelta(minutes=5)) is None
    assert smtp_server.messages == []
    alert = check_and_alert(engine, now=T0 + dt.timedelta(minutes=16))
    assert alert is not None and alert.request_ids == (rid,)
    assert len(smtp_server.messages) == 1
    mail = email.message_from_string(smtp_server.messages[0]).get_payload(decode=True).decode()
    assert f"/request?id={rid}" in mail
    for secret in ("Quentin", "Zyzzyva", "5550142", "killing"):
        assert secret not in mail
    # Only once per urgent episode.
    assert check_and_alert(engine, now=T0 + dt.timedelta(minutes=30)) is None
    assert len(smtp_server.messages) == 1


def test_outside_business_hours_alerts_at_once_by_webhook(engine, http_receiver):
    url, received = http_receiver
    _configure(engine, oncall_webhook_url=url)
    saturday_2am = dt.datetime(2026, 3, 7, 7, 0, tzinfo=dt.UTC)
    rid = _urgent_request(engine, received_at=saturday_2am)
    alert = check_and_alert(engine, now=saturday_2am + dt.timedelta(minutes=1))
    assert alert is not None
    assert received[0]["count"] == 1 and received[0]["request_ids"] == [rid]
    assert NAME.split()[0] not in json.dumps(received[0])
    with read_session(engine) as s:
        rows = s.execute(select(OnCallNotification)).scalars().all()
        assert [(r.channel, r.ok) for r in rows] == [("webhook", True)]
        assert s.get(Request, rid).oncall_notified_at is not None


def test_acknowledged_request_needs_no_alert(sqlite_engine, http_receiver):
    url, received = http_receiver
    _configure(sqlite_engine, oncall_webhook_url=url)
    rid = _urgent_request(sqlite_engine)
    with write_session(sqlite_engine) as s:
        s.get(Request, rid).crisis_acknowledged_at = T0
    assert check_and_alert(sqlite_engine, now=T0 + dt.timedelta(hours=2)) is None
    assert received == []


def test_failed_delivery_is_recorded_and_retried(sqlite_engine):
    _configure(sqlite_engine, oncall_webhook_url="http://127.0.0.1:9/unreachable")
    _urgent_request(sqlite_engine)
    later = T0 + dt.timedelta(hours=1)
    assert check_and_alert(sqlite_engine, now=later) is None
    with read_session(sqlite_engine) as s:
        rows = s.execute(select(OnCallNotification)).scalars().all()
    assert [r.ok for r in rows] == [False]
    calls = []
    alert = check_and_alert(sqlite_engine, now=later, webhook_sender=lambda u, a: calls.append(a))
    assert alert is not None and len(calls) == 1
