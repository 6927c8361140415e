"""Finding #6 (MEDIUM): the table toolbar's "Download as CSV" copied patient rows with no audit.

Every `st.dataframe` offers Streamlit's own download button. Streamlit 1.67 can turn it off only
for the whole app (`client.disableDataExport`, sent to the browser in each session's first
message), so the app forces it on at start and every table of people goes through
`zoelife.ui.tables.people_table`, which forces it too. Files of patient data come from the
audited /download/ routes (test_download_routes.py)."""

from __future__ import annotations

import ast
import tomllib

import pytest
from streamlit import config
from streamlit.proto.NewSession_pb2 import Config
from streamlit.runtime.app_session import _populate_config_msg

from tests.apptest import ROOT, make_user, page, sign_in
from tests.intake.helpers import make_request
from zoelife.db.engine import make_engine

OPTION = "client.disableDataExport"
# Tables of counts and published content only: no person in them (the manager's pages also
# offer their own audited "Numbers (CSV)").
AGGREGATE_PAGES = {"pages/trends.py", "pages/impact.py", "pages/funnel.py", "pages/content.py",
                   "pages/coverage_outcomes.py"}


@pytest.fixture
def export_option_reset():
    """Start as a server whose config left the toolbar download on (Streamlit's default)."""
    before = config.get_option(OPTION)
    config.set_option(OPTION, False)
    yield
    config.set_option(OPTION, before)


def _browser_config() -> Config:
    """What the browser is told at the start of a session (Streamlit's own function)."""
    msg = Config()
    _populate_config_msg(msg)
    return msg


def _seeded(db_url) -> int:
    make_user(db_url, "clinic.admin", ["admin"])
    engine = make_engine(db_url)
    request_id = make_request(engine, first_name="Tess", last_name="Tablerow",
                              insurance="Tablerow family plan")
    engine.dispose()
    return request_id


@pytest.mark.usefixtures("export_option_reset")
def test_the_app_tells_the_browser_no_table_may_be_downloaded(app_db):
    request_id = _seeded(app_db)
    at = page("pages/request.py")
    sign_in(at, app_db, roles=("front_desk",))
    at.query_params["id"] = str(request_id)
    at.run()
    assert not at.exception
    # The request's facts are a table of the person (the queue's worklist draws rows, not a
    # table).
    assert any("Tablerow" in str(df.value.to_csv()) for df in at.dataframe)
    assert _browser_config().disable_data_export is True


@pytest.mark.usefixtures("export_option_reset")
@pytest.mark.parametrize(("path", "roles"), [
    ("pages/users.py", ("admin",)),
    ("pages/audit_log.py", ("admin",)), ("pages/account.py", ("front_desk",)),
])
def test_a_people_table_turns_the_toolbar_download_off(app_db, path, roles):
    _seeded(app_db)
    at = page(path)
    sign_in(at, app_db, roles=roles)
    at.run()
    assert not at.exception and at.dataframe
    assert _browser_config().disable_data_export is True


def test_the_server_config_turns_it_off():
    with open(ROOT / ".streamlit" / "config.toml", "rb") as fh:
        assert tomllib.load(fh)["client"]["disableDataExport"] is True


def test_every_table_of_people_goes_through_the_one_helper():
    offenders = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "dataframe" and rel not in AGGREGATE_PAGES:
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == []
