"""Text from the public comes out inert on every page that shows it: no HTML is allowed in any
markdown element, and `<script>`, markdown links and `javascript:` URLs never reach a markdown
element unescaped (they may appear verbatim only in plain-text elements and table cells)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.apptest import page, sign_in
from tests.clock import FIXED_NOW
from tests.intake.helpers import make_request
from zoelife.db.engine import make_engine

# Pages read the same fixed clock the seeds use (tests/clock.py).
pytestmark = pytest.mark.usefixtures("clock")

HOSTILE_NAME = "<script>alert('n')</script>"
HOSTILE_MESSAGE = (
    "[click me](javascript:alert(1)) <img src=x onerror=alert(2)> **bold** "
    "<a href='javascript:alert(3)'>link</a> I want to end my life"
)
DANGEROUS = ("<script", "](javascript:", "<img", "<a href", "javascript:alert")


def _seed(db_url) -> int:
    engine = make_engine(db_url)
    now = FIXED_NOW
    rid = make_request(engine, received_at=now - dt.timedelta(minutes=30), now=now,
                       first_name=HOSTILE_NAME, last_name="[x](javascript:alert(4))",
                       message=HOSTILE_MESSAGE, heard_about="<b>radio</b>",
                       referring_provider="Dr. <script>evil()</script>")
    engine.dispose()
    return rid


def _markdown_like(at):
    """Every element whose body Streamlit renders as markdown."""
    found = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "toast",
                 "title", "header", "subheader"):
        found.extend(at.get(kind))
    return found


@pytest.mark.parametrize("path", ["pages/queue.py", "pages/request.py"])
def test_hostile_text_is_inert(app_db, path):
    rid = _seed(app_db)
    at = page(path)
    sign_in(at, app_db, roles=("front_desk",))
    if path == "pages/request.py":
        at.query_params["id"] = str(rid)
    at.run()
    assert not at.exception
    elements = _markdown_like(at)
    assert elements, "the page rendered nothing to check"
    for el in elements:
        proto = el.proto
        if hasattr(proto, "allow_html"):
            assert not proto.allow_html, f"HTML allowed in {el.type}: {el.value!r}"
        # Backslash-escaped characters are inert in markdown; look at what remains unescaped.
        body = re.sub(r"\\.", "", getattr(el, "value", "") or "")
        for needle in DANGEROUS:
            assert needle not in body, f"{needle!r} reached a markdown element: {body!r}"
