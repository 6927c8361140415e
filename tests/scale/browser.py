"""Real browser sessions (Playwright + Debian's chromium) against a live server: each context
signs in through the sign-in form like a person and opens pages, so the server holds one real
Streamlit session (websocket, script runs, session state) per context."""

from __future__ import annotations

import time
from pathlib import Path

from tests.scale.traffic import ensure_staff

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage"]
PASSWORD = "correct horse battery staple"


def available() -> bool:
    return CHROMIUM.exists()


def sign_in(page, base: str, username: str, timeout_ms: int = 60_000) -> None:
    page.goto(base + "/", timeout=timeout_ms)
    page.get_by_role("textbox", name="User name", exact=True).fill(username, timeout=timeout_ms)
    page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for(timeout=timeout_ms)
    wait_idle(page, timeout_ms)


def goto(page, url: str, attempts: int = 3) -> None:
    """Open `url`; a navigation the app itself started meanwhile (the sign-in cookie redirect)
    aborts ours, which is retried."""
    for attempt in range(attempts):
        try:
            page.goto(url, timeout=60_000)
            return
        except Exception as exc:  # noqa: BLE001 - playwright's Error; re-raised on the last try
            if "ERR_ABORTED" not in str(exc) or attempt == attempts - 1:
                raise
            page.wait_for_timeout(500)


def wait_idle(page, timeout_ms: int = 120_000) -> None:
    """Wait until Streamlit has finished the script run (its status widget is gone)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)
    page.wait_for_selector("[data-testid='stMain']", timeout=timeout_ms)


def browse_sessions(base: str, db_url: str, *, sessions: int = 10, managers: int = 0,
                    paths: tuple[str, ...] = ("/queue",), rounds: int = 2,
                    stop=None, users: list[str] | None = None,
                    manager_paths: tuple[str, ...] = ("/trends", "/impact")) -> str:
    """`sessions` browser contexts, all signed in at once, each opening `paths` `rounds` times
    (or, with `stop` (a threading.Event), over and over until it is set).
    Returns a one-line description of what happened; raises if any page shows an exception."""
    from playwright.sync_api import sync_playwright

    if users is None:
        desk, mgr = ensure_staff(db_url, sessions - managers, managers)
        users = [a.label for a in desk] + [a.label for a in mgr]
    is_manager = ["manager" in u for u in users]
    started = time.perf_counter()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            contexts = [browser.new_context() for _ in users]
            pages = [c.new_page() for c in contexts]
            for page, user in zip(pages, users, strict=True):
                sign_in(page, base, user)
            renders = 0
            done = 0
            while (done < rounds) if stop is None else (done == 0 or not stop.is_set()):
                done += 1
                for step in range(max(len(paths), len(manager_paths))):
                    visiting = []
                    for page, manager in zip(pages, is_manager, strict=True):
                        own = manager_paths if manager else paths
                        path = own[step % len(own)]
                        goto(page, base + path)
                        visiting.append((page, path))
                    for page, path in visiting:
                        wait_idle(page)
                        shown = page.locator("[data-testid='stException']")
                        if shown.count():
                            # Synthetic test data only: the text helps find the cause.
                            detail = " ".join(shown.all_inner_texts())[:400]
                            raise RuntimeError(f"{path} showed an exception: {detail}")
                        if page.get_by_text("database is locked").count():
                            raise RuntimeError(f"{path} showed 'database is locked'")
                        renders += 1
            for c in contexts:
                c.close()
        finally:
            browser.close()
    shown = ", ".join(paths + (manager_paths if any(is_manager) else ()))
    return (f"{len(users)} chromium contexts signed in ({sum(is_manager)} managers), {renders} "
            f"page renders of {shown} in {time.perf_counter() - started:.0f} s")
