"""Manual entry through AppTest: validation, the check-then-save two-step with an existing person
and with a possible match, and what the page shows signed out or to a manager."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.apptest import app, make_user, page, sign_in
from tests.intake.helpers import make_request, page_text
from zoelife.db.engine import make_engine, read_session
from zoelife.db.models import AuditEvent, Person, PossibleMatch, Request


def seed(db_url):
    make_user(db_url, "clinic.admin", ["admin"])
    engine = make_engine(db_url)
    rid = make_request(engine, first_name="Maria", last_name="Lopez", phone="(212) 555-0188",
                       email="maria@example.com", treatments=("TMS",))
    engine.dispose()
    return rid


def count(db_url, model):
    engine = make_engine(db_url)
    with read_session(engine) as s:
        n = s.execute(select(func.count()).select_from(model)).scalar_one()
    engine.dispose()
    return n


def widget(elements, label):
    found = [e for e in elements if e.label == label]
    assert found, f"no widget labelled {label!r}"
    return found[0]


def fill(at, **values):
    labels = {"first": "First name", "last": "Last name", "phone": "Phone", "email": "Email",
              "submitter_name": "Their name (when not the person)",
              "provider": "Referring provider (for referrals)"}
    for key, value in values.items():
        if key in labels:
            widget(at.text_input, labels[key]).input(value)
    if "treatments" in values:
        widget(at.multiselect, "Treatment interests").set_value(values["treatments"])
    if "message" in values:
        widget(at.text_area, "What they said").input(values["message"])
    if "channel" in values:
        widget(at.selectbox, "Channel").set_value(values["channel"])
    if "submitter" in values:
        widget(at.selectbox, "Who is asking").set_value(values["submitter"])
    widget(at.button, "Check").click()
    return at.run()


def test_signed_out_and_manager(app_db):
    seed(app_db)
    at = page("pages/new_request.py").run()
    assert "Sign in" in [t.value for t in at.title] and "Maria" not in page_text(at)
    at = page("pages/new_request.py")
    sign_in(at, app_db, roles=("manager",))
    at.run()
    assert at.error and "not available to your account" in at.error[0].value
    assert not at.text_input  # no form


def test_validation_messages_per_field(app_db):
    seed(app_db)
    at = page("pages/new_request.py")
    sign_in(at, app_db)
    at.run()
    at = fill(at, phone="12", email="not-an-email", channel="referral", submitter="parent_guardian")
    errors = [e.value for e in at.error]
    assert "Name: enter a first or a last name." in errors
    assert "Phone: the phone number has the wrong number of digits." in errors
    assert "Email: the email address is not valid." in errors
    assert "Their name: say who is asking when it is not the person." in errors
    assert "Referring provider: a referral needs the referring provider." in errors
    assert widget(at.button, "Save request").disabled
    at = fill(at, first="Al", phone="", email="")
    assert "Phone or email: enter at least one way to reach them." in [e.value for e in at.error]
    assert count(app_db, Request) == 1


def test_existing_person_is_shown_before_saving_then_saved_to_them(app_db):
    first_id = seed(app_db)
    at = app()  # the whole app, so saving can open the request page
    sign_in(at, app_db)
    at.run()
    at.switch_page("pages/new_request.py").run()
    at = fill(at, first="maria", last="LÓPEZ", phone="212 555 0188", treatments=["ketamine"],
              message="asking about ketamine", channel="phone")
    assert any("a person we already know" in s.value for s in at.success)
    assert any(f"latest request #{first_id}" in t.value for t in at.text)
    assert count(app_db, Request) == 1  # nothing saved by the check
    widget(at.button, "Save request").click().run()
    assert not at.exception
    assert count(app_db, Request) == 2 and count(app_db, Person) == 1
    engine = make_engine(app_db)
    with read_session(engine) as s:
        new = s.execute(select(Request).order_by(Request.id.desc())).scalars().first()
        assert (new.source, new.channel, new.repeat_of_id) == ("manual-entry", "phone", first_id)
        assert new.treatment_set == {"ketamine"} and len(new.external_id) == 36
        audit_rows = s.execute(select(AuditEvent.action, AuditEvent.actor_label)).all()
    engine.dispose()
    assert ("request.create", "user_front_desk") in audit_rows
    assert f"Request #{new.id}" in [t.value for t in at.title]  # opened the new request


def test_possible_match_is_shown_and_recorded(app_db):
    seed(app_db)
    at = page("pages/new_request.py")
    sign_in(at, app_db)
    at.run()
    at = fill(at, first="Jorge", last="Lopez", phone="(212) 555-0188", treatments=["spravato"],
              submitter="parent_guardian", submitter_name="Ana Lopez")
    assert any("Possible match" in w.value for w in at.warning)
    assert any(t.value.startswith("Maria Lopez: latest request") for t in at.text)
    # changing the form after the check and saving asks for a new check, and saves nothing
    widget(at.text_input, "First name").input("Jorge A")
    widget(at.button, "Save request").click().run()
    assert any("check again" in i.value for i in at.info)
    assert count(app_db, Request) == 1
    at = fill(at)
    assert not widget(at.button, "Save request").disabled
    # Run alone (not under the whole app) the page cannot switch to the request page
    # afterwards; the save itself is what this test checks.
    widget(at.button, "Save request").click().run()
    assert count(app_db, Request) == 2 and count(app_db, Person) == 2
    assert count(app_db, PossibleMatch) == 1
