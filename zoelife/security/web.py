"""Sign-in routes served by the app's own server (through `st.App`, see zoelife.server).

A Streamlit page cannot set an HttpOnly cookie, so after a successful sign-in the page issues a
one-time, 60-second grant (`sessions.issue_grant`), sets a nonce cookie bound to that grant in
its own browser (`zoelife_grant_nonce`, Path=/auth/cookie, 60 s, SameSite=Strict) and asks
`GET /auth/cookie?grant=…` in the background (a fetch, not a navigation). This route redeems
the grant, presented with that nonce, for a cookie token of the same server-side sign-in and
answers 204 with `zoelife_session` (HttpOnly, SameSite=Lax, Path=/, Secure when the request
came over HTTPS). A reload or a new tab then reads the cookie through `st.context.cookies`.
The nonce means a grant works only in the browser that signed in: a leaked grant URL, or one
an attacker obtained for their own account and sent to a colleague (login CSRF), sets nothing.
A 204 answer leaves a browser that opens the URL itself where it was.

`POST /auth/signout` (same-origin only) ends the sign-in the cookie names and clears the
cookie; the page submits it after signing out. A GET, or a POST another site's page makes the
browser send, signs nobody out. Neither URL carries patient data or a sign-in token.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from zoelife import audit
from zoelife.db.engine import shared_engine, write_session
from zoelife.security import sessions

log = logging.getLogger(__name__)

COOKIE_NAME = "zoelife_session"
COOKIE_PATH = "/"
NONCE_COOKIE = "zoelife_grant_nonce"
NONCE_PATH = "/auth/cookie"
# Same-site paths only: no scheme, no host, no "//" (protocol-relative) and no backslash.
_SAFE_NEXT = re.compile(r"^/(?![/\\])[A-Za-z0-9\-._~/%?=&+]*$")


def safe_next(value: str | None) -> str:
    if value and len(value) <= 500 and _SAFE_NEXT.match(value):
        return value
    return "/"


def _is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def same_origin(request: Request) -> bool:
    """Sent by a page of this site (or by no browser at all). Browsers send Sec-Fetch-Site;
    older ones at least Origin on a POST; a request with neither came from no web page."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or ""
    return urlsplit(origin).netloc.lower() == host.split(",")[0].strip().lower()


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _engine():
    """The server process's one engine (`zoelife.db.engine.shared_engine`), shared with the
    pages and the webhook, so all of them take turns on one writer lock."""
    return shared_engine()


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def cookie_route(request: Request) -> Response:

    cookie_token = None
    if request.headers.get("sec-fetch-site", "same-origin") == "same-origin":
        with write_session(_engine()) as session:
            cookie_token = sessions.redeem_grant(session, request.query_params.get("grant"),
                                                 request.cookies.get(NONCE_COOKIE))
    response = _no_store(Response(status_code=204))
    response.delete_cookie(NONCE_COOKIE, path=NONCE_PATH, samesite="strict",
                           secure=_is_https(request))
    if cookie_token is None:
        # An expired or reused grant: the page still shows the sign-in, nothing more to say.
        return response
    response.set_cookie(COOKIE_NAME, cookie_token, httponly=True, samesite="lax",
                        secure=_is_https(request), path=COOKIE_PATH)
    return response


def signout_route(request: Request) -> Response:

    if not same_origin(request):
        # Another site's page cannot sign staff out (nor learn anything from trying).
        return PlainTextResponse("Sign out from Zoelife Intake itself.", status_code=403,
                                 headers={"Cache-Control": "no-store"})
    token = request.cookies.get(COOKIE_NAME)
    if token:
        with write_session(_engine()) as session:
            user = sessions.resolve(session, token, activity=False)
            if sessions.end(session, token) and user is not None:
                audit.record(session, audit.Actor(user.user_id, user.username, _client(request)),
                             "sign_out", "staff_user", user.user_id, {})
    response = _no_store(RedirectResponse(safe_next(request.query_params.get("next")),
                                          status_code=303))
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, httponly=True, samesite="lax",
                           secure=_is_https(request))
    return response


def routes() -> list[BaseRoute]:
    return [
        Route("/auth/cookie", cookie_route, methods=["GET"]),
        Route("/auth/signout", signout_route, methods=["POST"]),
    ]
