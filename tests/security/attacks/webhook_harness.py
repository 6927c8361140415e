"""The webhook routes in-process (Starlette's test client) on a fresh SQLite database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.clock import FIXED_NOW
from zoelife.db.engine import make_engine, read_session
from zoelife.db.models import QuarantinedRow, Request
from zoelife.ingest.webhook import auth, routes

SECRET = "global-hmac-secret-1c9e"
TOKEN = "global-static-token-7d2f"
GRAVITY_TOKEN = "gravity-own-token-51ab"


@contextmanager
def client(db_url: str, monkeypatch, **env: str) -> Iterator[TestClient]:
    monkeypatch.setenv("ZOELIFE_DATABASE_URL", db_url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with TestClient(Starlette(routes=routes.routes())) as c:
        yield c


def post_signed(c: TestClient, path: str, payload: dict, secret: str = SECRET,
                timestamp: int | None = None):
    body = json.dumps(payload).encode()
    # Tests run under the `clock` fixture, which starts at FIXED_NOW.
    stamp = int(FIXED_NOW.timestamp()) if timestamp is None else timestamp
    headers = {"Content-Type": "application/json"} | auth.sign_request(secret, path, body,
                                                                          stamp)
    return c.post(path, content=body, headers=headers), body, headers


def requests(db_url: str, **where) -> list[Request]:
    engine = make_engine(db_url)
    try:
        with read_session(engine) as s:
            query = select(Request).order_by(Request.id)
            for name, value in where.items():
                query = query.where(getattr(Request, name) == value)
            return list(s.execute(query).scalars())
    finally:
        engine.dispose()


def quarantined(db_url: str) -> list[QuarantinedRow]:
    engine = make_engine(db_url)
    try:
        with read_session(engine) as s:
            return list(s.execute(select(QuarantinedRow).order_by(QuarantinedRow.id)).scalars())
    finally:
        engine.dispose()
