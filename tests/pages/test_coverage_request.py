"""The request page's Coverage tab through AppTest: the front desk sees the member id and the
card images, saves insurance, uploads cards (a PDF is refused with a sentence), moves an
authorization and meets the Spravato gate; signed out and managers see none of it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.apptest import page, read_db, sign_in
from tests.coverage.helpers import (
    DESK,
    MEMBER_ID,
    card_png,
    mock_clearinghouse,
    seed_insured_request,
    seed_payers,
)
from tests.intake.helpers import page_text
from zoelife.coverage import records
from zoelife.db.engine import make_engine, write_session
from zoelife.db.models import Authorization, CardImage, Coverage, Request
from zoelife.ui.components import escape_markdown

pytestmark = pytest.mark.usefixtures("clock")


def seeded(db_url, **kw):
    engine = make_engine(db_url)
    payers = seed_payers(engine)
    rid = seed_insured_request(engine, payers["Aetna"], **kw)
    engine.dispose()
    return rid, payers


def opened(db_url, rid, roles=("front_desk",)):
    at = page("pages/request.py")
    sign_in(at, db_url, roles=roles)
    at.query_params["id"] = str(rid)
    return at.run()


def button(at, text):
    found = [b for b in at.button if b.label == text]
    assert found, f"no button {text!r}"
    return found[0]


def test_front_desk_sees_member_id_and_both_card_images(app_db):
    rid, _ = seeded(app_db)
    at = opened(app_db, rid)
    assert not at.exception
    text = page_text(at)
    assert f"Member id: {MEMBER_ID}" in text and "Subscriber: Sam Subscriber (Spouse)" in text
    images = at.get("image")
    assert len(images) == 2
    assert "Primary insurance: Aetna" in [e.label for e in at.expander]


def test_signed_out_and_managers_never_see_the_member_id_or_the_cards(app_db):
    rid, _ = seeded(app_db)
    at = page("pages/request.py")
    at.query_params["id"] = str(rid)
    at.run()
    assert MEMBER_ID not in page_text(at) and not at.get("image")
    at = opened(app_db, rid, roles=("manager",))
    assert MEMBER_ID not in page_text(at) and not at.get("image")
    assert "not available to your account" in at.error[0].value


def test_saving_insurance_and_uploading_cards_and_a_pdf_refused(app_db):
    rid, payers = seeded(app_db, cards=False)
    at = opened(app_db, rid)
    uploads = [u for u in at.get("file_uploader")]
    assert len(uploads) == 2
    uploads[0].set_value(("card.png", b"%PDF-1.7 renamed to .png", "image/png"))
    button(at, "Save card images").click()
    at.run()
    assert any("this file is a PDF document" in e.value for e in at.error)
    assert read_db(app_db, lambda s: s.execute(select(CardImage)).first()) is None
    at = opened(app_db, rid)
    [u for u in at.get("file_uploader")][0].set_value(("front.png", card_png(), "image/png"))
    button(at, "Save card images").click()
    at.run()
    assert not at.exception
    assert read_db(app_db, lambda s: s.execute(select(CardImage.side)).scalars().all()) == [
        "front"]
    assert len(at.get("image")) == 1


def test_tracking_an_authorization_shows_the_checklist_and_moves_it(app_db):
    rid, payers = seeded(app_db, cards=False)
    at = opened(app_db, rid)
    button(at, "Track an authorization").click()
    at.run()
    assert not at.exception
    text = page_text(at)
    assert "missing: records of 2 more adequate medication trials" in text
    assert "missing: a recent PHQ" in text
    assert "TMS: Gathering records (Aetna)" in [e.label for e in at.expander]
    move = [s for s in at.selectbox if s.label == "Move to"][0]
    move.set_value("submitted")
    button(at, "Move authorization").click()
    at.run()
    assert read_db(app_db, lambda s: s.execute(select(Authorization.status)).scalar()) == (
        "submitted")


def test_first_spravato_dose_needs_an_override_reason_until_the_start_is_complete(app_db):
    rid, _ = seeded(app_db, cards=False, treatments=("Spravato",))
    at = opened(app_db, rid)
    assert any("Before a first dose: REMS patient enrolment" in w.value for w in at.warning)
    [d for d in at.date_input if d.label == "Date"][0].set_value(dt.date(2026, 3, 10))
    [t for t in at.time_input if t.label == "Time"][0].set_value(dt.time(10, 0))
    button(at, "Schedule first dose").click()
    at.run()
    assert any("Give a reason to override" in e.value for e in at.error)
    assert read_db(app_db, lambda s: s.get(Request, rid).status) != "scheduled"
    [t for t in at.text_input if t.label.startswith("Override reason")][0].set_value(
        "Clinician approved the start; REMS form faxed today")
    button(at, "Schedule first dose").click()
    at.run()
    assert read_db(app_db, lambda s: s.get(Request, rid).status) == "scheduled"
    held = read_db(app_db, lambda s: records.spravato_start(s, rid).override_reason)
    assert held == "Clinician approved the start; REMS form faxed today"
    assert read_db(app_db, lambda s: s.execute(select(Coverage.member_id)).scalar()) == MEMBER_ID


@pytest.fixture
def clearinghouse():
    with mock_clearinghouse() as url:
        yield url


def test_an_electronic_check_shows_the_payers_answer_and_staff_record_it(app_db, monkeypatch,
                                                                         clearinghouse):
    from zoelife.coverage.clearinghouse import KEY_ENV, NPI_ENV, URL_ENV
    from zoelife.db.engine import write_session
    from zoelife.db.models import BenefitCheck, Payer

    rid, payers = seeded(app_db, cards=False)
    engine = make_engine(app_db)
    with write_session(engine) as s:
        s.get(Payer, payers["Aetna"]).payer_code = "60054"
    engine.dispose()
    monkeypatch.setenv(URL_ENV, clearinghouse)
    monkeypatch.setenv(KEY_ENV, "test-key")
    monkeypatch.setenv(NPI_ENV, "1234567893")
    at = opened(app_db, rid)
    button(at, "Check eligibility electronically").click()
    at.run()
    assert not at.exception
    text = page_text(at)
    assert "Deductible $1,500.00 (met $500.00)" in text and "PA required: yes" in text
    assert read_db(app_db, lambda s: s.execute(select(BenefitCheck)).first()) is None
    button(at, "Record these benefits").click()
    at.run()
    saved = read_db(app_db, lambda s: s.execute(select(BenefitCheck)).scalar())
    assert (saved.method, saved.reference, saved.copay_cents, saved.pa_required) == (
        "electronic", "ZL42", 4000, True)


def test_a_999_sent_instead_of_a_271_is_shown_as_a_sentence_without_values(app_db,
                                                                             monkeypatch):
    from zoelife.coverage.clearinghouse import KEY_ENV, NPI_ENV, URL_ENV
    from zoelife.db.models import BenefitCheck, Payer

    rid, payers = seeded(app_db, cards=False)
    engine = make_engine(app_db)
    with write_session(engine) as s:
        s.get(Payer, payers["Aetna"]).payer_code = "60054"
    engine.dispose()
    with mock_clearinghouse("acknowledgments/999_rejected_subscriber.x12") as url:
        monkeypatch.setenv(URL_ENV, url)
        monkeypatch.setenv(KEY_ENV, "test-key")
        monkeypatch.setenv(NPI_ENV, "1234567893")
        at = opened(app_db, rid)
        button(at, "Check eligibility electronically").click()
        at.run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith("The clearinghouse rejected the inquiry (999: rejected): NM1 "
                            "segment at position 9 of the transaction (loop 2100), element "
                            "NM109 (Identification Code): required data element missing")
    assert "19850231" not in page_text(at)
    assert read_db(app_db, lambda s: s.execute(select(BenefitCheck)).first()) is None


def test_the_status_tab_holds_the_spravato_gate_too(app_db):
    rid, _ = seeded(app_db, cards=False, treatments=("Spravato",))
    at = opened(app_db, rid)
    [s for s in at.get("button_group") if s.label == "Move to"][0].set_value("scheduled")
    at.run()
    [d for d in at.date_input if d.label == "Appointment date"][0].set_value(dt.date(2026, 3, 9))
    [t for t in at.time_input if t.label == "Appointment time"][0].set_value(dt.time(9, 0))
    [s for s in at.selectbox if s.label == "First treatment session?"][0].set_value("spravato")
    button(at, "Schedule").click()
    at.run()
    assert any("Not ready for a first Spravato dose" in e.value for e in at.error)
    assert read_db(app_db, lambda s: s.get(Request, rid).status) == "new"


def test_a_spravato_session_scheduled_under_another_kind_meets_the_gate_too(app_db):
    """Not chosen as "First treatment session", a Spravato treatment appointment on a request
    with no session yet is still held by the start gate, and counts as the first dose."""
    rid, _ = seeded(app_db, cards=False, treatments=("Spravato",))
    at = opened(app_db, rid)

    def schedule(reason=""):
        [s for s in at.get("button_group") if s.label == "Move to"][0].set_value("scheduled")
        at.run()
        [d for d in at.date_input if d.label == "Appointment date"][0].set_value(
            dt.date(2026, 3, 9))
        [t for t in at.time_input if t.label == "Appointment time"][0].set_value(dt.time(9))
        [t for t in at.text_input if t.label == "Appointment kind"][0].set_value(
            "Spravato treatment")
        first = [s for s in at.selectbox if s.label == "First treatment session?"][0]
        assert first.value is None  # "No, or not chosen"
        if reason:
            [t for t in at.text_input if t.label.startswith("Override reason")][0].set_value(
                reason)
        button(at, "Schedule").click()
        at.run()

    schedule()
    [error] = [e.value for e in at.error]
    assert error.startswith("This appointment is read as the first Spravato treatment")
    assert "Not ready for a first Spravato dose: missing REMS patient enrolment" in error
    assert read_db(app_db, lambda s: s.get(Request, rid).status) == "new"
    schedule("REMS enrolment faxed today, confirmed by phone")
    assert not at.exception and not at.error
    assert read_db(app_db, lambda s: (s.get(Request, rid).status, s.get(
        Request, rid).appointment_kind)) == ("scheduled", "Spravato treatment")
    first_at = read_db(app_db, lambda s: s.execute(
        select(Authorization.first_treatment_at).where(Authorization.request_id == rid,
                                                       Authorization.treatment == "spravato")
    ).scalar())
    assert first_at is not None


def test_a_consultation_scheduled_on_a_spravato_request_is_not_gated(app_db):
    rid, _ = seeded(app_db, cards=False, treatments=("Spravato",))
    at = opened(app_db, rid)
    [s for s in at.get("button_group") if s.label == "Move to"][0].set_value("scheduled")
    at.run()
    [d for d in at.date_input if d.label == "Appointment date"][0].set_value(dt.date(2026, 3, 9))
    [t for t in at.time_input if t.label == "Appointment time"][0].set_value(dt.time(9))
    [t for t in at.text_input if t.label == "Appointment kind"][0].set_value(
        "Spravato consultation")
    button(at, "Schedule").click()
    at.run()
    assert not at.error
    assert read_db(app_db, lambda s: s.get(Request, rid).status) == "scheduled"
    assert read_db(app_db, lambda s: s.execute(select(Authorization)).first()) is None


def test_the_history_editor_is_prefilled_with_the_messages_trials_until_staff_save(app_db):
    message = "Tried Zoloft 100 mg for 3 months, then Lexapro 20mg for 8 weeks. Nothing helped."
    rid, payers = seeded(app_db, cards=False, message=message)
    engine = make_engine(app_db)
    with write_session(engine) as s:
        records.open_authorization(s, rid, "tms", actor=DESK, payer_id=payers["Aetna"])
    engine.dispose()
    at = opened(app_db, rid)
    editor = [e for e in at.dataframe if "drug" in list(e.value.columns)]
    assert editor and list(editor[0].value["drug"]) == ["sertraline", "escitalopram"]
    assert any("Prefilled with the trials the message mentions" in c.value for c in at.caption)
    # A suggestion is not evidence until saved.
    held = read_db(app_db, lambda s: s.execute(select(Authorization.evidence)).scalar())
    assert held == {}
    button(at, "Save history").click()
    at.run()
    held = read_db(app_db, lambda s: s.execute(select(Authorization.evidence)).scalar())
    assert [t["drug"] for t in held["trials"]] == ["sertraline", "escitalopram"]
    assert held["trials"][0]["weeks"] == 13 and held["trials"][0]["dose_mg"] == 100


def test_the_status_tab_holds_the_tms_gate_and_takes_an_override_reason(app_db):
    rid, payers = seeded(app_db, cards=False)
    engine = make_engine(app_db)
    with write_session(engine) as s:
        records.open_authorization(s, rid, "tms", actor=DESK, payer_id=payers["Aetna"])
    engine.dispose()
    at = opened(app_db, rid)
    assert ("Prior authorization required (a prior authorization is being tracked for it)"
            in page_text(at))

    def schedule(reason=""):
        [s for s in at.get("button_group") if s.label == "Move to"][0].set_value("scheduled")
        at.run()
        [d for d in at.date_input if d.label == "Appointment date"][0].set_value(
            dt.date(2026, 3, 9))
        [t for t in at.time_input if t.label == "Appointment time"][0].set_value(dt.time(9))
        [s for s in at.selectbox if s.label == "First treatment session?"][0].set_value("tms")
        if reason:
            [t for t in at.text_input if t.label.startswith("Override reason")][0].set_value(
                reason)
        button(at, "Schedule").click()
        at.run()

    schedule()
    assert any("Not ready for a first TMS session" in e.value for e in at.error)
    assert read_db(app_db, lambda s: s.get(Request, rid).status) == "new"
    schedule("payer approved by phone, letter to follow")
    assert not at.exception
    assert read_db(app_db, lambda s: (s.get(Request, rid).status, s.get(
        Request, rid).appointment_kind)) == ("scheduled", "TMS first session")


def test_psychotherapy_in_the_message_is_suggested_and_staff_confirm_it_into_the_checklist(
        app_db):
    message = ("I did CBT for a year and then saw a counselor. Tried Zoloft 100 mg for 3 "
               "months. Looking into TMS.")
    rid, payers = seeded(app_db, cards=False, message=message)
    engine = make_engine(app_db)
    with write_session(engine) as s:
        records.open_authorization(s, rid, "tms", actor=DESK, payer_id=payers["Aetna"])
    engine.dispose()
    at = opened(app_db, rid)
    assert not at.exception
    text = page_text(at)
    said = 'CBT and counseling, 52 weeks (words: "CBT; counselor")'
    assert said in text  # under the message, as a suggestion
    # The person's words in a caption are escaped (markdown), never rendered.
    assert f"The message mentions psychotherapy: {escape_markdown(said)}." in text
    assert any("missing: psychotherapy notes" in m.value for m in at.markdown)
    # Not counted until staff tick it and save.
    box = [c for c in at.checkbox if c.label == "Psychotherapy trial done"][0]
    assert box.value is False
    box.check()
    button(at, "Save history").click()
    at.run()
    assert not at.exception
    held = read_db(app_db, lambda s: s.execute(select(Authorization.evidence)).scalar())
    assert held["psychotherapy"] is True and held["psychotherapy_detail"] == said
    with_check = [m.value for m in at.markdown if "a psychotherapy trial" in m.value]
    assert with_check and "check" in with_check[0] and "missing" not in with_check[0]


def test_a_booked_first_dose_not_ready_is_shown_and_staff_accept_it_with_a_reason(app_db):
    """A Calendly booking cannot ask for the override: the tab shows what it lacks and staff
    give the reason here (docs/coverage.md, "Bookings and the gates")."""
    import json

    from tests.ingest.connector_cases import body_of
    from zoelife.ingest.importer import import_requests

    rid, _ = seeded(app_db, cards=False, treatments=("Spravato",),
                    email="nora.diaz@example.com", first_name="Nora", last_name="Diaz")
    body = body_of("calendly_invitee_created.json")
    body["payload"]["scheduled_event"]["name"] = "Spravato first dose"
    engine = make_engine(app_db)
    import_requests(engine, json.dumps(body).encode(), fmt="json", source="calendly",
                    name="booking.json")
    engine.dispose()
    at = opened(app_db, rid)
    assert any("Booked in calendly: Spravato start not ready: missing REMS patient enrolment"
               in w.value for w in at.warning)
    button(at, "Accept the booking").click()
    at.run()
    assert any("Say why" in e.value for e in at.error)
    [t for t in at.text_input if t.label.startswith("Accept the booked")][0].set_value(
        "REMS enrolment done by phone with the prescriber")
    button(at, "Accept the booking").click()
    at.run()
    assert read_db(app_db, lambda s: records.open_flags(s, rid)) == []
    assert not any("Booked in calendly" in w.value for w in at.warning)
