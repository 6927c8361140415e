"""The import's worker processes end with the work, however it ends: a consumer that stops
early or fails leaves no worker running (a killed import: tests/ingest/test_crash.py)."""

from __future__ import annotations

import multiprocessing

import pytest

from zoelife.ingest.pipeline import workers


def test_a_consumer_that_stops_early_leaves_no_worker(monkeypatch):
    monkeypatch.setattr(workers.threading, "active_count", lambda: 1)  # fork, as the CLI does
    chunks = ([i] * 10 for i in range(50))
    stream = workers.ordered_map(sum, chunks, parallel=True, ahead=3)
    assert next(stream) == ([0] * 10, 0)
    assert multiprocessing.active_children(), "the chunks were worked out by workers"
    stream.close()
    assert multiprocessing.active_children() == []


def test_a_failing_consumer_leaves_no_worker(monkeypatch):
    monkeypatch.setattr(workers.threading, "active_count", lambda: 1)
    with pytest.raises(RuntimeError):
        for _chunk, total in workers.ordered_map(sum, ([i] for i in range(20)), parallel=True):
            if total == 3:
                raise RuntimeError("the store stage failed")
    assert multiprocessing.active_children() == []


def test_results_come_back_in_order_with_their_chunks(monkeypatch):
    monkeypatch.setattr(workers.threading, "active_count", lambda: 1)
    chunks = [[i, i] for i in range(12)]
    assert list(workers.ordered_map(sum, iter(chunks), parallel=True)) == \
        [(c, sum(c)) for c in chunks]
    assert list(workers.ordered_map(sum, iter(chunks), parallel=False)) == \
        [(c, sum(c)) for c in chunks]


def _slow_in_a_worker(chunk: list[int]) -> tuple[int, int]:
    """(the process that worked the chunk out, its sum); slow anywhere but in the importer,
    whose pid is the chunk's first item."""
    import os
    import time

    if os.getpid() != chunk[0]:
        time.sleep(0.3)
    return os.getpid(), sum(chunk[1:])


def test_the_importer_works_out_chunks_rather_than_wait_for_a_busy_worker(monkeypatch):
    import os

    monkeypatch.setattr(workers.threading, "active_count", lambda: 1)
    me = os.getpid()
    chunks = [[me, i, i] for i in range(12)]
    got = list(workers.ordered_map(_slow_in_a_worker, iter(chunks), parallel=True))
    assert [(c, total) for c, (_pid, total) in got] == [(c, 2 * c[1]) for c in chunks]
    by = [pid for _c, (pid, _t) in got]
    assert me in by, "the importer took chunks back while the worker was busy"
    assert set(by) - {me}, "the worker worked out chunks too"
    assert len(set(by) - {me}) == workers.WORKERS == 1
    assert multiprocessing.active_children() == []


_WARMED: list[bytes] = []


def _private_mb(_chunk: list[int]) -> float:
    """The worker's own (unshared) memory, in MB."""
    from pathlib import Path

    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        if line.startswith("Private_Dirty:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no Private_Dirty line")


@pytest.mark.skipif(not __import__("os").path.exists("/proc/self/smaps_rollup"),
                    reason="reads Linux's /proc")
def test_what_warm_loads_is_shared_with_the_worker_and_freed_memory_returned_first(
        monkeypatch):
    """The triage is loaded before forking (`warm`) so that the worker shares its pages
    instead of holding its own copy; what loading freed is handed back before the fork."""
    from zoelife.ingest import memory

    monkeypatch.setattr(workers.threading, "active_count", lambda: 1)
    order = []
    real = memory.return_freed_memory
    monkeypatch.setattr(memory, "return_freed_memory",
                        lambda: (order.append("returned"), real()))

    def warm():
        order.append("warmed")
        _WARMED.append(bytes(range(256)) * (200 * 4096))  # 200 MB, written by this process

    try:
        results = [r for _, r in workers.ordered_map(_private_mb, iter([[1]] * 6),
                                                     parallel=True, ahead=6, warm=warm)]
    finally:
        _WARMED.clear()
    assert order == ["warmed", "returned"]
    assert max(results) < 100, f"the worker's own memory: {max(results):.0f} MB"
