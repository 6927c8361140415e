"""Memory handling shared by the import paths."""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """An import allocates millions of small acyclic objects (cells, rows, tuples, dicts) while
    millions more stay alive (the file): each generation-2 pass of the cycle collector walks
    them all, which made reading a file a third slower and the import's decisions and inserts
    twice as slow. Reference counting still frees everything; cycles wait for the collector
    at the end. Usable as a decorator."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def return_freed_memory() -> None:
    """Hand the memory C allocations freed (loading the triage: decompressed models, the
    learned net's training) back to the system. glibc keeps it for reuse: ~35 MB of the
    importer's after the triage is loaded, counted in its size and, after a fork, reused by
    whichever process allocates first. Elsewhere than glibc: nothing."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
