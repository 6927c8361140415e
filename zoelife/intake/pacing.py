"""Long assessments in the server process, paced so that they cannot starve everyone else.

The crisis detector is Python: while it reads, it holds the interpreter lock, and the server's
other threads (the event loop carrying every websocket, staff page runs, other webhook
deliveries) get the lock only in turns. Four webhook deliveries with 250 KB messages, each
assessed in 25 chunks, made a staff queue refresh 8 times slower for as long as they lasted.
So, when pacing is on (the server turns it on at start: `pace`; the command line and the tests
run flat out):

- one long assessment's chunk runs at a time in the process (`LANE`);
- after each chunk the lane is kept, idle, for as long as the chunk used the processor
  (`DUTY` 0.5): long assessments together take at most half of the interpreter, whatever
  their number. The others wait on the lane without holding the interpreter.

A chunk is bounded (`zoelife.intake.inputs.OVERFLOW_CHUNK` characters of a message's overflow,
`ASSESS_CHUNK_ROWS` rows of an import), so the lane changes hands often. Nothing is skipped:
pacing only spreads the same work over a longer time (a 250 KB message: about 1.3 s instead of
0.6 s here).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

DUTY = 0.5
# Rows of an import assessed per chunk before its write transaction.
ASSESS_CHUNK_ROWS = 50


class Lane:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inside = threading.local()
        self.duty: float | None = None  # None: not paced
        self._sleep = time.sleep

    @contextmanager
    def chunk(self) -> Iterator[None]:
        """One bounded piece of a long assessment (see the module doc). A chunk inside a
        chunk (an import row's long message) is part of the outer one."""
        duty = self.duty
        if duty is None or getattr(self._inside, "yes", False):
            yield
            return
        with self._lock:
            self._inside.yes = True
            started = time.thread_time()
            try:
                yield
            finally:
                self._inside.yes = False
                used = time.thread_time() - started
                if duty < 1:
                    self._sleep(used * (1 - duty) / duty)


LANE = Lane()


def pace(duty: float | None = DUTY) -> None:
    """Pace long assessments in this process from now on (None: stop pacing)."""
    LANE.duty = duty
