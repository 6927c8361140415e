"""Finding #18 (LOW): an admin-only account exported every patient record from the Import page,
although the queue and request pages refuse it.

Decision (docs/security.md): `admin` is an IT role with no patient data; exports of patient
data are held to `front_desk`. The Import page (its quarantined rows, its exports) is the front
desk's; the download routes refuse an admin with 403 (test_download_routes.py)."""

from __future__ import annotations

from pathlib import Path

from tests.apptest import all_text, page, sign_in
from zoelife.db.engine import make_engine
from zoelife.ingest.importer import import_requests
from zoelife.ui.navigation import pages_for

FIXTURE = Path(__file__).resolve().parents[2] / "ingest" / "fixtures" / "gravity_forms.csv"


def test_an_admin_cannot_open_the_import_page_or_its_exports(app_db):
    engine = make_engine(app_db)
    # A quarantined row (Bob, no usable contact) and two requests.
    import_requests(engine, FIXTURE.read_bytes(), name="entries.csv")
    engine.dispose()
    at = page("pages/import_requests.py")
    sign_in(at, app_db, roles=("admin",), username="it.admin")
    at.run()
    assert at.error and "not available to your account" in at.error[0].value
    assert not at.file_uploader and not at.dataframe
    assert not at.get("link_button") and not at.get("download_button")
    text = all_text(at)
    for value in ("Bob", "Diaz", "killing myself"):
        assert value not in text


def test_the_admin_menu_has_no_page_of_patient_data():
    patient_pages = {"pages/queue.py", "pages/request.py", "pages/new_request.py",
                     "pages/import_requests.py", "pages/coverage.py"}
    assert not patient_pages & {p.path for p in pages_for(frozenset({"admin"}))}
    assert "pages/import_requests.py" in {p.path for p in pages_for(frozenset({"front_desk"}))}
