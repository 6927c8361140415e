"""The shipped list of common passwords (data/common_passwords.txt), loaded once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LIST_PATH = Path(__file__).parent / "data" / "common_passwords.txt"


@lru_cache(maxsize=1)
def _passwords() -> frozenset[str]:
    if not LIST_PATH.exists():
        return frozenset()
    with LIST_PATH.open(encoding="utf-8") as f:
        return frozenset(line.strip().casefold() for line in f if line.strip())


def is_common(password: str) -> bool:
    return password.casefold() in _passwords()
