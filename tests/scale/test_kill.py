"""The server killed (kill -9) during webhook deliveries, and `zoelife import` killed mid-file:
nothing acknowledged is lost, nothing is stored twice when the sender retries."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from tests.apptest import read_db
from tests.processes import descendants, survivors
from tests.scale.exports import write_export
from tests.scale.liveserver import LiveServer
from tests.scale.traffic import WebhookClient
from zoelife.db.models import ImportBatch, IntakeKey, Request, Submission

pytestmark = pytest.mark.slow

ZOELIFE = str(Path(sys.executable).parent / "zoelife")


def _stored(url: str, source: str) -> dict[str, int]:
    """How many times each external id of `source` is stored (requests + attached submissions)."""
    def count(s) -> dict[str, int]:
        counts: dict[str, int] = {}
        for model in (Request, Submission):
            for ext, n in s.execute(
                select(model.external_id, func.count()).where(model.source == source)
                .group_by(model.external_id)
            ).all():
                counts[ext] = counts.get(ext, 0) + n
        return counts

    return read_db(url, count)


def _keys(url: str, source: str) -> set[str]:
    return read_db(url, lambda s: set(s.execute(
        select(IntakeKey.external_id).where(IntakeKey.source == source)).scalars()))


def _batches(url: str) -> list[ImportBatch]:
    return read_db(url, lambda s: list(s.execute(select(ImportBatch)).scalars()))


def test_server_killed_during_webhook_deliveries(app_db):
    url = app_db
    server = LiveServer(url).start()
    client = WebhookClient(server.base)
    attempted: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def sender(w: int) -> None:
        with httpx.Client(timeout=10) as http:
            i = 0
            while not stop.is_set():
                ext = f"kill-{w}-{i}"
                with lock:
                    attempted.append(ext)
                try:
                    client.post(http, ext, w * 1000 + i)
                except httpx.HTTPError:
                    pass  # not acknowledged: the form tool will retry it
                i += 1

    threads = [threading.Thread(target=sender, args=(w,)) for w in range(4)]
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(client.acknowledged) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()  # mid-delivery: the senders are posting back to back
        stop.set()
        for t in threads:
            t.join(30)
    finally:
        stop.set()
        server.kill()
    acknowledged = list(client.acknowledged)
    assert len(acknowledged) >= 40
    assert len(attempted) > len(acknowledged), "the kill should have cut some delivery short"

    # Everything acknowledged before the kill is stored.
    stored = _stored(url, client.source)
    assert set(acknowledged) <= set(stored)

    # The sender retries every delivery it made (acknowledged or not) against the restarted
    # server: the unacknowledged ones arrive, the rest are recognised, none is stored twice.
    restarted = LiveServer(url, port=server.port).start()
    try:
        client.base = restarted.base
        with httpx.Client(timeout=30) as http:
            codes = [client.post(http, ext).status_code for ext in attempted]
    finally:
        restarted.stop()
    assert set(codes) == {202}, codes
    stored = _stored(url, client.source)
    assert set(stored) == set(attempted)
    assert max(stored.values()) == 1
    assert _keys(url, client.source) == set(attempted)


def test_import_killed_mid_file_then_retried(app_db, tmp_path):
    url = app_db
    export = tmp_path / "export.csv"
    rows = 5_000
    write_export(export, rows, seed=5)
    source = "kill-test-export"
    cmd = [ZOELIFE, "--database", url, "import", "requests", str(export), "--source", source]

    # Kill it mid-work: as soon as it reports its first rows done (stderr progress), well
    # before it could finish.
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = bytearray()
    deadline = time.monotonic() + 120
    while b"rows: " not in seen and time.monotonic() < deadline:
        chunk = proc.stderr.read1(256) if proc.poll() is None else proc.stderr.read()
        if not chunk:
            break
        seen += chunk
    assert b"rows: " in seen, seen.decode(errors="replace")[-2000:]
    workers = descendants(proc.pid)
    proc.kill()
    proc.wait(10)
    proc.stderr.close()
    killed = proc.returncode == -9
    # No process of the import outlives it (its workers each held chunks of the file).
    assert not survivors(workers), "processes of the import outlived it"

    # Chunk by chunk: killed mid-file, what it stored is there in whole chunks, counted by
    # its unfinished batch; only if it had already finished (exit 0: acknowledged) is
    # everything there, in a finished batch.
    keys = _keys(url, source)
    batches = _batches(url)
    assert len(batches) == 1
    assert 0 < len(keys) <= batches[0].rows <= rows
    if not killed:
        assert proc.returncode == 0 and len(keys) == rows
    elif batches[0].finished_at is None:
        assert batches[0].rows < rows or len(keys) == rows

    # The retry imports everything once; a second retry adds nothing.
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    keys = _keys(url, source)
    assert len(keys) == rows
    resumed = _batches(url)
    # The retry finished the killed run's batch: one batch, every row counted once.
    assert len(resumed) == 1 and resumed[0].finished_at is not None
    assert resumed[0].rows == rows
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert _keys(url, source) == keys
    stored = _stored(url, source)
    assert max(stored.values()) == 1
