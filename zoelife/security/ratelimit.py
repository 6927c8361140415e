"""The server's rate limits (in memory, per process): one `Limiter` for every bound on what a
client may make the server do.

A limiter keeps, for each key (a client address) and for all keys together, the times at which
the events it allowed stop counting. An event is allowed while fewer than `limit` of them still
count; a refused event is not recorded (refusals cost nothing and cannot keep the limit
reached). How long an allowed event counts is the limiter's kind:

- a sliding window (the default): each event counts for `window` after it happened, so at most
  `limit` events fit in any `window`;
- `steady=True`: events count one after another, each for `window / limit` after the previous
  one stopped counting (or after it happened, if later). That is a token bucket: a burst of
  `limit`, then `limit` per `window`, smoothly (one every `window / limit`).

Times may be numbers (seconds, `time.monotonic`) or datetimes (with a timedelta `window`);
callers pass `now` or give a `clock`.

The sign-in limit (`LIMITER`, asked by `zoelife.security.auth` before any password is
checked): the per-account throttle stops guessing one account's password; it does nothing
against password spraying (one common password tried on every user name) or against a flood of
sign-in attempts that keeps the CPU busy with Argon2 (about 50 ms and 19 MiB each). So an
attempt must fit in two sliding windows of WINDOW:

- at most PER_ADDRESS attempts from one client address;
- at most OVERALL attempts from all addresses together (bounding Argon2's share of the CPU).

An attempt that does not fit is refused at once, without looking up the account or checking the
password. Real users are not locked out of their accounts by this: the limit is on the address
sending the attempts, it lifts a minute later, and another address is not affected. Several
servers each apply their own limits. The other limit, on anonymous page runs, is
`zoelife.security.limits.ANONYMOUS_RUNS`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any

WINDOW = dt.timedelta(minutes=1)
PER_ADDRESS = 10
OVERALL = 100
# Keys kept before the idle ones are swept (those whose events no longer count; then, if still
# over, the longest idle).
MAX_KEYS = 10_000


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | None = None  # "address" or "overall" when refused
    first_refusal: bool = False  # the first refusal of this key since it was last allowed


class Limiter:
    def __init__(self, limit: int, window: Any, *, overall: int | None = None,
                 steady: bool = False, max_keys: int = MAX_KEYS,
                 clock=time.monotonic) -> None:
        self.limit, self.window, self.overall = limit, window, overall
        self.steady = steady
        self.max_keys = max_keys
        self._clock = clock
        self._lock = threading.Lock()
        self._all: deque = deque()  # expiry times of the events counted overall
        self._by_key: OrderedDict[str, deque] = OrderedDict()  # longest idle first
        self._refused: set[str] = set()

    @property
    def per_second(self) -> float:
        """The steady rate: `limit` per `window`, in events a second."""
        window = self.window.total_seconds() if isinstance(self.window, dt.timedelta) \
            else float(self.window)
        return self.limit / window

    def _count(self, expiries: deque, now) -> int:
        while expiries and expiries[0] <= now:
            expiries.popleft()
        return len(expiries)

    def _expiry(self, expiries: deque, now):
        if self.steady:
            return max(expiries[-1], now) + self.window / self.limit if expiries \
                else now + self.window / self.limit
        return now + self.window

    def attempt(self, key: str | None, now=None) -> Decision:
        """Count an event of `key` at `now` if it fits; say whether it may go on. No key: only
        the overall limit applies (Streamlit reports no address for a loopback peer, such as
        a reverse proxy on the same host: colleagues behind it must not share one key)."""
        now = self._clock() if now is None else now
        with self._lock:
            mine: deque = deque()
            if key:
                mine = self._by_key.pop(key, None) or deque()
                self._sweep(now)
                self._by_key[key] = mine  # now the most recently seen
            reason = ("address" if key and self._count(mine, now) >= self.limit
                      else "overall" if self.overall is not None
                      and self._count(self._all, now) >= self.overall else None)
            refusal_key = key or ""
            if reason:
                first = refusal_key not in self._refused
                self._refused.add(refusal_key)
                return Decision(False, reason, first)
            self._refused.discard(refusal_key)
            if key:
                mine.append(self._expiry(mine, now))
            if self.overall is not None:
                self._all.append(self._expiry(self._all, now))
            return Decision(True)

    def allow(self, key: str | None, now=None) -> bool:
        return self.attempt(key, now).allowed

    def _sweep(self, now) -> None:
        """Make room for one more key."""
        if len(self._by_key) < self.max_keys:
            return
        for k in list(self._by_key):
            if not self._count(self._by_key[k], now):
                del self._by_key[k]
                self._refused.discard(k)
        while len(self._by_key) >= self.max_keys:
            k, _ = self._by_key.popitem(last=False)
            self._refused.discard(k)

    def reset(self) -> None:
        with self._lock:
            self._all.clear()
            self._by_key.clear()
            self._refused.clear()


def sign_in_limiter(per_address: int = PER_ADDRESS, overall: int = OVERALL) -> Limiter:
    return Limiter(per_address, WINDOW, overall=overall,
                   clock=lambda: dt.datetime.now(dt.UTC))


# The server process's sign-in limit (sign-in runs in the page sessions' threads of one process).
LIMITER = sign_in_limiter()
