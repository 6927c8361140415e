"""Real-browser journeys against one `streamlit run` server holding a small demo clinic.

One server and one chromium for the whole module (starting them is the slow part); each journey
gets its own browser context (own cookies) and its own seeded rows, so journeys do not depend on
each other's order. Seeding goes straight through zoelife functions against the server's database
file; only what the journey is about is done by clicking. See docs/browser.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from tests.apptest import PASSWORD
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    START_TIMEOUT_S,
    _free_port,
    _require_browser,
)
from zoelife import audit, demo
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.migrate import upgrade
from zoelife.db.models import Request
from zoelife.intake import lifecycle
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import RequestInput, receive
from zoelife.security import accounts

# One worker runs the whole module under `pytest -n 2 --dist loadgroup`: one server, one chromium.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_journeys")]

WEBHOOK_SECRET = "browser-journey-secret"
VIEWPORT = {"width": 1366, "height": 768}
SCREENSHOTS = ROOT / "docs" / "screenshots"
# The machine is shared and slow at times; a Streamlit rerun normally lands in well under a second.
expect.set_options(timeout=30_000)


@dataclass
class Clinic:
    base: str
    db_url: str
    log: Path

    def engine(self):
        return make_engine(self.db_url)


@contextmanager
def serve(db_url: str, workdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run streamlit_app.py` on a free port against `db_url`; yields the base URL."""
    port = _free_port()
    env = dict(os.environ, ZOELIFE_DATABASE_URL=db_url, ZOELIFE_ONCALL_CHECK_SECONDS="0",
               ZOELIFE_WEBHOOK_SECRET=WEBHOOK_SECRET, **(extra_env or {}))
    log_path = workdir / "streamlit.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.serverAddress", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit did not start:\n" + log_path.read_text())
            time.sleep(0.2)  # polling the health endpoint, not waiting on the UI
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def clinic(tmp_path_factory) -> Iterator[Clinic]:
    """A small demo clinic (the screenshots show it), a front-desk user and a manager."""
    _require_browser()
    workdir = tmp_path_factory.mktemp("clinic")
    db_url = f"sqlite:///{workdir / 'clinic.db'}"
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with write_session(engine) as session:
            for username, roles, name in (("admin", {"admin"}, "Ada Admin"),
                                          ("desk", {"front_desk"}, "Dana Desk"),
                                          ("boss", {"manager"}, "Morgan Manager")):
                accounts.create_user(session, username, PASSWORD, roles, display_name=name,
                                     actor=audit.SYSTEM)
        demo.load_demo(engine, requests=1200, seed=11)
        # Journeys plant their own urgent request; the demo's are acknowledged so that the
        # banner and the top of the queue are the journey's.
        with write_session(engine) as session:
            waiting = session.execute(
                select(Request.id).where(Request.is_open.is_(True), Request.crisis_rank == 0)
            ).scalars().all()
            for request_id in waiting:
                lifecycle.acknowledge(session, request_id, actor=audit.SYSTEM)
    finally:
        engine.dispose()
    with serve(db_url, workdir) as base:
        yield Clinic(base, db_url, workdir / "streamlit.log")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def tab(chromium, request) -> Iterator[Page]:
    """A fresh browser context (no cookies) at the front-desk screen size.

    With ZOELIFE_BROWSER_ARTIFACTS=<dir>, the last screen of every journey is saved there
    (what a failing journey was looking at)."""
    context = chromium.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    try:
        yield page
    finally:
        artifacts = os.environ.get("ZOELIFE_BROWSER_ARTIFACTS")
        if artifacts:
            Path(artifacts).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(artifacts) / f"{request.node.name}.png"),
                            full_page=True)
        context.close()


# --------------------------------------------------------------------------- helpers


def sign_in(page: Page, base: str, username: str, display_name: str, path: str = "") -> None:
    page.goto(f"{base}/{path}")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_role("textbox", name="User name").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Signing in sends the browser once through /auth/cookie and back (a full page load).
    page.wait_for_url(re.compile(r"^(?!.*/auth/).*$"))
    expect(page.get_by_text(f"Signed in as {display_name}")).to_be_visible()


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in a st.selectbox as a keyboard user does: type to filter, pick it."""
    box = page.get_by_role("combobox", name=label)
    expect(box).to_be_visible()
    if box.input_value() == option:
        return  # typing the current value again does not open the list
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)


def marker_tooltip(page: Page, chart) -> str:
    """Hover along the top of the chart, where the content markers (triangles) sit, until
    vega's tooltip shows a content item; returns the tooltip's text ('' when none showed)."""
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    tooltip = page.locator("#vg-tooltip-element")
    for dy in (12, 8, 16):
        for x in range(int(box["x"]) + 40, int(box["x"] + box["width"]) - 120, 3):
            page.mouse.move(x, box["y"] + dy)
            if tooltip.is_visible() and "Content" in (tooltip.text_content() or ""):
                return tooltip.text_content()
    return ""


def no_exception(page: Page) -> None:
    """The "must not happen" shared by every journey: no Streamlit exception box."""
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)


def plant_request(clinic: Clinic, *, first: str, last: str, message: str,
                  treatments=("Ketamine",), minutes_ago: int = 2) -> int:
    engine = clinic.engine()
    try:
        with write_session(engine) as session:
            outcome = receive(session, RequestInput(
                source="browser-journey", external_id=f"{first}-{last}-{time.time_ns()}",
                received_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago),
                first_name=first, last_name=last,
                email=f"{first.lower()}.{last.lower()}@example.com", phone="+1 212 555 0142",
                treatments=treatments, message=message,
            ), schedule=Schedule.load(session))
            return outcome.request_id
    finally:
        engine.dispose()


def request_row(clinic: Clinic, request_id: int) -> Request:
    engine = clinic.engine()
    try:
        with read_session(engine) as session:
            row = session.get(Request, request_id)
            session.expunge(row)
            return row
    finally:
        engine.dispose()


# st.dataframe draws on a canvas; glide-data-grid keeps an accessible copy of the visible cells
# inside it (a zero-size table, so found by CSS and checked by text, not by visibility).
HEADER_PX, ROW_PX = 34, 33


def grid_rows(page: Page):
    return page.get_by_test_id("stDataFrame").locator("table tbody tr")


def grid_row(page: Page, first_cell: str):
    """The dataframe row whose first column reads `first_cell`."""
    return grid_rows(page).filter(
        has=page.locator(f"td[aria-colindex='1']:text-is('{first_cell}')"))


def select_grid_row(page: Page, first_cell: str) -> None:
    """Tick the row's selection box, as a person does (click on the canvas)."""
    expect(grid_row(page, first_cell)).to_have_count(1)
    index = grid_rows(page).evaluate_all(
        "(rows, t) => rows.findIndex(r => r.cells[0].textContent.trim() === t)", first_cell)
    canvas = page.get_by_test_id("stDataFrame").get_by_test_id("data-grid-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    # The grid's scroller, not the canvas, takes the pointer events: click by position.
    page.mouse.click(box["x"] + 16, box["y"] + HEADER_PX + ROW_PX * index + ROW_PX // 2)


def screenshot(page: Page, name: str) -> None:
    """docs/screenshots/<name>.png, only when ZOELIFE_UPDATE_SCREENSHOTS=1 (CI keeps the tree)."""
    if os.environ.get("ZOELIFE_UPDATE_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Let running animations (skeletons, toasts) settle without a fixed sleep.
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


# --------------------------------------------------------------------------- journeys


def test_front_desk_acknowledges_opens_calls_and_schedules_an_urgent_request(clinic, tab):
    request_id = plant_request(clinic, first="Uriel", last="Journeyman",
                               message="Honestly I want to kill myself, I cannot go on.")
    sign_in(tab, clinic.base, "desk", "Dana Desk")
    expect(tab.get_by_role("heading", name="Queue")).to_be_visible()
    no_exception(tab)

    # The crisis banner names the one request waiting, and the queue lists it first.
    expect(tab.get_by_text("1 urgent request needs acknowledgement")).to_be_visible()
    expect(tab.get_by_text(f"#{request_id} Uriel Journeyman")).to_be_visible()
    first_row = grid_rows(tab).first
    expect(first_row.locator("td").first).to_have_text(str(request_id))
    expect(first_row).to_contain_text("URGENT, not acknowledged")
    screenshot(tab, "queue")

    tab.locator(f".st-key-ack_{request_id}").get_by_role("button", name="Acknowledge").click()
    expect(tab.get_by_text(f"Request #{request_id} acknowledged.")).to_be_visible()
    expect(tab.get_by_text("urgent request needs acknowledgement")).to_have_count(0)
    assert request_row(clinic, request_id).crisis_acknowledged_at is not None
    # The table has been redrawn in the new order before a row is picked by position.
    expect(grid_row(tab, str(request_id))).to_contain_text("Urgent")
    expect(grid_rows(tab).filter(has_text="not acknowledged")).to_have_count(0)

    # Open it from the queue: select its row.
    select_grid_row(tab, str(request_id))
    expect(tab.get_by_role("heading", name=f"Request #{request_id}")).to_be_visible()
    expect(tab.get_by_text("Urgent: possible suicide or self-harm risk.")).to_be_visible()
    expect(tab.get_by_text("Acknowledged by Dana Desk")).to_be_visible()
    expect(tab.get_by_text(re.compile(r"^Call \("))).to_be_visible()  # contact fully drawn
    screenshot(tab, "request")

    # Log a call that reached the person.
    tab.get_by_role("tab", name="Log attempt").click()
    tab.get_by_role("radio", name="Call").check()
    choose(tab, "Outcome", "Reached")
    tab.get_by_role("button", name="Log attempt").click()
    expect(tab.get_by_text("Attempt logged (reached). Status is now in progress.")).to_be_visible()

    # Schedule it.
    tab.get_by_role("tab", name="Status").click()
    choose(tab, "Move to", "Scheduled")
    # Date and time fields are typed segment by segment, as with a keyboard.
    tab.get_by_role("spinbutton", name="year, Appointment date (when scheduling)").click()
    tab.keyboard.type((dt.date.today() + dt.timedelta(days=3)).strftime("%Y%m%d"))
    tab.get_by_role("spinbutton", name="hour, Appointment time").click()
    tab.keyboard.type("1000")
    tab.get_by_label("Appointment kind").fill("Ketamine consultation")
    tab.get_by_role("button", name="Change status").click()
    expect(tab.get_by_text("Status changed to scheduled.")).to_be_visible()
    row = request_row(clinic, request_id)
    assert row.status == "scheduled" and row.first_contact_at is not None

    # Back on the queue (a fresh load: see the next test for the sidebar way back), the request
    # shows its new status and no crisis banner is left.
    tab.goto(clinic.base)
    expect(tab.get_by_role("heading", name="Queue")).to_be_visible()
    expect(grid_row(tab, str(request_id))).to_contain_text("Scheduled")
    expect(tab.get_by_text("urgent request needs acknowledgement")).to_have_count(0)
    no_exception(tab)


@pytest.mark.xfail(strict=True, reason=(
    "pages/queue.py: returning to the queue through the sidebar re-creates the 'Received "
    "from/to' date inputs without their session state (Streamlit drops widget keys of a page "
    "not shown; `q_loaded` survives), so they default to today and hide older requests. "
    "Fix: date_input(value=None) defaults, or re-seed the q_* keys when missing."))
def test_queue_keeps_its_filters_after_opening_a_request(clinic, tab):
    sign_in(tab, clinic.base, "desk", "Dana Desk")
    expect(grid_rows(tab).first).to_be_attached()
    first = grid_rows(tab).first.locator("td").first.text_content()
    select_grid_row(tab, first)
    expect(tab.get_by_role("heading", name=f"Request #{first}")).to_be_visible()
    tab.get_by_role("link", name="Queue").click()
    expect(tab.get_by_role("heading", name="Queue")).to_be_visible()
    expect(grid_row(tab, first)).to_have_count(1, timeout=10_000)


def test_manager_sees_trends_and_impact_downloads_numbers_and_is_refused_the_queue(clinic, tab):
    sign_in(tab, clinic.base, "boss", "Morgan Manager")
    expect(tab.get_by_role("heading", name="Inquiry trends")).to_be_visible()
    chart = tab.get_by_test_id("stVegaLiteChart").first
    expect(chart.locator("canvas, svg").first).to_be_visible()
    screenshot(tab, "trends")
    assert marker_tooltip(tab, chart), "no content marker showed a tooltip with its title"

    # A treatment filter redraws the chart without an error.
    treatment = tab.get_by_role("combobox", name="Treatment interest")
    treatment.click()
    treatment.fill("Ketamine")
    tab.get_by_role("option", name="Ketamine", exact=True).click()
    treatment.press("Escape")
    expect(tab.get_by_test_id("stMultiSelect").filter(has_text="Treatment interest")) \
        .to_contain_text("Ketamine")
    expect(chart.locator("canvas, svg").first).to_be_visible()

    tab.get_by_role("link", name="Content impact").click()
    expect(tab.get_by_role("heading", name="Content impact")).to_be_visible()
    expect(tab.get_by_test_id("stDataFrame").first).to_be_visible()
    screenshot(tab, "impact")
    with tab.expect_download() as download_info:
        tab.get_by_role("button", name="Numbers (CSV)").click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text())))
    assert len(rows) > 1 and any("title" in h.lower() for h in rows[0]), rows[:2]

    # The queue by URL: not in a manager's navigation, so the app shows the manager's own
    # start page instead; no queue and no patient name anywhere on the screen.
    tab.goto(f"{clinic.base}/queue")
    expect(tab.get_by_role("heading", name="Inquiry trends")).to_be_visible()
    expect(tab.get_by_role("heading", name="Queue")).to_have_count(0)
    expect(tab.get_by_text("Uriel Journeyman")).to_have_count(0)
    no_exception(tab)
