"""Memory handling shared by the import paths."""

from __future__ import annotations

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
