"""A small OpenID Connect provider for browser tests of single sign-on (`st.login`).

It runs in the test process on a free 127.0.0.1 port (a threaded `http.server`) and speaks the
authorization-code flow the way Microsoft Entra ID, Google and Okta do, strictly enough that a
wrong client, redirect URI, PKCE verifier, reused code or bad token is refused:

- `/.well-known/openid-configuration` discovery document (issuer = the base URL, S256 PKCE,
  RS256 id tokens, an `end_session_endpoint` so `st.logout` performs RP-initiated logout);
- `/jwks` the public half of an RSA key generated per provider;
- `GET /authorize` a sign-in page with an "Email address" field: the test types the identity, as
  a person would at the provider (an empty field means the provider sends no `email` claim);
  `POST /authorize` approves it and redirects to `redirect_uri?code=…&state=…`;
- `/token` checks the client secret (basic or post), the code (one use, 60 s), the redirect URI
  and the PKCE verifier, then returns an access token and an RS256 id token with iss, aud, sub,
  email, email_verified, name, nonce, iat, exp and at_hash;
- `/userinfo` the same claims for a bearer access token;
- `/logout` records the RP-initiated logout and returns to `post_logout_redirect_uri`.

Every request is recorded in `events` (endpoint and a few non-secret details) for assertions.
Nothing here is meant for production: it approves whatever identity is typed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.clock import live_server_now
from tests.scale.pgcluster import free_port

CODE_LIFETIME_S = 60
TOKEN_LIFETIME_S = 3600


@dataclass
class _Grant:
    email: str | None
    name: str | None
    nonce: str | None
    redirect_uri: str
    code_challenge: str | None
    code_challenge_method: str | None
    issued: float


@dataclass
class MockOIDCProvider:
    client_id: str
    client_secret: str
    redirect_uris: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)  # email -> display name claim
    events: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"},
                                        private=True)
        self._key.ensure_kid()
        self._codes: dict[str, _Grant] = {}
        self._access: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.issuer = ""

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> MockOIDCProvider:
        provider = self

        class Handler(_Handler):
            oidc = provider

        # Any free port, or one of ZOELIFE_TEST_PORTS where tests may bind only those.
        port = free_port() if os.environ.get("ZOELIFE_TEST_PORTS") else 0
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="mock-oidc")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> MockOIDCProvider:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def count(self, endpoint: str) -> int:
        with self._lock:
            return sum(1 for e in self.events if e["endpoint"] == endpoint)

    def last(self, endpoint: str) -> dict | None:
        with self._lock:
            found = [e for e in self.events if e["endpoint"] == endpoint]
        return found[-1] if found else None

    # ------------------------------------------------------------------ protocol

    def metadata(self) -> dict:
        i = self.issuer
        return {
            "issuer": i,
            "authorization_endpoint": f"{i}/authorize",
            "token_endpoint": f"{i}/token",
            "userinfo_endpoint": f"{i}/userinfo",
            "jwks_uri": f"{i}/jwks",
            "end_session_endpoint": f"{i}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                      "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["iss", "aud", "sub", "email", "email_verified", "name",
                                 "nonce", "iat", "exp"],
        }

    def jwks(self) -> dict:
        return {"keys": [self._key.as_dict(private=False)]}

    def _record(self, endpoint: str, **details) -> None:
        with self._lock:
            self.events.append({"endpoint": endpoint, **details})

    def _claims(self, grant: _Grant) -> dict:
        claims: dict = {"sub": "mock-" + hashlib.sha256(
            (grant.email or "no-email").encode()).hexdigest()[:16]}
        if grant.email:
            claims["email"] = grant.email
            claims["email_verified"] = True
        if grant.name:
            claims["name"] = grant.name
        return claims

    def issue_code(self, params: dict[str, str], email: str | None) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Grant(
                email=email, name=self.names.get(email or ""), nonce=params.get("nonce"),
                redirect_uri=params["redirect_uri"],
                code_challenge=params.get("code_challenge"),
                code_challenge_method=params.get("code_challenge_method"),
                issued=live_server_now().timestamp())
        return code

    def exchange(self, form: dict[str, str], basic: tuple[str, str] | None) -> tuple[int, dict]:
        client_id, client_secret = basic or (form.get("client_id"), form.get("client_secret"))
        if client_id != self.client_id or client_secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # one use
        if grant is None or live_server_now().timestamp() - grant.issued > CODE_LIFETIME_S:
            return 400, {"error": "invalid_grant", "error_description": "unknown code"}
        if form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        if grant.code_challenge:
            verifier = form.get("code_verifier") or ""
            computed = _b64(hashlib.sha256(verifier.encode()).digest())
            if grant.code_challenge_method != "S256" or computed != grant.code_challenge:
                return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(live_server_now().timestamp())
        access_token = secrets.token_urlsafe(32)
        claims = self._claims(grant)
        id_claims = {**claims, "iss": self.issuer, "aud": self.client_id, "iat": now,
                     "exp": now + TOKEN_LIFETIME_S,
                     "at_hash": _b64(hashlib.sha256(access_token.encode()).digest()[:16])}
        if grant.nonce:
            id_claims["nonce"] = grant.nonce
        id_token = jwt.encode({"alg": "RS256", "kid": self._key.kid}, id_claims, self._key)
        with self._lock:
            self._access[access_token] = claims
        return 200, {"access_token": access_token, "token_type": "Bearer",
                     "expires_in": TOKEN_LIFETIME_S, "scope": "openid email profile",
                     "id_token": id_token}

    def userinfo(self, access_token: str | None) -> dict | None:
        with self._lock:
            return self._access.get(access_token or "")

    def check_authorize(self, params: dict[str, str]) -> str | None:
        """An error text for a bad authorization request, or None."""
        if params.get("response_type") != "code":
            return "unsupported response_type"
        if params.get("client_id") != self.client_id:
            return "unknown client_id"
        if params.get("redirect_uri") not in self.redirect_uris:
            return "redirect_uri is not registered for this client"
        if "openid" not in (params.get("scope") or "").split():
            return "scope must include openid"
        if not params.get("state"):
            return "state is required"
        return None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mock identity provider</title></head>
<body><h1>Mock identity provider</h1>
<form method="post" action="/authorize">
{hidden}
<label for="email">Email address</label>
<input id="email" name="email" type="text" autocomplete="off">
<button type="submit">Continue</button>
</form></body></html>"""

_FORWARDED = ("client_id", "redirect_uri", "state", "nonce", "code_challenge",
              "code_challenge_method", "scope", "response_type")


class _Handler(BaseHTTPRequestHandler):
    oidc: MockOIDCProvider

    def log_message(self, *args) -> None:  # quiet: pytest shows failures, not access logs
        return

    # ------------------------------------------------------------------ plumbing

    def _send(self, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _text(self, status: int, text: str) -> None:
        self._send(status, text.encode(), "text/plain; charset=utf-8")

    def _redirect(self, url: str) -> None:
        self._send(302, b"", "text/plain", {"Location": url})

    def _query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    def _basic(self) -> tuple[str, str] | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        from urllib.parse import unquote

        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return unquote(user), unquote(password)

    # ------------------------------------------------------------------ routes

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        p = self.oidc
        path = urlsplit(self.path).path
        if path == "/.well-known/openid-configuration":
            p._record("metadata")
            self._json(200, p.metadata())
        elif path == "/jwks":
            p._record("jwks")
            self._json(200, p.jwks())
        elif path == "/authorize":
            params = self._query()
            error = p.check_authorize(params)
            p._record("authorize", ok=error is None, prompt=params.get("prompt"),
                      pkce=params.get("code_challenge_method"))
            if error:
                self._text(400, error)
                return
            hidden = "\n".join(
                f'<input type="hidden" name="{k}" value="{html.escape(params[k], quote=True)}">'
                for k in _FORWARDED if k in params)
            self._send(200, _PAGE.format(hidden=hidden).encode(), "text/html; charset=utf-8")
        elif path == "/userinfo":
            header = self.headers.get("Authorization", "")
            claims = p.userinfo(header[7:] if header.startswith("Bearer ") else None)
            p._record("userinfo", ok=claims is not None)
            if claims is None:
                self._json(401, {"error": "invalid_token"})
            else:
                self._json(200, claims)
        elif path == "/logout":
            params = self._query()
            target = params.get("post_logout_redirect_uri")
            p._record("logout", client_id=params.get("client_id"),
                      id_token_hint=bool(params.get("id_token_hint")))
            if target and target in p.redirect_uris:
                self._redirect(target)
            else:
                self._text(200, "Signed out of the mock identity provider.")
        else:
            self._text(404, "not found")

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        p = self.oidc
        path = urlsplit(self.path).path
        if path == "/authorize":
            form = self._form()
            error = p.check_authorize(form)
            if error:
                p._record("approve", ok=False)
                self._text(400, error)
                return
            email = (form.get("email") or "").strip() or None
            code = p.issue_code(form, email)
            p._record("approve", ok=True, email=email)
            self._redirect(form["redirect_uri"] + "?" + urlencode(
                {"code": code, "state": form["state"]}))
        elif path == "/token":
            status, body = p.exchange(self._form(), self._basic())
            p._record("token", status=status, error=body.get("error"))
            self._json(status, body)
        else:
            self._text(404, "not found")
