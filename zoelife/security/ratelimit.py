"""How many password checks the server runs: per client address and overall, per sliding minute.

The per-account throttle (`auth`) stops guessing one account's password; it does nothing against
password spraying (one common password tried on every user name) or against a flood of sign-in
attempts that keeps the CPU busy with Argon2 (about 50 ms and 19 MiB each). So before any
password is checked, the attempt must fit in two sliding windows of WINDOW:

- at most PER_ADDRESS attempts from one client address;
- at most OVERALL attempts from all addresses together (bounding Argon2's share of the CPU).

An attempt that does not fit is refused at once, without looking up the account or checking the
password, and is not counted (so refusals cost nothing and cannot keep the window full). Real
users are not locked out of their accounts by this: the limit is on the address sending the
attempts, it lifts a minute later, and another address is not affected. The windows live in the
server process's memory: several servers each apply them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from dataclasses import dataclass

WINDOW = dt.timedelta(minutes=1)
PER_ADDRESS = 10
OVERALL = 100
# Addresses seen are forgotten once their window is empty; swept when this many are kept.
_SWEEP_AT = 10_000


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | None = None  # "address" or "overall" when refused
    first_refusal: bool = False  # the first refusal of this address in its window (audit once)


class SignInLimiter:
    def __init__(self, per_address: int = PER_ADDRESS, overall: int = OVERALL,
                 window: dt.timedelta = WINDOW) -> None:
        self.per_address, self.overall, self.window = per_address, overall, window
        self._lock = threading.Lock()
        self._all: deque[dt.datetime] = deque()
        self._by_address: dict[str, deque[dt.datetime]] = {}
        self._refused: set[str] = set()

    def _prune(self, times: deque[dt.datetime], now: dt.datetime) -> None:
        while times and now - times[0] >= self.window:
            times.popleft()

    def attempt(self, address: str | None, now: dt.datetime) -> Decision:
        """Count an attempt from `address` at `now` if it fits; say whether it may go on."""
        with self._lock:
            if len(self._by_address) >= _SWEEP_AT:
                for k in list(self._by_address):
                    self._prune(self._by_address[k], now)
                    if not self._by_address[k]:
                        del self._by_address[k]
                        self._refused.discard(k)
            # No address (Streamlit reports none for a loopback peer, e.g. a reverse proxy on
            # the same host): only the overall window applies, so colleagues behind one
            # proxy never share a per-address allowance.
            mine: deque[dt.datetime] = deque()
            key = address or ""
            if address:
                mine = self._by_address.setdefault(address, deque())
                self._prune(mine, now)
            self._prune(self._all, now)
            reason = ("address" if len(mine) >= self.per_address
                      else "overall" if len(self._all) >= self.overall else None)
            if reason:
                first = key not in self._refused
                self._refused.add(key)
                return Decision(False, reason, first)
            self._refused.discard(key)
            mine.append(now)
            self._all.append(now)
            return Decision(True)

    def reset(self) -> None:
        with self._lock:
            self._all.clear()
            self._by_address.clear()
            self._refused.clear()


# The server process's limiter (sign-in runs in the page sessions' threads of one process).
LIMITER = SignInLimiter()
