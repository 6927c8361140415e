"""Database access for pages: one engine per process, upgraded once at start; and how a page
shows a database that cannot be used (`faults_shown`)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from zoelife.db import engine as db_engine

log = logging.getLogger(__name__)

RETRY_LABEL = "Try again"


def get_engine() -> Engine:
    # The process's one engine (a connection pool, no patient data), shared with the webhook;
    # not in st.cache_resource, which a visitor's `clear_cache` message empties.
    return db_engine.shared_engine()


@contextmanager
def reading() -> Iterator[Session]:
    with db_engine.read_session(get_engine()) as session:
        yield session


@contextmanager
def writing() -> Iterator[Session]:
    with db_engine.write_session(get_engine()) as session:
        yield session


@contextmanager
def faults_shown(key: str = "database_retry") -> Iterator[None]:
    """Run page code; if the database cannot be used (read-only file, full disk, busy past the
    timeout, lost connection, file gone: `DatabaseUnavailable`, or the database error it stands
    for), stop there and show its message at the top of what the block drew, with a Try again
    button, instead of an exception: no SQL, no stack trace, no patient data (the message is one of
    `zoelife.db.engine`'s fixed sentences). Every other error, `st.stop` and `st.rerun` pass
    through unchanged. Writes were rolled back whole by `write_session`.

    Also a decorator (a fragment's automatic runs are outside its page's handler). `key` names
    the Try again button; give nested uses (a fragment inside a page) their own."""
    slot = st.empty()
    try:
        yield
    except Exception as exc:
        fault = db_engine.as_unavailable(exc)
        if fault is None:
            raise
        # The reason code only: the original error may quote SQL parameters (patient data).
        log.warning("database unavailable while drawing a page: %s", fault.reason)
        with slot.container():
            st.error(str(fault), icon=":material/database:")
            st.button(RETRY_LABEL, key=key, icon=":material/refresh:")
