"""Finding #2 (HIGH): exports were served at URLs that need no sign-in.

"Prepare requests export" put every patient's details at `/media/<hash>.csv` (Streamlit's
media store), and a cookieless GET returned them, still after the sign-in lapsed; the same for
the quarantine and audit downloads. Now every such file comes from the app's own server
(`zoelife.security.downloads`), which checks the sign-in cookie and the role, answers 401/403
otherwise, sends `no-store` and `attachment`, and audits each download. Driven against a live
`streamlit run` with httpx, as an attacker's script would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from tests.apptest import page, sign_in
from tests.clock import live_server_now
from tests.security.attacks.live_b import live_server, signed_in_cookie, staff
from zoelife import audit
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import AuditEvent, SignInSession
from zoelife.ingest.importer import import_requests
from zoelife.security import accounts, sessions
from zoelife.security.downloads import AUDIT_PATH, QUARANTINE_PATH, REQUESTS_PATH

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("live_b_downloads")]

FIXTURE = Path(__file__).resolve().parents[2] / "ingest" / "fixtures" / "gravity_forms.csv"
PATIENT_DATA = ("Diaz", "ana.diaz@example.com", "201-3344", "Bob", "killing myself")
ALL_PATHS = (REQUESTS_PATH, QUARANTINE_PATH, AUDIT_PATH)


@pytest.fixture(scope="module")
def server(tmp_path_factory, sqlite_template):
    with live_server(tmp_path_factory.mktemp("downloads"), sqlite_template) as (srv, engine):
        staff(engine, "desk", {"front_desk"})
        staff(engine, "it.admin", {"admin"})
        staff(engine, "boss", {"manager"})
        # Three requests and one quarantined row (the urgent one without usable contact is
        # both), with patient data.
        import_requests(engine, FIXTURE.read_bytes(), name="entries.csv", actor=audit.SYSTEM)
        yield srv.base, engine


def _no_patient_data(resp: httpx.Response) -> None:
    for value in PATIENT_DATA:
        assert value not in resp.text


@pytest.mark.parametrize("path", ALL_PATHS)
def test_a_cookieless_get_is_refused_without_data(server, path):
    base, _ = server
    resp = httpx.get(base + path)
    assert resp.status_code == 401
    assert resp.headers["cache-control"] == "no-store"
    assert "content-disposition" not in resp.headers
    _no_patient_data(resp)


@pytest.mark.parametrize("path", ALL_PATHS)
def test_a_made_up_cookie_is_refused(server, path):
    base, _ = server
    resp = httpx.get(base + path, cookies={"zoelife_session": "guessed-token"})
    assert resp.status_code == 401
    _no_patient_data(resp)


def test_a_lapsed_sign_in_is_refused(server):
    base, engine = server
    cookie = signed_in_cookie(engine, "desk")
    assert httpx.get(base + REQUESTS_PATH, cookies=cookie).status_code == 200
    # The tab was left open: the last activity is now past the idle limit (30 minutes).
    with write_session(engine) as s:
        s.execute(update(SignInSession).where(SignInSession.ended_at.is_(None))
                  .values(last_activity_at=live_server_now() - dt.timedelta(hours=2)))
    resp = httpx.get(base + REQUESTS_PATH, cookies=cookie)
    assert resp.status_code == 401
    _no_patient_data(resp)


def test_an_ended_sign_in_is_refused(server):
    base, engine = server
    cookie = signed_in_cookie(engine, "desk")
    with write_session(engine) as s:
        sessions.end(s, cookie["zoelife_session"])
    for path in (REQUESTS_PATH, QUARANTINE_PATH):
        resp = httpx.get(base + path, cookies=cookie)
        assert resp.status_code == 401
        _no_patient_data(resp)


def test_a_disabled_account_is_refused(server):
    base, engine = server
    staff(engine, "leaver", {"front_desk"})
    cookie = signed_in_cookie(engine, "leaver")
    with write_session(engine) as s:
        # Disabled from another sign-in's screen; this cookie's row is still open.
        user = accounts.find_by_username(s, "leaver")
        user.is_active = False
    resp = httpx.get(base + REQUESTS_PATH, cookies=cookie)
    assert resp.status_code == 401
    _no_patient_data(resp)


@pytest.mark.parametrize(("username", "path"), [
    ("boss", REQUESTS_PATH), ("boss", QUARANTINE_PATH), ("boss", AUDIT_PATH),
    # Finding #18: an admin is IT and exports no patient data.
    ("it.admin", REQUESTS_PATH), ("it.admin", QUARANTINE_PATH),
    ("desk", AUDIT_PATH),
])
def test_the_wrong_role_is_refused(server, username, path):
    base, engine = server
    resp = httpx.get(base + path, cookies=signed_in_cookie(engine, username))
    assert resp.status_code == 403
    assert resp.headers["cache-control"] == "no-store"
    _no_patient_data(resp)
    refused = _last_event(engine, "download.refused")
    assert refused.actor_label == username
    assert (refused.entity, refused.entity_id) == ("download", path.rsplit("/", 1)[-1])


def test_another_site_cannot_start_a_download(server):
    base, engine = server
    resp = httpx.get(base + REQUESTS_PATH, cookies=signed_in_cookie(engine, "desk"),
                     headers={"Sec-Fetch-Site": "cross-site"})
    assert resp.status_code == 403
    _no_patient_data(resp)


def _last_event(engine, action: str) -> AuditEvent:
    with read_session(engine) as s:
        return s.execute(select(AuditEvent).where(AuditEvent.action == action)
                         .order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()


@pytest.mark.parametrize(("path", "action", "rows", "name"), [
    (REQUESTS_PATH, "export.requests", 3, "requests.csv"),
    (QUARANTINE_PATH, "export.quarantine", 1, "quarantine.csv"),
])
def test_the_front_desk_downloads_and_it_is_audited(server, path, action, rows, name):
    base, engine = server
    resp = httpx.get(base + path, cookies=signed_in_cookie(engine, "desk"),
                     headers={"Sec-Fetch-Site": "same-origin"})
    assert resp.status_code == 200
    assert resp.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert resp.headers["cache-control"] == "no-store"
    assert resp.headers["content-type"].startswith("text/csv")
    assert "Diaz" in resp.text or "Bob" in resp.text
    event = _last_event(engine, action)
    assert event.actor_label == "desk" and event.changes == {"rows": rows}
    assert event.client_address == "127.0.0.1"


def test_the_admin_downloads_the_audit_log_with_its_filters(server):
    base, engine = server
    resp = httpx.get(base + AUDIT_PATH, cookies=signed_in_cookie(engine, "it.admin"),
                     params={"action": "import.requests"})
    assert resp.status_code == 200
    assert resp.headers["content-disposition"] == 'attachment; filename="zoelife-audit.csv"'
    assert resp.headers["cache-control"] == "no-store"
    lines = resp.text.strip().splitlines()
    assert len(lines) == 2 and "import.requests" in lines[1]
    event = _last_event(engine, "audit.export")
    assert event.actor_label == "it.admin" and event.changes == {"rows": 1, "format": "csv"}
    bad = httpx.get(base + AUDIT_PATH, cookies=signed_in_cookie(engine, "it.admin"),
                    params={"since": "yesterday"})
    assert bad.status_code == 400


@pytest.mark.parametrize(("path", "roles"), [("pages/import_requests.py", ("front_desk",)),
                                             ("pages/audit_log.py", ("admin",))])
def test_the_pages_hold_no_file_of_patient_data(app_db, path, roles):
    """No `st.download_button(data=...)`: its bytes would sit at an unauthenticated
    /media/ URL. The pages link to the routes above instead."""
    from tests.intake.helpers import make_request
    from zoelife.db.engine import make_engine

    engine = make_engine(app_db)
    make_request(engine, first_name="Pia", last_name="Secretpatient")
    engine.dispose()
    at = page(path)
    sign_in(at, app_db, roles=roles)
    at.run()
    for button in at.button:
        if button.label.startswith("Prepare"):
            button.click().run()
    assert not at.exception
    assert not at.get("download_button")
    assert all(b.proto.url.startswith("/download/") for b in at.get("link_button"))
    assert at.get("link_button")
    assert "Secretpatient" not in repr(at.session_state.to_dict())
    assert "Secretpatient" not in " ".join(b.proto.url for b in at.get("link_button"))
