"""Widgets shared by the queue, request and new-request pages; `flash` and `show_flash` serve
every page that writes.

`perform` is how every page writes: it runs one action in a write transaction, turns refusals into
messages and reruns only after the transaction has committed (a rerun raised inside the
transaction would roll it back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import streamlit as st

from zoelife import config, settings
from zoelife.coverage.reminders import shown_step
from zoelife.db.engine import DatabaseUnavailable
from zoelife.intake import arrivals, lifecycle
from zoelife.intake.queue import latest_request_id
from zoelife.ui.db import faults_shown, reading, writing
from zoelife.vocabulary import label

FLASH_KEY = "_request_flash"
REQUEST_ID_KEY = "request_id"
VIEW_LOGGED_KEY = "_request_view_logged"
QUEUE_REFRESH_ENV = "ZOELIFE_QUEUE_REFRESH_SECONDS"
DEFAULT_QUEUE_REFRESH_SECONDS = config.VARIABLES[QUEUE_REFRESH_ENV].default


def queue_refresh_seconds() -> float:
    """How often an open queue looks for new arrivals and a lapsed sign-in (default 20 s;
    the browser tests shorten it)."""
    return config.get(QUEUE_REFRESH_ENV)


def flash(kind: str, message: str) -> None:
    """A message shown at the top of the next run (after `st.rerun`)."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop(FLASH_KEY, []):
        if kind == "stale":
            st.warning(message, icon=":material/sync_problem:")
        elif kind == "error":
            st.error(message)
        elif kind == "toast":
            st.toast(message)
        else:
            st.success(message)


def perform(action: Callable[[Any], Any], success: str | None = None,
            on_success: Callable[[Any], None] | None = None) -> Any:
    """Run `action(session)` in one write transaction.

    Stale edits flash the refusal and rerun with fresh state; other refusals show in place and
    return None. On success, call `on_success(result)` (after the commit: it may flash its own
    messages or set what the next run shows), flash `success` and rerun.
    """
    try:
        with writing() as session:
            result = action(session)
    except lifecycle.StaleEdit as exc:
        flash("stale", str(exc))
        st.rerun()
    except lifecycle.LifecycleError as exc:
        st.error(str(exc))
        return None
    except DatabaseUnavailable as exc:
        # Rolled back whole; the message names no patient data and says whether to retry.
        st.error(str(exc))
        return None
    if on_success is not None:
        on_success(result)
    if success:
        flash("success", success)
    st.rerun()
    return result


def clinic_zone():
    with reading() as session:
        return settings.clinic_zone(session)


def duration_words(delta: dt.timedelta) -> str:
    seconds = abs(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "under a minute"


def due_text(due: dt.datetime | None, now: dt.datetime) -> str:
    """'in 40 minutes' or 'overdue 2 hours' against the contact that is due."""
    if due is None:
        return ""
    if due <= now:
        return f"overdue {duration_words(now - due)}"
    return f"in {duration_words(due - now)}"


def next_step_text(r, now: dt.datetime, fmt) -> str | None:
    """A request's next step as the page shows it: its own, or its coverage reminder when that
    is due first (zoelife.coverage.reminders.shown_step)."""
    if not r.is_open or not r.next_step:
        return None
    step, due = shown_step(r.next_step, r.next_due_at, r.coverage_step, r.coverage_due_at)
    return f"{label(step)}, {due_text(due, now)} ({fmt(due)})"


def open_request(request_id: int) -> None:
    st.session_state[REQUEST_ID_KEY] = int(request_id)
    st.switch_page("pages/request.py", query_params={"id": str(int(request_id))})


# --------------------------------------------------------------------------- arrival toasts

# The newest request id this tab has announced; the queue's watcher uses the same key, so
# moving between the queue and a request never announces an arrival twice.
ARRIVALS_SEEN_KEY = "q_latest_seen"


def arrival_messages(seen_id: int) -> list[str]:
    """Toasts for the requests newer than `seen_id`: "New web request #412, urgent" with a
    link to it (markdown built from our own words and the id only), urgent ones first."""
    with reading() as session:
        shown, total = arrivals.arrivals_after(session, seen_id)
    messages = [f"{a.describe()}: [open #{a.id}](request?id={a.id})" for a in shown]
    if total > len(shown):
        more = total - len(shown)
        messages.append(f"{more} more new request{'s' if more != 1 else ''}: see the queue.")
    return messages


# The newest urgent crisis change this tab has seen (arrivals.latest_urgent_change_id).
URGENT_SEEN_KEY = "q_urgent_change_seen"


def raised_messages(seen_change_id: int) -> list[str]:
    """Toasts for requests that new words made urgent: "Request #87 is now urgent" with a
    link (our own words and the id only)."""
    with reading() as session:
        raised = arrivals.raised_after(session, seen_change_id)
    return [f"Request #{rid} is now urgent (new words from them): [open #{rid}](request?id={rid})"
            for rid in raised]


def mark_urgent_seen() -> None:
    """A whole-page run draws the banner as it is now: the urgent changes up to here (an
    acknowledgement just made on this page among them) need no second rerun."""
    with reading() as session:
        st.session_state[URGENT_SEEN_KEY] = arrivals.latest_urgent_change_id(session)


def urgent_changed() -> tuple[bool, int]:
    """Whether an urgent change happened since this tab last looked (first look: no), and
    the change id it had seen before."""
    with reading() as session:
        latest = arrivals.latest_urgent_change_id(session)
    seen = st.session_state.setdefault(URGENT_SEEN_KEY, latest)
    if latest > seen:
        st.session_state[URGENT_SEEN_KEY] = latest
        return True, seen
    return False, seen


def flash_arrivals(seen_id: int) -> None:
    """For a watcher that reruns the whole page: the toasts show at the top of the next run."""
    for message in arrival_messages(seen_id):
        flash("toast", message)


def watch_arrivals() -> None:
    """On a page other than the queue: toast new arrivals as they come, without rerunning
    the page (a form being filled in stays as it is). Not user activity."""
    @st.fragment(run_every=dt.timedelta(seconds=queue_refresh_seconds()))
    @faults_shown(key="arrivals_watch_retry")
    def arrivals_watch() -> None:
        with reading() as session:
            latest = latest_request_id(session)
        seen = st.session_state.setdefault(ARRIVALS_SEEN_KEY, latest)
        if latest > seen:
            st.session_state[ARRIVALS_SEEN_KEY] = latest
            for message in arrival_messages(seen):
                st.toast(message, icon=":material/notifications:")
        changed, seen_change = urgent_changed()
        if changed:
            for message in raised_messages(seen_change):
                st.toast(message, icon=":material/emergency:")

    arrivals_watch()
