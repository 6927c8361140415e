"""Finding #14 (LOW): text from uploaded files and remote servers rendered as markdown: a CSV
column named `[click](https://evil.test)` became a live phishing link in the mapping's
selectbox label, `![x](https://evil.test/p.png)` an image fetched from outside, and file
names and a feed server's reason phrase did the same in st.error. Every such label and message
now goes through the one escaping helper (`zoelife.ui.components.escape_markdown`)."""

from __future__ import annotations

from tests.apptest import page, sign_in
from tests.security.attacks.markdown_checks import assert_inert
from zoelife.ui.highlight import plain_from_markdown

LINK = "[click](https://evil.test)"
IMAGE = "![x](https://evil.test/p.png)"
MAIL = "write to phish@evil.test"


def _markdown_elements(at):
    found = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "toast",
                 "title", "header", "subheader"):
        found.extend(e.value for e in at.get(kind))
    for kind in ("selectbox", "text_input", "button", "expander", "checkbox", "radio",
                 "multiselect"):
        found.extend(e.label for e in at.get(kind))
    return found


def test_hostile_column_names_are_plain_labels(app_db):
    at = page("pages/import_requests.py")
    sign_in(at, app_db, roles=("front_desk",))
    at.run()
    data = (f'"{LINK}","{IMAGE}","{MAIL}",Email\n'
            "a,b,c,ana@example.com\n").encode()
    at.file_uploader[0].set_value(("hostile.csv", data, "text/csv")).run()
    assert not at.exception
    labels = [s.label for s in at.selectbox if s.label != "Channel"]
    assert [plain_from_markdown(label) for label in labels] == [LINK, IMAGE, MAIL, "Email"]
    for text in _markdown_elements(at):
        assert_inert(text)


def test_hostile_file_name_in_an_error_is_plain(app_db):
    at = page("pages/import_requests.py")
    sign_in(at, app_db, roles=("front_desk",))
    at.run()
    at.file_uploader[0].set_value((f"{IMAGE}.csv", b"", "text/csv")).run()
    assert [plain_from_markdown(e.value) for e in at.error] == [
        f"This file cannot be imported: {IMAGE}.csv: the file is empty"]
    for text in _markdown_elements(at):
        assert_inert(text)


def test_hostile_file_name_on_the_content_page_is_plain(app_db):
    at = page("pages/content.py")
    sign_in(at, app_db, roles=("manager",))
    at.run()
    at.file_uploader[0].set_value((f"{LINK}.csv", b"nothing,useful\n1,2\n", "text/csv")).run()
    next(b for b in at.button if b.label == "Import file").click().run()
    assert not at.exception and at.error
    assert plain_from_markdown(at.error[0].value).startswith(
        f"This file cannot be imported: {LINK}.csv: row 1: missing column 'title'")
    for text in _markdown_elements(at):
        assert_inert(text)
