"""A live `streamlit run` of the app for the attacks that need the real server (its event
loop, its websocket, its own upload and webhook routes). One server per test module and
pytest-xdist worker (xdist may split a module's tests between workers), each on its own port of
the range these tests own (8640-8647), on a copy of the migrated template."""

from __future__ import annotations

import shutil

import pytest

from tests.scale.liveserver import LiveServer

# First port of each module's block of four (one per xdist worker).
PORTS = {"test_webhook_body": 8640, "test_anonymous_visitors": 8644}


@pytest.fixture(scope="module")
def live(request, tmp_path_factory, sqlite_template):
    folder = tmp_path_factory.mktemp("live")
    db = folder / "zoelife.db"
    shutil.copy(sqlite_template, db)
    name = request.module.__name__.rsplit(".", 1)[-1]
    worker_id = getattr(request.config, "workerinput", {}).get("workerid", "gw0")
    worker = int(worker_id[2:]) if worker_id.startswith("gw") else 0
    server = LiveServer(f"sqlite:///{db}", port=PORTS[name] + worker % 4,
                        log_path=folder / "server.log",
                        env=getattr(request.module, "SERVER_ENV", {}))
    server.start(timeout=120)
    try:
        yield server
    finally:
        server.stop()
