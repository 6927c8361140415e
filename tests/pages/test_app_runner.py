"""The entry script's page runner (zoelife.ui.app.run) through AppTest: a page's own URL opened
signed out, where signing in there lands, and a database that cannot be used.

AppTest turns Streamlit's legacy `pages/` mode back on before each run (a real server never sees
it: zoelife.ui.app.ignore_pages_directory), and in that mode a page whose URL is its file name
runs on its own, without streamlit_app.py. So these tests open pages whose URL differs from the
file name (/settings, /audit, /new, /import), which only the app's navigation knows.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.apptest import PASSWORD, all_text, app, make_user, page, read_db, sign_in
from tests.clock import FIXED_NOW
from zoelife.db.engine import DatabaseUnavailable, make_engine, write_session
from zoelife.intake.inputs import RequestInput
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import receive
from zoelife.ui.db import RETRY_LABEL

# Pages read the same fixed clock the seeds use (tests/clock.py).
pytestmark = pytest.mark.usefixtures("clock")

SECRET_NAME = "Quillonmarsh"
BASE = "http://localhost:8501"
READ_ONLY_MESSAGE = ("The database is read-only, so nothing was saved. Ask an administrator to "
                     "check the database file's permissions and the disk it is on.")


@pytest.fixture
def clinic(app_db):
    make_user(app_db, "ada", {"admin"})
    make_user(app_db, "dana", {"front_desk"})
    engine = make_engine(app_db)
    with write_session(engine) as session:
        receive(session, RequestInput(
            source="test-form", external_id="runner-1",
            received_at=FIXED_NOW - dt.timedelta(hours=1),
            first_name="Wenda", last_name=SECRET_NAME, phone="617-555-0142",
            message="Interested in TMS", treatment_codes=("tms",)),
            schedule=Schedule.load(session))
    engine.dispose()
    return app_db


def opened_signed_out(page_path: str, url_path: str):
    """The app at BASE/url_path in a fresh session, as a browser opening that URL."""
    at = app()
    at.context = {"url": f"{BASE}/{url_path}"}
    at.run()
    # Signed out, every page is registered (hidden) and its own gate shows the sign-in. When
    # only the sign-in page was, this raised here, and a real server said "Page not found".
    at.switch_page(page_path).run()
    return at


def sign_in_on_screen(at, username: str):
    [w for w in at.text_input if w.label == "User name"][0].input(username)
    [w for w in at.text_input if w.label == "Password"][0].input(PASSWORD)
    [b for b in at.button if b.label == "Sign in"][0].click()
    return at.run()


def cookie_requests(at) -> int:
    """How many times the page asks /auth/cookie for the sign-in cookie (its grant script)."""
    return sum('fetch("/auth/cookie?grant=' in el.proto.body for el in at.get("html"))


@pytest.mark.parametrize(("page_path", "url_path"), [
    ("pages/clinic_settings.py", "settings"), ("pages/audit_log.py", "audit"),
    ("pages/new_request.py", "new"), ("pages/import_requests.py", "import")])
def test_signed_out_a_page_url_shows_only_the_sign_in(clinic, page_path, url_path):
    at = opened_signed_out(page_path, url_path)
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert [w.label for w in at.text_input] == ["User name", "Password"]
    assert not at.sidebar.button and not at.dataframe
    assert SECRET_NAME not in all_text(at)


def test_signing_in_on_a_page_url_lands_on_that_page(clinic):
    at = opened_signed_out("pages/clinic_settings.py", "settings")
    at = sign_in_on_screen(at, "ada")
    assert not at.exception
    assert [t.value for t in at.title] == ["Settings"]
    assert "Signed in as Ada" in [c.value for c in at.sidebar.caption]
    # The cookie is asked for once, in the background: the page stays where it is.
    assert cookie_requests(at) == 1


def test_signing_in_on_a_page_the_role_may_not_open_lands_on_the_roles_start(clinic):
    at = opened_signed_out("pages/clinic_settings.py", "settings")
    at = sign_in_on_screen(at, "dana")
    assert not at.exception
    assert [t.value for t in at.title] == ["Queue: 1 overdue"]  # the seeded request
    assert SECRET_NAME in all_text(at)  # the queue itself, not a refusal
    assert not [e for e in at.error if "not available to your account" in e.value]
    assert cookie_requests(at) == 1


# --------------------------------------------------------------------------- database faults


def no_trace_of_the_fault(at) -> None:
    """Must not happen: an exception element, SQL, or the patient in the error's parameters."""
    assert not at.exception
    text = all_text(at)
    assert "SELECT" not in text and "Traceback" not in text and SECRET_NAME not in text


def shows_the_fault(at, message: str) -> None:
    assert [e.value for e in at.error] == [message]
    assert [b.label for b in at.button if b.label == RETRY_LABEL] == [RETRY_LABEL]
    no_trace_of_the_fault(at)


def test_a_page_whose_read_fails_shows_the_message_and_can_try_again(clinic, monkeypatch):
    from zoelife.intake import queue

    lost = DatabaseUnavailable(
        "The connection to the database was lost (it may be restarting), so nothing was saved. "
        "Try again in a moment.", reason="connection_lost", retryable=True)
    real_queue_page = queue.queue_page

    def unavailable(*args, **kwargs):
        raise lost

    monkeypatch.setattr(queue, "queue_page", unavailable)
    at = app()
    sign_in(at, clinic, roles=("front_desk",), username="dana")
    at.run()
    shows_the_fault(at, str(lost))
    assert [t.value for t in at.title] == ["Queue: 1 overdue"] and not at.dataframe
    assert [b.label for b in at.sidebar.button] == ["Sign out"]  # still there

    monkeypatch.setattr(queue, "queue_page", real_queue_page)  # the database is back
    [b for b in at.button if b.label == RETRY_LABEL][0].click()
    at.run()
    assert not at.exception and not at.error
    assert SECRET_NAME in all_text(at)


def _vanished_reads(monkeypatch) -> None:
    """Every page read fails the way a vanished database file does: SQLite's own error, with
    the statement and its parameters (a patient's name) attached, as SQLAlchemy raises it."""
    import sqlite3
    from contextlib import contextmanager

    from sqlalchemy.exc import OperationalError

    from zoelife.ui import components
    from zoelife.ui import db as ui_db

    @contextmanager
    def reading():
        raise OperationalError("SELECT * FROM requests WHERE last_name = ?", (SECRET_NAME,),
                               sqlite3.OperationalError("unable to open database file"))
        yield  # pragma: no cover

    monkeypatch.setattr(ui_db, "reading", reading)
    monkeypatch.setattr(components, "reading", reading)


CANNOT_OPEN = ("The database file could not be opened, so nothing was saved. Ask an "
               "administrator to check the database file and its folder.")


@pytest.mark.parametrize(("role", "page_path"), [
    ("admin", "pages/clinic_settings.py"), ("admin", "pages/audit_log.py"),
    ("front_desk", "pages/new_request.py"), ("front_desk", "pages/import_requests.py")])
def test_every_page_shows_a_database_fault_as_a_message(clinic, monkeypatch, role, page_path):
    at = app()
    sign_in(at, clinic, roles=(role,), username="ada" if role == "admin" else "dana")
    at.run()
    _vanished_reads(monkeypatch)
    at.switch_page(page_path).run()
    shows_the_fault(at, CANNOT_OPEN)


def test_a_read_only_database_still_lets_staff_read(clinic, monkeypatch):
    # A real read-only file (opened with mode=ro: root ignores file permissions). Reading a
    # page writes when the sign-in's last activity is due (at most once a minute): that write
    # fails, and the page reads all the same; a write the page is asked for shows the fault.
    from sqlalchemy import select

    from zoelife.db.models import SignInSession

    at = app()
    sign_in(at, clinic, roles=("front_desk",), username="dana")
    engine = make_engine(clinic)
    with write_session(engine) as s:
        for row in s.execute(select(SignInSession)).scalars():
            row.last_activity_at -= dt.timedelta(minutes=2)
    engine.dispose()
    before = read_db(clinic, lambda s: s.execute(select(SignInSession.last_activity_at)).all())
    path = clinic.removeprefix("sqlite:///")
    monkeypatch.setenv("ZOELIFE_DATABASE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    at.run()
    assert not at.error and not at.exception
    assert SECRET_NAME in all_text(at)  # the queue, read from the read-only file
    assert read_db(clinic, lambda s: s.execute(
        select(SignInSession.last_activity_at)).all()) == before
    at.switch_page("pages/new_request.py").run()
    [w for w in at.text_input if w.label.startswith("Phone")][0].input("617-555-0199")
    [w for w in at.text_input if w.label.startswith("First name")][0].input("Rowan")
    [m for m in at.multiselect if m.label == "Treatment interests"][0].set_value(["tms"])
    [b for b in at.button if b.label.startswith("Save")][0].click().run()
    assert READ_ONLY_MESSAGE in [e.value for e in at.error]
    no_trace_of_the_fault(at)


def test_a_missing_database_is_a_message_even_signed_out(clinic, tmp_path, monkeypatch):
    # mode=rw: SQLite opens the file without creating it, as it finds it gone.
    gone = tmp_path / "gone" / "zoelife.db"
    monkeypatch.setenv("ZOELIFE_DATABASE_URL", f"sqlite:///file:{gone}?mode=rw&uri=true")
    at = app().run()
    shows_the_fault(at, CANNOT_OPEN)
    assert not at.text_input


def test_a_missing_database_folder_is_a_message_never_a_new_clinic(tmp_path, monkeypatch):
    folder = tmp_path / "not-mounted"
    monkeypatch.setenv("ZOELIFE_DATABASE_URL", f"sqlite:///{folder / 'zoelife.db'}")
    at = app().run()
    shows_the_fault(at, "The database's folder does not exist, so no clinic was opened (is "
                        "its disk mounted?). Nothing was saved. For a new clinic, an "
                        "administrator runs `zoelife db upgrade` (or `make run`), which "
                        "creates it.")
    assert not at.text_input  # no first-run screen for an empty clinic
    assert not folder.exists()


def test_the_queue_watch_shows_its_own_fault_and_the_table_stays(clinic, monkeypatch):
    # The queue's automatic refresh (a fragment: its timed runs are outside the page's handler)
    # has its own; in a full run the page around it carries on.
    from zoelife.intake import queue

    busy = DatabaseUnavailable("The database stayed busy with other work for too long, so "
                               "nothing was saved. Try again.", reason="busy", retryable=True)

    def unavailable(*args, **kwargs):
        raise busy

    monkeypatch.setattr(queue, "latest_request_id", unavailable)
    at = page("pages/queue.py")
    sign_in(at, clinic, roles=("front_desk",), username="dana")
    at.run()
    assert [e.value for e in at.error] == [str(busy)]
    assert [b.key for b in at.button if b.label == RETRY_LABEL] == ["queue_watch_retry"]
    assert SECRET_NAME in all_text(at)  # the table is there
    assert not at.exception
