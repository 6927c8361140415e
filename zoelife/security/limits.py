"""Bounds on what visitors who never sign in can make the server do (in memory, per process).

- `RateLimiter`: a token bucket per key (a client address), for anonymous page runs
  (sign-in attempts are bounded in `zoelife.security.ratelimit`). A bucket holds `burst` tokens and regains `per_minute` a minute.
- `Uploaders`: which Streamlit sessions belong to a sign-in whose roles may upload a file.
  Streamlit's own upload endpoint (`/_stcore/upload_file/<session>/<file>`) accepts a file for
  any open websocket session, signed in or not: an anonymous session uploaded 6 x 40 MB and
  the server kept them all. The gate records each session's sign-in here, and the upload
  middleware (`zoelife.ui.resilience.UploadGate`) refuses every other session.

These are the app's own backstop; a reverse proxy's per-address limits (docs/deploy.md) come
first. Behind a proxy every visitor has the proxy's address unless it is forwarded, so the
per-address limits here are generous.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

# Roles whose pages have a file uploader (Import requests: front desk; Content: manager) and
# the admin (imports too).
UPLOAD_ROLES = frozenset({"front_desk", "manager", "admin"})


class RateLimiter:
    def __init__(self, *, burst: int, per_minute: float, max_keys: int = 10_000,
                 clock=time.monotonic) -> None:
        self.burst = burst
        self.rate = per_minute / 60.0
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str | None) -> bool:
        """Take one token from `key`'s bucket; False when it is empty."""
        key = key or "-"
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:  # forget the longest-idle address
                self._buckets.popitem(last=False)
            return allowed

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()


class Uploaders:
    def __init__(self, max_sessions: int = 5_000) -> None:
        # Streamlit session id -> staff user id; the oldest entry goes beyond max_sessions
        # (closed tabs are never told apart from idle ones here).
        self._sessions: OrderedDict[str, int] = OrderedDict()
        self.max_sessions = max_sessions
        self._lock = threading.Lock()

    def record(self, session_id: str | None, user_id: int | None,
               roles: frozenset[str] | set[str] = frozenset()) -> None:
        """This Streamlit session's sign-in (None: signed out): may it upload?"""
        if not session_id:
            return
        with self._lock:
            if user_id is not None and UPLOAD_ROLES & set(roles):
                self._sessions.pop(session_id, None)
                self._sessions[session_id] = user_id
                while len(self._sessions) > self.max_sessions:
                    self._sessions.popitem(last=False)
            else:
                self._sessions.pop(session_id, None)

    def may_upload(self, session_id: str) -> bool:
        with self._lock:
            return session_id in self._sessions

    def reset(self) -> None:
        with self._lock:
            self._sessions.clear()


# Anonymous page runs (the sign-in screen) per client address: a burst of 30, then one every
# 2 s. Twelve sockets re-running the sign-in page slowed a staff queue from 0.23 s to 3.4 s; a
# burst of 10 also refused a front office behind one address (or a proxy on the same machine
# that forwards no address) signing in at opening time, and the browser journeys' sign-ins.
ANONYMOUS_RUNS = RateLimiter(burst=30, per_minute=30)
# Sign-in attempts per client address, on top of the per-account throttle (zoelife.security.auth).
UPLOADERS = Uploaders()
