"""A live `streamlit run` of the app for the attacks that need the real server (its event
loop, its websocket, its own upload and webhook routes). One server per test module, each on
its own port of the range these tests own (8640-8649), on a copy of the migrated template."""

from __future__ import annotations

import shutil

import pytest

from tests.scale.liveserver import LiveServer

PORTS = {"test_webhook_body": 8641, "test_anonymous_visitors": 8642,
         "test_triage_outside_lock": 8643, "test_trends_period": 8644}


@pytest.fixture(scope="module")
def live(request, tmp_path_factory, sqlite_template):
    folder = tmp_path_factory.mktemp("live")
    db = folder / "zoelife.db"
    shutil.copy(sqlite_template, db)
    name = request.module.__name__.rsplit(".", 1)[-1]
    server = LiveServer(f"sqlite:///{db}", port=PORTS[name], log_path=folder / "server.log",
                        env=getattr(request.module, "SERVER_ENV", {}))
    server.start(timeout=120)
    try:
        yield server
    finally:
        server.stop()
