"""Past one machine: what every replica does at the same time must stay correct."""

from __future__ import annotations

import datetime as dt
import threading
import time

import httpx
import pytest
from sqlalchemy import select

from tests.apptest import page, sign_in
from tests.scale.liveserver import LiveServer
from tests.scale.traffic import WebhookClient, ensure_staff
from zoelife import audit
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.migrate import upgrade
from zoelife.db.models import Request
from zoelife.intake import lifecycle
from zoelife.intake.inputs import RequestInput
from zoelife.intake.oncall import check_and_alert
from zoelife.intake.schedule import Schedule, change_setting
from zoelife.intake.service import receive

SATURDAY_2AM = dt.datetime(2026, 3, 7, 7, 0, tzinfo=dt.UTC)  # outside business hours: alert now


def test_oncall_check_on_every_replica_alerts_once(engine, db_url):
    with write_session(engine) as s:
        change_setting(s, "oncall_webhook_url", "http://127.0.0.1:9/never-called")
        out = receive(s, RequestInput(source="web", external_id="r1", received_at=SATURDAY_2AM,
                                      first_name="Ana", last_name="Replica",
                                      phone="(305) 555-0142",
                                      message="I want to kill myself tonight"),
                      schedule=Schedule.load(s))
    assert out.crisis == "urgent"

    sent = []
    lock = threading.Lock()

    def slow_sender(url, alert):
        # Sending takes a while (SMTP, a paging service): long enough for the other replica's
        # check to run in the meantime.
        time.sleep(0.6)
        with lock:
            sent.append(alert.request_ids)

    replicas = [make_engine(db_url), make_engine(db_url)]
    errors = []

    def run(replica_engine):
        try:
            check_and_alert(replica_engine, now=SATURDAY_2AM + dt.timedelta(minutes=5),
                            webhook_sender=slow_sender)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in replicas]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for e in replicas:
        e.dispose()
    assert errors == []
    assert sent == [(out.request_id,)]


@pytest.mark.slow
def test_two_servers_share_one_postgresql(pg_database, monkeypatch):
    """Two `streamlit run` servers on two ports, one PostgreSQL database."""
    url = pg_database
    engine = make_engine(url)
    upgrade(engine)
    desk, _ = ensure_staff(url, 2, 0)
    server_a = LiveServer(url).start()
    server_b = LiveServer(url).start()
    try:
        # A submission delivered to server A ...
        client = WebhookClient(server_a.base)
        with httpx.Client(timeout=30) as http:
            first = client.post(http, "replica-1", 1)
            assert first.status_code == 202, first.text
            # ... is known to server B: the form tool's retry landing on B is not stored twice.
            client.base = server_b.base
            again = client.post(http, "replica-1", 1)
            assert again.status_code == 202, again.text
        with read_session(engine) as s:
            request_id = s.execute(select(Request.id).where(
                Request.external_id == "replica-1")).scalar_one()

        # ... and is in the queue a front-desk person opens (the queue page against the same
        # database, as server B renders it).
        monkeypatch.setenv("ZOELIFE_DATABASE_URL", url)
        at = page("pages/queue.py")
        sign_in(at, url, roles=("front_desk",), username=desk[0].label)
        at.run()
        assert not at.exception
        queue_table = "\n".join(m.value for m in at.markdown)  # the worklist's rows
        assert "Load1" in queue_table, "the request posted to server A is not in the queue"

        # An edit through one server is refused as stale on the other: both screens loaded
        # version 1; A saves first; B's save names the conflict and writes nothing.
        with read_session(engine) as s:
            seen = s.get(Request, request_id).version
        engine_a, engine_b = make_engine(url), make_engine(url)
        try:
            with write_session(engine_a) as s:
                lifecycle.change_status(s, request_id, actor=desk[0], seen_version=seen,
                                        to_status="in_progress")
            with pytest.raises(lifecycle.StaleEdit):
                with write_session(engine_b) as s:
                    lifecycle.change_status(s, request_id, actor=desk[1], seen_version=seen,
                                            to_status="closed", close_reason="declined")
        finally:
            engine_a.dispose()
            engine_b.dispose()
        with read_session(engine) as s:
            assert s.get(Request, request_id).status == "in_progress"
            assert audit.verify(s).ok
    finally:
        server_a.stop()
        server_b.stop()
        engine.dispose()
