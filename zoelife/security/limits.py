"""Bounds on what visitors who never sign in can make the server do (in memory, per process).

- `ANONYMOUS_RUNS`: page runs of visitors who are not signed in, per client address (a
  `zoelife.security.ratelimit.Limiter`, the same kind as the sign-in limit there).
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
from collections import OrderedDict

from zoelife.security.ratelimit import Limiter

# Roles whose pages have a file uploader (Import requests: front desk; Content: manager) and
# the admin (imports too).
UPLOAD_ROLES = frozenset({"front_desk", "manager", "admin"})


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
# 2 s (steady). Twelve sockets re-running the sign-in page slowed a staff queue from 0.23 s to
# 3.4 s; a burst of 10 also refused a front office behind one address (or a proxy on the same
# machine that forwards no address) signing in at opening time, and the browser journeys'
# sign-ins.
ANONYMOUS_RUNS = Limiter(30, 60.0, steady=True)
UPLOADERS = Uploaders()
