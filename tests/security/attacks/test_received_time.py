"""Review finding #12: the received time was whatever the submission said.

Year 0001 and 2030 were accepted; a 2030-dated urgent request was never alerted to on-call
(alerts count from the received time), the queue said "due in 1121 days", and Jotform fields
inside rawRequest overrode the tool's own id and time. Now the tool's metadata wins over the
submitter's fields, and a time more than 5 minutes after arrival, or before 2000-01-01, is not
used: the request is received at arrival (webhook) or at the import (file), the form's time is
kept as an extra field with the reason. A webhook's request is received no earlier than 5
minutes before it arrived, so due times and alerts run from arrival."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.clock import FIXED_NOW
from tests.security.attacks.webhook_harness import TOKEN, client, requests
from zoelife.db.engine import make_engine, read_session
from zoelife.ingest.importer import import_requests
from zoelife.intake.oncall import requests_needing_alert

URGENT = "I have a plan to kill myself tonight"
MINUTE = dt.timedelta(minutes=1)


def _send(c, payload: dict, path: str = "/api/intake/website"):
    resp = c.post(path, json=payload, headers={"X-Zoelife-Token": TOKEN})
    assert resp.status_code == 202, resp.text
    return resp


def _form(entry: str, when: str, message: str = "Is TMS covered?") -> dict:
    return {"Entry Id": entry, "Entry Date": when, "Name (First)": "Noor",
            "Name (Last)": f"Vale{entry}", "Email": f"noor.{entry}@example.com",
            "Message": message}


@pytest.mark.parametrize("when", ["2030-06-01 09:00:00", "0001-01-01 00:00:00",
                                  "1999-12-31 23:00:00", "2026-03-04 07:00:00"],
                         ids=["future", "year-1", "before-2000", "hours-before-arrival"])
def test_a_webhook_is_received_at_arrival_when_its_time_is_off(app_db, monkeypatch, clock, when):
    with client(app_db, monkeypatch, ZOELIFE_WEBHOOK_TOKEN=TOKEN) as c:
        _send(c, _form("t1", when, URGENT))
    [req] = requests(app_db)
    assert FIXED_NOW <= req.received_at < FIXED_NOW + MINUTE  # arrival
    assert req.extra["form_received_at"] == when
    assert "not used" in req.extra["received_time_note"]
    # Urgent: due at once from arrival, and on-call is alerted once the wait has passed.
    assert req.due_at < FIXED_NOW + dt.timedelta(hours=1)
    engine = make_engine(app_db)
    with read_session(engine) as s:
        due, _ = requests_needing_alert(s, FIXED_NOW + dt.timedelta(hours=1))
    engine.dispose()
    assert due == [req.id]


def test_a_webhook_time_a_little_off_is_kept_but_never_after_arrival(app_db, monkeypatch, clock):
    with client(app_db, monkeypatch, ZOELIFE_WEBHOOK_TOKEN=TOKEN) as c:
        _send(c, _form("t2", "2026-03-04 09:58:00"))  # New York: 2 minutes before arrival
        _send(c, _form("t3", "2026-03-04 10:03:00"))  # 3 minutes ahead (a fast clock)
    early, ahead = requests(app_db)
    assert early.received_at == dt.datetime(2026, 3, 4, 14, 58, tzinfo=dt.UTC)
    assert FIXED_NOW <= ahead.received_at < FIXED_NOW + MINUTE
    assert "form_received_at" not in early.extra and "form_received_at" not in ahead.extra


def test_jotform_metadata_wins_over_fields_inside_raw_request(app_db, monkeypatch, clock):
    raw = {"q3_name": {"first": "Sol", "last": "Tate"}, "q4_email": "sol@example.com",
           "external_id": "forged-1", "received_at": "2030-01-01 00:00",
           "submissionID": "1", "q9_message": URGENT}
    with client(app_db, monkeypatch, ZOELIFE_WEBHOOK_TOKEN=TOKEN) as c:
        resp = c.post("/api/intake/jotform", headers={"X-Zoelife-Token": TOKEN},
                      data={"submissionID": "5999", "formID": "42",
                            "rawRequest": json.dumps(raw)})
    assert resp.status_code == 202, resp.text
    [req] = requests(app_db)
    assert (req.source, req.external_id, req.first_name) == ("jotform", "5999", "Sol")
    assert FIXED_NOW <= req.received_at < FIXED_NOW + MINUTE
    # The submitter's fields are kept, as fields, not as the id or the time.
    assert (req.extra["external_id"], req.extra["received_at"]) == ("forged-1", "2030-01-01 00:00")


def test_typeform_hidden_fields_cannot_set_the_token_or_time(app_db, monkeypatch, clock):
    payload = {"form_response": {
        "token": "tf-real", "submitted_at": "2026-03-04T14:59:30Z",
        "hidden": {"token": "tf-forged", "submitted_at": "2030-01-01T00:00:00Z",
                   "received_at": "2030-01-01T00:00:00Z"},
        "definition": {"fields": [{"id": "e", "title": "Email"}]},
        "answers": [{"field": {"id": "e"}, "type": "email", "email": "tf@example.com"}]}}
    with client(app_db, monkeypatch, ZOELIFE_WEBHOOK_TOKEN=TOKEN) as c:
        _send(c, payload, "/api/intake/typeform")
    [req] = requests(app_db)
    assert req.external_id == "tf-real"
    assert req.received_at == dt.datetime(2026, 3, 4, 14, 59, 30, tzinfo=dt.UTC)


def test_a_file_import_keeps_old_times_but_not_future_or_pre_2000_ones(sqlite_engine, clock):
    header = "Entry Id,Entry Date,Name (First),Name (Last),Email,Message\n"
    rows = [("f1", "2019-05-06 09:00:00"), ("f2", "2030-06-01 09:00:00"),
            ("f3", "1999-12-31 09:00:00"), ("f4", "2026-03-04 10:03:00")]
    data = header + "".join(f"{e},{w},Ada,Row{e},{e}@example.com,{URGENT}\n" for e, w in rows)
    result = import_requests(sqlite_engine, data.encode(), name="export.csv", now=FIXED_NOW)
    assert result.imported == 4
    assert [w["external_id"] for w in result.warnings] == ["f2", "f3"]
    assert all("not used" in w["warning"] for w in result.warnings)
    by_id = {r.external_id: r for r in requests(sqlite_engine.url.render_as_string(False))}
    assert by_id["f1"].received_at == dt.datetime(2019, 5, 6, 13, 0, tzinfo=dt.UTC)
    assert by_id["f4"].received_at == dt.datetime(2026, 3, 4, 15, 3, tzinfo=dt.UTC)
    for entry in ("f2", "f3"):
        assert by_id[entry].received_at == FIXED_NOW  # the import's time
        assert by_id[entry].extra["form_received_at"] == dict(rows)[entry]
        assert by_id[entry].due_at < FIXED_NOW + dt.timedelta(hours=1)
