"""A minimal Streamlit websocket client: what a browser tab does, without the browser.

It speaks Streamlit's protocol (protobuf BackMsg / ForwardMsg over `/_stcore/stream`): it asks
for script runs (a page, a query string, widget values), reads what the run drew (alerts,
buttons, uploaders, texts) until the run finishes, uploads files through
`/_stcore/upload_file/<session>/<file>` with the double-submit XSRF token a browser would hold,
and sends any other message (`clear_cache`). A staff tab passes the app's sign-in cookie.
Used by the attack tests (tests/security/attacks) and bench/resilience.py: loopback only.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import httpx
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string
from websockets.sync.client import connect

COOKIE_NAME = "zoelife_session"


@dataclass
class Run:
    seconds: float
    finished: bool
    alerts: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    widgets: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> (kind, id)

    def shows(self, words: str) -> bool:
        return any(words in t for t in self.alerts + self.texts)


class StreamlitTab:
    def __init__(self, base: str, *, session_cookie: str | None = None,
                 timeout: float = 60) -> None:
        self.base = base
        self.timeout = timeout
        self.xsrf = generate_xsrf_token_string()
        self.cookies = {"_streamlit_xsrf": self.xsrf}
        if session_cookie:
            self.cookies[COOKIE_NAME] = session_cookie
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.ws = connect(base.replace("http://", "ws://") + "/_stcore/stream",
                          subprotocols=["streamlit", self.xsrf],
                          additional_headers={"Cookie": cookie, "Origin": base},
                          max_size=None, open_timeout=timeout,
                          # A frozen server shows as a slow run, not a dropped socket.
                          ping_interval=None)
        self.session_id: str | None = None

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001 - closing a socket the server already dropped
            pass

    def __enter__(self) -> StreamlitTab:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, msg: BackMsg) -> None:
        self.ws.send(msg.SerializeToString())

    def clear_cache(self) -> None:
        msg = BackMsg()
        msg.clear_cache = True
        self.send(msg)

    def run(self, page: str = "", *, query: str = "", widgets=(), wait: bool = True) -> Run:
        """One script run of `page` (its URL path, "" for the start page) with `widgets`
        (WidgetState protos); returns what it drew, or only sends when `wait` is False."""
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        for state in widgets:
            msg.rerun_script.widget_states.widgets.append(state)
        started = time.perf_counter()
        self.send(msg)
        if not wait:
            return Run(0.0, False)
        return self.read_run(started)

    def read_run(self, started: float | None = None) -> Run:
        started = started or time.perf_counter()
        run = Run(0.0, False)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                raw = self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
            if isinstance(raw, str):
                continue
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self.session_id = fwd.new_session.initialize.session_id or self.session_id
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self._collect(fwd.delta.new_element, run)
            elif kind == "script_finished":
                if fwd.script_finished in (ForwardMsg.FINISHED_SUCCESSFULLY,
                                           ForwardMsg.FINISHED_WITH_COMPILE_ERROR):
                    run.finished = True
                    break
        run.seconds = time.perf_counter() - started
        return run

    @staticmethod
    def _collect(element, run: Run) -> None:
        kind = element.WhichOneof("type")
        if kind == "alert":
            run.alerts.append(element.alert.body)
        elif kind in ("markdown", "heading", "text"):
            run.texts.append(getattr(element, kind).body)
        elif kind in ("button", "file_uploader", "text_input", "selectbox", "radio",
                      "date_input"):
            widget = getattr(element, kind)
            run.widgets[widget.label] = (kind, widget.id)

    def upload(self, file_name: str, data: bytes, *, timeout: float = 120) -> tuple[int, str]:
        """PUT a file to this session's upload endpoint: (status, file id)."""
        file_id = uuid.uuid4().hex
        url = f"{self.base}/_stcore/upload_file/{self.session_id}/{file_id}"
        response = httpx.put(url, files={"file": (file_name, data, "application/octet-stream")},
                             headers={"X-Xsrftoken": self.xsrf}, cookies=self.cookies,
                             timeout=timeout)
        return response.status_code, file_id


def uploaded_state(widget_id: str, file_id: str, name: str, size: int):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState(id=widget_id)
    info = state.file_uploader_state_value.uploaded_file_info.add()
    info.file_id, info.name, info.size = file_id, name, size
    return state


def clicked(widget_id: str):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    return WidgetState(id=widget_id, trigger_value=True)
