"""Security headers on every HTTP response of the app's own server: Streamlit's page, its static
files and health checks, and our routes (`/api/intake`, `/auth/*`).

- `X-Frame-Options: DENY` and `Content-Security-Policy: frame-ancestors 'none'`: no other site
  can frame the app to trick staff into clicks (clickjacking);
- `X-Content-Type-Options: nosniff`: a browser never runs a response as another type than sent;
- `Referrer-Policy: no-referrer`: leaving the app (a link in a form's landing page) never tells
  the other site which app URL the user came from.

A pure ASGI middleware (given to `st.App(middleware=...)`, which wraps Streamlit's own stack), so
streamed responses pass through untouched and WebSocket traffic is left alone. The policy is only
`frame-ancestors`: a fuller CSP would have to allow Streamlit's own inline styles and scripts.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
FRAME_ANCESTORS = "frame-ancestors 'none'"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                policy = headers.get("Content-Security-Policy")
                if not policy:
                    headers["Content-Security-Policy"] = FRAME_ANCESTORS
                elif "frame-ancestors" not in policy:
                    headers["Content-Security-Policy"] = f"{policy}; {FRAME_ANCESTORS}"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def middleware() -> list[Middleware]:
    return [Middleware(SecurityHeaders)]
