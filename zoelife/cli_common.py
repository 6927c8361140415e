"""What every command of the `zoelife` command shares: the error that becomes exit code 2 with
one line, and the progress line on stderr. The commands themselves are declared in one table,
`zoelife.cli.COMMANDS`."""

from __future__ import annotations

import sys
from collections.abc import Callable


class BadInput(Exception):
    """Raised by a command for input it cannot use; becomes exit code 2 and one line."""


def progress_printer(label: str) -> Callable[[int, int], None]:
    """A progress callback writing a single updating line to stderr."""
    state = {"last": -1}

    def report(done: int, total: int) -> None:
        pct = int(100 * done / total) if total else 100
        if pct != state["last"]:
            state["last"] = pct
            end = "\n" if done >= total else ""
            sys.stderr.write(f"\r{label}: {done:,}/{total:,} ({pct}%)" + end)
            sys.stderr.flush()

    return report
