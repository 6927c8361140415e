"""The worker process for the CPU stages (normalize and triage, `facts`) of a big import.

`ordered_map` runs a function over a stream of chunks, in order, with at most `ahead` chunks
sent and not yet taken back: the main process matches and stores one chunk while the worker
works out the next ones (and the main process takes one back whenever it would wait), and the
file is never held whole. The worker ends with the main process however it ends: the pool is
shut down on any exit of the generator (an error, Ctrl-C, a caller that stops early), and a
killed main process (SIGKILL, the OOM killer) takes its worker along through Linux's
parent-death signal.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import Any, TypeVar

from zoelife.ingest import memory
from zoelife.intake import pacing

WORKERS = 1
# In the app server the importing process is the server itself, whose threads serve staff
# pages and webhook deliveries: it takes no chunk back, and two workers do the work.
SERVER_WORKERS = 2
WORKER_NICENESS = 10
AHEAD = 4  # chunks in flight: enough to keep the worker and this process busy, bounded memory

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(work: Callable[[T], R], chunks: Iterable[T], *, parallel: bool,
                ahead: int = AHEAD, warm: Callable[[], None] | None = None,
                ) -> Iterator[tuple[T, R]]:
    """(chunk, work(chunk)) for each chunk, in order. `parallel`: in a worker process (`work`
    and the chunks must pickle) and here; else here only, each chunk paced in the server
    (`zoelife.intake.pacing`). `warm`: run here before forking, so that what it loads (the
    triage's models: about 370 MB and 3 s of CPU per process) is inherited by the worker,
    its pages shared, instead of loaded again.

    From the command line: one worker, and this process takes a chunk back from it whenever
    it would otherwise wait (`_steal`): on two cores, a second worker can give no more
    throughput than this process working while it waits (the work is the same, the cores are
    two), and it held another copy of every page of the triage it wrote to (about 155 MB).
    In the app server: SERVER_WORKERS, and the server takes nothing back."""
    if not parallel or (os.cpu_count() or 1) < 2:
        for chunk in chunks:
            with pacing.LANE.chunk():
                result = work(chunk)
            yield chunk, result
        return
    # Forking a threaded process (the streamlit server) is not safe: use a fork server there.
    forking = threading.active_count() == 1
    if forking and warm is not None:
        warm()
    ctx = multiprocessing.get_context("fork" if forking else "forkserver")
    if forking:
        # What the worker inherits (the triage's models) moves out of the cycle collector's
        # sight: a collection in the worker would otherwise write to the header of every
        # object it walks, copying shared pages into the worker.
        gc.freeze()
        memory.return_freed_memory()
    pool = ProcessPoolExecutor(max_workers=WORKERS if forking else SERVER_WORKERS,
                               mp_context=ctx, initializer=_worker_start,
                               initargs=(os.getpid() if forking else None, not forking))
    # [chunk, its future, or its result once worked out here]
    pending: deque[list[Any]] = deque()
    try:
        source = iter(chunks)
        for chunk in source:
            with _main_kept_out(not forking):
                pending.append([chunk, pool.submit(work, chunk), _NONE])
            if len(pending) >= ahead:
                yield _taken(pending, work, steal=forking)
        while pending:
            yield _taken(pending, work, steal=forking)
    finally:
        for _, future, _result in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        if forking:
            gc.unfreeze()


_NONE = object()


def _taken(pending: deque[list[Any]], work: Callable[[T], R], *, steal: bool,
           ) -> tuple[T, R]:
    """The oldest chunk and its result. `steal`: while the worker has not finished it, this
    process works out the newest chunk the worker has not started (`_steal`)."""
    head = pending[0]
    while steal and head[2] is _NONE and not head[1].done() and _steal(pending, work):
        pass
    pending.popleft()
    return head[0], head[1].result() if head[2] is _NONE else head[2]


def _steal(pending: deque[list[Any]], work: Callable[[T], R]) -> bool:
    """Work out here the newest chunk the worker has not started (its future cancelled, so
    the worker skips it); False when there is none. Newest first: the worker keeps the
    chunks this process will need first."""
    for entry in reversed(pending):
        if entry[2] is _NONE and entry[1].cancel():
            entry[2] = work(entry[0])
            return True
    return False


@contextmanager
def _main_kept_out(active: bool) -> Iterator[None]:
    """A fork server's new worker first runs its parent's `__main__` again from that module's
    path (multiprocessing.spawn.prepare). In the app server `__main__` is the page being run
    (Streamlit sets it), which must never run in a worker: there it failed at the sign-in
    gate and broke the pool. While `submit` starts workers, `__main__` is a bare module."""
    if not active:
        yield
        return
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def _worker_start(forked_from: int | None, nice: bool) -> None:
    # In the app server the worker yields to the server's own threads (staff page runs,
    # webhook deliveries) and uses what they leave; a command-line import has the worker
    # and this process to run, one a core.
    if nice:
        os.nice(WORKER_NICENESS)
    die_with_parent(forked_from)


def die_with_parent(forked_from: int | None) -> None:
    """End this worker when its parent ends, however it ends: a killed import (SIGKILL, the
    OOM killer) otherwise leaves its workers running for good. Linux's parent-death signal;
    elsewhere nothing. A fork server's workers follow the server, which ends with the import."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if forked_from is not None and os.getppid() != forked_from:
        os._exit(1)  # the parent was gone before the signal was set


def chunks_of(items: Iterable[Any], sizes: Iterable[int]) -> Iterator[list[Any]]:
    """`items` cut into lists of the successive `sizes` (what is left after them: one more)."""
    source = iter(items)
    for size in sizes:
        chunk = list(islice(source, size))
        if not chunk:
            return
        yield chunk
    rest = list(source)
    if rest:
        yield rest


def chunk_bounds(total: int, size: int) -> list[tuple[int, int]]:
    """(start, stop) of chunks of `size` rows, smaller at both ends of a big file: the first
    reaches the main process sooner (it waits for it with nothing else to do), and the last
    leave it little to match and store once the workers are done."""
    ramp = []
    step = max(1, size // 8)
    while step < size:
        ramp.append(step)
        step *= 2
    middle = total - 2 * sum(ramp)
    if middle < size:
        sizes = [size] * (total // size) + ([total % size] if total % size else [])
    else:
        sizes = ramp + ([middle % size] if middle % size else []) + [size] * (middle // size)
        sizes += ramp[::-1]
    bounds, start = [], 0
    for length in sizes:
        bounds.append((start, start + length))
        start += length
    return bounds
