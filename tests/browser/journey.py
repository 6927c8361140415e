"""Helpers of the real-browser journeys: the server and browser they run on, and what a person
does on a page (sign in, choose, read the grid), shared by every module in tests/browser.

Browser tests are skipped only when /usr/bin/chromium is absent and ZOELIFE_REQUIRE_BROWSER is
not set; with it set, a missing browser fails the test instead.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.apptest import PASSWORD
from tests.clock import live_server_now
from tests.scale.liveserver import LiveServer
from zoelife import audit
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.migrate import upgrade
from zoelife.db.models import Request
from zoelife.intake.inputs import RequestInput
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import receive
from zoelife.security import accounts

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def require_browser() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("ZOELIFE_REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing and ZOELIFE_REQUIRE_BROWSER is set "
                    "(apt-get install -y chromium)")
    pytest.skip(f"{CHROMIUM} is not installed")


def clinic_database(workdir: Path, staff: Iterable[tuple[str, set[str], str]] = ()) -> str:
    """A migrated SQLite database in `workdir` with these (user name, roles, display name)
    accounts, all with the test password; returns its URL."""
    url = f"sqlite:///{workdir / 'clinic.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        with write_session(engine) as session:
            for username, roles, name in staff:
                accounts.create_user(session, username, PASSWORD, roles, display_name=name,
                                     actor=audit.SYSTEM)
    finally:
        engine.dispose()
    return url


@contextmanager
def serve(db_url: str, workdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run streamlit_app.py` on a free port against `db_url`, its log in
    `workdir/streamlit.log`; yields the base URL."""
    with LiveServer(db_url, env=extra_env, log_path=workdir / "streamlit.log") as server:
        yield server.base


# The accounts of a module's clinic unless the module sets its own `CLINIC_STAFF`.
DEFAULT_STAFF = (("admin", {"admin"}, "Ada Admin"), ("desk", {"front_desk"}, "Dana Desk"))


@contextmanager
def module_clinic(module, workdir: Path, env: dict[str, str] | None = None) -> Iterator[Clinic]:
    """A server on its own database for a test module: the module's `CLINIC_STAFF` accounts
    (user name, roles, display name; default Ada Admin and Dana Desk), seeded by the module's
    `seed_clinic(db_url)` when it has one, served with the module's `SERVER_ENV` and `env`."""
    require_browser()
    db_url = clinic_database(workdir, getattr(module, "CLINIC_STAFF", DEFAULT_STAFF))
    seed = getattr(module, "seed_clinic", None)
    if seed is not None:
        seed(db_url)
    server_env = (getattr(module, "SERVER_ENV", None) or {}) | (env or {})
    with serve(db_url, workdir, server_env or None) as base:
        yield Clinic(base, db_url, workdir / "streamlit.log")


@contextmanager
def launch_chromium():
    """Debian's chromium, headless, for as long as the block runs."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


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


def sign_in(page: Page, base: str, username: str, display_name: str, path: str = "") -> None:
    page.goto(f"{base}/{path}")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_role("textbox", name="User name").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    trail = _NavigationTrail(page)
    try:
        # Signing in asks /auth/cookie in the background for the sign-in cookie; wait for its
        # answer, so that a reload or a new tab the journey opens next is signed in too.
        with page.expect_response(lambda r: "/auth/cookie" in r.url):
            page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text(f"Signed in as {display_name}")).to_be_visible()
    except (AssertionError, PlaywrightError) as exc:
        raise AssertionError(f"{exc}\nwhat the browser did after the click:\n{trail}") from exc
    finally:
        trail.stop()


class _NavigationTrail:
    """What the browser did after "Sign in" was clicked (navigations, /auth requests and
    their answers, console errors): printed when a sign-in fails, so a rare failure on CI
    says where the sign-in went."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.events: list[str] = []
        self._handlers = {
            "framenavigated": lambda f: f == page.main_frame and self._add(
                f"navigated to {_path(f.url)}"),
            "request": lambda r: "/auth/" in r.url and self._add(
                f"request {r.method} {_path(r.url)} (cookie header: "
                f"{'yes' if 'cookie' in r.headers else 'no'})"),
            "response": lambda r: "/auth/" in r.url and self._add(
                f"response {r.status} {_path(r.url)} set-cookie: "
                f"{_cookie_names(r.headers.get('set-cookie', ''))}"),
            "requestfailed": lambda r: "/auth/" in r.url and self._add(
                f"request failed {_path(r.url)}: {r.failure}"),
            "console": lambda m: m.type == "error" and self._add(f"console error: {m.text[:200]}"),
            "websocket": lambda w: self._add("websocket opened"),
        }
        self._start = time.monotonic()
        for event, handler in self._handlers.items():
            page.on(event, handler)

    def _add(self, line: str) -> None:
        self.events.append(f"{time.monotonic() - self._start:7.2f}s {line}")

    def stop(self) -> None:
        for event, handler in self._handlers.items():
            self.page.remove_listener(event, handler)

    def __str__(self) -> str:
        return "\n".join(self.events) or "(nothing)"


def _path(url: str) -> str:
    """The URL without its query (a grant is one-time, but it has no place in a log)."""
    return url.split("?")[0]


def _cookie_names(header: str) -> str:
    return ", ".join(part.split("=")[0].strip() for part in header.split("\n") if part) or "none"


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


def schedule_appointment(page: Page, day: dt.date, kind: str) -> None:
    """Fill the open scheduling form (10:00 on `day`, of `kind`) and submit it. Date and time
    fields are typed segment by segment, as with a keyboard."""
    page.get_by_role("spinbutton", name="year, Appointment date").click()
    page.keyboard.type(day.strftime("%Y%m%d"))
    page.get_by_role("spinbutton", name="hour, Appointment time").click()
    page.keyboard.type("1000")
    page.get_by_label("Appointment kind").fill(kind)
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_text("Status changed to scheduled.")).to_be_visible()


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
                source="browser-journey", external_id=f"{first}-{last}-{uuid.uuid4().hex}",
                received_at=live_server_now() - dt.timedelta(minutes=minutes_ago),
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


# The worklist draws each request as a row keyed `qrow-<id>` (CSS class `st-key-qrow-<id>`),
# whose name is a link to the request.
def queue_rows(page: Page):
    return page.locator("[class*='st-key-qrow-']")


def queue_row(page: Page, request_id: int | str):
    """The worklist row of request `request_id`."""
    return page.locator(f".st-key-qrow-{request_id}")


def queue_row_id(row) -> str:
    """The request id of a worklist row (from its key)."""
    return row.evaluate(
        "(el) => [...el.classList].find(c => c.startsWith('st-key-qrow-')).slice(12)")


def open_queue_row(page: Page, request_id: int | str) -> None:
    """Open a request from the worklist as a person does: click its name.

    A click that lands while the page is being redrawn (the rerun a sign-in's cookie answer
    or a refresh starts) goes with the page it was made on, as it would for a person, who
    clicks again: so does this, once, if the request has not opened within 10 s."""
    row = queue_row(page, request_id)
    expect(row).to_have_count(1)
    heading = page.get_by_role("heading", name=f"Request #{request_id}")
    row.get_by_role("link").first.click()
    try:
        expect(heading).to_be_visible(timeout=10_000)
    except AssertionError:
        queue_row(page, request_id).get_by_role("link").first.click()
        expect(heading).to_be_visible()


def screenshot(page: Page, name: str) -> None:
    """docs/screenshots/<name>.png, only when ZOELIFE_UPDATE_SCREENSHOTS=1 (CI keeps the tree)."""
    if os.environ.get("ZOELIFE_UPDATE_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Let running animations (skeletons, toasts) settle without a fixed sleep.
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
