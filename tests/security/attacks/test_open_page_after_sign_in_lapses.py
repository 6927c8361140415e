"""Finding #4 (MEDIUM): open pages kept showing patient data after the sign-in lapsed.

With a 1-minute idle limit the request page still showed name, message and phone 95 s later
(only the queue re-checked); the same after the account was disabled. Now every signed-in page
carries a timer from the gate (`zoelife.ui.gate._watch_sign_in`, `st.fragment(run_every=...)`)
that re-checks the sign-in without counting as activity and, once it has lapsed, been ended or
the account disabled, reruns the page, whose gate shows the sign-in screen.

AppTest has no clock for `run_every`; `_timer_tick` replays what the browser does when the timer
fires: a rerun of the page's timed fragments alone."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select, update
from streamlit.runtime.scriptrunner import RerunData
from streamlit.testing.v1 import local_script_runner

from tests.apptest import make_user, page, read_db, sign_in
from tests.clock import FIXED_NOW
from tests.intake.helpers import make_request, page_text
from zoelife.db.engine import make_engine, write_session
from zoelife.db.models import SignInSession, StaffUser
from zoelife.intake.schedule import change_setting
from zoelife.security import accounts

NAME, PHONE, MESSAGE = "Rhea", "(212) 555-0177", "Wondering about ketamine for my depression"

pytestmark = pytest.mark.usefixtures("clock")


def _seed(db_url) -> int:
    make_user(db_url, "clinic.admin", ["admin"])
    engine = make_engine(db_url)
    rid = make_request(engine, received_at=FIXED_NOW - dt.timedelta(hours=1), first_name=NAME,
                       last_name="Lapsed", phone=PHONE, message=MESSAGE, now=FIXED_NOW)
    with write_session(engine) as s:
        change_setting(s, "idle_timeout_minutes", 1)
    engine.dispose()
    return rid


def _text(at) -> str:
    """What the person at the screen reads, headings and contact buttons included."""
    return "\n".join([page_text(at), *(h.value for h in at.subheader),
                      *(b.proto.label for b in at.get("link_button"))])


def _open_request_page(db_url, rid):
    at = page("pages/request.py")
    uid = sign_in(at, db_url, roles=("front_desk",), username="desk")
    at.query_params["id"] = str(rid)
    at.run()
    text = _text(at)
    assert NAME in text and MESSAGE in text and PHONE in text
    return at, uid


def _timer_tick(at, monkeypatch):
    """Rerun only the fragments the page asked to be rerun on a timer, as the browser does."""
    fragment_ids = list(at._fragment_storage._fragments)
    assert fragment_ids, "the page has no timer that re-checks the sign-in"

    def auto_rerun(**kwargs):
        return dataclasses.replace(RerunData(**kwargs), fragment_id_queue=fragment_ids,
                                   is_auto_rerun=True)

    with monkeypatch.context() as patched:
        patched.setattr(local_script_runner, "RerunData", auto_rerun)
        at.run()
    return at


def _shows_sign_in_only(at) -> None:
    text = _text(at)
    assert "Sign in" in [t.value for t in at.title]
    for value in (NAME, PHONE, MESSAGE, "Lapsed"):
        assert value not in text


def _last_activity(db_url, uid):
    return read_db(db_url, lambda s: s.execute(
        select(SignInSession.last_activity_at).where(SignInSession.user_id == uid)).scalar_one())


def test_the_timer_alone_does_not_keep_the_sign_in_alive(app_db, monkeypatch, clock):
    rid = _seed(app_db)
    at, uid = _open_request_page(app_db, rid)
    before = _last_activity(app_db, uid)
    clock.shift(dt.timedelta(seconds=30))
    _timer_tick(at, monkeypatch)
    # Within the idle limit the timer changes nothing on screen and does not extend the sign-in.
    assert "Sign in" not in [t.value for t in at.title]
    assert _last_activity(app_db, uid) == before
    assert NAME in _text(at.run())  # a real rerun still shows the request


def test_the_page_turns_to_sign_in_when_the_idle_limit_passes(app_db, monkeypatch, clock):
    rid = _seed(app_db)
    at, _ = _open_request_page(app_db, rid)
    # Nobody touches the tab; the timer fires every 15 s and, past the 1-minute limit, ...
    for _ in range(5):
        clock.shift(dt.timedelta(seconds=19))
        _timer_tick(at, monkeypatch)
    _shows_sign_in_only(at)


def test_the_page_turns_to_sign_in_when_the_account_is_disabled(app_db, monkeypatch):
    rid = _seed(app_db)
    at, uid = _open_request_page(app_db, rid)
    engine = make_engine(app_db)
    with write_session(engine) as s:
        accounts.set_active(s, s.get(StaffUser, uid), False, actor=None)
    engine.dispose()
    _timer_tick(at, monkeypatch)
    _shows_sign_in_only(at)


def test_the_page_turns_to_sign_in_when_the_sign_in_is_ended_elsewhere(app_db, monkeypatch):
    rid = _seed(app_db)
    at, uid = _open_request_page(app_db, rid)
    engine = make_engine(app_db)
    with write_session(engine) as s:
        s.execute(update(SignInSession).where(SignInSession.user_id == uid)
                  .values(ended_at=FIXED_NOW, end_reason="signed_out"))
    engine.dispose()
    _timer_tick(at, monkeypatch)
    _shows_sign_in_only(at)
    # A plain next run shows the same.
    at.run()
    _shows_sign_in_only(at)
