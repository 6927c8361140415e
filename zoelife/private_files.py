"""Files the app writes that hold patient data (exports, audit exports, backups): created
owner-only (0600) from the first byte, whatever the umask and whatever was there before.

The file is written under a fresh temporary name in the same folder, created with the mode by
`os.open(O_CREAT | O_EXCL, 0o600)` (never a chmod afterwards, never an earlier file's mode
reused), then renamed over the target, so a reader sees the old file or the whole new one.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

PRIVATE_MODE = 0o600


def create_private(path: Path) -> None:
    """Create `path` empty and owner-only; an existing file is replaced, never reused."""
    path = Path(path)
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE))


def temporary_name(path: Path) -> Path:
    path = Path(path)
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")


@contextmanager
def private_text(path: str | Path, *, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Write text to `path` (owner-only), replacing it only when the block succeeds."""
    path = Path(path)
    tmp = temporary_name(path)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_private(path: str | Path, data: bytes) -> None:
    """`data` to `path`, owner-only, replaced whole."""
    path = Path(path)
    tmp = temporary_name(path)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
