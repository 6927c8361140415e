"""The gate on every page: signed out shows the sign-in and no patient data; each role sees
or is refused each page exactly as zoelife.ui.navigation.PAGES says."""

import datetime as dt

import pytest

from tests.apptest import all_text, make_user, page, sign_in
from tests.clock import FIXED_NOW
from zoelife.db.engine import make_engine, write_session
from zoelife.intake.inputs import RequestInput
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import receive
from zoelife.ui.gate import REFUSAL
from zoelife.ui.navigation import PAGES, ROOT
from zoelife.vocabulary import ROLES

# Pages read the same fixed clock the seeds use (tests/clock.py).
pytestmark = pytest.mark.usefixtures("clock")

EXISTING = [p for p in PAGES if (ROOT / p.path).exists()]
SECRET_NAME = "Quillonmarsh"
SECRET_PHONE = "617-555-0142"


def _plant_patient(db_url: str) -> None:
    engine = make_engine(db_url)
    with write_session(engine) as session:
        receive(session, RequestInput(
            source="test-form", external_id="gate-1",
            received_at=FIXED_NOW - dt.timedelta(hours=1),
            first_name="Wenda", last_name=SECRET_NAME, phone=SECRET_PHONE,
            email="wenda@example.org", message="I want to end my life, I have a plan",
            treatment_codes=("spravato",)), schedule=Schedule.load(session))
    engine.dispose()


@pytest.fixture
def clinic(app_db):
    make_user(app_db, "the.admin", {"admin"})
    _plant_patient(app_db)
    return app_db


def _no_patient_data(at) -> None:
    text = all_text(at)
    assert SECRET_NAME not in text and "555-0142" not in text and "wenda@" not in text
    assert "plan" not in text.lower() or "end my life" not in text.lower()


@pytest.mark.parametrize("spec", EXISTING, ids=[p.url_path for p in EXISTING])
def test_signed_out_every_page_shows_sign_in_and_no_patient_data(clinic, spec):
    at = page(spec.path).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert [w.label for w in at.text_input] == ["User name", "Password"]
    _no_patient_data(at)
    # Only a count of waiting urgent requests, never who.
    assert "1 urgent request waiting" in all_text(at)


@pytest.mark.parametrize("spec", EXISTING, ids=[p.url_path for p in EXISTING])
def test_each_role_sees_or_is_refused_each_page(clinic, spec):
    for role in ROLES:
        at = page(spec.path)
        sign_in(at, clinic, roles=(role,), username=f"only_{role}")
        at.run()
        refused = any(REFUSAL in e.value for e in at.error)
        if role in spec.roles:
            assert not refused, f"{role} refused on {spec.path}"
            assert "Sign in" not in [t.value for t in at.title]
        else:
            assert refused, f"{role} not refused on {spec.path}"
            assert not at.dataframe and not at.text_input, "a refused page rendered widgets"
            _no_patient_data(at)


AUTH_SECRETS = {"redirect_uri": "http://localhost:8501/oauth2callback",
                "cookie_secret": "x" * 32, "client_id": "zoelife", "client_secret": "s",
                "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}


def _sso_app(user: dict):
    from tests.apptest import app

    at = app()
    at.secrets["auth"] = AUTH_SECRETS
    at.user = user
    return at


def _audit_rows(db_url):
    from sqlalchemy import select

    from zoelife.db.engine import read_session
    from zoelife.db.models import AuditEvent

    engine = make_engine(db_url)
    with read_session(engine) as s:
        rows = s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
    engine.dispose()
    return rows


def test_single_sign_on_offered_when_configured(clinic):
    at = _sso_app({"is_logged_in": False}).run()
    assert not at.exception
    assert "Sign in with single sign-on" in [b.label for b in at.button]


def test_single_sign_on_matches_an_active_account_by_email(clinic):
    from zoelife.db.engine import read_session
    from zoelife.db.models import SignInSession

    make_user(clinic, "sso.desk", {"front_desk"})
    engine = make_engine(clinic)
    with write_session(engine) as s:
        from zoelife.security import accounts

        accounts.update_profile(s, accounts.find_by_username(s, "sso.desk"),
                                email="desk@clinic.test", actor=None)
    at = _sso_app({"is_logged_in": True, "email": "Desk@Clinic.test"}).run()
    assert not at.exception
    assert "Signed in as" in all_text(at)
    with read_session(engine) as s:
        assert s.query(SignInSession).one().method == "oidc"
    assert [r.changes for r in _audit_rows(clinic) if r.action == "sign_in.success"] == \
        [{"method": "oidc"}]


def test_single_sign_on_with_an_unknown_or_missing_email_gets_no_access(clinic):
    for user, reason in (({"is_logged_in": True, "email": "stranger@elsewhere.test"},
                          "sso_unknown_email"),
                         ({"is_logged_in": True}, "sso_no_email")):
        at = _sso_app(user).run()
        assert not at.exception
        assert "Signed in as" not in all_text(at)
        assert any("no access" in e.value for e in at.error)
        _no_patient_data(at)
        at.run()  # a rerun does not audit the refusal again
        assert [r.changes["reason_code"] for r in _audit_rows(clinic)
                if r.action == "sign_in.failure"][-1] == reason
    assert len([r for r in _audit_rows(clinic) if r.action == "sign_in.failure"]) == 2


def test_single_sign_on_with_an_unverified_email_gets_no_access(clinic):
    """A provider that says it has not verified the address opens nothing, even when the
    address is a staff account's; a verified (or unstated, as Entra ID sends) one signs in."""
    make_user(clinic, "sso.desk", {"front_desk"})
    engine = make_engine(clinic)
    with write_session(engine) as s:
        from zoelife.security import accounts

        accounts.update_profile(s, accounts.find_by_username(s, "sso.desk"),
                                email="desk@clinic.test", actor=None)
    engine.dispose()
    for claim in (False, "false"):
        at = _sso_app({"is_logged_in": True, "email": "desk@clinic.test",
                       "email_verified": claim}).run()
        assert not at.exception
        assert "Signed in as" not in all_text(at)
        assert any("not verified your email" in e.value for e in at.error)
        _no_patient_data(at)
    failures = [r for r in _audit_rows(clinic) if r.action == "sign_in.failure"]
    assert [r.changes["reason_code"] for r in failures] == ["sso_unverified_email"] * 2
    at = _sso_app({"is_logged_in": True, "email": "desk@clinic.test",
                   "email_verified": True}).run()
    assert "Signed in as" in all_text(at)


def test_the_app_refuses_to_run_with_xsrf_protection_off(clinic):
    from streamlit import config

    from tests.apptest import app

    config.set_option("server.enableXsrfProtection", False)
    try:
        at = app().run()
    finally:
        config.set_option("server.enableXsrfProtection", True)
    # streamlit_app.py checks zoelife.ui.hardening before building the server (its
    # message is tested in tests/security/test_web.py); the page shows only a redacted error.
    assert at.exception and "redacted" in at.exception[0].message
    assert not at.text_input


def test_upload_size_is_limited_in_the_shipped_config():
    import tomllib

    config_toml = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config_toml["server"]["enableXsrfProtection"] is True
    assert 1 <= config_toml["server"]["maxUploadSize"] <= 200


def test_the_grant_script_holds_only_a_url_the_app_built(monkeypatch):
    """The one raw HTML the gate writes: a fixed script around a URL made of a URL-safe grant,
    JSON-quoted, asked for in the background (a fetch: nothing the page does meanwhile can
    cancel it). No other destination can be given to it."""
    from zoelife.ui import gate

    written = []
    monkeypatch.setattr(gate.st, "html", lambda body, **kw: written.append((body, kw)))
    gate._exchange_grant(gate.cookie_url("AbC-123_xyz"), "n0nce_-Z")
    body, kw = written[0]
    assert kw == {"unsafe_allow_javascript": True}
    assert body.startswith('<script>document.cookie = "zoelife_grant_nonce=n0nce_-Z; '
                           'Path=/auth/cookie; Max-Age=60; SameSite=Strict"')
    assert 'fetch("/auth/cookie?grant=AbC-123_xyz", {credentials: "same-origin"' in body
    assert "location" not in body.replace("location.protocol", "")
    assert body.endswith(");</script>")
    inner = body[len("<script>"):-len("</script>")]
    assert "<" not in inner and ">" not in inner and "javascript:" not in inner
    for foreign in ("https://evil.example/", "javascript:alert(1)", "/queue",
                    "/auth/signout?next=/"):
        with pytest.raises(ValueError):
            gate._exchange_grant(foreign, "n0nce")
    with pytest.raises(ValueError):
        gate._exchange_grant(gate.cookie_url("AbC"), 'x"; alert(1); "')
    with pytest.raises(ValueError):
        gate._post("/auth/cookie?grant=x")
