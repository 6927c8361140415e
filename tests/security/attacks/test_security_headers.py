"""Finding #10 (b): the app's server sent no framing, sniffing or referrer policy, so another
site could frame the app (clickjacking) and the app's URLs leaked as referrers. Every HTTP
response now carries X-Frame-Options DENY, CSP frame-ancestors 'none', nosniff and
no-referrer: Streamlit's page, its static files and health check, and our own routes.
Checked against a real `streamlit run` (the middleware is wired through st.App)."""

from __future__ import annotations

import re
import shutil

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.scale.liveserver import LiveServer
from tests.security.attacks.local_servers import live_port
from zoelife.security.headers import SecurityHeaders, middleware

EXPECTED = {
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def _assert_headers(response: httpx.Response) -> None:
    got = {k: response.headers.get(k) for k in EXPECTED}
    assert got == EXPECTED, f"{response.request.method} {response.url}: {got}"


def test_middleware_keeps_an_existing_policy_and_adds_frame_ancestors():
    def page(_request):
        return PlainTextResponse("x", headers={"Content-Security-Policy": "default-src 'self'"})

    app = Starlette(routes=[Route("/", page)], middleware=middleware())
    response = TestClient(app).get("/")
    assert response.headers["content-security-policy"] == \
        "default-src 'self'; frame-ancestors 'none'"
    assert response.headers["x-frame-options"] == "DENY"
    assert SecurityHeaders  # the class st.App receives


@pytest.fixture(scope="module")
def live(tmp_path_factory, sqlite_template):
    folder = tmp_path_factory.mktemp("headers")
    db = folder / "zoelife.db"
    shutil.copy(sqlite_template, db)
    with LiveServer(f"sqlite:///{db}", port=live_port(), log_path=folder / "server.log") as srv:
        yield srv.base


@pytest.mark.slow
@pytest.mark.xdist_group("security_headers_live")
def test_every_kind_of_response_carries_the_headers(live):
    with httpx.Client(base_url=live, timeout=10) as client:
        page = client.get("/")
        assert page.status_code == 200
        _assert_headers(page)
        # A static file the page loads (Streamlit's own bundle).
        asset = re.search(r'(?:src|href)="\.?/?(static/[^"]+\.(?:js|css))"', page.text)
        assert asset, "no static asset referenced by the page"
        static = client.get("/" + asset.group(1))
        assert static.status_code == 200
        _assert_headers(static)
        _assert_headers(client.get("/_stcore/health"))
        _assert_headers(client.get("/queue"))  # a page URL
        # Our routes: the webhook (refused without a secret) and the sign-in routes.
        _assert_headers(client.post("/api/intake", content=b"{}"))
        _assert_headers(client.get("/auth/signout"))
        _assert_headers(client.get("/auth/cookie?grant=nothing"))
        _assert_headers(client.get("/no-such-file.js"))
