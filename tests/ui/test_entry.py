"""streamlit_app.py as the server imports it, before any browser session."""

import runpy

from streamlit.runtime.pages_manager import PagesManager

from tests.apptest import ROOT


def test_importing_the_entry_script_turns_the_legacy_pages_folder_off():
    # `pages/` sits next to streamlit_app.py: without this, a fresh server's first page loads
    # run a page file on its own and list every file in a sidebar (tests/browser/
    # test_signed_out_urls.py shows it in a real browser).
    before = PagesManager.uses_pages_directory
    PagesManager.uses_pages_directory = None
    try:
        namespace = runpy.run_path(str(ROOT / "streamlit_app.py"), run_name="streamlit_app")
        assert "app" in namespace  # what `streamlit run` looks for
        assert PagesManager.uses_pages_directory is False
        # The first session's PagesManager keeps it so, though pages/ exists.
        PagesManager(str(ROOT / "streamlit_app.py"))
        assert (ROOT / "pages").is_dir() and PagesManager.uses_pages_directory is False
    finally:
        PagesManager.uses_pages_directory = before
