"""Worker processes for the CPU stages (normalize and triage, `facts`) of a big import.

`ordered_map` runs a function over a stream of chunks, in order, with at most `ahead` chunks
sent and not yet taken back: the main process matches and stores one chunk while the workers
work out the next ones, and the file is never held whole. Workers are niced below the main
process and end with it however it ends: the pool is shut down on any exit of the generator
(an error, Ctrl-C, a caller that stops early), and a killed main process (SIGKILL, the OOM
killer) takes its workers along through Linux's parent-death signal.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import Any, TypeVar

from zoelife.intake import pacing

WORKERS = 2
WORKER_NICENESS = 10
AHEAD = 2 * WORKERS  # chunks in flight: enough to keep both workers busy, bounded memory

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(work: Callable[[T], R], chunks: Iterable[T], *, parallel: bool,
                ahead: int = AHEAD, warm: Callable[[], None] | None = None,
                ) -> Iterator[tuple[T, R]]:
    """(chunk, work(chunk)) for each chunk, in order. `parallel`: in worker processes (`work`
    and the chunks must pickle); else here, each chunk paced in the server
    (`zoelife.intake.pacing`). `warm`: run here before forking, so that what it loads (the
    triage's models: about 370 MB and 3 s of CPU per process) is inherited by the workers,
    its pages shared, instead of loaded again in each."""
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
    pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=ctx, initializer=_worker_start,
                               initargs=(os.getpid() if forking else None,))
    pending: deque[tuple[T, Future]] = deque()
    try:
        source = iter(chunks)
        for chunk in source:
            with _main_kept_out(not forking):
                pending.append((chunk, pool.submit(work, chunk)))
            if len(pending) >= ahead:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    finally:
        for _, future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


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


def _worker_start(forked_from: int | None) -> None:
    # The main process (matching, storing) is the slower stage; with as many workers as
    # cores, it must not lose its core to them: they yield to it and use what it leaves.
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
