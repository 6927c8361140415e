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
