"""`zoelife import requests|content` and `zoelife export requests|content`: exit codes, the
--json shape, progress on stderr."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from tests.ingest.connector_cases import FIXTURES
from zoelife.cli import main
from zoelife.db.engine import make_engine, read_session
from zoelife.db.models import AuditEvent

KEYS = ["rows", "imported", "duplicates", "already_imported", "rejected", "rejects",
        "crisis_urgent", "crisis_review"]


def test_import_requests_json(app_db, fixture_path, capsys):
    code = main(["--database", app_db, "import", "requests", str(fixture_path("gravity_forms.csv")),
                 "--json"])
    out, err = capsys.readouterr()
    assert code == 0
    result = json.loads(out)
    assert list(result) == KEYS
    assert result["rows"] == (result["imported"] + result["duplicates"]
                              + result["already_imported"] + result["rejected"]) == 3
    assert result["rejects"][0]["row"] == 3 and result["rejects"][0]["external_id"] == "202"
    assert "rows: 3/3" in err  # progress goes to stderr


def test_import_with_explicit_mapping(app_db, tmp_path, capsys):
    path = tmp_path / "custom.csv"
    path.write_text("When,Who,Reach me at,Story\n2026-03-02 10:00,Ana Diaz,ana@example.com,"
                    "TMS please\n")
    code = main(["--database", app_db, "import", "requests", str(path), "--json",
                 "--source", "paper-form", "--channel", "referral",
                 "--map", "When=received_at", "--map", "Who=full_name",
                 "--map", "Reach me at=email", "--map", "Story=message"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["imported"] == 1
    from zoelife.db.models import Request

    engine = make_engine(app_db)
    with read_session(engine) as s:
        req = s.execute(select(Request)).scalar_one()
    engine.dispose()
    assert (req.source, req.channel, req.first_name, req.treatment_list) == (
        "paper-form", "referral", "Ana", "tms")


def test_unreadable_file_exits_2(app_db, tmp_path, capsys):
    code = main(["--database", app_db, "import", "requests", str(tmp_path / "missing.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("zoelife: missing.csv: cannot open") and err.count("\n") == 1
    code = main(["--database", app_db, "import", "requests", str(tmp_path / "x.csv"),
                 "--map", "no equals sign"])
    assert code == 2


def test_export_requests_neutralizes_and_audits(app_db, fixture_path, tmp_path, capsys):
    main(["--database", app_db, "import", "requests", str(fixture_path("gravity_forms.csv"))])
    out = tmp_path / "requests.csv"
    assert main(["--database", app_db, "export", "requests", "--out", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["id", "external_id", "received_at", "first_name", "last_name", "email",
                       "phone", "date_of_birth", "treatments", "message", "channel",
                       "submitter", "heard_about", "referring_provider", "landing_page",
                       "utm_source", "utm_medium", "utm_campaign", "insurance", "sms_consent",
                       "preferred_contact_time", "status", "close_reason", "crisis",
                       "repeat_of", "extra"]
    by_ext = {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_ext) == {"201", "202", "203"}  # the urgent no-contact request included
    assert by_ext["203"]["message"] == "'=HYPERLINK(\"http://evil.example\")"
    assert by_ext["201"]["phone"] == "'+12122013344"
    assert by_ext["201"]["received_at"] == "2026-03-02T10:15:00-05:00"
    assert by_ext["201"]["crisis"] == "none" and by_ext["202"]["crisis"] == "urgent"
    assert by_ext["201"]["date_of_birth"] == "1985-04-12"
    assert json.loads(by_ext["201"]["extra"])["User Agent"] == "Mozilla/5.0"
    engine = make_engine(app_db)
    with read_session(engine) as s:
        actions = s.execute(select(AuditEvent.action)).scalars().all()
    engine.dispose()
    assert "export.requests" in actions


def test_content_import_and_export(app_db, tmp_path, capsys):
    src = tmp_path / "content.csv"
    src.write_text("title,url,published_at,channel,topics\n"
                   "Spravato FAQ,https://zoelife.example/blog/spravato-faq/,2026-02-01,blog,"
                   "spravato\n"
                   "@Ketamine reel,https://instagram.example/p/abc,2026-02-03 10:00,social,\n"
                   "No date,https://zoelife.example/x,,blog,\n")
    assert main(["--database", app_db, "import", "content", str(src), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["items"], result["created"], result["rejected"]) == (3, 2, 1)
    assert main(["--database", app_db, "import", "content", str(src), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["created"], again["updated"]) == (0, 2)  # upsert by URL
    out = tmp_path / "out.csv"
    assert main(["--database", app_db, "export", "content", "--out", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == ["url", "title", "published_at", "channel", "topics"]
    by_url = {r[0]: r for r in rows[1:]}
    assert by_url["https://zoelife.example/blog/spravato-faq/"][4] == "spravato"
    reel = by_url["https://instagram.example/p/abc"]
    assert reel[1] == "'@Ketamine reel" and reel[3] == "social" and reel[4] == "ketamine"


def test_import_reads_a_single_webhook_body_saved_to_a_file(app_db, tmp_path, capsys, frozen):
    """`zoelife import requests` used to refuse one JSON object ("not JSON")."""

    path = tmp_path / "typeform-delivery.json"
    path.write_bytes((FIXTURES / "typeform_webhook.json").read_bytes())
    code = main(["--database", app_db, "import", "requests", str(path), "--source", "typeform",
                 "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["rows"], out["imported"], out["rejected"]) == (1, 1, 0)
