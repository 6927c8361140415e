"""Database access for pages: one engine per process, upgraded once at start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from zoelife.db import engine as db_engine
from zoelife.db import migrate


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    # Holds no patient data: the engine is a connection pool shared by every session.
    engine = db_engine.make_engine(url)
    migrate.upgrade(engine)
    return engine


def get_engine() -> Engine:
    return _engine_for(db_engine.database_url())


@contextmanager
def reading() -> Iterator[Session]:
    with db_engine.read_session(get_engine()) as session:
        yield session


@contextmanager
def writing() -> Iterator[Session]:
    with db_engine.write_session(get_engine()) as session:
        yield session
