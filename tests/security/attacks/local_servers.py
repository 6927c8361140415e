"""Small local servers the attack tests aim at (loopback only, ephemeral ports)."""

from __future__ import annotations

import http.server
import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def local_http(handle: Callable[[http.server.BaseHTTPRequestHandler], None],
               host: str = "127.0.0.1") -> Iterator[tuple[str, list[str]]]:
    """Serve `handle(request_handler)` for every GET on `host`; yields (base URL, paths seen)."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            seen.append(self.path)
            handle(self)

        def log_message(self, *args):  # quiet
            pass

    server = _Server((host, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def reply(status: int, body: bytes = b"", headers: dict[str, str] | None = None,
          reason: str | None = None):
    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(status, reason)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
    return handle


LIVE_PORTS = range(8610, 8620)  # the ports this branch's live-server tests may use


def live_port() -> int:
    """A free port among LIVE_PORTS."""
    import socket

    for port in LIVE_PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8610-8619")
