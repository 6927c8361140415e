"""The same person through every way in (a form export's CSV, the webhook, a phone call
entered by hand) is stored the same: the same request columns, the same person, the same
treatments and crisis history; together, one person with one request and the later two
attached to it as duplicate submissions."""

from __future__ import annotations

import datetime as dt
import json
import shutil

from sqlalchemy import select

from tests.clock import FIXED_NOW
from tests.security.attacks.webhook_harness import TOKEN, client
from zoelife import audit
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.models import CrisisChange, Person, Request, RequestTreatment, Submission
from zoelife.ingest.importer import import_requests
from zoelife.intake import manual_entry
from zoelife.intake.schedule import Schedule

FIRST, LAST, EMAIL, PHONE = "Ana Lucía", "Ortiz", "ana.ortiz@example.com", "(212) 555-0142"
BORN = dt.date(1985, 4, 2)
MESSAGE = ("Two antidepressants did not help; my doctor mentioned TMS. Some nights I wish I "
           "could go to sleep and never wake up.")
# What the way in does not decide: where it came from, when it was stored, its ids.
NOT_COMPARED = {"id", "source", "external_id", "channel", "person_id", "import_batch_id",
                "extra", "created_at", "updated_at"}


def _csv(zone) -> bytes:
    local = FIXED_NOW.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    header = "Entry Id,Date Created,First Name,Last Name,Email,Phone,Date of Birth,Treatments,Message"
    row = ",".join(["GF-1", local, FIRST, LAST, EMAIL, PHONE, BORN.isoformat(), "TMS",
                    json.dumps(MESSAGE)])
    return f"{header}\r\n{row}\r\n".encode()


def _by_csv(url: str) -> None:
    engine = make_engine(url)
    try:
        with read_session(engine) as s:
            zone = Schedule.load(s).zone
        result = import_requests(engine, _csv(zone), fmt="csv", source="website-form",
                                 name="export.csv", now=FIXED_NOW)
        assert (result.imported, result.rejected) == (1, 0) or result.duplicates == 1
    finally:
        engine.dispose()


def _by_webhook(url: str, monkeypatch) -> None:
    body = {"first_name": FIRST, "last_name": LAST, "email": EMAIL, "phone": PHONE,
            "date_of_birth": BORN.isoformat(), "treatments": "TMS", "message": MESSAGE}
    with client(url, monkeypatch, ZOELIFE_WEBHOOK_TOKEN=TOKEN) as c:
        response = c.post("/api/intake/website-form", content=json.dumps(body).encode(),
                          headers={"Content-Type": "application/json",
                                   "X-Zoelife-Token": TOKEN})
    assert response.status_code == 202, response.text


def _by_phone(url: str) -> None:
    entry = manual_entry.ManualEntry(first=FIRST, last=LAST, phone=PHONE, email=EMAIL,
                                     date_of_birth=BORN, treatments=("tms",), message=MESSAGE)
    engine = make_engine(url)
    try:
        with write_session(engine) as s:
            zone = Schedule.load(s).zone
            assert manual_entry.problems(entry, zone=zone, now=FIXED_NOW) == []
            manual_entry.receive_entry(s, entry, zone=zone, now=FIXED_NOW, actor=audit.SYSTEM)
    finally:
        engine.dispose()


def _stored(url: str) -> dict:
    engine = make_engine(url)
    try:
        with read_session(engine) as s:
            (request,) = s.execute(select(Request)).scalars().all()
            (person,) = s.execute(select(Person)).scalars().all()
            return {
                "request": {c.key: getattr(request, c.key) for c in Request.__table__.columns
                            if c.key not in NOT_COMPARED},
                "person": {c.key: getattr(person, c.key) for c in Person.__table__.columns
                           if c.key not in ("id", "created_at")},
                "treatments": sorted((t.treatment, t.origin, t.received_local_date)
                                     for t in s.execute(select(RequestTreatment)).scalars()),
                "crisis": [(c.kind, c.from_level, c.to_level, c.reason)
                           for c in s.execute(select(CrisisChange)).scalars()],
            }
    finally:
        engine.dispose()


def test_the_same_person_is_stored_the_same_by_csv_webhook_and_phone(
        sqlite_template, tmp_path, monkeypatch, frozen):
    urls = {}
    for way in ("csv", "webhook", "phone"):
        path = tmp_path / f"{way}.db"
        shutil.copy(sqlite_template, path)
        urls[way] = f"sqlite:///{path}"
    _by_csv(urls["csv"])
    _by_webhook(urls["webhook"], monkeypatch)
    _by_phone(urls["phone"])
    by_csv, by_webhook, by_phone = (_stored(urls[w]) for w in ("csv", "webhook", "phone"))
    assert by_csv["request"]["received_at"] == FIXED_NOW
    assert by_csv["request"]["crisis_level"] == "urgent"
    assert by_csv["request"]["phone"] == "+12125550142"
    assert by_csv["treatments"][0][0] == "tms"
    assert by_csv == by_webhook
    assert by_csv == by_phone


def test_together_they_are_one_person_with_one_request(db_url, monkeypatch, frozen):
    _by_csv(db_url)
    _by_webhook(db_url, monkeypatch)
    _by_phone(db_url)
    engine = make_engine(db_url)
    try:
        with read_session(engine) as s:
            people = s.execute(select(Person)).scalars().all()
            (request,) = s.execute(select(Request)).scalars().all()
            subs = s.execute(select(Submission).order_by(Submission.id)).scalars().all()
    finally:
        engine.dispose()
    assert len(people) == 1 and request.person_id == people[0].id
    assert request.source == "website-form" and request.channel == "web_form"
    assert [(x.source, x.channel, x.request_id) for x in subs] == [
        ("website-form", "web_form", request.id), ("manual-entry", "phone", request.id)]
    assert request.message.count(MESSAGE) == 3
