"""The documented bodies of each form tool (tests/ingest/fixtures/connectors, sources in the
README there), what each stores, and the two ways to deliver them (webhook and file import):
shared by test_connectors.py and test_connector_rules.py."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tests.security.attacks.webhook_harness import TOKEN, client
from zoelife.db.engine import make_engine, read_session
from zoelife.db.models import QuarantinedRow, Request, Submission
from zoelife.ingest.importer import import_requests

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "connectors"
UTC = dt.UTC
AT_1458 = dt.datetime(2026, 3, 4, 14, 58, tzinfo=UTC)
CRISIS = "Lately I keep thinking about killing myself and I have a plan"

# fixture -> (source path, what the stored request holds). `message` is the person's words
# as the tool carried them (swapped for CRISIS in the crisis case); `answer` an unmapped
# answer kept in extra.
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "typeform_webhook.json": ("typeform", dict(
        external_id="a3a12ec67a1365927098a606107fac15",
        received_at=dt.datetime(2026, 3, 4, 14, 58, 30, tzinfo=UTC),
        first_name="Laura", last_name="Smith", email="laura@example.com",
        phone="+12125550142", treatment_list="spravato",
        message="My doctor suggested Spravato after two medications did not help.",
        landing_page="https://zoelife.example/blog/spravato-guide/",
        utm_source="newsletter", utm_campaign="spravato-guide")),
    "jotform_webhook.json": ("jotform", dict(
        external_id="5701234567890123456", first_name="Dana", last_name="Reyes",
        email="dana.reyes@example.com", phone="+12125550177", treatment_list="tms",
        message="I would like to learn about TMS for my depression.")),
    "gravity_labelled.json": ("gravity-forms", dict(
        external_id="7413", received_at=AT_1458,  # date_created is UTC (Gravity's docs)
        first_name="Priya", last_name="Shah", email="priya.shah@example.com",
        phone="+16465550111", treatment_list="ketamine",
        message="Interested in ketamine-assisted therapy.",
        landing_page="https://zoelife.example/blog/ketamine-faq/")),
    "gravity_all_fields.json": ("gravity-forms", dict(
        external_id="7412", received_at=AT_1458, email="marcus.bell@example.com",
        phone="+12125550188", treatment_list="tms", utm_source="facebook",
        utm_campaign="tms-what-to-expect", extra_has={"1.3": "Marcus", "1.6": "Bell"},
        message=None, answer="I have read about TMS and would like a consultation.")),
    "wpforms_fields.json": ("wpforms", dict(
        external_id="318", first_name="Olivia", last_name="Chen",
        email="olivia.chen@example.com", phone="+17185550101",
        message="Looking for medication management for anxiety.",
        treatment_list="medication_management")),
    "formstack_webhook.json": ("formstack", dict(
        external_id="1190123456", first_name="Jamal", last_name="Owens",
        email="jamal.owens@example.com", phone="+13055550142", treatment_list="spravato",
        message="Please call me about Spravato availability.")),
    "hubspot_submissions_response.json": ("hubspot", dict(
        external_id="bb1d2f5e-7cb0-4d3a-8e9e-0f5b1e2c3d4a", received_at=AT_1458,
        first_name="Grace", last_name="Kim", email="grace.kim@example.com",
        phone="+16175550142", message="Could I get an evaluation for TMS?",
        treatment_list="tms", utm_source="hubspot", utm_medium="email",
        utm_campaign="tms-what-to-expect")),
    "hubspot_v3_submit.json": ("hubspot", dict(
        received_at=AT_1458, first_name="Ben", last_name="Ortiz",
        email="ben.ortiz@example.com",
        message="Do you take new patients for medication management?",
        landing_page="https://zoelife.example/services/medication-management/")),
    "meta_graph_lead.json": ("meta-lead-ads", dict(
        external_id="1234567890123456", received_at=AT_1458, first_name="Ruth",
        last_name="Adams", email="ruth.adams@example.com", phone="+12125550123",
        utm_source="facebook", utm_campaign="ketamine-faq", submitter="self",
        message=None, answer="Information about ketamine treatment")),
    "meta_relayed_lead.json": ("meta-lead-ads", dict(
        external_id="1234567890123457", received_at=AT_1458, first_name="Sam",
        last_name="Lee", email="sam.lee@example.com", phone="+12125550124",
        utm_source="instagram", utm_campaign="ketamine-faq", submitter="self",
        message=None, answer="Anxiety and trouble sleeping")),
    "zapier_nested.json": ("zapier", dict(
        received_at=AT_1458, first_name="Theo", last_name="Grant",
        email="theo.grant@example.com", phone="+12125550155", treatment_list="spravato",
        message="Asking about Spravato for treatment-resistant depression.")),
    "zapier_flat.json": ("zapier", dict(
        received_at=AT_1458, first_name="Iris", last_name="Park",
        email="iris.park@example.com", phone="+12125550156",
        message="Wants to book a medication management visit.",
        treatment_list="medication_management")),
    "generic_label_value.json": ("website-form", dict(
        external_id="elf-9001", received_at=AT_1458, first_name="Lena", last_name="Ford",
        email="lena.ford@example.com", message="Hello, I would like to book a therapy appointment.",
        landing_page="https://zoelife.example/contact/", treatment_list="therapy")),
    "calendly_invitee_created.json": ("calendly", dict(
        external_id="https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/"
                    "AAAAAAAAAAAAAAAA",
        received_at=dt.datetime(2026, 3, 4, 14, 58, 29, tzinfo=UTC), first_name="Nora",
        last_name="Diaz", email="nora.diaz@example.com", phone="+12125550166",
        message="Follow-up on my TMS consultation request.", treatment_list="tms",
        utm_source="newsletter", utm_medium="email", utm_campaign="tms-what-to-expect",
        status="scheduled", appointment_at=dt.datetime(2026, 3, 10, 15, 0, tzinfo=UTC))),
}
COLUMNS = ("source", "external_id", "received_at", "first_name", "last_name", "email", "phone",
           "message", "landing_page", "utm_source", "utm_medium", "utm_campaign",
           "treatment_list", "crisis_level", "submitter", "status", "appointment_at",
           "has_usable_contact")


def body_of(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def with_crisis(name: str) -> dict:
    """The fixture with the person's words (its message, or an answer) swapped for CRISIS."""
    expected = CASES[name][1]
    words = expected.get("message") or expected["answer"]
    text = (FIXTURES / name).read_text()
    assert words in text
    return json.loads(text.replace(words, CRISIS))


def snapshot(url: str) -> list[dict[str, Any]]:
    engine = make_engine(url)
    try:
        with read_session(engine) as s:
            rows = s.execute(select(Request).order_by(Request.id)).scalars().all()
            out = []
            for r in rows:
                item = {c: getattr(r, c) for c in COLUMNS}
                item["extra"] = dict(r.extra or {})
                out.append(item)
            return out
    finally:
        engine.dispose()


def counts(url: str) -> tuple[int, ...]:
    engine = make_engine(url)
    try:
        with read_session(engine) as s:
            return tuple(s.execute(select(func.count()).select_from(t)).scalar()
                         for t in (Request, Submission, QuarantinedRow))
    finally:
        engine.dispose()


def fresh_sqlite(sqlite_template, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def post(c, source: str, body: dict):
    return c.post(f"/api/intake/{source}", content=json.dumps(body).encode(),
                  headers={"Content-Type": "application/json", "X-Zoelife-Token": TOKEN})


def via_webhook(url: str, monkeypatch, source: str, *bodies: dict) -> list[int]:
    with client(url, monkeypatch, ZOELIFE_WEBHOOK_TOKEN=TOKEN) as c:
        return [post(c, source, b).status_code for b in bodies]


def via_import(url: str, source: str, *bodies: dict):
    engine = make_engine(url)
    try:
        return [import_requests(engine, json.dumps(b).encode(), fmt="json", source=source,
                                name="body.json") for b in bodies]
    finally:
        engine.dispose()


def check(stored: dict[str, Any], source: str, expected: dict[str, Any]) -> None:
    assert stored["source"] == source
    for key, value in expected.items():
        if key == "extra_has":
            for k, v in value.items():
                assert stored["extra"][k] == v
        elif key == "answer":
            assert value in stored["extra"].values()
        else:
            assert stored[key] == value, key
