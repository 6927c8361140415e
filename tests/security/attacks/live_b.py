"""A live `streamlit run` server with staff and requests, for attacks that need the real HTTP
routes (downloads, the sign-in cookie, sign-out). Signed-in staff are made the way the app makes
them: a server-side sign-in whose token the `zoelife_session` cookie carries."""

from __future__ import annotations

import datetime as dt
import shutil
from contextlib import contextmanager
from pathlib import Path

from tests.clock import live_server_now
from tests.scale.liveserver import LiveServer
from tests.scale.pgcluster import free_port
from zoelife import audit
from zoelife.db.engine import make_engine, write_session
from zoelife.security import accounts, sessions
from zoelife.security.web import COOKIE_NAME

PASSWORD = "correct horse battery staple"
@contextmanager
def live_server(folder: Path, sqlite_template: Path, env: dict | None = None):
    db = folder / "zoelife.db"
    shutil.copy(sqlite_template, db)
    url = f"sqlite:///{db}"
    server = LiveServer(url, port=free_port(), env=env, log_path=folder / "server.log")
    engine = make_engine(url)
    try:
        server.start()
        yield server, engine
    finally:
        server.stop()
        engine.dispose()


def staff(engine, username: str, roles) -> int:
    with write_session(engine) as s:
        user = accounts.find_by_username(s, username) or accounts.create_user(
            s, username, PASSWORD, set(roles), display_name=username.title(), actor=audit.SYSTEM)
        return user.id


def signed_in_cookie(engine, username: str, *, now: dt.datetime | None = None) -> dict[str, str]:
    """A live sign-in of `username`, as the cookie a browser would send."""
    with write_session(engine) as s:
        user = accounts.find_by_username(s, username)
        token = sessions.start(s, user, now=now or live_server_now())
    return {COOKIE_NAME: token}
