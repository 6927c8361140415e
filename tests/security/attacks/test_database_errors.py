"""Finding #10 (c): a failing statement's exception text listed its bound values
(`[parameters: ('Quentin', 'Zyzzyva', …)]`), so a logged database error carried patient data.
Every engine is made with `hide_parameters=True`."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import exc, text

from zoelife.db.engine import make_engine, write_session

SECRET_NAME = "Quentin Zyzzyva"
SECRET_MESSAGE = "I keep thinking about killing myself"


def test_a_failing_insert_names_no_bound_value(engine, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(exc.DBAPIError) as err:
        with write_session(engine) as s:
            # NOT NULL columns missing: the database refuses the row.
            s.execute(text("INSERT INTO requests (first_name, message) VALUES (:n, :m)"),
                      {"n": SECRET_NAME, "m": SECRET_MESSAGE})
    shown = str(err.value) + repr(err.value) + caplog.text
    assert "INSERT INTO requests" in shown  # the statement is still there to debug
    assert SECRET_NAME not in shown and SECRET_MESSAGE not in shown
    assert "hidden due to hide_parameters" in str(err.value)


def test_every_engine_hides_parameters(sqlite_url):
    engine = make_engine(sqlite_url)
    try:
        assert engine.hide_parameters
    finally:
        engine.dispose()
