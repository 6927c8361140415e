"""The request page through AppTest: access, the view audit, attempts and their moves, crisis
protocol and safe message display. The one-click moves and the status form, on both databases:
test_request_moves.py."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.apptest import make_user, page, read_db, sign_in
from tests.clock import FIXED_NOW
from tests.intake.helpers import make_request, page_text
from zoelife.db.engine import make_engine
from zoelife.db.models import AuditEvent, ContactAttempt, EligibilityScreen, Note, Request

# Pages read the same fixed clock the seeds use (tests/clock.py).
pytestmark = pytest.mark.usefixtures("clock")

URGENT_HTML = "<script>alert(1)</script> **bold** I want to kill myself. Spravato?"


def seed(db_url, **kw):
    make_user(db_url, "clinic.admin", ["admin"])
    engine = make_engine(db_url)
    now = FIXED_NOW
    rid = make_request(engine, received_at=now - dt.timedelta(hours=1), first_name="Rita",
                       last_name="Requester", phone="(212) 555-0123", now=now, **kw)
    engine.dispose()
    return rid


def opened(db_url, rid, roles=("front_desk",)):
    at = page("pages/request.py")
    sign_in(at, db_url, roles=roles)
    at.query_params["id"] = str(rid)
    return at.run()


def widget(elements, label):
    found = [e for e in elements if e.label == label]
    assert found, f"no widget labelled {label!r}"
    return found[0]


def submit(at, label):
    widget(at.button, label).click()
    return at.run()


def test_signed_out_and_manager_see_no_patient_data(app_db):
    rid = seed(app_db)
    at = page("pages/request.py")
    at.query_params["id"] = str(rid)
    at.run()
    assert "Sign in" in [t.value for t in at.title]
    assert "Requester" not in page_text(at)
    at = opened(app_db, rid, roles=("manager",))
    assert at.error and "not available to your account" in at.error[0].value
    assert "Requester" not in page_text(at) and "555" not in page_text(at)


def test_view_is_audited_once_per_open_and_everything_shows(app_db):
    rid = seed(app_db, message=URGENT_HTML, treatments=("Spravato",))
    at = opened(app_db, rid)
    assert not at.exception
    at.run()  # a rerun is not a new view
    views = read_db(app_db, lambda s: s.execute(select(func.count()).select_from(AuditEvent)
                                           .where(AuditEvent.action == "request.view")).scalar())
    assert views == 1
    text = page_text(at)
    assert "Rita Requester" in text
    assert "988 Suicide & Crisis Lifeline" in text and "911" in text
    assert "Tell the on-call clinician" in text  # the clinic's escalation step
    message = [m.value for m in at.markdown if "script" in m.value][0]
    assert "<script>" not in message and "\\<script\\>" in message
    assert "**bold**" not in message and ":red-background[**kill myself**]" in message
    assert "Spravato REMS steps" in [e.label for e in at.expander]
    assert any("Not a clinical decision" in i.value for i in at.info)
    assert "Call (212) 555-0123" in [b.label for b in at.get("link_button")]


def test_acknowledge_on_the_request(app_db):
    rid = seed(app_db, message="I want to kill myself")
    at = opened(app_db, rid)
    at = submit(at, "Acknowledge urgent request")
    assert not at.exception
    assert any("Urgent request acknowledged and assigned to you." in s.value for s in at.success)
    assert read_db(app_db, lambda s: s.get(Request, rid).crisis_rank) == 1
    assert "Acknowledge urgent request" not in [b.label for b in at.button]


def test_log_attempts_move_the_status(app_db):
    rid = seed(app_db)
    at = opened(app_db, rid)
    widget(at.selectbox, "Outcome").set_value("no_answer")
    widget(at.text_input, "Note (optional)").input("rang 6 times")
    at = submit(at, "Log attempt")
    assert not at.exception
    assert any("Status is now attempted" in s.value for s in at.success)
    assert read_db(app_db, lambda s: s.get(Request, rid).status) == "attempted"
    widget(at.selectbox, "Outcome").set_value("reached")
    at = submit(at, "Log attempt")
    r = read_db(app_db, lambda s: s.get(Request, rid))
    assert (r.status, r.attempt_count) == ("in_progress", 2) and r.reached_at is not None
    notes = read_db(app_db, lambda s: s.execute(select(ContactAttempt.note)).scalars().all())
    assert sorted(notes, key=str) == sorted([None, "rang 6 times"], key=str)
    assert "rang 6 times" in page_text(at)


def test_note_assign_and_prescreen(app_db):
    rid = seed(app_db, treatments=("Spravato",))
    at = opened(app_db, rid)
    widget(at.text_area, "Note").input("<b>call after 3pm</b>")
    at = submit(at, "Add note")
    assert read_db(app_db, lambda s: s.execute(select(Note.body)).scalar()) == "<b>call after 3pm</b>"
    assert "<b>call after 3pm</b>" in [t.value for t in at.text]  # shown as text
    at = submit(at, "Assign to me")
    assert read_db(app_db, lambda s: s.get(Request, rid).assignee_id) is not None
    widget(at.number_input, "How old is the person?").set_value(16)
    at = submit(at, "Record pre-screen")
    row = read_db(app_db, lambda s: s.execute(select(EligibilityScreen)).scalar_one())
    assert row.treatment == "spravato" and row.result == "likely not eligible"
    assert any("likely not eligible" in t.value for t in at.text)


def test_a_message_in_another_language_says_which_it_seems_to_be(app_db):
    rid = seed(app_db, message="Goedendag, mijn dochter is 16 jaar en erg verdrietig. Hebben "
                               "jullie plaats voor tieners?")
    at = opened(app_db, rid)
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("seems to be in Dutch" in w and "does not read" in w for w in warnings)
    level = read_db(app_db, lambda s: s.get(Request, rid).crisis_level)
    assert level == "review"


def test_a_message_in_a_language_read_by_its_fields_says_so(app_db):
    # Portuguese is read by meaning (zoelife/triage/data/languages/pt.toml): a daughter who
    # says she wants to die is urgent, and a person who reads Portuguese still checks it.
    rid = seed(app_db, message="Olá, minha filha de 16 anos está muito triste e disse que quer "
                               "morrer. Vocês atendem adolescentes?")
    at = opened(app_db, rid)
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("seems to be in Portuguese" in w and "reads Portuguese words" in w
               for w in warnings)
    level = read_db(app_db, lambda s: s.get(Request, rid).crisis_level)
    assert level == "urgent"


def test_a_message_only_the_learned_net_marked_says_so(app_db):
    """No rule reads "almost there" as risk; the learned net asks a person to read it, and the
    page says that it was the net, not a rule."""
    rid = seed(app_db, message="tired of fighting it. almost there, everything is arranged and "
                               "the letters are written. do u take walk ins")
    at = opened(app_db, rid)
    assert not at.exception
    assert any("the learned net marked it" in c.value for c in at.caption)
    engine = make_engine(app_db)
    plain = make_request(engine, received_at=FIXED_NOW - dt.timedelta(hours=2), first_name="Paz",
                         last_name="Plain", phone="(212) 555-0199", now=FIXED_NOW,
                         message="Do you take Aetna for TMS? I'd like a consult next week.")
    engine.dispose()
    assert not any("learned net" in c.value for c in opened(app_db, plain).caption)


def test_medication_trials_are_suggested_as_plain_text(app_db):
    message = ("<b>Tried</b> Zoloft 100 mg for 3 months, then Lexapro; Wellbutrin didn't help. "
               "Is Spravato an option?")
    rid = seed(app_db, message=message)
    at = opened(app_db, rid)
    assert not at.exception
    assert "Medication trials mentioned (3)" in [e.label for e in at.expander]
    [table] = [d for d in at.dataframe if "Drug" in d.value.columns]
    rows = table.value.to_dict("records")
    assert [(r["Drug"], r["Dose (mg)"], r["Weeks"], r["Response"], r["Words"]) for r in rows] == [
        ("sertraline", "100", "13", "", "Zoloft"),
        ("escitalopram", "", "", "", "Lexapro"),
        ("bupropion", "", "", "no response", "Wellbutrin"),
    ]
    assert any("not a record" in c.value for c in at.caption)


def test_no_trials_panel_without_a_medicine(app_db):
    rid = seed(app_db, message="Interested in TMS, do you take Aetna?")
    at = opened(app_db, rid)
    assert not any(e.label.startswith("Medication trials") for e in at.expander)
