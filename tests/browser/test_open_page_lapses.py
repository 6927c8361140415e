"""Real-browser journeys for hardening-b's findings (attack tests in tests/security/attacks/):
an open request page turns into the sign-in screen by itself once the sign-in lapses or the
account is disabled (#4), and the Import page's export link downloads through the signed-in,
audited route (#2). Own server and `xdist_group`; conventions as in test_journeys.py."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from tests.browser.journey import (
    Clinic,
    no_exception,
    plant_request,
    sign_in,
)
from tests.clock import live_server_now
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.models import AuditEvent, SignInSession
from zoelife.intake.schedule import change_setting
from zoelife.security import accounts

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_hardening_b")]

CHECK_SECONDS = 2


CLINIC_STAFF = (("desk", {"front_desk"}, "Dana Desk"), ("temp", {"front_desk"}, "Tom Temp"),
                ("admin", {"admin"}, "Ada Admin"))
SERVER_ENV = {"ZOELIFE_SESSION_CHECK_SECONDS": str(CHECK_SECONDS)}


def seed_clinic(db_url: str) -> None:
    engine = make_engine(db_url)
    with write_session(engine) as s:
        change_setting(s, "idle_timeout_minutes", 1)
    engine.dispose()


def _open_request(clinic: Clinic, tab, username: str, display_name: str) -> int:
    # A person of each account's own, so the second is not a duplicate of the first.
    rid = plant_request(clinic, first="Rhea", last=f"Leftopen{display_name.split()[0]}",
                        message="Is ketamine something I could try?")
    sign_in(tab, clinic.base, username, display_name, path=f"request?id={rid}")
    expect(tab.get_by_text(f"Rhea Leftopen{display_name.split()[0]}")).to_be_visible()
    expect(tab.get_by_text("Is ketamine something I could try?")).to_be_visible()
    return rid


def _turns_to_sign_in(tab) -> None:
    # Nobody touches the page: its timer notices within a few checks.
    expect(tab.get_by_role("heading", name="Sign in")).to_be_visible(timeout=20_000)
    expect(tab.get_by_text("Rhea Leftopen")).to_have_count(0)  # either person
    expect(tab.get_by_text("Is ketamine something I could try?")).to_have_count(0)
    expect(tab.get_by_text("555")).to_have_count(0)


def test_an_open_request_page_turns_to_sign_in_when_the_sign_in_lapses(clinic, tab):
    _open_request(clinic, tab, "desk", "Dana Desk")
    # The tab is left alone for longer than the 1-minute idle limit (the last activity is moved
    # back rather than waiting it out).
    engine = clinic.engine()
    with write_session(engine) as s:
        s.execute(update(SignInSession).where(SignInSession.ended_at.is_(None))
                  .values(last_activity_at=live_server_now() - dt.timedelta(minutes=2)))
    engine.dispose()
    _turns_to_sign_in(tab)
    no_exception(tab)


def test_an_open_request_page_turns_to_sign_in_when_the_account_is_disabled(clinic, tab):
    _open_request(clinic, tab, "temp", "Tom Temp")
    engine = clinic.engine()
    with write_session(engine) as s:
        accounts.set_active(s, accounts.find_by_username(s, "temp"), False, actor=None)
    engine.dispose()
    _turns_to_sign_in(tab)


def test_the_export_link_downloads_through_the_signed_in_route(clinic, tab):
    plant_request(clinic, first="Ezra", last="Exported", message="TMS please")
    sign_in(tab, clinic.base, "desk", "Dana Desk", path="import")
    link = tab.get_by_role("link", name="Download requests (CSV)")
    expect(link).to_have_attribute("href", "/download/requests.csv")
    # A plain link: the browser downloads the attachment and stays on the page.
    with tab.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == "requests.csv"
    assert "Exported" in open(download.path(), encoding="utf-8").read()
    engine = clinic.engine()
    with read_session(engine) as s:
        last = s.execute(select(AuditEvent).where(AuditEvent.action == "export.requests")
                         .order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()
    engine.dispose()
    assert last.actor_label == "desk"
    expect(tab.get_by_role("heading", name="Import requests")).to_be_visible()
