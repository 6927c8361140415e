"""Helpers for AppTest page tests: a signed-in user with given roles, in a fresh database."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from zoelife import audit
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.security import accounts, sessions
from zoelife.ui.gate import TOKEN_KEY

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"


def make_user(db_url: str, username: str, roles, *, password: str = PASSWORD) -> int:
    engine = make_engine(db_url)
    try:
        with write_session(engine) as session:
            user = accounts.create_user(session, username, password, set(roles),
                                        display_name=username.title(), actor=audit.SYSTEM)
            return user.id
    finally:
        engine.dispose()


def sign_in(at: AppTest, db_url: str, roles=("front_desk",), username: str | None = None) -> int:
    """Create (or reuse) a user with `roles`, start a session and put its token in `at`."""
    engine = make_engine(db_url)
    username = username or "user_" + "_".join(sorted(roles))
    try:
        with write_session(engine) as session:
            user = accounts.find_by_username(session, username)
            if user is None:
                user = accounts.create_user(session, username, PASSWORD, set(roles),
                                            display_name=username.replace("_", " ").title(),
                                            actor=audit.SYSTEM)
            token = sessions.start(session, user)
            user_id = user.id
    finally:
        engine.dispose()
    at.session_state[TOKEN_KEY] = token
    return user_id


def page(path: str, timeout: float = 30) -> AppTest:
    return AppTest.from_file(str(ROOT / path), default_timeout=timeout)


def app(timeout: float = 30) -> AppTest:
    return AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=timeout)


def all_text(at: AppTest) -> str:
    """Everything a user would read on the page, for 'must not appear' checks."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "text", "title", "header", "subheader", "info",
                 "warning", "error", "success", "code", "metric", "json", "exception", "toast"):
        for el in at.get(kind):
            for attr in ("value", "body", "label"):
                val = getattr(el, attr, None)
                if isinstance(val, str):
                    parts.append(val)
    for link in at.get("page_link"):  # the worklist's names are links to their requests
        parts.append(link.proto.label)
    for kind in ("dataframe", "arrow_data_frame", "table", "arrow_table"):
        for df in at.get(kind):
            parts.append(df.value.to_csv(index=False))
    for chart in at.get("arrow_vega_lite_chart") + at.get("vega_lite_chart"):
        parts.append(str(getattr(chart, "proto", "")))
    return "\n".join(parts)


def read_db(db_url: str, fn):
    """`fn(session)` in a read session on the database at `db_url` (what the database holds
    after a page run)."""
    engine = make_engine(db_url)
    try:
        with read_session(engine) as session:
            return fn(session)
    finally:
        engine.dispose()
