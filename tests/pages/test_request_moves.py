"""The request page's one-click moves through AppTest, on SQLite and (when configured) on
PostgreSQL: each outcome button, the outcome list with no default, reached then schedule, close
as unreachable after the cadence's last attempt, acknowledging that claims, the status form
that shows only the chosen move's fields, Call/Text/Email links, and the arrival toast. Signed
out and with the wrong role the page offers none of them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from tests.apptest import make_user, page, read_db, sign_in
from tests.clock import FIXED_NOW
from tests.intake.helpers import make_request, page_text
from zoelife import audit
from zoelife.db.engine import make_engine, write_session
from zoelife.db.models import AuditEvent, ContactAttempt, Request, StatusChange
from zoelife.intake import lifecycle

pytestmark = pytest.mark.usefixtures("clock")

ONE_CLICK = {"no_answer": "No answer", "left_voicemail": "Left voicemail",
             "wrong_number": "Wrong number"}
MOVE_WIDGETS = ("Close reason", "Appointment date", "Appointment time", "Appointment kind",
                "Reason (needed to reopen)", "Reason (optional)", "What happened (optional)")


@pytest.fixture
def desk_db(db_url, monkeypatch) -> str:
    """The app on this test's database: SQLite, and PostgreSQL when it is configured."""
    monkeypatch.setenv("ZOELIFE_DATABASE_URL", db_url)
    make_user(db_url, "clinic.admin", ["admin"])
    return db_url


def seed(db_url, **kw) -> int:
    engine = make_engine(db_url)
    try:
        base = dict(received_at=FIXED_NOW - dt.timedelta(hours=1), first_name="Rita",
                    last_name="Requester", phone="(212) 555-0123", now=FIXED_NOW)
        return make_request(engine, **(base | kw))
    finally:
        engine.dispose()


def opened(db_url, rid, roles=("front_desk",), username=None):
    at = page("pages/request.py")
    sign_in(at, db_url, roles=roles, username=username)
    at.query_params["id"] = str(rid)
    return at.run()


def widget(elements, label):
    found = [e for e in elements if e.label == label]
    assert found, f"no widget labelled {label!r}"
    return found[0]


def labels(at) -> set[str]:
    kinds = ("button", "selectbox", "text_input", "date_input", "time_input", "radio",
             "segmented_control", "link_button")
    return {e.label for kind in kinds for e in at.get(kind) if hasattr(e, "label")}


def click(at, label):
    widget(at.button, label).click()
    return at.run()


def row(db_url, rid) -> Request:
    return read_db(db_url, lambda s: s.get(Request, rid))


def attempts(db_url, rid):
    return read_db(db_url, lambda s: s.execute(
        select(ContactAttempt.method, ContactAttempt.outcome, ContactAttempt.note)
        .where(ContactAttempt.request_id == rid).order_by(ContactAttempt.id)).all())


def successes(at) -> list[str]:
    return [s.value for s in at.success]


# --------------------------------------------------------------------------- access


def test_signed_out_and_a_manager_get_no_moves(desk_db):
    rid = seed(desk_db, message="I want to kill myself")
    at = page("pages/request.py")
    at.query_params["id"] = str(rid)
    at.run()
    assert "Sign in" in [t.value for t in at.title]
    assert not {"No answer", "Acknowledge urgent request", "Close request"} & labels(at)
    assert "Requester" not in page_text(at)
    at = opened(desk_db, rid, roles=("manager",))
    assert at.error and "not available to your account" in at.error[0].value
    assert not {"No answer", "Acknowledge urgent request", "Move to"} & labels(at)
    assert "Requester" not in page_text(at) and "555" not in page_text(at)
    assert (row(desk_db, rid).crisis_acknowledged_at, attempts(desk_db, rid)) == (None, [])


# --------------------------------------------------------------------------- attempts


def test_the_outcome_has_no_default_and_is_required(desk_db):
    rid = seed(desk_db)
    at = opened(desk_db, rid)
    assert widget(at.selectbox, "Outcome").value is None
    at = click(at, "Log attempt")
    assert any("Choose the attempt's outcome" in e.value for e in at.error)
    assert attempts(desk_db, rid) == [] and row(desk_db, rid).status == "new"


@pytest.mark.parametrize("outcome", sorted(ONE_CLICK))
def test_one_click_logs_a_common_outcome(desk_db, outcome):
    rid = seed(desk_db)
    at = opened(desk_db, rid)
    widget(at.text_input, "Note (optional)").input("rang at 10:05")
    at = click(at, ONE_CLICK[outcome])
    assert not at.exception
    assert attempts(desk_db, rid) == [("call", outcome, "rang at 10:05")]
    assert row(desk_db, rid).status == "attempted"
    assert f"Attempt logged ({ONE_CLICK[outcome].lower()}). Status is now attempted." in \
        successes(at)
    assert widget(at.text_input, "Note (optional)").value == ""  # ready for the next call


def test_any_outcome_from_the_list_with_its_method(desk_db):
    rid = seed(desk_db)
    at = opened(desk_db, rid)
    widget(at.radio, "How").set_value("text")
    widget(at.selectbox, "Outcome").set_value("message_sent")
    at = click(at, "Log attempt")
    assert attempts(desk_db, rid) == [("text", "message_sent", None)]
    assert widget(at.selectbox, "Outcome").value is None  # no outcome carried over


def test_reached_then_schedule_in_two_steps_on_the_same_tab(desk_db):
    rid = seed(desk_db)
    at = opened(desk_db, rid)
    at = click(at, "Reached → schedule")
    assert not at.exception
    assert attempts(desk_db, rid) == [("call", "reached", None)]
    assert row(desk_db, rid).status == "in_progress"
    assert "Schedule the appointment" in page_text(at)
    assert "Close reason" not in labels(at)  # only the scheduling fields
    widget(at.date_input, "Appointment date").set_value(dt.date(2026, 3, 9))
    widget(at.time_input, "Appointment time").set_value(dt.time(14, 30))
    widget(at.text_input, "Appointment kind").input("TMS consultation")
    widget(at.button, "Schedule").click()
    at.run()
    assert not at.exception
    r = row(desk_db, rid)
    assert (r.status, r.appointment_kind) == ("scheduled", "TMS consultation")
    assert r.appointment_at == dt.datetime(2026, 3, 9, 18, 30, tzinfo=dt.UTC)  # 14:30 New York
    assert "Schedule the appointment" not in page_text(at)
    assert "Reached" in labels(at) and "Reached → schedule" not in labels(at)


def test_reached_then_not_now_leaves_it_in_progress(desk_db):
    rid = seed(desk_db)
    at = click(opened(desk_db, rid), "Reached → schedule")
    at = click(at, "Not now")
    assert "Schedule the appointment" not in page_text(at)
    assert row(desk_db, rid).status == "in_progress"


def test_after_the_last_attempt_close_as_unreachable_is_one_click(desk_db):
    rid = seed(desk_db)
    engine = make_engine(desk_db)
    with write_session(engine) as s:
        for n in range(2):
            lifecycle.log_attempt(s, rid, actor=audit.SYSTEM, method="call",
                                  outcome="no_answer", now=FIXED_NOW + dt.timedelta(minutes=n))
    engine.dispose()
    at = opened(desk_db, rid)
    assert "Close as unreachable" not in labels(at)  # two of three attempts
    at = click(at, "Left voicemail")
    assert "3 attempts without reaching them: the planned attempts are done." in \
        [w.value for w in at.warning]
    at = click(at, "Close as unreachable")
    assert not at.exception
    r = row(desk_db, rid)
    assert (r.status, r.close_reason, r.is_open) == ("closed", "unreachable", False)
    assert "Closed as unreachable." in successes(at)
    assert "Close as unreachable" not in labels(at)
    reason = read_db(desk_db, lambda s: s.execute(
        select(StatusChange.reason).where(StatusChange.to_status == "closed")).scalar_one())
    assert reason == "not reached after 3 attempts"


# --------------------------------------------------------------------------- crisis


def test_acknowledging_an_unassigned_urgent_request_claims_it(desk_db):
    rid = seed(desk_db, message="I want to kill myself")
    at = opened(desk_db, rid, username="desk.dana")
    assert any("also assigns it to you" in c.value for c in at.caption)
    at = click(at, "Acknowledge urgent request")
    assert not at.exception
    assert "Urgent request acknowledged and assigned to you." in successes(at)
    r = row(desk_db, rid)
    user_id = r.crisis_acknowledged_by
    assert user_id is not None and r.assignee_id == user_id and r.crisis_rank == 1
    assert any("Assigned to Desk\\.Dana." in c.value for c in at.caption), \
        [c.value for c in at.caption]
    changes = read_db(desk_db, lambda s: s.execute(
        select(AuditEvent.changes).where(AuditEvent.action == "request.acknowledge")
    ).scalar_one())
    assert changes["assignee_id"] == [None, user_id]


def test_acknowledging_leaves_someone_elses_request_with_them(desk_db):
    rid = seed(desk_db, message="I want to kill myself")
    other = make_user(desk_db, "desk.other", ["front_desk"])
    engine = make_engine(desk_db)
    with write_session(engine) as s:
        s.execute(update(Request).where(Request.id == rid).values(assignee_id=other))
    engine.dispose()
    at = click(opened(desk_db, rid), "Acknowledge urgent request")
    assert "Urgent request acknowledged." in successes(at)
    assert row(desk_db, rid).assignee_id == other


# --------------------------------------------------------------------------- status form


def test_the_status_form_shows_only_the_chosen_moves_fields(desk_db):
    rid = seed(desk_db)
    at = opened(desk_db, rid)
    move = widget(at.segmented_control, "Move to")
    assert move.options == ["Attempted", "In progress", "Scheduled", "Closed"]
    assert move.value is None and not set(MOVE_WIDGETS) & labels(at)
    move.set_value("closed")
    at.run()
    assert {"Close reason", "Reason (optional)", "Close request"} <= labels(at)
    assert not {"Appointment date", "Appointment kind", "Schedule"} & labels(at)
    assert "Became patient" not in widget(at.selectbox, "Close reason").options
    widget(at.segmented_control, "Move to").set_value("scheduled")
    at.run()
    assert {"Appointment date", "Appointment time", "Appointment kind", "Schedule"} <= labels(at)
    assert not {"Close reason", "Reason (optional)"} & labels(at)


def test_closing_needs_its_reason_then_closes(desk_db):
    rid = seed(desk_db)
    at = opened(desk_db, rid)
    widget(at.segmented_control, "Move to").set_value("closed")
    at = at.run()
    assert widget(at.selectbox, "Close reason").value is None  # no default reason
    at = click(at, "Close request")
    assert any("Closing needs a close reason." in e.value for e in at.error)
    assert row(desk_db, rid).status == "new"
    widget(at.selectbox, "Close reason").set_value("declined")
    widget(at.text_input, "Reason (optional)").input("chose another clinic")
    at = click(at, "Close request")
    r = row(desk_db, rid)
    assert (r.status, r.close_reason) == ("closed", "declined")
    assert "Status changed to closed." in successes(at)
    # closed: the one move is a reopen, which needs a reason
    assert widget(at.segmented_control, "Move to").options == ["Reopen"]
    widget(at.segmented_control, "Move to").set_value("in_progress")
    at = at.run()
    assert {"Reason (needed to reopen)"} <= labels(at) and "Close reason" not in labels(at)
    at = click(at, "Reopen")
    assert any("Reopening a closed request needs a reason." in e.value for e in at.error)
    widget(at.text_input, "Reason (needed to reopen)").input("called back")
    at = click(at, "Reopen")
    assert (row(desk_db, rid).status, row(desk_db, rid).is_open) == ("in_progress", True)


def test_scheduling_needs_the_appointment_and_a_no_show_goes_back(desk_db):
    rid = seed(desk_db)
    at = opened(desk_db, rid)
    widget(at.segmented_control, "Move to").set_value("scheduled")
    at = click(at.run(), "Schedule")
    assert any("appointment's date, time and kind" in e.value for e in at.error)
    widget(at.date_input, "Appointment date").set_value(dt.date(2026, 3, 10))
    widget(at.time_input, "Appointment time").set_value(dt.time(9, 0))
    widget(at.text_input, "Appointment kind").input("Spravato intake")
    at = click(at, "Schedule")
    assert row(desk_db, rid).status == "scheduled"
    move = widget(at.segmented_control, "Move to")
    assert move.options == ["No-show or reschedule", "Closed"] and move.value is None
    move.set_value("in_progress")
    at = at.run()
    widget(at.text_input, "What happened (optional)").input("no-show")
    at = click(at, "Move to in progress")
    assert row(desk_db, rid).status == "in_progress"
    widget(at.segmented_control, "Move to").set_value("closed")
    assert "Became patient" not in widget(at.run().selectbox, "Close reason").options


def test_became_patient_is_offered_once_scheduled(desk_db):
    rid = seed(desk_db)
    engine = make_engine(desk_db)
    with write_session(engine) as s:
        lifecycle.change_status(s, rid, actor=audit.SYSTEM, seen_version=1,
                                to_status="scheduled",
                                appointment_at=FIXED_NOW + dt.timedelta(days=2),
                                appointment_kind="TMS mapping")
    engine.dispose()
    at = opened(desk_db, rid)
    widget(at.segmented_control, "Move to").set_value("closed")
    at = at.run()
    widget(at.selectbox, "Close reason").set_value("became_patient")
    at = click(at, "Close request")
    assert row(desk_db, rid).close_reason == "became_patient"


def test_a_move_from_a_stale_screen_is_refused(desk_db):
    rid = seed(desk_db)
    at = opened(desk_db, rid)
    widget(at.segmented_control, "Move to").set_value("closed")
    at = at.run()
    engine = make_engine(desk_db)
    with write_session(engine) as s:  # someone else's change, behind this screen's back
        s.execute(update(Request).where(Request.id == rid)
                  .values(version=Request.version + 1, insurance="Changed elsewhere"))
    engine.dispose()
    widget(at.selectbox, "Close reason").set_value("spam")
    at = click(at, "Close request")
    assert any("Someone else changed this request" in w.value for w in at.warning)
    assert row(desk_db, rid).status == "new"
    assert "Changed elsewhere" in page_text(at)


# --------------------------------------------------------------------------- contact, toast


def test_call_text_and_email_links(desk_db):
    rid = seed(desk_db, email="rita@example.com")
    at = opened(desk_db, rid)
    links = {b.label: b for b in at.get("link_button")}
    assert links["Call (212) 555-0123"].proto.url == "tel:+12125550123"
    assert links["Text (212) 555-0123"].proto.url == "sms:+12125550123"
    assert not links["Text (212) 555-0123"].proto.disabled
    assert [b.proto.url for b in links.values() if b.label.startswith("Email ")] == [
        "mailto:rita@example.com"]
    no_texts = seed(desk_db, sms_consent=False, first_name="Sam", last_name="Nosms",
                    phone="(646) 555-0199")
    at = opened(desk_db, no_texts)
    text = {b.label: b for b in at.get("link_button")}["Text (646) 555-0199"]
    assert text.proto.disabled and "did not agree to text" in text.proto.help


def test_a_new_arrival_toasts_its_number_channel_and_level_with_a_link(desk_db):
    rid = seed(desk_db)
    at = opened(desk_db, rid)
    assert not at.toast  # what was there when the page opened is not news
    urgent = seed(desk_db, message="I want to end my life", first_name="Una", last_name="Known")
    plain = seed(desk_db, channel="phone", first_name="Paul", last_name="Plain")
    at.run()
    toasts = [t.value for t in at.toast]
    assert toasts == [f"New web request #{urgent}, urgent: [open #{urgent}](request?id={urgent})",
                      f"New phone request #{plain}: [open #{plain}](request?id={plain})"]
    assert not any(name in " ".join(toasts) for name in ("Una", "Known", "Paul", "Plain"))
    at.run()
    assert not at.toast  # announced once
