"""A crash mid-import (SIGKILL, like the OOM killer or a pulled plug) keeps the chunks the import
had stored (each its own transaction, counted in its batch) and nothing of the chunk under
way; running the import again resumes the same batch after them and gives the same final state
as one clean run."""

from __future__ import annotations

import os
import select as select_mod
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.ingest import synth
from tests.ingest.dbstate import snapshot
from tests.processes import descendants, survivors
from zoelife.db.engine import make_engine, read_session
from zoelife.db.models import AuditEvent, ImportBatch, IntakeKey, Request

ROOT = Path(__file__).resolve().parents[2]
# Progress is reported after each chunk's transaction. Past the row the test kills at
# (argv[4]), the import waits there, so the kill lands mid-file however fast the rest would
# have been written. Chunks of 100 records, so that a small file has several.
WORKER = """
import datetime as dt, sys, time
from zoelife.db.engine import make_engine
from zoelife.ingest import importer
from zoelife.ingest.importer import import_requests
importer.CHUNK = 100
kill_at = int(sys.argv[4]) if len(sys.argv) > 4 else None
def progress(done, total):
    sys.stderr.write(f"progress {done}\\n"); sys.stderr.flush()
    if kill_at is not None and done >= kill_at:
        time.sleep(120)
import_requests(make_engine(sys.argv[1]), sys.argv[2], fast=sys.argv[3] == "fast",
                progress=progress, now=dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC))
"""

pytestmark = pytest.mark.slow


def _run(url: str, path: Path, mode: str, *, kill_after: int | None = None,
         seen: list[int] | None = None) -> int:
    args = [url, str(path), mode] + ([str(kill_after)] if kill_after is not None else [])
    proc = subprocess.Popen([sys.executable, "-c", WORKER, *args], cwd=ROOT,
                            stderr=subprocess.PIPE, text=True)
    if kill_after is None:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-2000:]
        return proc.returncode
    deadline = time.monotonic() + 300
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        ready, _, _ = select_mod.select([proc.stderr], [], [], 5)
        if not ready:
            continue
        line = proc.stderr.readline()
        if not line:
            break
        if line.startswith("progress ") and seen is not None:
            seen.append(int(line.split()[1]))
        if line.startswith("progress ") and int(line.split()[1]) >= kill_after:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(30)
            return proc.returncode
    proc.kill()
    pytest.fail("the import finished or stalled before it could be killed")


def _counts(url: str) -> tuple[int, int, int, int]:
    engine = make_engine(url)
    try:
        with read_session(engine) as s:
            return tuple(s.execute(select(func.count()).select_from(m)).scalar()
                         for m in (Request, IntakeKey, ImportBatch, AuditEvent))
    finally:
        engine.dispose()


@pytest.mark.parametrize("mode", ["row", "fast"])
def test_kill_mid_import_then_rerun(tmp_path, sqlite_template, mode):
    data = tmp_path / "export.csv"
    n = 400 if mode == "row" else 1500
    data.write_bytes(synth.to_csv(synth.rows(n, seed=11)))
    crashed, clean = tmp_path / "crashed.db", tmp_path / "clean.db"
    shutil.copy(sqlite_template, crashed)
    shutil.copy(sqlite_template, clean)
    crashed_url, clean_url = f"sqlite:///{crashed}", f"sqlite:///{clean}"
    before = _counts(crashed_url)

    reported: list[int] = []
    code = _run(crashed_url, data, mode, kill_after=150 if mode == "row" else 600,
                seen=reported)
    assert code == -signal.SIGKILL
    # What it reported stored is stored, in an unfinished batch that says how far it got;
    # nothing more (no row of a later chunk), and no audit event yet (that marks the end).
    engine = make_engine(crashed_url)
    try:
        with read_session(engine) as s:
            batch = s.execute(select(ImportBatch)).scalar_one()
            stored_keys = s.execute(select(func.count()).select_from(IntakeKey)).scalar()
    finally:
        engine.dispose()
    assert batch.finished_at is None and batch.rows == reported[-1] < n
    assert 0 < stored_keys - before[1] <= batch.rows
    assert _counts(crashed_url)[3] == before[3]

    _run(crashed_url, data, mode)
    _run(clean_url, data, mode)
    engines = [make_engine(crashed_url), make_engine(clean_url)]
    try:
        after_crash, after_clean = (snapshot(e) for e in engines)
    finally:
        for e in engines:
            e.dispose()
    assert after_crash["requests"], "the re-run imported the file"
    assert after_crash == after_clean
    assert _counts(crashed_url)[:3] == _counts(clean_url)[:3]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_a_killed_import_leaves_no_worker_running(tmp_path, sqlite_template):
    """The import's worker processes end with it: killed mid-file, none outlives it (each held
    a copy of the file and kept running with no parent)."""
    data = tmp_path / "export.csv"
    data.write_bytes(synth.to_csv(synth.rows(12000, seed=5)))  # enough rows for workers
    db = tmp_path / "killed.db"
    shutil.copy(sqlite_template, db)
    proc = subprocess.Popen([sys.executable, "-c", WORKER, f"sqlite:///{db}", str(data), "fast"],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True)
    workers: set[int] = set()
    deadline = time.monotonic() + 300
    assert proc.stderr is not None
    while time.monotonic() < deadline and not workers:
        line = proc.stderr.readline()
        if not line:
            break
        if line.startswith("progress "):
            workers = descendants(proc.pid)
    assert workers, "the import finished before its workers were seen"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert not survivors(workers), "workers outlived the killed import"
