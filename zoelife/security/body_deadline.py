"""A time limit on reading every request body the app's own server receives.

Found in review: one byte of a declared 100 kB body, then silence, held a webhook connection
open for over a minute without signing in. The webhook got its own limit; then every other
route was found to hold a connection the same way: `/auth/*`, `/download/*` and Streamlit's own
pages answer at once without reading the body, but the server keeps the connection open for as
long as the rest of the declared body keeps trickling in (a byte a second held each one for
good). So, for every HTTP request, as ASGI middleware (`st.App(middleware=...)`):

- the whole body must arrive within READ_SECONDS of the request (UPLOAD_READ_SECONDS for
  Streamlit's file uploads, up to `server.maxUploadSize`); past it, 408 with `Connection:
  close`, and the route reading it sees the client gone;
- an answer given before its request's body has fully arrived carries `Connection: close`:
  the server closes the connection once the answer is sent, instead of reading the rest.

A request without a body is left alone (a download's streamed answer listens for the client
going away for as long as it lasts). Behind nginx (docs/deploy.md), `client_body_timeout`
and request buffering stop slow senders first; this is the app's own backstop.
"""

from __future__ import annotations

import asyncio
import json

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

READ_SECONDS = 10.0
# A 50 MB file at about 4 Mbit/s.
UPLOAD_READ_SECONDS = 120.0
UPLOAD_PREFIX = "/_stcore/upload_file/"


def has_body(scope: Scope) -> bool:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            return value.strip() not in (b"", b"0")
        if name == b"transfer-encoding":
            return True
    return False


class BodyDeadline:
    def __init__(self, app: ASGIApp, seconds: float = READ_SECONDS,
                 upload_seconds: float = UPLOAD_READ_SECONDS) -> None:
        self.app = app
        self.seconds = seconds
        self.upload_seconds = upload_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not has_body(scope):
            await self.app(scope, receive, send)
            return
        seconds = (self.upload_seconds if scope.get("path", "").startswith(UPLOAD_PREFIX)
                   else self.seconds)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        state = {"body_done": False, "started": False, "timed_out": False}

        async def limited_receive() -> Message:
            if state["timed_out"]:
                return {"type": "http.disconnect"}
            if state["body_done"]:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                state["timed_out"] = True
                if not state["started"]:
                    await _answer_408(send, seconds)
                return {"type": "http.disconnect"}
            if message["type"] == "http.request" and not message.get("more_body", False):
                state["body_done"] = True
            return message

        async def closing_send(message: Message) -> None:
            if state["timed_out"] and not state["started"]:
                return  # the 408 is the answer
            if message["type"] == "http.response.start":
                state["started"] = True
                if not state["body_done"]:
                    MutableHeaders(scope=message)["Connection"] = "close"
            await send(message)

        try:
            await self.app(scope, limited_receive, closing_send)
        except Exception:
            if state["timed_out"]:
                return  # the route saw the client gone (e.g. starlette's ClientDisconnect)
            raise


async def _answer_408(send: Send, seconds: float) -> None:
    body = json.dumps({"status": "error",
                       "message": f"the body did not arrive within {seconds:g} seconds"}).encode()
    await send({"type": "http.response.start", "status": 408,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
