"""Admin pages (staff accounts, settings, audit log), my account, and the sign-in screens."""

from sqlalchemy import select

from tests.apptest import PASSWORD, all_text, app, make_user, page, sign_in
from zoelife import audit
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.models import AuditEvent, Setting, SignInSession
from zoelife.security import accounts, auth, sessions
from zoelife.ui.gate import TOKEN_KEY

NEW_PW = "another fine passphrase"


def _db(url):
    return make_engine(url)


def _actions(url):
    eng = _db(url)
    with read_session(eng) as s:
        rows = s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
    eng.dispose()
    return rows


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_admin_adds_an_account_who_must_choose_a_password(app_db):
    at = page("pages/users.py")
    sign_in(at, app_db, roles=("admin",), username="boss")
    at.run()
    form = {w.label: w for w in at.text_input}
    form["User name"].input("new.desk")
    form["Full name"].input("New Desk")
    at.multiselect[0].select("front_desk")
    form["Temporary password (at least 12 characters)"].input("temporary passphrase 9")
    form["Repeat the temporary password"].input("temporary passphrase 9")
    _button(at, "Add account").click().run()
    assert not at.exception
    assert any("new.desk added" in s.value for s in at.success)
    eng = _db(app_db)
    with read_session(eng) as s:
        user = accounts.find_by_username(s, "new.desk")
        assert user.must_change_password and user.role_names == {"front_desk"}
    create = [r for r in _actions(app_db) if r.action == "user.create"][-1]
    assert create.actor_label == "boss" and create.entity_id == str(user.id)


def test_admin_disables_a_user_and_their_session_ends(app_db):
    desk_at = page("pages/account.py")
    desk_id = sign_in(desk_at, app_db, roles=("front_desk",), username="desk")
    at = page("pages/users.py")
    sign_in(at, app_db, roles=("admin",), username="boss")
    at.run()
    at.selectbox[0].select("desk").run()
    _button(at, "Disable account").click().run()
    assert not at.exception
    assert any("disabled" in s.value for s in at.success)
    desk_at.run()
    assert [t.value for t in desk_at.title] == ["Sign in"]
    assert "user.disable" in [r.action for r in _actions(app_db)]
    eng = _db(app_db)
    with read_session(eng) as s:
        assert not s.get(accounts.StaffUser, desk_id).is_active


def test_settings_page_edits_and_audits_and_skips_unchanged(app_db):
    at = page("pages/clinic_settings.py")
    sign_in(at, app_db, roles=("admin",), username="boss")
    at.run()
    assert not at.exception
    labels = {w.label for w in at.number_input} | {w.label for w in at.text_input} | \
        {w.label for w in at.text_area}
    for name in ("Idle timeout minutes", "Clinic name", "Time zone", "Holidays",
                 "Oncall emails", "Crisis protocol text", "First response minutes"):
        assert name in labels
    before = len(_actions(app_db))
    _button(at, "Save security settings").click().run()
    assert any("Nothing changed" in i.value for i in at.info)
    assert len(_actions(app_db)) == before
    next(w for w in at.number_input if w.label == "Idle timeout minutes").set_value(20)
    _button(at, "Save security settings").click().run()
    assert not at.exception
    rows = _actions(app_db)
    assert rows[-1].action == "settings.change"
    assert rows[-1].changes == {"idle_timeout_minutes": {"old": 15, "new": 20}}
    assert rows[-1].actor_label == "boss"


def test_settings_page_refuses_an_invalid_value_and_saves_nothing(app_db):
    at = page("pages/clinic_settings.py")
    sign_in(at, app_db, roles=("admin",), username="boss")
    at.run()
    next(w for w in at.text_input if w.label == "Clinic name").input("New Name Clinic")
    next(w for w in at.text_input if w.label == "Time zone").input("Mars/Base")
    _button(at, "Save clinic settings").click().run()
    assert any("Nothing saved" in e.value and "time_zone" in e.value for e in at.error)
    eng = _db(app_db)
    with read_session(eng) as s:
        assert s.get(Setting, "clinic_name") is None


def test_audit_log_page_searches_verifies_and_exports(app_db):
    make_user(app_db, "desk", {"front_desk"})
    eng = _db(app_db)
    with write_session(eng) as s:
        auth.sign_in(s, "desk", "wrong password again")
    at = page("pages/audit_log.py")
    sign_in(at, app_db, roles=("admin",), username="boss")
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert "sign_in.failure" in set(table["Action"])
    at.selectbox[0].select("sign_in.failure").run()
    assert set(at.dataframe[0].value["Action"]) == {"sign_in.failure"}
    _button(at, "Verify the chain").click().run()
    assert any("intact" in s.value for s in at.success)
    # The export is a link to the server's audited route, carrying the filters shown.
    assert not at.get("download_button")
    link = next(b.proto for b in at.get("link_button")
                if b.proto.label == "Download audit log (CSV)")
    assert link.url.startswith("/download/audit.csv?action=sign_in.failure&")


def test_my_account_changes_my_password(app_db):
    at = page("pages/account.py")
    uid = sign_in(at, app_db, roles=("manager",), username="mgr")
    at.run()
    fields = {w.label: w for w in at.text_input}
    fields["Current password"].input(PASSWORD)
    fields["New password (at least 12 characters)"].input(NEW_PW)
    fields["Repeat the new password"].input(NEW_PW)
    _button(at, "Change password").click().run()
    assert any("changed" in s.value for s in at.success)
    eng = _db(app_db)
    with write_session(eng) as s:
        assert auth.sign_in(s, "mgr", NEW_PW).token
    assert [r.action for r in _actions(app_db) if r.entity_id == str(uid)].count(
        "user.password_change") == 1


def test_sign_in_screen_signs_in_and_asks_for_the_cookie_once(app_db):
    make_user(app_db, "boss", {"admin", "front_desk"})
    at = app().run()
    assert [t.value for t in at.title] == ["Sign in"]
    at.text_input[0].input("boss")
    at.text_input[1].input("not the password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [auth.FAILURE_MESSAGE]
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert "Signed in as" in all_text(at)
    html = [h.proto.body for h in at.get("html")]
    assert len(html) == 1 and "/auth/cookie?grant=" in html[0]
    grant = html[0].split("grant=")[1].split('"')[0]
    nonce = html[0].split("zoelife_grant_nonce=")[1].split(";")[0]
    eng = _db(app_db)
    with write_session(eng) as s:
        assert sessions.redeem_grant(s, grant, nonce)
    # The cookie is asked for once only.
    at.run()
    assert not at.get("html")


SIGN_OUT_SCRIPT = """
import streamlit as st
from zoelife.ui import gate

user = gate.require()
st.title("Signed in page")
if st.button("Sign out"):
    gate.sign_out()
    st.rerun()
"""


def test_every_page_has_a_sign_out_control(app_db):
    at = app()
    sign_in(at, app_db, roles=("manager",), username="mgr")
    at.run()
    assert [b.label for b in at.sidebar.button] == ["Sign out"]


def test_sign_out_ends_the_server_session(app_db):
    # AppTest reruns only the page after st.navigation, so the sidebar control of
    # streamlit_app.py is exercised in the browser test; this drives the same gate.sign_out.
    from streamlit.testing.v1 import AppTest

    make_user(app_db, "boss", {"admin"})
    at = AppTest.from_string(SIGN_OUT_SCRIPT, default_timeout=30)
    sign_in(at, app_db, roles=("manager",), username="mgr")
    at.run()
    token = at.session_state[TOKEN_KEY]
    assert [t.value for t in at.title] == ["Signed in page"]
    at.button[0].click().run()
    assert [t.value for t in at.title] == ["Sign in"]
    eng = _db(app_db)
    with read_session(eng) as s:
        assert s.execute(select(SignInSession.end_reason)).scalar_one() == "signed_out"
    with write_session(eng) as s:
        assert sessions.resolve(s, token) is None
    assert "sign_out" in [r.action for r in _actions(app_db)]


def test_a_reset_password_must_be_changed_before_anything_else(app_db):
    make_user(app_db, "boss", {"admin"})
    uid = make_user(app_db, "desk", {"front_desk"})
    eng = _db(app_db)
    with write_session(eng) as s:
        accounts.reset_password(s, s.get(accounts.StaffUser, uid), "temporary passphrase 7",
                                actor=audit.SYSTEM)
    at = page("pages/account.py")
    at.run()
    at.text_input[0].input("desk")
    at.text_input[1].input("temporary passphrase 7")
    at.button[0].click().run()
    assert [t.value for t in at.title] == ["Choose a new password"]
    fields = {w.label: w for w in at.text_input}
    fields["Current password"].input("temporary passphrase 7")
    fields["New password (at least 12 characters)"].input(NEW_PW)
    fields["Repeat the new password"].input(NEW_PW)
    _button(at, "Change password").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["My account"]
