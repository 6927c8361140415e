"""Tests own their clock: no test file reads the real clock outside tests/clock.py.

A test that seeds times from the real "now" passes or fails by the weekday and hour it runs (the
queue page's overdue test failed on Sunday nights). Tests take the ``clock`` fixture, fixed
instants, or, for a server in another process, ``tests.clock.live_server_now()``. Durations through
``time.monotonic``/``time.perf_counter`` are fine: they are not the wall clock.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SANCTIONED = {TESTS / "clock.py"}

WALL_CLOCK_CALLS = {
    f"{prefix}{name}"
    for prefix in ("datetime.", "dt.datetime.", "datetime.datetime.", "date.", "dt.date.",
                   "datetime.date.", "pd.Timestamp.", "pandas.Timestamp.", "Timestamp.")
    for name in ("now", "today", "utcnow")
} | {"time.time", "time.time_ns", "time.localtime", "time.gmtime", "time.ctime"}
WALL_CLOCK_NAMES = {("time", "time"), ("time", "time_ns"), ("datetime", "datetime"),
                    ("datetime", "date")}


def wall_clock_reads(source: str) -> list[tuple[int, str]]:
    """(line, call) for every read of the real clock in ``source``."""
    found = []
    tree = ast.parse(source)
    bare = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            for alias in node.names:
                if alias.name in ("time", "time_ns"):
                    found.append((node.lineno, f"from time import {alias.name}"))
        if isinstance(node, ast.ImportFrom) and node.module == "datetime":
            bare.update(alias.asname or alias.name for alias in node.names)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        head, _, tail = name.rpartition(".")
        # gmtime/localtime with an argument convert a given instant; without one they read now.
        if name in ("time.gmtime", "time.localtime", "time.ctime") and node.args:
            continue
        if name in WALL_CLOCK_CALLS or (head in bare and tail in ("now", "today", "utcnow")):
            found.append((node.lineno, name))
    return sorted(found)


def test_no_test_reads_the_real_clock():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        if path in SANCTIONED:
            continue
        for line, call in wall_clock_reads(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(TESTS.parent)}:{line}: {call}")
    assert not offenders, (
        "tests read the real clock; use the clock fixture, a fixed instant or "
        "tests.clock.live_server_now():\n" + "\n".join(offenders))


def test_the_check_finds_each_way_of_reading_the_clock():
    sample = (
        "import datetime as dt, time\n"
        "from datetime import datetime\n"
        "a = dt.datetime.now(dt.UTC)\n"
        "b = dt.date.today()\n"
        "c = time.time()\n"
        "d = datetime.now()\n"
        "e = time.gmtime()\n"
        "f = time.gmtime(0)\n"
        "g = time.monotonic()\n"
    )
    assert [line for line, _ in wall_clock_reads(sample)] == [3, 4, 5, 6, 7]
