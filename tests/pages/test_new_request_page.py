"""Phone entry through AppTest, on SQLite and (when configured) on PostgreSQL: caller ID as the
number or name is typed, logging a known caller's call on their open request (the default)
instead of a second request, closed requests before, a possible match, validation per field,
dates in the future refused, and what the page shows signed out or to a manager."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from tests.apptest import app, make_user, page, read_db, sign_in
from tests.clock import FIXED_NOW
from tests.intake.helpers import make_request, page_text
from zoelife.db.engine import make_engine, write_session
from zoelife.db.models import AuditEvent, ContactAttempt, Person, PossibleMatch, Request

pytestmark = pytest.mark.usefixtures("clock")

PHONE = "(212) 555-0188"


@pytest.fixture
def desk_db(db_url, monkeypatch) -> str:
    monkeypatch.setenv("ZOELIFE_DATABASE_URL", db_url)
    make_user(db_url, "clinic.admin", ["admin"])
    return db_url


def seed(db_url, **kw) -> int:
    engine = make_engine(db_url)
    try:
        base = dict(first_name="Maria", last_name="Lopez", phone=PHONE,
                    email="maria@example.com", treatments=("TMS",),
                    received_at=FIXED_NOW - dt.timedelta(days=1), now=FIXED_NOW)
        return make_request(engine, **(base | kw))
    finally:
        engine.dispose()


def close(db_url, rid, reason, days_ago):
    engine = make_engine(db_url)
    with write_session(engine) as s:
        s.execute(update(Request).where(Request.id == rid).values(
            status="closed", is_open=False, close_reason=reason,
            closed_at=FIXED_NOW - dt.timedelta(days=days_ago)))
    engine.dispose()


def count(db_url, model):
    return read_db(db_url, lambda s: s.execute(select(func.count()).select_from(model))
                   .scalar_one())


def widget(elements, label):
    found = [e for e in elements if e.label == label]
    assert found, f"no widget labelled {label!r}"
    return found[0]


def entry_page(db_url, whole_app=False):
    if whole_app:  # so that saving can open the request page
        at = app()
        sign_in(at, db_url)
        at.run()
        return at.switch_page("pages/new_request.py").run()
    at = page("pages/new_request.py")
    sign_in(at, db_url)
    return at.run()


def type_caller(at, **typed):
    labels = {"phone": "Phone", "email": "Email", "first": "First name", "last": "Last name"}
    for key, value in typed.items():
        widget(at.text_input, labels[key]).input(value)
    return at.run()


def fill_request(at, **values):
    if "treatments" in values:
        widget(at.multiselect, "Treatment interests").set_value(values["treatments"])
    if "message" in values:
        widget(at.text_area, "What they said").input(values["message"])
    for name, label in (("channel", "Channel"), ("submitter", "Who is asking")):
        if name in values:
            widget(at.selectbox, label).set_value(values[name])
    for name, label in (("submitter_name", "Their name (when not the person)"),
                        ("provider", "Referring provider (for referrals)")):
        if name in values:
            widget(at.text_input, label).input(values[name])
    if "received_on" in values:
        widget(at.date_input, "Received on (empty: today)").set_value(values["received_on"])
    if "received_at" in values:
        widget(at.time_input, "Received at (empty: now)").set_value(values["received_at"])
    widget(at.button, "Save request").click()
    return at.run()


def choice(at):
    return widget(at.radio, "This call is about")


# --------------------------------------------------------------------------- access


def test_signed_out_and_manager(desk_db):
    seed(desk_db)
    at = page("pages/new_request.py").run()
    assert "Sign in" in [t.value for t in at.title] and "Maria" not in page_text(at)
    at = page("pages/new_request.py")
    sign_in(at, desk_db, roles=("manager",))
    at.run()
    assert at.error and "not available to your account" in at.error[0].value
    assert not at.text_input and not at.radio  # no form, no caller ID


# --------------------------------------------------------------------------- caller ID


def test_a_known_number_offers_to_log_the_call_on_the_open_request(desk_db):
    rid = seed(desk_db)
    at = entry_page(desk_db)
    assert any("looks the caller up as you type" in c.value for c in at.caption)
    at = type_caller(at, phone="212 555 0188")
    assert any(f"log this call on #{rid}" in s.value for s in at.success)
    radio = choice(at)
    assert radio.value == rid  # the default
    assert radio.options[0].startswith(f"Log this call on #{rid} Maria Lopez: new, TMS")
    assert radio.options[-1] == "A new request"
    assert not [b for b in at.button if b.label == "Save request"]  # no second request offered


def test_logging_the_call_reaches_the_person_on_their_request(desk_db):
    rid = seed(desk_db)
    at = type_caller(entry_page(desk_db, whole_app=True), phone=PHONE)
    widget(at.text_area, "What they said (optional)").input("asked for an evening slot")
    widget(at.button, f"Log this call on #{rid}").click()
    at.run()
    assert not at.exception
    assert count(desk_db, Request) == 1  # no second request
    attempt = read_db(desk_db, lambda s: s.execute(
        select(ContactAttempt.request_id, ContactAttempt.method, ContactAttempt.outcome,
               ContactAttempt.note)).one())
    assert tuple(attempt) == (rid, "call", "reached", "Called in. asked for an evening slot")
    r = read_db(desk_db, lambda s: s.get(Request, rid))
    assert r.status == "in_progress" and r.reached_at is not None
    assert f"Request #{rid}" in [t.value for t in at.title]  # opened the request
    assert f"Call logged on request #{rid}; status is now in progress." in [
        s.value for s in at.success]


def test_the_call_time_may_be_earlier_never_in_the_future(desk_db):
    rid = seed(desk_db)
    at = type_caller(entry_page(desk_db), phone=PHONE)
    widget(at.date_input, "Received on (empty: today)").set_value(dt.date(2026, 3, 4))
    widget(at.time_input, "Received at (empty: now)").set_value(dt.time(11, 30))  # 10:00 now
    widget(at.button, f"Log this call on #{rid}").click()
    at.run()
    assert any("is in the future (it is 2026-03-04 10:00 at the clinic)" in e.value
               for e in at.error)
    assert count(desk_db, ContactAttempt) == 0


def test_the_name_being_typed_finds_the_open_request_too(desk_db):
    rid = seed(desk_db)
    at = type_caller(entry_page(desk_db), first="maría", last="lop")
    assert choice(at).value == rid
    assert "(same name)" in choice(at).options[0]


def test_the_same_number_with_another_name_defaults_to_a_new_request(desk_db):
    rid = seed(desk_db)
    at = type_caller(entry_page(desk_db, whole_app=True), phone=PHONE, first="Jorge",
                     last="Lopez")
    assert any("another name" in w.value for w in at.warning)
    assert choice(at).value == 0 and "(same phone, another name)" in choice(at).options[0]
    at = fill_request(at, treatments=["spravato"], submitter="parent_guardian",
                      submitter_name="Ana Lopez")
    assert not at.exception and not at.error
    assert count(desk_db, Request) == 2 and count(desk_db, Person) == 2
    assert count(desk_db, PossibleMatch) == 1
    assert rid in read_db(desk_db, lambda s: s.execute(select(Request.id)).scalars().all())


def test_closed_requests_before_are_said_and_the_new_one_is_a_repeat(desk_db):
    first = seed(desk_db, received_at=FIXED_NOW - dt.timedelta(days=200))
    second = seed(desk_db, received_at=FIXED_NOW - dt.timedelta(days=40))
    close(desk_db, first, "not_eligible", 150)
    close(desk_db, second, "unreachable", 20)
    at = type_caller(entry_page(desk_db, whole_app=True), phone=PHONE, first="Maria",
                     last="Lopez")
    sentence = [m.value for m in at.markdown if m.value.startswith("Closed requests before")]
    assert sentence == [f"Closed requests before: 2 (latest: #{second} Maria Lopez, closed "
                        f"2026-02-12 as unreachable; #{first} Maria Lopez, closed 2025-10-05 "
                        "as not eligible)."]
    assert not at.radio  # nothing open to log the call on
    at = fill_request(at, treatments=["ketamine"], message="trying again")
    assert not at.exception
    new = read_db(desk_db, lambda s: s.execute(
        select(Request).order_by(Request.id.desc())).scalars().first())
    assert (new.repeat_of_id, new.source, new.channel) == (second, "manual-entry", "phone")


def test_choosing_a_new_request_despite_the_open_one(desk_db):
    rid = seed(desk_db)
    at = type_caller(entry_page(desk_db, whole_app=True), phone=PHONE, first="Maria",
                     last="Lopez")
    choice(at).set_value(0)
    at.run()
    at = fill_request(at, treatments=["ketamine"], message="asking about ketamine now")
    assert not at.exception
    new = read_db(desk_db, lambda s: s.execute(
        select(Request).order_by(Request.id.desc())).scalars().first())
    assert new.id != rid and new.repeat_of_id == rid and new.treatment_set == {"ketamine"}
    audit_rows = read_db(desk_db, lambda s: s.execute(
        select(AuditEvent.action, AuditEvent.actor_label)).all())
    assert ("request.create", "user_front_desk") in audit_rows
    assert f"Request #{new.id}" in [t.value for t in at.title]


def test_an_unknown_caller_becomes_a_new_request_at_the_time_given(desk_db):
    at = type_caller(entry_page(desk_db, whole_app=True), phone="(646) 555-0111",
                     first="Nina", last="New")
    assert any("No one with this phone, email or name is known yet" in i.value for i in at.info)
    at = fill_request(at, treatments=["tms"], received_on=dt.date(2026, 3, 3),
                      received_at=dt.time(18, 45))
    assert not at.exception
    r = read_db(desk_db, lambda s: s.execute(select(Request)).scalar_one())
    assert r.received_at == dt.datetime(2026, 3, 3, 23, 45, tzinfo=dt.UTC)


def test_caller_names_are_shown_as_text(desk_db):
    rid = seed(desk_db, first_name="**Bold**", last_name="[x](http://evil.test)")
    at = type_caller(entry_page(desk_db), phone=PHONE)
    label = choice(at).options[0]
    assert label.startswith(f"Log this call on #{rid} \\*\\*Bold\\*\\*")
    assert "](http" not in label


# --------------------------------------------------------------------------- validation


def test_validation_messages_per_field(desk_db):
    seed(desk_db)
    at = type_caller(entry_page(desk_db), phone="12", email="not-an-email")
    at = fill_request(at, channel="referral", submitter="parent_guardian")
    errors = [e.value for e in at.error]
    assert "Name: enter a first or a last name." in errors
    assert "Phone: the phone number has the wrong number of digits." in errors
    assert "Email: the email address is not valid." in errors
    assert "Their name: say who is asking when it is not the person." in errors
    assert "Referring provider: a referral needs the referring provider." in errors
    assert count(desk_db, Request) == 1


def test_dates_in_the_future_are_refused_with_a_clear_message(desk_db):
    at = type_caller(entry_page(desk_db), phone="(646) 555-0111", first="Fay", last="Future")
    widget(at.date_input, "Date of birth (optional)").set_value(dt.date(2027, 1, 1))
    at.run()
    at = fill_request(at, treatments=["tms"], received_on=dt.date(2026, 3, 5),
                      received_at=dt.time(9, 0))
    errors = [e.value for e in at.error]
    assert "Date of birth: 2027-01-01 is in the future." in errors
    assert ("Received: 2026-03-05 09:00 is in the future (it is 2026-03-04 10:00 at the "
            "clinic). Enter when the call came in, or leave the date and time empty for now."
            ) in errors
    assert count(desk_db, Request) == 0
