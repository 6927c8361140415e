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
import json
import os
import re
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import select, update

from tests.browser.journey import (
    VIEWPORT,
    Clinic,
    marker_tooltip,
    no_exception,
    open_queue_row,
    plant_request,
    queue_row,
    queue_row_id,
    queue_rows,
    request_row,
    schedule_appointment,
    screenshot,
    sign_in,
)
from tests.clock import live_server_now
from tests.scale.liveserver import WEBHOOK_SECRET
from zoelife import audit, demo, settings
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.models import Request, SignInSession
from zoelife.ingest.webhook.auth import sign_request
from zoelife.intake import lifecycle
from zoelife.intake.schedule import change_setting
from zoelife.security import accounts
from zoelife.ui.gate import REFUSAL

# One worker runs the whole module under `pytest -n 2 --dist loadgroup`: one server, one chromium.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_journeys")]

# How often an open queue looks for new arrivals and a lapsed sign-in (20 s in production).
QUEUE_REFRESH_SECONDS = "3"


# A small demo clinic (the screenshots show it), a front-desk user and a manager.
CLINIC_STAFF = (("admin", {"admin"}, "Ada Admin"), ("desk", {"front_desk"}, "Dana Desk"),
                ("boss", {"manager"}, "Morgan Manager"))
SERVER_ENV = {"ZOELIFE_QUEUE_REFRESH_SECONDS": QUEUE_REFRESH_SECONDS}


def seed_clinic(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
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
    first_row = queue_rows(tab).first
    expect(first_row).to_contain_text(f"#{request_id} ·")
    expect(first_row).to_contain_text("URGENT, not acknowledged")
    screenshot(tab, "queue")

    tab.locator(f".st-key-ack_{request_id}").get_by_role("button", name="Acknowledge").click()
    expect(tab.get_by_text(f"Request #{request_id} acknowledged.")).to_be_visible()
    expect(tab.get_by_text("urgent request needs acknowledgement")).to_have_count(0)
    assert request_row(clinic, request_id).crisis_acknowledged_at is not None
    expect(queue_row(tab, request_id)).to_contain_text("Urgent")
    expect(queue_rows(tab).filter(has_text="not acknowledged")).to_have_count(0)
    expect(queue_rows(tab).last.get_by_role("link").first).to_be_visible()
    screenshot(tab, "worklist")

    # Open it from the queue: click its name.
    open_queue_row(tab, request_id)
    expect(tab.get_by_role("heading", name=f"Request #{request_id}")).to_be_visible()
    expect(tab.get_by_text("Urgent: possible suicide or self-harm risk.")).to_be_visible()
    expect(tab.get_by_text("Acknowledged by Dana Desk")).to_be_visible()
    expect(tab.get_by_text(re.compile(r"^Call \("))).to_be_visible()  # contact fully drawn
    screenshot(tab, "request")

    # Acknowledging claimed it for the front desk who took the crisis in hand.
    expect(tab.get_by_text("Assigned to Dana Desk.")).to_be_visible()

    # A call that reached the person is one click, and the scheduling form opens below it.
    tab.get_by_role("tab", name="Log attempt").click()
    tab.get_by_role("button", name="Reached → schedule").click()
    expect(tab.get_by_text("Attempt logged (reached). Status is now in progress.")).to_be_visible()
    expect(tab.get_by_text("Schedule the appointment")).to_be_visible()
    schedule_appointment(tab, live_server_now().date() + dt.timedelta(days=3),
                         "Ketamine consultation")
    row = request_row(clinic, request_id)
    assert row.status == "scheduled" and row.first_contact_at is not None

    # Back on the queue (a fresh load: see the next test for the sidebar way back), the request
    # shows its new status and no crisis banner is left.
    tab.goto(clinic.base)
    expect(tab.get_by_role("heading", name="Queue")).to_be_visible()
    # Scheduled leaves To do: it waits under Scheduled, with its confirmation call.
    expect(queue_row(tab, request_id)).to_have_count(0)
    tab.get_by_role("radio", name=re.compile(r"^Scheduled \(")).click()
    expect(queue_row(tab, request_id)).to_contain_text("Scheduled")
    expect(tab.get_by_text("urgent request needs acknowledgement")).to_have_count(0)
    no_exception(tab)


def test_queue_keeps_its_filters_after_opening_a_request(clinic, tab):
    # Streamlit forgets the state of widgets a run did not draw; pages/queue.py keeps the
    # filters under a key of its own and puts them back (the dates used to come back as today).
    # The demo's few open requests may hold no ketamine interest (it depends on the seed's
    # draws): the journey brings its own.
    plant_request(clinic, first="Kira", last="Filterkeeper",
                  message="Looking into ketamine-assisted therapy, please call me back.")
    sign_in(tab, clinic.base, "desk", "Dana Desk")
    tab.get_by_text("Filters", exact=True).click()  # folded away while none is set
    treatment = tab.get_by_role("combobox", name="Treatment")
    # The queue's watcher runs every 3 s here; under a loaded CI a redraw can close the open
    # list (its option detached for 30 s once) or lose a choice clicked while it redraws (seen
    # three times under load, never alone; noted in the stops' closing notes). The journey
    # opens the list and chooses again, three times at most; a third loss fails it.
    for attempt in range(3):
        try:
            treatment.click()
            treatment.fill("Ketamine")
            tab.get_by_role("option", name="Ketamine", exact=True).click(timeout=10_000)
            treatment.press("Escape")
            expect(tab.get_by_text("match the filters")).to_be_visible(timeout=10_000)
            break
        except (AssertionError, PlaywrightTimeoutError):
            if attempt == 2:
                raise
    # The list has been redrawn with the filtered rows before one is picked. All: a ketamine
    # request is there whatever its next step.
    tab.get_by_role("radio", name=re.compile(r"^All \(")).click()
    expect(queue_rows(tab).first).to_be_attached()
    expect(queue_rows(tab).filter(has_not_text="Ketamine")).to_have_count(0)
    first = queue_row_id(queue_rows(tab).first)
    open_queue_row(tab, first)
    expect(tab.get_by_role("heading", name=f"Request #{first}")).to_be_visible()
    tab.get_by_role("link", name="Queue").click()
    expect(tab.get_by_role("heading", name="Queue")).to_be_visible()
    expect(tab.get_by_test_id("stMultiSelect").filter(has_text="Treatment")
           .filter(has_text="Ketamine")).to_have_count(1)
    expect(queue_row(tab, first)).to_have_count(1, timeout=10_000)
    # The link holds the filters and the tab again; must not happen: the dates coming back
    # as today.
    expect(tab).to_have_url(re.compile(r"[?&]treatment=ketamine"))
    expect(tab).to_have_url(re.compile(r"[?&]tab=all"))
    assert not re.search(r"[?&](from|to)=", tab.url), tab.url


def test_manager_sees_trends_and_impact_downloads_numbers_and_is_refused_the_queue(clinic, tab):
    sign_in(tab, clinic.base, "boss", "Morgan Manager")
    expect(tab.get_by_role("heading", name="Inquiry trends")).to_be_visible()
    # The headline numbers come first: six of them, each against the days before.
    expect(tab.get_by_test_id("stMetric").filter(has_text="vs 30 days before")).to_have_count(6)
    expect(tab.get_by_text("Reached within 1 business hour")).to_be_visible()
    chart = tab.get_by_test_id("stVegaLiteChart").first
    expect(chart.locator("canvas, svg").first).to_be_visible()
    screenshot(tab, "trends")
    chart.scroll_into_view_if_needed()
    screenshot(tab, "trends-chart")
    assert marker_tooltip(tab, chart), "no content marker showed a tooltip with its title"

    # A treatment filter redraws the chart without an error.
    treatment = tab.get_by_role("combobox", name="Treatment interest")
    treatment.click()
    treatment.fill("Ketamine")
    tab.get_by_role("option", name="Ketamine", exact=True).click()
    # (While the page reruns, Streamlit may show the old box beside the new one for a moment:
    # the key goes to the focused box, not to a locator that may match both.)
    tab.keyboard.press("Escape")
    expect(tab.get_by_test_id("stMultiSelect").filter(has_text="Treatment interest")
           .filter(has_text="Ketamine")).not_to_have_count(0)
    expect(chart.locator("canvas, svg").first).to_be_visible()

    tab.get_by_role("link", name="Content impact").click()
    expect(tab.get_by_role("heading", name="Content impact")).to_be_visible()
    expect(tab.get_by_test_id("stDataFrame").first).to_be_visible()
    screenshot(tab, "impact")
    with tab.expect_download() as download_info:
        # The first chart's numbers: the impact table (the second is attributed inquiries).
        tab.get_by_role("button", name="Numbers (CSV)").first.click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text())))
    assert len(rows) > 1 and any("title" in h.lower() for h in rows[0]), rows[:2]

    # The queue by URL: not in a manager's menu, and opened directly it shows the refusal;
    # no queue and no patient name anywhere on the screen.
    expect(tab.get_by_role("link", name="Queue")).to_have_count(0)
    tab.goto(f"{clinic.base}/queue")
    expect(tab.get_by_text(REFUSAL)).to_be_visible()
    expect(tab.get_by_text("Signed in as Morgan Manager")).to_be_visible()
    expect(tab.get_by_role("heading", name="Queue")).to_have_count(0)
    expect(tab.get_by_test_id("stDataFrame")).to_have_count(0)
    expect(tab.get_by_text("Uriel Journeyman")).to_have_count(0)
    # A request by URL (an id is not patient data) is refused the same way.
    tab.goto(f"{clinic.base}/request?id=1")
    expect(tab.get_by_text(REFUSAL)).to_be_visible()
    expect(tab.get_by_test_id("stDataFrame")).to_have_count(0)
    expect(tab.get_by_role("heading", name=re.compile(r"^Request #"))).to_have_count(0)
    no_exception(tab)


SEARCH = "Search name, phone, email or message"


def search_queue(page: Page, text: str) -> None:
    # Typed during the queue's first run after signing in, the text can be lost with that run:
    # wait until the queue has drawn its count.
    counted = re.compile(r"^[\d,]+ requests? in (To do|Scheduled|Waiting|All)")
    expect(page.get_by_text(counted).first).to_be_visible()
    box = page.get_by_role("textbox", name=SEARCH)
    box.fill(text)
    expect(box).to_have_value(text)
    box.press("Enter")
    expect(page.get_by_text("match the filters")).to_be_visible()


def test_a_signed_webhook_submission_appears_on_an_open_queue_without_a_reload(clinic, tab):
    sign_in(tab, clinic.base, "desk", "Dana Desk")
    search_queue(tab, "Webhookson")
    expect(tab.get_by_text("No requests match.")).to_be_visible()
    # Gone after any page load: proves the row arrives on this very page.
    tab.evaluate("() => { window.zoelifeJourneyMarker = 'still here'; }")

    entry = f"wh-{uuid.uuid4().hex}"
    body = json.dumps({
        "Entry Id": entry, "Name (First)": "Wanda", "Name (Last)": "Webhookson",
        "Email": "wanda.webhookson@example.com", "Phone": "(212) 310-4400",
        "Treatments": "TMS", "Message": "Is TMS covered by my plan?",
    }).encode()
    stamp = int(live_server_now().timestamp())
    post = urllib.request.Request(
        f"{clinic.base}/api/intake", data=body, method="POST",
        headers={"Content-Type": "application/json"}
        | sign_request(WEBHOOK_SECRET, "/api/intake", body, stamp))
    with urllib.request.urlopen(post, timeout=30) as answer:
        assert (answer.status, json.loads(answer.read())) == (202, {"status": "received"})
    engine = clinic.engine()
    try:
        with read_session(engine) as session:
            request_id = session.execute(select(Request.id).where(
                Request.external_id == entry)).scalar_one()
    finally:
        engine.dispose()
    assert request_row(clinic, request_id).last_name == "Webhookson"

    # Nobody clicks: the queue's auto-refresh notices the arrival and redraws the table.
    expect(tab.get_by_text(f"New web request #{request_id}")).to_be_visible()
    expect(queue_row(tab, request_id)).to_contain_text("Wanda Webhookson")
    expect(tab.get_by_text("No requests match.")).to_have_count(0)
    # Must not happen: a reload (the marker would be gone).
    assert tab.evaluate("() => window.zoelifeJourneyMarker") == "still here"
    no_exception(tab)


def metric(page: Page, label: str):
    """The value of the st.metric labelled exactly `label`."""
    return page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    ).get_by_test_id("stMetricValue")


def test_import_lists_the_rejects_and_downloads_them(clinic, tab):
    # Gravity Forms writes the clinic's local time (America/New_York in these clinics): an
    # hour ago there, not in UTC (read as local, a UTC time is hours in the future).
    stamp = (live_server_now() - dt.timedelta(hours=1)).astimezone(
        ZoneInfo("America/New_York")).strftime("%Y-%m-%d %H:%M:%S")
    header = ["Entry Id", "Entry Date", "Name (First)", "Name (Last)", "Email", "Phone",
              "Treatments (TMS)", "Message"]
    rows = [
        ["imp-301", stamp, "Greta", "Goodrow", "greta.goodrow@example.com", "(212) 201-3301",
         "TMS", "Does TMS need a referral?"],
        ["imp-302", stamp, "Bram", "Nocontact", "", "n/a", "TMS", "Please call me."],
        ["imp-303", "someday soon", "Cora", "Baddate", "cora.baddate@example.com",
         "(212) 201-3303", "TMS", "Interested in TMS."],
    ]
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])

    sign_in(tab, clinic.base, "desk", "Dana Desk")
    tab.get_by_role("link", name="Import requests").click()
    expect(tab.get_by_role("heading", name="Import requests")).to_be_visible()
    tab.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files=[{
        "name": "entries.csv", "mimeType": "text/csv", "buffer": buf.getvalue().encode()}])
    expect(tab.get_by_text("3 rows; looks like Gravity Forms.")).to_be_visible()
    tab.get_by_role("button", name="Import", exact=True).click()

    expect(metric(tab, "Imported")).to_have_text("1")
    expect(metric(tab, "Rejected")).to_have_text("2")
    # The rejects are listed with their row, entry id and reason, under headers for people.
    rejects = tab.get_by_test_id("stDataFrame").filter(
        has=tab.locator("thead th", has_text=re.compile(r"^Entry id$")))
    expect(rejects.locator("thead th")).to_have_text(["Row", "Entry id", "Why it was rejected"])
    expect(rejects.locator("table tbody tr").filter(has_text="imp-302")) \
        .to_contain_text("no usable phone or email")
    expect(rejects.locator("table tbody tr").filter(has_text="imp-303")) \
        .to_contain_text("could not be read")
    # Must not happen: the good row among the rejects.
    expect(rejects.locator("table tbody tr").filter(has_text="imp-301")).to_have_count(0)

    # A link to the server's signed-in, audited route (no file kept in the page).
    with tab.expect_download() as download_info:
        tab.get_by_role("link", name="Download quarantined rows (CSV)").click()
    assert download_info.value.suggested_filename == "quarantine.csv"
    downloaded = list(csv.DictReader(io.StringIO(
        Path(download_info.value.path()).read_text(encoding="utf-8-sig"))))
    by_id = {r.get("Entry Id"): r for r in downloaded}
    assert "imp-301" not in by_id
    assert by_id["imp-302"]["Name (Last)"] == "Nocontact"
    assert "no usable phone or email" in by_id["imp-302"]["_reason"]
    assert by_id["imp-303"]["Name (Last)"] == "Baddate"
    assert "someday soon" in by_id["imp-303"]["_reason"]
    assert "could not be read" in by_id["imp-303"]["_reason"]
    no_exception(tab)


@contextmanager
def idle_timeout(clinic: Clinic, minutes: int) -> Iterator[None]:
    """The clinic's idle limit set to `minutes` for the journey, restored afterwards."""
    engine = clinic.engine()
    try:
        with write_session(engine) as session:
            before = settings.get(session, "idle_timeout_minutes")
            change_setting(session, "idle_timeout_minutes", minutes, actor=audit.SYSTEM)
        yield
    finally:
        with write_session(engine) as session:
            change_setting(session, "idle_timeout_minutes", before, actor=audit.SYSTEM)
        engine.dispose()


def go_idle(clinic: Clinic, username: str, minutes: int = 2) -> int:
    """Move the last activity of the user's newest sign-in (the journey's) `minutes` back,
    instead of waiting; returns its id."""
    engine = clinic.engine()
    try:
        with write_session(engine) as session:
            user_id = accounts.find_by_username(session, username).id
            newest = session.execute(
                select(SignInSession.id).where(SignInSession.user_id == user_id,
                                               SignInSession.ended_at.is_(None))
                .order_by(SignInSession.id.desc()).limit(1)).scalar_one()
            session.execute(update(SignInSession).where(SignInSession.id == newest).values(
                last_activity_at=live_server_now() - dt.timedelta(minutes=minutes)))
            return newest
    finally:
        engine.dispose()


def end_reason(clinic: Clinic, session_id: int) -> str | None:
    engine = clinic.engine()
    try:
        with read_session(engine) as session:
            return session.get(SignInSession, session_id).end_reason
    finally:
        engine.dispose()


def test_an_idle_sign_in_ends_and_leaves_no_patient_data_on_screen(clinic, tab):
    plant_request(clinic, first="Ida", last="Idlewild", message="Could I ask about TMS?",
                  treatments=("TMS",))
    sign_in(tab, clinic.base, "desk", "Dana Desk")
    search_queue(tab, "Idlewild")
    expect(queue_rows(tab).filter(has_text="Ida Idlewild")).to_have_count(1)

    with idle_timeout(clinic, 1):
        # On the queue nobody touches anything: its auto-refresh sees the lapsed sign-in and
        # the whole page gives way to the sign-in screen.
        lapsed = go_idle(clinic, "desk")
        expect(tab.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(tab.get_by_test_id("stDataFrame")).to_have_count(0)
        expect(tab.get_by_text("Idlewild")).to_have_count(0)
        assert end_reason(clinic, lapsed) == "idle_timeout"

        # On a page without auto-refresh, the next action shows the sign-in screen.
        sign_in(tab, clinic.base, "desk", "Dana Desk")
        expect(queue_rows(tab).first).to_be_attached()
        tab.get_by_role("link", name="New request").click()
        expect(tab.get_by_role("heading", name="New request")).to_be_visible()
        lapsed = go_idle(clinic, "desk")
        tab.get_by_role("link", name="Queue").click()
        expect(tab.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(tab.get_by_text("Signed in as Dana Desk")).to_have_count(0)
        # Must not happen: a patient's name on the screen after the lapse.
        expect(tab.get_by_test_id("stDataFrame")).to_have_count(0)
        expect(tab.get_by_text("Idlewild")).to_have_count(0)
        expect(tab.get_by_text("Journeyman")).to_have_count(0)
        assert end_reason(clinic, lapsed) == "idle_timeout"
    no_exception(tab)


def _rgba(css: str) -> tuple[float, float, float, float]:
    parts = [float(x) for x in re.findall(r"[\d.]+", css)]
    return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)


def _luminance(rgb) -> float:
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
              for c in (v / 255 for v in rgb)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(locator, background=None) -> float:
    """WCAG contrast of an element's text colour (blended when translucent) against its own
    (or `background`'s) colour."""
    style = "(el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]"
    color, own = locator.evaluate(style)
    back = _rgba(background.evaluate(style)[1] if background is not None else own)[:3]
    *fg, alpha = _rgba(color)
    fg = [alpha * f + (1 - alpha) * b for f, b in zip(fg, back, strict=True)]
    light, dark = sorted((_luminance(fg), _luminance(back)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_dark_mode_draws_the_queue_readably(clinic, chromium, request):
    context = chromium.new_context(viewport=VIEWPORT, color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(clinic.base)
        # Primary buttons draw white text on the primary colour (WCAG AA: 4.5:1).
        button = page.get_by_role("button", name="Sign in")
        expect(button).to_be_visible()
        assert contrast(button) >= 4.5, button.evaluate("(el) => getComputedStyle(el).cssText")
        sign_in(page, clinic.base, "desk", "Dana Desk")
        expect(queue_rows(page).first).to_be_attached()
        app = page.get_by_test_id("stApp")
        expect(app).to_have_css("background-color", "rgb(18, 25, 28)")  # [theme.dark]
        heading = page.get_by_role("heading", name="Queue")
        assert contrast(heading, app) >= 7
        caption = page.get_by_text(re.compile(r"^[\d,]+ requests? in To do"))
        assert contrast(caption, app) >= 4.5
        artifacts = os.environ.get("ZOELIFE_BROWSER_ARTIFACTS")
        if artifacts:
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(Path(artifacts) / f"{request.node.name}.png"))
        screenshot(page, "queue-dark")
        no_exception(page)
    finally:
        context.close()
