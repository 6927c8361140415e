"""Shift this Python process's wall clock for `scripts/test-at`.

Put on PYTHONPATH with ZOELIFE_TEST_WALL_CLOCK_SHIFT (seconds) set, it moves datetime, date and
time.time of every Python process the suite starts (pytest workers, Streamlit servers, CLI
commands, import workers) by the same amount, through time-machine; the clock keeps ticking.
Monotonic clocks are left alone: timeouts and timers keep working. (libfaketime, which would
move non-Python processes too, stalls Python 3.11's sleeps and timers.)
"""

import os

_shift = os.environ.get("ZOELIFE_TEST_WALL_CLOCK_SHIFT")
if _shift:
    import datetime as _dt

    import time_machine as _tm

    _now = _dt.datetime.now(_dt.UTC)  # the real clock, read once, before the shift
    _tm.travel(_now + _dt.timedelta(seconds=float(_shift)), tick=True).start()
