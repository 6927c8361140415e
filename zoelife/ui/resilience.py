"""What visitors who never sign in can make the server do, bounded at Streamlit's own edges.

- `UploadGate` (ASGI middleware given to `st.App`): Streamlit's upload endpoint
  `PUT /_stcore/upload_file/<session>/<file>` stores a file for any open websocket session
  (`runtime.is_active_session`), signed in or not. The gate lets through only sessions whose
  sign-in may upload (`zoelife.security.limits.UPLOADERS`, recorded by `record_session` on
  every page run) and caps the bytes one session, and all sessions, hold: 403 / 413 before a
  byte of the body is read.
- `ignore_developer_messages`: Streamlit obeys a `clear_cache` message from any websocket
  (`AppSession.handle_backmsg`: it empties `st.cache_data` and `st.cache_resource` for every
  user), and `load_git_info` runs git. Outside `global.developmentMode` they are dropped.
- `no_collection_after_each_run`: Streamlit runs a full garbage collection (`gc.collect(2)`)
  after every script run (`runner.postScriptGC`). It walks the whole heap holding the
  interpreter lock, about 0.15 s in this server, during which no other thread runs: not the
  event loop (websockets), not the webhook, not a staff page. A dozen anonymous sockets
  re-running the sign-in page (each run, refused or not, ending in a collection) held the
  lock 95% of the time and a staff queue refresh took 2-7 s instead of 0.1 s. Turned off;
  Python's generational collection still runs on its own thresholds.
- `anonymous_turn`: the sign-in screen's runs are bounded per client address
  (`limits.ANONYMOUS_RUNS`) and run one at a time, so a crowd of sockets re-running it cannot
  take the processor from staff.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from streamlit import config

from zoelife.security import limits

log = logging.getLogger(__name__)

_UPLOAD_PATH = re.compile(r"^/_stcore/upload_file/([^/]+)/[^/]+$")
# Bytes of uploaded files the server holds for one session, and for all of them.
SESSION_HELD_UPLOADS = 2
TOTAL_HELD_UPLOADS = 8  # both in multiples of server.maxUploadSize
DEVELOPER_MESSAGES = frozenset({"clear_cache", "load_git_info", "set_run_on_save"})
# At most one anonymous page run at a time; a run waits this long for its turn.
ANONYMOUS_WAIT_SECONDS = 2.0
# How long a refused anonymous run lasts (see anonymous_turn).
REFUSED_RUN_PAUSE = 1.0
_ANONYMOUS_SLOT = threading.BoundedSemaphore(1)

TOO_MANY_RUNS = ("Too many page loads from this address. Wait a few seconds, then reload the "
                 "page.")


def _max_upload_bytes() -> int:
    return int(config.get_option("server.maxUploadSize")) * 1024 * 1024


def _held_bytes(session_id: str) -> tuple[int, int]:
    """(bytes held for `session_id`, bytes held in all) by Streamlit's upload manager."""
    try:
        from streamlit.runtime import Runtime

        storage = Runtime.instance().uploaded_file_mgr.file_storage
        total = 0
        mine = 0
        for sid, files in list(storage.items()):
            size = sum(len(f.data) for f in list(files.values()))
            total += size
            if sid == session_id:
                mine = size
        return mine, total
    except Exception:  # noqa: BLE001 - another Streamlit's internals: the role gate still holds
        return 0, 0


def upload_refusal(session_id: str, declared: int | None) -> tuple[int, str] | None:
    """(status, message) when this upload is refused, else None."""
    if not limits.UPLOADERS.may_upload(session_id):
        return 403, "Sign in with an account that may import files to upload one."
    incoming = declared or 0
    mine, total = _held_bytes(session_id)
    cap = _max_upload_bytes()
    if mine + incoming > SESSION_HELD_UPLOADS * cap or total + incoming > TOTAL_HELD_UPLOADS * cap:
        return 413, "The server holds too many uploaded files right now. Try again shortly."
    return None


class UploadGate:
    """ASGI middleware: refuses uploads from sessions that may not upload (see module doc)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope.get("type") == "http" and scope.get("method") == "PUT":
            match = _UPLOAD_PATH.match(scope.get("path", ""))
            if match:
                declared = None
                for name, value in scope.get("headers") or ():
                    if name == b"content-length" and value.isdigit():
                        declared = int(value)
                refused = upload_refusal(match.group(1), declared)
                if refused is not None:
                    status, message = refused
                    log.info("upload refused: %s", status)
                    body = json.dumps({"message": message}).encode()
                    await send({"type": "http.response.start", "status": status,
                                "headers": [(b"content-type", b"application/json"),
                                            (b"content-length", str(len(body)).encode()),
                                            (b"connection", b"close")]})
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)


def record_session(user) -> None:
    """Record this Streamlit session's sign-in (or None) for the upload gate."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
    except Exception:  # noqa: BLE001
        return
    if ctx is None:
        return
    limits.UPLOADERS.record(ctx.session_id, getattr(user, "user_id", None),
                            getattr(user, "roles", frozenset()))


POST_RUN_GC_OPTION = "runner.postScriptGC"


def no_collection_after_each_run() -> None:
    """No full garbage collection after every page run (see the module doc), whatever the
    config says."""
    if config.get_option(POST_RUN_GC_OPTION):
        config.set_option(POST_RUN_GC_OPTION, False)


def ignore_developer_messages() -> None:
    """Drop DEVELOPER_MESSAGES from browsers unless the server runs in development mode."""
    try:
        from streamlit.runtime.app_session import AppSession
    except ImportError:  # another Streamlit: the shared engine survives clear_cache anyway
        return
    original = AppSession.handle_backmsg
    if getattr(original, "_zoelife_filtered", False):
        return

    def handle_backmsg(self, msg) -> None:
        kind = msg.WhichOneof("type")
        if kind in DEVELOPER_MESSAGES and not config.get_option("global.developmentMode"):
            log.info("ignored a %s message from a browser", kind)
            return
        original(self, msg)

    handle_backmsg._zoelife_filtered = True
    AppSession.handle_backmsg = handle_backmsg


BUSY = "The server is busy. Reload the page in a moment."


@contextmanager
def anonymous_turn(address: str | None) -> Iterator[str | None]:
    """None when this anonymous page run may go ahead (its address has runs left, and the one
    anonymous slot came free within ANONYMOUS_WAIT_SECONDS), else the sentence to show.
    `address`: `gate.client_address(forwarded=True)`; None (AppTest): no limit per address."""
    if address is not None and not limits.ANONYMOUS_RUNS.allow(address):
        yield TOO_MANY_RUNS
        # The refusal is drawn; the run ends only after a pause, so a socket re-running the
        # page gets one refusal a REFUSED_RUN_PAUSE at most (the wait holds no lock and no
        # processor). Without it a dozen sockets had 1,900 refused runs in 15 s served.
        time.sleep(REFUSED_RUN_PAUSE)
        return
    got = _ANONYMOUS_SLOT.acquire(timeout=ANONYMOUS_WAIT_SECONDS)
    try:
        yield None if got else BUSY
    finally:
        if got:
            _ANONYMOUS_SLOT.release()
