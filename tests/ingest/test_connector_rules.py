"""The rules the connectors share, by either way in: the tool's metadata is never triaged,
times as each tool documents them, phones judged honestly, numeric-id forms, bookings that
schedule requests, Meta lead notifications fetched through the Graph API (a local mock)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from tests.ingest.connector_cases import (
    CRISIS,
    FIXTURES,
    body_of,
    fresh_sqlite,
    post,
    snapshot,
    via_import,
    via_webhook,
)
from tests.security.attacks.webhook_harness import TOKEN, client
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.models import QuarantinedRow, Request, StatusChange
from zoelife.ingest import connectors, metagraph
from zoelife.ingest.importer import import_requests
from zoelife.ingest.pipeline.parse import save_mapping
from zoelife.intake.inputs import NUMERIC_IDS_REASON, PHONE_DOUBT_FIELD
from zoelife.intake.normalize import normalize_phone

UTC = dt.UTC


def quarantine(url: str) -> list[QuarantinedRow]:
    engine = make_engine(url)
    try:
        with read_session(engine) as s:
            return list(s.execute(select(QuarantinedRow).order_by(QuarantinedRow.id)).scalars())
    finally:
        engine.dispose()


# --- Only the person's words are triaged -------------------------------------------------

def test_a_booking_full_of_urls_times_and_status_words_is_not_flagged(db_url, monkeypatch,
                                                                       frozen):
    body = body_of("calendly_invitee_canceled.json")
    body["payload"]["questions_and_answers"] = []  # nothing the person wrote
    body["payload"]["cancellation"]["reason"] = ""
    via_webhook(db_url, monkeypatch, "calendly", body_of("calendly_invitee_created.json"), body)
    (req,) = snapshot(db_url)
    assert req["crisis_level"] == "none"
    assert "calendly cancel_url" in req["extra"]  # kept, visible to staff


def test_tool_metadata_is_kept_but_never_read_for_crisis_or_submitter(frozen):
    body = body_of("meta_graph_lead.json")
    body["field_data"].append({"name": "relationship_status", "values": ["It's complicated"]})
    (sub,) = connectors.unpack(body, "meta-lead-ads")
    from zoneinfo import ZoneInfo

    from zoelife.ingest.pipeline.parse import to_input
    from zoelife.ingest.readers import Record

    inp = to_input(Record(1, sub.values, submission=sub), {}, source="meta", channel="web_form",
                   zone=ZoneInfo("America/New_York"))
    assert inp.submitter == "self"
    assert inp.extra["relationship_status"] == "It's complicated"
    assert "relationship_status" not in inp.all_text()
    assert "ad_id" not in inp.all_text() and "form_id" not in inp.all_text()
    assert "Information about ketamine treatment" in inp.all_text()


def test_a_long_answer_under_a_metadata_looking_label_is_still_read(frozen):
    """Errs on the side of flagging: three words or more are someone's words."""
    (sub,) = connectors.unpack({"email": "a.b@example.com", "status": CRISIS}, "zapier")
    from zoneinfo import ZoneInfo

    from zoelife.ingest.pipeline.parse import to_input
    from zoelife.ingest.readers import Record

    inp = to_input(Record(1, sub.values, submission=sub), {}, source="z", channel="web_form",
                   zone=ZoneInfo("America/New_York"))
    assert CRISIS in inp.all_text()


# --- Times as the tool documents them ----------------------------------------------------

def test_gravity_date_created_is_utc_and_an_explicit_offset_wins(db_url, monkeypatch, frozen):
    labelled = body_of("gravity_labelled.json")
    offset = dict(labelled, **{"Entry Id": "7414", "date_created": "2026-03-04T09:58:00-05:00",
                               "Email": "other.person@example.com", "Name (First)": "Zed"})
    assert via_webhook(db_url, monkeypatch, "gravity-forms", labelled, offset) == [202, 202]
    first, second = snapshot(db_url)
    assert first["received_at"] == dt.datetime(2026, 3, 4, 14, 58, tzinfo=UTC)
    assert second["received_at"] == dt.datetime(2026, 3, 4, 14, 58, tzinfo=UTC)


def test_csv_exports_read_in_clinic_time(engine, frozen):
    """Google Forms, Squarespace and Wix exports write the site's (clinic's) local time. They
    are files, never webhook bodies: the import is their only way in."""
    for name, source, email in (("google_forms_export.csv", "google-forms", "eve.moss"),
                                ("squarespace_export.csv", "squarespace", "hana.ito"),
                                ("wix_export.csv", "wix", "omar.haddad")):
        result = import_requests(engine, (FIXTURES / name).read_bytes(), name=name)
        assert (result.imported, result.source) == (1, source), name
        with read_session(engine) as s:
            req = s.execute(select(Request).where(Request.email == f"{email}@example.com")
                            ).scalar_one()
            # 09:58 in New York is 14:58 UTC.
            assert req.received_at == dt.datetime(2026, 3, 4, 14, 58, tzinfo=UTC), name
            assert req.message and req.phone and req.first_name
        again = import_requests(engine, (FIXTURES / name).read_bytes(), name=name)
        assert (again.already_imported, again.imported) == (1, 0), name  # a re-sent export


# --- Phones as given, judged honestly ----------------------------------------------------

def test_a_number_not_valid_for_its_country_is_never_rewritten():
    checked = normalize_phone("082 123 4567")  # South African mobile, typed without +27
    assert not checked.ok and checked.kept == "082 123 4567"
    assert "phone may be wrong" in checked.problem
    assert normalize_phone("+27 82 123 4567").value == "+27821234567"


def test_doubtful_phone_is_kept_as_typed_and_not_usable_contact(db_url, monkeypatch, frozen):
    body = body_of("zapier_nested.json")
    body["lead"]["phone"] = "082 123 4567"
    alone = json.loads(json.dumps(body))
    del alone["lead"]["email"]
    alone["lead"]["fullName"] = "Other Person"
    with client(db_url, monkeypatch, ZOELIFE_WEBHOOK_TOKEN=TOKEN) as c:
        assert post(c, "zapier", body).status_code == 202
        rejected = post(c, "zapier", alone)
    assert rejected.status_code == 422
    assert "phone may be wrong" in rejected.json()["reasons"][0]
    assert "no usable phone or email" in rejected.json()["reasons"][0]
    (req,) = snapshot(db_url)
    assert req["phone"] is None and req["email"] == "theo.grant@example.com"
    assert req["extra"][PHONE_DOUBT_FIELD] == "082 123 4567"
    (row,) = quarantine(db_url)
    assert row.raw["lead (phone)"] == "082 123 4567"


# --- Numeric-id forms ---------------------------------------------------------------------

def test_numeric_ids_without_recognisable_contact_say_map_them_once(db_url, monkeypatch,
                                                                    frozen):
    body = body_of("gravity_all_fields.json")
    body["2"], body["3"] = "", ""
    with client(db_url, monkeypatch, ZOELIFE_WEBHOOK_TOKEN=TOKEN) as c:
        answer = post(c, "gravity-forms", body)
    assert answer.status_code == 422
    assert answer.json()["reasons"] == [NUMERIC_IDS_REASON]
    (row,) = quarantine(db_url)
    assert row.reason == NUMERIC_IDS_REASON


def test_a_saved_mapping_names_numeric_ids_for_both_paths(db_url, sqlite_template, tmp_path,
                                                          monkeypatch, frozen):
    mapping = {"1.3": "first_name", "1.6": "last_name", "5": "message"}
    file_url = fresh_sqlite(sqlite_template, tmp_path, "file")
    for url in (db_url, file_url):
        engine = make_engine(url)
        try:
            with write_session(engine) as s:
                save_mapping(s, "gravity-forms", mapping)
        finally:
            engine.dispose()
    body = body_of("gravity_all_fields.json")
    via_webhook(db_url, monkeypatch, "gravity-forms", body)
    via_import(file_url, "gravity-forms", body)
    by_hook, by_file = snapshot(db_url), snapshot(file_url)
    assert by_hook == by_file
    assert (by_hook[0]["first_name"], by_hook[0]["last_name"]) == ("Marcus", "Bell")
    assert by_hook[0]["message"] == "I have read about TMS and would like a consultation."


# --- Bookings are not new requests --------------------------------------------------------

def _statuses(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    try:
        with read_session(engine) as s:
            return [(c.from_status, c.to_status) for c in
                    s.execute(select(StatusChange).order_by(StatusChange.id)).scalars()]
    finally:
        engine.dispose()


@pytest.mark.parametrize("way", ["webhook", "import"])
def test_a_booking_schedules_the_open_request_and_a_cancellation_reopens_it(
        way, db_url, monkeypatch, frozen):
    request_body = {"lead": {"fullName": "Nora Diaz", "email": "nora.diaz@example.com",
                             "notes": "Please call me about TMS."},
                    "meta": {"ts": "2026-03-04T14:50:00Z"}}
    booked, canceled = body_of("calendly_invitee_created.json"), \
        body_of("calendly_invitee_canceled.json")

    def send(source, body):
        if way == "webhook":
            assert via_webhook(db_url, monkeypatch, source, body) == [202]
        else:
            via_import(db_url, source, body)

    send("zapier", request_body)
    send("calendly", booked)
    send("calendly", booked)  # re-sent: nothing changes
    (req,) = snapshot(db_url)
    assert req["status"] == "scheduled"
    assert req["appointment_at"] == dt.datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    assert "Follow-up on my TMS consultation request." in req["message"]
    send("calendly", canceled)
    send("calendly", canceled)
    (req,) = snapshot(db_url)
    assert req["status"] == "in_progress"
    assert _statuses(db_url) == [("new", "scheduled"), ("scheduled", "in_progress")]


def test_a_booking_with_crisis_words_raises_the_request(db_url, monkeypatch, frozen):
    body = body_of("calendly_invitee_created.json")
    body["payload"]["questions_and_answers"][1]["answer"] = CRISIS
    via_webhook(db_url, monkeypatch, "calendly", body)
    (req,) = snapshot(db_url)
    assert (req["status"], req["crisis_level"]) == ("scheduled", "urgent")


# --- Meta leadgen notifications -----------------------------------------------------------

class _Graph(BaseHTTPRequestHandler):
    lead: dict = {}
    seen: list = []

    def do_GET(self):  # noqa: N802 - the handler's name is http.server's
        type(self).seen.append((self.path, self.headers.get("Authorization")))
        if not self.path.startswith(f"/v21.0/{self.lead['id']}?"):
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(self.lead).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def graph():
    _Graph.lead, _Graph.seen = body_of("meta_graph_lead.json"), []
    server = HTTPServer(("127.0.0.1", 0), _Graph)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v21.0"
    server.shutdown()
    thread.join()


def test_leadgen_without_a_token_is_quarantined_saying_so(db_url, monkeypatch, frozen):
    monkeypatch.delenv(metagraph.TOKEN_ENV, raising=False)
    with client(db_url, monkeypatch, ZOELIFE_WEBHOOK_TOKEN=TOKEN) as c:
        answer = post(c, "meta-lead-ads", body_of("meta_leadgen_notification.json"))
    assert answer.status_code == 422
    assert answer.json()["reasons"] == [metagraph.NO_TOKEN_REASON]
    (row,) = quarantine(db_url)
    assert row.reason == metagraph.NO_TOKEN_REASON and snapshot(db_url) == []


def test_leadgen_with_a_token_fetches_the_lead_through_the_graph_api(db_url, monkeypatch,
                                                                     frozen, graph):
    monkeypatch.setenv(metagraph.TOKEN_ENV, "page-token-123")
    monkeypatch.setenv(metagraph.URL_ENV, graph)
    note = body_of("meta_leadgen_notification.json")
    assert via_webhook(db_url, monkeypatch, "meta-lead-ads", note, note) == [202, 202]
    (req,) = snapshot(db_url)
    assert (req["external_id"], req["email"]) == ("1234567890123456", "ruth.adams@example.com")
    assert req["received_at"] == dt.datetime(2026, 3, 4, 14, 58, tzinfo=UTC)
    path, auth = _Graph.seen[0]
    assert auth == "Bearer page-token-123" and "page-token-123" not in path
    # The lead fetched and the lead imported from a download are the same request.
    file_rows = via_import(db_url, "meta-lead-ads", body_of("meta_graph_lead.json"))
    assert file_rows[0].already_imported == 1


def test_graph_failures_are_held_with_the_status_only(graph):
    (sub,) = connectors.unpack(body_of("meta_leadgen_notification.json"), "meta")
    sub.lead_id = "999"
    (held,) = metagraph.resolve([sub], token="t", base_url=graph)
    assert held.hold_reason == ("Meta lead notification: the lead was not fetched (the Graph "
                                "API answered HTTP 404)")


def test_a_saved_api_response_file_and_json_lines_import_each_record(engine, frozen):
    body = body_of("hubspot_submissions_response.json")
    second = json.loads(json.dumps(body["results"][0]))
    second["conversionId"] = "cc2"
    second["values"] = [{"name": "firstname", "value": "Hal"},
                        {"name": "email", "value": "hal.jones@example.com"}]
    body["results"].append(second)
    (result,) = via_import(engine.url.render_as_string(hide_password=False), "hubspot", body)
    assert result.imported == 2
    lines = "\n".join(json.dumps(r) for r in body["results"]).encode()
    again = import_requests(engine, lines, fmt="json", source="hubspot", name="leads.jsonl")
    assert (again.already_imported, again.imported) == (2, 0)


@pytest.mark.parametrize(("name", "source", "url"), [
    ("typeform_webhook.json", "typeform", "https://zoelife.example/blog/spravato-guide/"),
    ("hubspot_submissions_response.json", "hubspot",
     "https://zoelife.example/blog/tms-what-to-expect/"),
    ("calendly_invitee_created.json", "calendly",
     "https://zoelife.example/blog/tms-what-to-expect/"),  # by its tracking.utm_campaign
    ("meta_graph_lead.json", "meta-lead-ads", "https://zoelife.example/blog/ketamine-faq/"),
])
def test_landing_page_and_utm_credit_the_content_item(name, source, url, db_url, monkeypatch,
                                                      frozen):
    from zoelife.ingest import content

    engine = make_engine(db_url)
    try:
        with write_session(engine) as s:
            item = content.add_item(s, url=url, title="An article",
                                    published_at=dt.datetime(2026, 2, 1, tzinfo=UTC),
                                    channel="blog", topics=None)
            item_id = item.id
    finally:
        engine.dispose()
    via_webhook(db_url, monkeypatch, source, body_of(name))
    engine = make_engine(db_url)
    try:
        with read_session(engine) as s:
            (credited,) = s.execute(select(Request.attributed_content_id)).scalars().all()
    finally:
        engine.dispose()
    assert credited == item_id


def test_formstack_form_post_with_compound_name_lines(db_url, monkeypatch, frozen):
    """Formstack's URL-encoded format writes compound fields as `first = …` lines."""
    from urllib.parse import urlencode

    body = urlencode({"FormID": "5512345", "UniqueID": "1190123499",
                      "Name": "first = Jamal\nlast = Owens", "Email": "jamal.owens@example.com",
                      "HandshakeKey": "shared-secret-from-the-form-settings"}).encode()
    with client(db_url, monkeypatch, ZOELIFE_WEBHOOK_TOKEN=TOKEN) as c:
        answer = c.post("/api/intake/formstack", content=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Zoelife-Token": TOKEN})
    assert answer.status_code == 202
    (req,) = snapshot(db_url)
    assert (req["external_id"], req["first_name"], req["last_name"]) == (
        "1190123499", "Jamal", "Owens")
    assert "shared-secret-from-the-form-settings" not in json.dumps(req["extra"])
