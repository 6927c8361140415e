"""Single sign-on in a real browser: `st.login` against a local mock OIDC provider.

One `streamlit run` server and one mock provider (tests/browser/mock_oidc.py) for the module. The
server reads an `[auth]` section from a secrets.toml in the test's temporary directory, named with
`STREAMLIT_SECRETS_FILES` (the `secrets.files` option), so the repository's `.streamlit/` is never
written and its config.toml still applies:

    [auth]
    redirect_uri = "http://127.0.0.1:{port}/oauth2callback"   # Streamlit fills in its port
    server_metadata_url = "http://127.0.0.1:<provider port>/.well-known/openid-configuration"
    cookie_secret, client_id, client_secret

Plain http works without AUTHLIB_INSECURE_TRANSPORT: Authlib accepts http URLs whose host is a
loopback address (RFC 8252 §7.3) and chromium treats http://127.0.0.1 as a secure context. The
browser uses the same host name as `redirect_uri` (127.0.0.1, not localhost): Streamlit's OAuth
state lives in a cookie for that host.

The real flow is exercised end to end: the sign-in button calls `st.login()`, the browser goes to
the provider's page, the test types the identity there, the provider redirects back to
`/oauth2callback`, Streamlit exchanges the code (client secret, PKCE S256) and checks the RS256 id
token (issuer, audience, nonce, signature from the JWKS), and the gate matches the `email` claim
to a staff account. `st.logout()` goes through the provider's `end_session_endpoint`.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from tests.browser.journey import (
    Clinic,
    clinic_database,
    no_exception,
    plant_request,
    require_browser,
    serve,
)
from tests.browser.mock_oidc import MockOIDCProvider
from tests.clock import live_server_now
from zoelife import audit
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.models import AuditEvent, SignInSession, StaffUser
from zoelife.security import accounts

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_sso")]

CLIENT_ID = "zoelife-intake"
STREAMLIT_IDENTITY_COOKIE = "_streamlit_user"
NO_ACCESS = "Your single sign-on account has no access to Zoelife Intake"
# A patient nobody signed out or refused may see.
PATIENT_FIRST, PATIENT_LAST = "Zebulon", "Quillfeather"
# SSO-only staff accounts (no password), one per journey so journeys do not share sign-ins.
STAFF = {
    "dana.desk@clinic.test": ("sso_desk", "Dana Desk"),
    "ivo.idle@clinic.test": ("sso_idle", "Ivo Idle"),
    "abe.absolute@clinic.test": ("sso_absolute", "Abe Absolute"),
    "quinn.queue@clinic.test": ("sso_queue", "Quinn Queue"),
}
# How often an open queue looks for a lapsed sign-in (20 s in production).
QUEUE_REFRESH_SECONDS = "3"


@dataclass
class SSOClinic(Clinic):
    provider: MockOIDCProvider

    def user_id(self, email: str) -> int:
        with self.read() as session:
            return accounts.find_by_email(session, email).id

    @contextmanager
    def read(self):
        engine = self.engine()
        try:
            with read_session(engine) as session:
                yield session
        finally:
            engine.dispose()

    def sign_ins(self, email: str) -> list[SignInSession]:
        with self.read() as session:
            user = accounts.find_by_email(session, email)
            rows = session.execute(select(SignInSession).where(
                SignInSession.user_id == user.id).order_by(SignInSession.id)).scalars().all()
            session.expunge_all()
            return list(rows)

    def audit_events(self, action: str) -> list[AuditEvent]:
        with self.read() as session:
            rows = session.execute(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.seq)).scalars().all()
            session.expunge_all()
            return list(rows)

    def age_open_sign_in(self, email: str, **values) -> None:
        engine = self.engine()
        try:
            with write_session(engine) as session:
                user_id = accounts.find_by_email(session, email).id
                session.execute(update(SignInSession).where(
                    SignInSession.user_id == user_id, SignInSession.ended_at.is_(None)
                ).values(**values))
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def sso(tmp_path_factory) -> Iterator[SSOClinic]:
    require_browser()
    workdir = tmp_path_factory.mktemp("sso")
    db_url = clinic_database(workdir)
    engine = make_engine(db_url)
    try:
        with write_session(engine) as session:
            # An administrator exists, so the server shows the sign-in screen, not first run.
            accounts.create_user(session, "admin", None, {"admin"}, display_name="Ada Admin",
                                 email="ada.admin@clinic.test", actor=audit.SYSTEM)
            for email, (username, name) in STAFF.items():
                accounts.create_user(session, username, None, {"front_desk"},
                                     display_name=name, email=email, actor=audit.SYSTEM)
    finally:
        engine.dispose()

    client_secret = secrets.token_urlsafe(24)
    with MockOIDCProvider(CLIENT_ID, client_secret) as provider:
        secrets_file = workdir / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{client_secret}"\n'
            f'server_metadata_url = "{provider.metadata_url}"\n')
        secrets_file.chmod(0o600)
        env = {"STREAMLIT_SECRETS_FILES": str(secrets_file),
               "ZOELIFE_QUEUE_REFRESH_SECONDS": QUEUE_REFRESH_SECONDS}
        with serve(db_url, workdir, env) as base:
            # Registered with the provider the way an administrator registers the app.
            provider.redirect_uris.add(f"{base}/oauth2callback")
            clinic = SSOClinic(base, db_url, workdir / "streamlit.log", provider)
            plant_request(clinic, first=PATIENT_FIRST, last=PATIENT_LAST,
                          message="Looking for a TMS consultation for depression.")
            yield clinic


# --------------------------------------------------------------------------- helpers


def at_provider(page: Page, base: str) -> None:
    """From the app's sign-in screen, through st.login(), to the provider's sign-in page."""
    page.goto(base)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_role("button", name="Sign in with single sign-on").click()
    expect(page.get_by_role("heading", name="Mock identity provider")).to_be_visible()


def sso_sign_in(page: Page, clinic: SSOClinic, email: str) -> None:
    """Sign in at the provider as `email`, a staff account: back in the app, signed in, with the
    app's own HttpOnly cookie set through /auth/cookie (so a reload stays signed in)."""
    at_provider(page, clinic.base)
    page.get_by_label("Email address").fill(email)
    with page.expect_response(lambda r: "/auth/cookie" in r.url) as grant:
        page.get_by_role("button", name="Continue").click()
    assert grant.value.status == 204
    page.wait_for_url(re.compile(r"^(?!.*/(auth|oauth2callback)).*$"))
    expect(page.get_by_text(f"Signed in as {STAFF[email][1]}")).to_be_visible()


@contextmanager
def leaving_through_the_provider(page: Page, clinic: SSOClinic, *,
                                 app_cookie: bool = True) -> Iterator[None]:
    """The action inside calls st.logout(): the browser passes Streamlit's /auth/logout (which
    drops the identity cookie), the provider's end-session endpoint and /oauth2callback, and
    lands on the app, which then drops its own cookie of the ended sign-in through
    /auth/signout (`app_cookie`)."""
    with page.expect_request(lambda r: r.url.startswith(f"{clinic.provider.issuer}/logout")):
        if app_cookie:
            with page.expect_response(lambda r: "/auth/signout" in r.url):
                yield
        else:
            yield
    page.wait_for_url(re.compile(rf"^{re.escape(clinic.base)}/(?!auth/|oauth2callback).*$"))


def cookie_names(page: Page) -> set[str]:
    return {c["name"] for c in page.context.cookies()}


# --------------------------------------------------------------------------- journeys


def test_staff_email_signs_in_through_the_provider_stays_signed_in_and_signs_out(sso, tab):
    email = "dana.desk@clinic.test"
    sso_sign_in(tab, sso, email)
    expect(tab.get_by_role("heading", name="Queue")).to_be_visible()
    expect(tab.get_by_text(f"{PATIENT_FIRST} {PATIENT_LAST}").first).to_be_attached()
    no_exception(tab)
    # The provider saw the real flow: PKCE S256, the code exchanged once, the id token's keys.
    assert sso.provider.last("authorize")["pkce"] == "S256"
    assert sso.provider.last("token") == {"endpoint": "token", "status": 200, "error": None}
    assert sso.provider.count("jwks") >= 1
    [row] = sso.sign_ins(email)
    assert row.method == "oidc" and row.ended_at is None
    success = sso.audit_events("sign_in.success")[-1]
    assert (success.actor_user_id, success.changes) == (sso.user_id(email), {"method": "oidc"})
    assert {STREAMLIT_IDENTITY_COOKIE, "zoelife_session"} <= cookie_names(tab)

    tab.reload()
    expect(tab.get_by_text("Signed in as Dana Desk")).to_be_visible()
    expect(tab.get_by_role("heading", name="Queue")).to_be_visible()
    assert len(sso.sign_ins(email)) == 1  # the reload resumed the sign-in, no new one

    logouts = sso.provider.count("logout")
    with leaving_through_the_provider(tab, sso):
        tab.get_by_role("button", name="Sign out").click()
    expect(tab.get_by_role("button", name="Sign in with single sign-on")).to_be_visible()
    [row] = sso.sign_ins(email)
    assert row.end_reason == "signed_out"
    # st.logout(): the provider was told, Streamlit's identity cookie and the app's are gone.
    assert sso.provider.count("logout") == logouts + 1
    assert sso.provider.last("logout") == {"endpoint": "logout", "client_id": CLIENT_ID,
                                           "id_token_hint": True}
    assert not {STREAMLIT_IDENTITY_COOKIE, "zoelife_session"} & cookie_names(tab)

    # Must not happen: a reload after signing out signs in again without the provider.
    authorizations = sso.provider.count("authorize")
    tab.reload()
    expect(tab.get_by_role("button", name="Sign in with single sign-on")).to_be_visible()
    expect(tab.get_by_text("Signed in as")).to_have_count(0)
    assert sso.provider.count("authorize") == authorizations
    assert len(sso.sign_ins(email)) == 1

    # Through the provider again: a new sign-in.
    sso_sign_in(tab, sso, email)
    assert [r.ended_at is None for r in sso.sign_ins(email)] == [False, True]


def test_unknown_email_gets_no_access_and_no_patient_data(sso, tab):
    failures = len(sso.audit_events("sign_in.failure"))
    at_provider(tab, sso.base)
    tab.get_by_label("Email address").fill("stranger@elsewhere.test")
    tab.get_by_role("button", name="Continue").click()
    expect(tab.get_by_text(NO_ACCESS)).to_be_visible()
    expect(tab.get_by_role("heading", name="Sign in")).to_be_visible()
    # The provider vouched for the stranger (the token exchange succeeded); the app refused.
    assert sso.provider.last("token")["status"] == 200
    [refusal] = sso.audit_events("sign_in.failure")[failures:]
    assert refusal.changes == {"reason_code": "sso_unknown_email", "method": "oidc"}
    assert refusal.actor_user_id is None

    # Straight to the queue by URL: still refused.
    tab.goto(f"{sso.base}/queue")
    expect(tab.get_by_text(NO_ACCESS)).to_be_visible()
    # Signed out, the queue's own URL runs the queue's gate: the sign-in screen, no menu and
    # no "Page not found".
    expect(tab.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(tab).to_have_url(f"{sso.base}/queue")
    expect(tab.get_by_role("dialog")).to_have_count(0)
    expect(tab.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(tab.get_by_text("Signed in as")).to_have_count(0)
    expect(tab.get_by_role("heading", name="Queue")).to_have_count(0)
    # Must not happen: the patient's name anywhere on the page.
    expect(tab.get_by_text(PATIENT_LAST)).to_have_count(0)
    with sso.read() as session:
        assert session.query(SignInSession).join(
            StaffUser, StaffUser.id == SignInSession.user_id).filter(
            StaffUser.email.like("%elsewhere%")).count() == 0

    # Signing out of single sign-on brings back the ordinary sign-in screen.
    with leaving_through_the_provider(tab, sso, app_cookie=False):
        tab.get_by_role("button", name="Sign out of single sign-on").click()
    expect(tab.get_by_role("button", name="Sign in with single sign-on")).to_be_visible()
    expect(tab.get_by_text(NO_ACCESS)).to_have_count(0)
    assert STREAMLIT_IDENTITY_COOKIE not in cookie_names(tab)


def signed_out_for_good(page: Page, clinic: SSOClinic, email: str, reason: str,
                        logouts: int) -> None:
    """After a limit ended the sign-in through st.logout(): the provider was told, both cookies
    are gone, a reload does not sign in again, and signing in at the provider again works."""
    expect(page.get_by_role("button", name="Sign in with single sign-on")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    [row] = clinic.sign_ins(email)
    assert row.end_reason == reason
    assert clinic.provider.count("logout") == logouts + 1
    assert not {STREAMLIT_IDENTITY_COOKIE, "zoelife_session"} & cookie_names(page)

    # Must not happen: a reload starts a fresh sign-in from Streamlit's 30-day identity cookie.
    page.reload()
    expect(page.get_by_role("button", name="Sign in with single sign-on")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    assert len(clinic.sign_ins(email)) == 1

    # The ended sign-in is not held against the next one.
    sso_sign_in(page, clinic, email)
    assert [r.end_reason for r in clinic.sign_ins(email)] == [reason, None]


@pytest.mark.parametrize(("email", "aged", "reason"), [
    ("ivo.idle@clinic.test", "last_activity_at", "idle_timeout"),
    ("abe.absolute@clinic.test", "expires_at", "absolute_timeout"),
], ids=["idle", "absolute"])
def test_the_next_action_after_the_limit_signs_out_of_single_sign_on(sso, tab, email, aged,
                                                                     reason):
    sso_sign_in(tab, sso, email)
    # A page without the queue's automatic refresh, so that the click below is what notices.
    tab.get_by_role("link", name="New request").click()
    expect(tab.get_by_role("heading", name="New request")).to_be_visible()
    # Idle: no activity for 16 minutes (the limit is 15). Absolute: the 12 hours are up.
    now = live_server_now()
    sso.age_open_sign_in(email, **{aged: now - dt.timedelta(minutes=16 if aged ==
                                                            "last_activity_at" else 1)})
    logouts = sso.provider.count("logout")

    with leaving_through_the_provider(tab, sso):
        tab.get_by_role("link", name="My account").click()  # the next action
    signed_out_for_good(tab, sso, email, reason, logouts)


def test_an_idle_queue_left_open_signs_out_of_single_sign_on_by_itself(sso, tab):
    email = "quinn.queue@clinic.test"
    sso_sign_in(tab, sso, email)
    expect(tab.get_by_role("heading", name="Queue")).to_be_visible()
    sso.age_open_sign_in(email, last_activity_at=live_server_now()
                         - dt.timedelta(minutes=16))
    logouts = sso.provider.count("logout")

    # No click: the queue's automatic refresh (every QUEUE_REFRESH_SECONDS) notices.
    with leaving_through_the_provider(tab, sso):
        pass
    expect(tab.get_by_text(PATIENT_LAST)).to_have_count(0)
    signed_out_for_good(tab, sso, "quinn.queue@clinic.test", "idle_timeout", logouts)
