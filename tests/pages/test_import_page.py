"""The Import page through AppTest: refusals, upload -> preview -> mapping -> result,
quarantine listing and download, the requests export."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from tests.apptest import all_text, make_user, page, read_db, sign_in
from zoelife.db.models import AuditEvent, Request
from zoelife.ui.highlight import plain_from_markdown

FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"


def test_signed_out_and_wrong_role(app_db):
    make_user(app_db, "clinic.admin", ["admin"])
    at = page("pages/import_requests.py").run()
    assert "Sign in" in [t.value for t in at.title]
    assert not at.file_uploader
    at = page("pages/import_requests.py")
    sign_in(at, app_db, roles=("manager",))
    at.run()
    assert at.error and "not available to your account" in at.error[0].value
    assert not at.file_uploader


def test_upload_map_import_and_quarantine(app_db):
    at = page("pages/import_requests.py")
    sign_in(at, app_db, roles=("front_desk",))
    at.run()
    data = (FIXTURES / "gravity_forms.csv").read_bytes()
    at.file_uploader[0].set_value(("entries.csv", data, "text/csv")).run()
    assert not at.exception
    text = all_text(at)
    assert "looks like Gravity Forms" in text
    assert "ana.diaz@example.com" in text  # the preview of the first rows
    # Labels are escaped markdown; what a person reads is the column name as typed.
    mapping = {plain_from_markdown(s.label): s.value for s in at.selectbox
               if s.label != "Channel"}
    assert mapping["Name (First)"] == "first_name"
    assert mapping["User Agent"] == "(keep as extra field)"
    # Staff correct the mapping: "Insurance" becomes an extra field.
    next(s for s in at.selectbox if s.label == "Insurance").set_value("(keep as extra field)")
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Rows": "3", "Imported": "2", "Duplicates": "0",
                       "Already imported": "0", "Rejected": "1"}
    text = all_text(at)
    assert "urgent" in text and "no usable phone or email" in text
    ana = read_db(app_db, lambda s: s.execute(
        select(Request).where(Request.external_id == "201")).scalar_one())
    assert ana.insurance is None and ana.extra["Insurance"] == "Aetna"
    # The quarantine lists the rejected row, and its download is audited.
    assert "1 row(s) could not be imported, by reason." in all_text(at)
    assert "No usable phone or email: 1" in [e.label for e in at.expander]
    # Downloads are links to the server's signed-in, audited routes (tests/security/attacks/
    # test_download_routes.py), never files kept in the page.
    assert not at.get("download_button")
    links = {b.proto.label: b.proto.url for b in at.get("link_button")}
    assert links == {"Download quarantined rows (CSV)": "/download/quarantine.csv",
                     "Download requests (CSV)": "/download/requests.csv"}
    actions = read_db(app_db, lambda s: s.execute(select(AuditEvent.action)).scalars().all())
    assert "import.requests" in actions


def test_unreadable_upload(app_db):
    at = page("pages/import_requests.py")
    sign_in(at, app_db, roles=("front_desk",))
    at.run()
    at.file_uploader[0].set_value(("empty.csv", b"", "text/csv")).run()
    assert at.error and "empty.csv: the file is empty" in plain_from_markdown(at.error[0].value)


def test_the_result_tables_have_headers_for_people(app_db):
    at = page("pages/import_requests.py")
    sign_in(at, app_db, roles=("front_desk",))
    at.run()
    data = (FIXTURES / "gravity_forms.csv").read_bytes()
    at.file_uploader[0].set_value(("entries.csv", data, "text/csv")).run()
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception
    headers = {"row": "Row", "external_id": "Entry id", "reason": "Why it was rejected",
               "warning": "Warning"}
    tables = {}
    for df in at.dataframe:
        config = json.loads(df.proto.columns)
        if "row" in df.value.columns:
            # The data is the importer's, unchanged; only the headers people read differ.
            tables[df.value.columns[-1]] = df.value
            assert {c: config[c]["label"] for c in df.value.columns} == \
                {c: headers[c] for c in df.value.columns}
    assert set(tables) == {"reason", "warning"}
    result = at.session_state["_import_result"]
    assert tables["reason"].to_dict("records") == result["rejects"]
    assert tables["warning"].to_dict("records") == result["warnings"]
    assert "no usable phone or email" in tables["reason"]["reason"].iloc[0]


def test_quarantine_grouped_by_reason_each_saying_what_to_do(app_db):
    """Rows quarantined for different reasons are listed under their reason, with what to do."""
    from zoelife.db.engine import make_engine
    from zoelife.ingest.importer import import_requests

    connectors = FIXTURES / "connectors"
    numeric = json.loads((connectors / "gravity_all_fields.json").read_text())
    numeric["2"], numeric["3"] = "", ""
    engine = make_engine(app_db)
    try:
        import_requests(engine, (FIXTURES / "gravity_forms.csv").read_bytes(), name="g.csv")
        import_requests(engine, json.dumps(numeric).encode(), fmt="json",
                        source="gravity-forms-all", name="body.json")
        import_requests(engine, (connectors / "meta_leadgen_notification.json").read_bytes(),
                        fmt="json", source="meta-lead-ads", name="note.json")
    finally:
        engine.dispose()
    at = page("pages/import_requests.py")
    sign_in(at, app_db, roles=("front_desk",))
    at.run()
    assert not at.exception
    titles = [e.label for e in at.expander]
    assert {"Fields arrived as numeric ids: 1", "Meta lead not fetched: 1",
            "No usable phone or email: 1"} <= set(titles)
    text = all_text(at)
    assert "Map them once" in text and "save the mapping for the source" in text
    assert "ZOELIFE_META_GRAPH_TOKEN" in text and "Find a phone or email" in text


def test_numbered_fields_mapping_saved_for_the_source_from_one_body(app_db):
    from zoelife import settings

    at = page("pages/import_requests.py")
    sign_in(at, app_db, roles=("front_desk",))
    at.run()
    body = (FIXTURES / "connectors" / "gravity_all_fields.json").read_bytes()
    at.file_uploader[0].set_value(("body.json", body, "application/json")).run()
    assert not at.exception
    assert "Some fields arrived as numeric ids" in all_text(at)
    for header, field in (("1.3", "first_name"), ("1.6", "last_name"), ("5", "message")):
        next(s for s in at.selectbox if plain_from_markdown(s.label) == header).set_value(field)
    at.run()
    next(t for t in at.text_input if t.label == "Source").set_value("gravity-forms").run()
    next(b for b in at.button if b.label.startswith("Save the numbered")).click().run()
    assert not at.exception
    saved = read_db(app_db, lambda s: settings.get(s, "source_field_mappings"))
    assert saved == {"gravity-forms": {"1.3": "first_name", "1.6": "last_name",
                                       "5": "message"}}


def test_numeric_ids_mapped_from_a_quarantined_body(app_db):
    """A webhook delivery quarantined for numeric ids is the body staff map the source from."""
    from zoelife import settings
    from zoelife.db.engine import make_engine
    from zoelife.ingest.importer import import_requests

    numeric = json.loads((FIXTURES / "connectors" / "gravity_all_fields.json").read_text())
    numeric["2"], numeric["3"] = "", ""
    engine = make_engine(app_db)
    try:
        import_requests(engine, json.dumps(numeric).encode(), fmt="json",
                        source="gravity-forms", name="body.json")
    finally:
        engine.dispose()
    at = page("pages/import_requests.py")
    sign_in(at, app_db, roles=("front_desk",))
    at.run()
    next(s for s in at.selectbox if s.label == "Field 1\\.3").set_value("first_name")
    next(s for s in at.selectbox if s.label == "Field 5").set_value("message")
    at.run()
    next(b for b in at.button if b.label == "Save the mapping for gravity-forms").click().run()
    assert not at.exception
    saved = read_db(app_db, lambda s: settings.get(s, "source_field_mappings"))
    assert saved == {"gravity-forms": {"1.3": "first_name", "5": "message"}}


def test_a_connector_body_imported_on_the_page_keeps_its_documented_id(app_db):
    """The page sends its selectboxes back as the mapping: they show the tool's documented
    fields (HubSpot's conversionId is the id), so the page stores what the webhook stores."""
    at = page("pages/import_requests.py")
    sign_in(at, app_db, roles=("front_desk",))
    at.run()
    body = (FIXTURES / "connectors" / "hubspot_submissions_response.json").read_bytes()
    at.file_uploader[0].set_value(("submissions.json", body, "application/json")).run()
    assert "looks like HubSpot" in all_text(at)
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception
    req = read_db(app_db, lambda s: s.execute(select(Request)).scalar_one())
    assert (req.source, req.external_id) == ("hubspot", "bb1d2f5e-7cb0-4d3a-8e9e-0f5b1e2c3d4a")
    assert req.landing_page.startswith("https://zoelife.example/blog/tms-what-to-expect/")


def test_a_file_over_the_upload_setting_is_refused_and_nothing_is_imported(app_db):
    """`upload_max_mb` is read where it acts: the Import requests and Content pages."""
    from zoelife.db.engine import make_engine, write_session
    from zoelife.intake.schedule import change_setting

    engine = make_engine(app_db)
    with write_session(engine) as s:
        change_setting(s, "upload_max_mb", 1)
    engine.dispose()
    row = b"Jo,Ray,jo.ray@example.com,2125550100,Interested in TMS\n"
    data = b"first,last,email,phone,message\n" + row * (1_200_000 // len(row))
    at = page("pages/import_requests.py")
    sign_in(at, app_db, roles=("front_desk",))
    at.run()
    at.file_uploader[0].set_value(("big.csv", data, "text/csv")).run()
    assert [e.value for e in at.error] == [
        "This file is 1.1 MB; the largest accepted is 1 MB (setting upload_max_mb on the "
        "Settings page). Nothing was imported."]
    assert not [b for b in at.button if b.label == "Import"]
    assert read_db(app_db, lambda s: s.execute(select(Request.id)).all()) == []
    # Under the limit, the same page goes on to its preview.
    at.file_uploader[0].set_value(("small.csv", data[:5000], "text/csv")).run()
    assert not at.error and [b for b in at.button if b.label == "Import"]
