"""Findings #14 and #15 in a real browser (Chromium): what the markdown renderer makes of
hostile text. AppTest only sees the markdown string; this shows the rendered page has no link
or image pointing at the attacker, and that the contact button's mailto adds no Cc or body."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from tests.browser.journey import clinic_database, launch_chromium, sign_in
from tests.clock import live_server_now
from tests.intake.helpers import make_request
from tests.scale.liveserver import LiveServer
from tests.security.attacks.local_servers import live_port
from zoelife.db.engine import make_engine, write_session
from zoelife.db.models import Request

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.xdist_group("security_links_browser")]

ATTACK_EMAIL = "a?cc=spy%40evil.test&body=hi@example.com"
MESSAGE = ("Please read https://evil.test/login and www.evil.test/x, or mail phish@evil.test. "
           "[click](https://evil.test/a) ![x](https://evil.test/p.png) <https://evil.test/b> "
           "I want to end my life")
COLUMNS = ("[click](https://evil.test/c)", "![x](https://evil.test/q.png)", "see www.evil.test",
           "Email")


def _evil(page):
    """Links and images on the page that reach the attacker's server."""
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    images = page.eval_on_selector_all("img[src]", "els => els.map(e => e.src)")
    return ([h for h in links if "evil.test" in h and not h.startswith("mailto:")],
            [s for s in images if "evil.test" in s],
            [h for h in links if h.startswith("mailto:")])


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("links")
    db = clinic_database(folder, [("admin", {"admin"}, "Admin"), ("desk", {"front_desk"}, "Desk")])
    engine = make_engine(db)
    now = live_server_now()
    rid = make_request(engine, received_at=now - dt.timedelta(minutes=5), now=now,
                       message=MESSAGE)
    with write_session(engine) as s:  # stored before normalization refused such addresses
        s.execute(update(Request).where(Request.id == rid).values(email=ATTACK_EMAIL))
    engine.dispose()
    with LiveServer(db, port=live_port(), log_path=folder / "server.log") as server, \
            launch_chromium() as browser:
        yield server.base, rid, browser, folder


def test_request_page_renders_no_attacker_link(clinic):
    base, rid, browser, _ = clinic
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, "desk", "Desk", f"request?id={rid}")
    expect(page.get_by_text("I want to end my life")).to_be_visible()
    expect(page.get_by_text("https://evil.test/login")).to_be_visible()  # shown, as text
    # The contact column may draw after the message: wait for its Email button.
    expect(page.locator('a[href^="mailto:"]')).to_have_count(1)
    links, images, mailtos = _evil(page)
    assert links == [] and images == []
    assert len(mailtos) == 1
    target = mailtos[0][len("mailto:"):]
    assert "?" not in target and "&" not in target and unquote(target) == ATTACK_EMAIL
    context.close()


def test_import_page_column_labels_render_no_attacker_link(clinic):
    base, _, browser, folder = clinic
    upload = folder / "hostile.csv"
    upload.write_text(",".join(f'"{c}"' for c in COLUMNS) + "\na,b,c,ana@example.com\n")
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, "desk", "Desk", "import")
    page.locator("input[type=file]").set_input_files(str(upload))
    expect(page.get_by_text("Column mapping")).to_be_visible()
    # The label, as typed (the preview table's header may show the same text: not that one).
    expect(page.get_by_test_id("stExpanderDetails").get_by_text(COLUMNS[0])).to_be_visible()
    links, images, _ = _evil(page)
    assert links == [] and images == []
    context.close()
