"""The New request page's parts: who is calling (looked up as it is typed), what to do with a
known caller's open request (log the call on it, the default), and the new request form.

Names and messages typed by staff are patient text: shown escaped or as text, never in a URL,
a log line or an error message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from zoelife.audit import Actor
from zoelife.intake import callerid, manual_entry
from zoelife.intake.callerid import CallerId, KnownRequest
from zoelife.ui import db
from zoelife.ui import request_widgets as w
from zoelife.ui.components import escape_markdown, local_time
from zoelife.vocabulary import SUBMITTERS, TREATMENTS, label

NEW_REQUEST = 0  # the choice "a new request" among request ids
# Commit what is typed after this pause: the lookup runs while the number is being typed.
LIVE = "300ms"


@dataclass(frozen=True)
class Caller:
    phone: str
    email: str
    first: str
    last: str
    date_of_birth: dt.date | None


def caller_fields() -> Caller:
    """Phone, name, email and birth date, outside the form so that each pause in typing looks
    the caller up again."""
    st.markdown("**Who is calling**")
    c1, c2 = st.columns(2)
    phone = c1.text_input("Phone", key="ne_phone", type="phone", live=LIVE, placeholder="")
    email = c2.text_input("Email", key="ne_email", live=LIVE)
    first = c1.text_input("First name", key="ne_first", live=LIVE)
    last = c2.text_input("Last name", key="ne_last", live=LIVE)
    dob = c1.date_input("Date of birth (optional)", value=None, key="ne_dob",
                        min_value=dt.date(1900, 1, 1), format="YYYY-MM-DD")
    return Caller(phone or "", email or "", first or "", last or "", dob)


def lookup(caller: Caller) -> CallerId:
    # Looked up on the module at call time, where the pages' fault handling and its tests
    # find it.
    with db.reading() as session:
        return callerid.lookup(session, phone=caller.phone, email=caller.email,
                               first_name=caller.first, last_name=caller.last,
                               date_of_birth=caller.date_of_birth)


def _describe(k: KnownRequest, zone) -> str:
    """'#12 Maria López: attempted, TMS, received 2026-03-01 (same phone)', escaped."""
    treatments = ", ".join(label(t) for t in k.treatments)
    parts = [label(k.status).lower()] + ([treatments] if treatments else [])
    parts.append(f"received {local_time(k.received_at, zone, '%Y-%m-%d')}")
    how = k.how + (", another name" if k.name_differs else "")
    return f"#{k.id} {escape_markdown(k.name)}: {', '.join(parts)} ({how})"


def _closed_sentence(found: CallerId, zone) -> str:
    n = found.closed_count
    latest = "; ".join(
        f"#{k.id} {escape_markdown(k.name)}, closed "
        f"{local_time(k.closed_at or k.received_at, zone, '%Y-%m-%d')} as "
        f"{label(k.close_reason).lower()}" for k in found.closed_requests)
    return (f"Closed request{'s' if n != 1 else ''} before: {n}"
            + (f" (latest: {latest})" if latest else "") + ".")


def caller_panel(found: CallerId, zone) -> KnownRequest | None:
    """What the lookup found. Returns the open request to log the call on (the default when
    the caller matches one), or None for a new request."""
    if not found.searched:
        st.caption("Type the phone number, the email, or a first and a last name: the app "
                   "looks the caller up as you type.")
        return None
    if not found.open_requests and not found.closed_count:
        st.info("No one with this phone, email or name is known yet: a new request and a new "
                "person will be created.", icon=":material/person_add:")
        return None
    chosen = None
    with st.container(border=True):
        if found.open_requests:
            by_id = {k.id: k for k in found.open_requests}
            options = [*by_id, NEW_REQUEST]
            default = found.suggested.id if found.suggested else NEW_REQUEST
            if found.suggested:
                st.success(f"Known caller with an open request: log this call on "
                           f"#{found.suggested.id} instead of entering a second request.",
                           icon=":material/how_to_reg:")
            else:
                st.warning("The same phone or email as an open request, but another name: "
                           "check who is calling before logging the call on it.",
                           icon=":material/help:")
            choice = st.radio(
                "This call is about", options, index=options.index(default),
                format_func=lambda i: ("A new request" if i == NEW_REQUEST
                                       else "Log this call on " + _describe(by_id[i], zone)),
                key="ne_choice_" + "_".join(str(i) for i in by_id))
            chosen = by_id.get(choice)
        if found.closed_count:
            st.markdown(_closed_sentence(found, zone))
            if not found.open_requests:
                st.caption("A new request for them is marked as a repeat of their latest one.")
    return chosen


def _when_fields(key: str) -> tuple[dt.date | None, dt.time | None]:
    c1, c2 = st.columns(2)
    day = c1.date_input("Received on (empty: today)", value=None, key=f"{key}_day",
                        format="YYYY-MM-DD")
    time = c2.time_input("Received at (empty: now)", value=None, key=f"{key}_time", step=60)
    return day, time


def log_call_form(target: KnownRequest, *, who: Actor, zone) -> None:
    """Log the call on the caller's open request, then open it."""
    with st.form(f"log_call_{target.id}"):
        note = st.text_area("What they said (optional)")
        day, time = _when_fields("log_call")
        if st.form_submit_button(f"Log this call on #{target.id}", type="primary"):
            now = dt.datetime.now(dt.UTC)
            at, problem = manual_entry.received_instant(day, time, zone, now)
            if problem:
                st.error(problem)
                return

            def logged(result) -> None:
                message = f"Call logged on request #{target.id}"
                if result.moved:
                    message += f"; status is now {label(result.status).lower()}"
                w.flash("success", message + ".")
                w.open_request(target.id)

            w.perform(lambda s: callerid.log_call(s, target.id, actor=who, note=note, at=at,
                                                  now=now),
                      on_success=logged)


def new_request_form(caller: Caller, *, who: Actor, zone) -> None:
    """Everything else about the request; saved through `service.receive` like every way in."""
    with st.form("new_request"):
        c1, c2 = st.columns(2)
        channel = c1.selectbox("Channel", manual_entry.MANUAL_CHANNELS, format_func=label)
        submitter = c2.selectbox("Who is asking", SUBMITTERS, format_func=label,
                                 help="The person themselves, or someone asking for them.")
        submitter_name = c1.text_input("Their name (when not the person)")
        treatments = c2.multiselect("Treatment interests", TREATMENTS, format_func=label)
        message = st.text_area("What they said")
        c3, c4 = st.columns(2)
        heard = c3.text_input("How they heard about us")
        provider = c4.text_input("Referring provider (for referrals)")
        preferred = c3.text_input("Preferred contact time")
        day, time = _when_fields("new_request")
        if not st.form_submit_button("Save request", type="primary"):
            return
    entry = manual_entry.ManualEntry(
        first=caller.first, last=caller.last, phone=caller.phone, email=caller.email,
        date_of_birth=caller.date_of_birth, channel=channel, submitter=submitter,
        submitter_name=submitter_name, treatments=tuple(treatments), message=message,
        heard_about=heard, referring_provider=provider, preferred_contact_time=preferred,
        received_on=day, received_at_time=time)
    now = dt.datetime.now(dt.UTC)
    problems = manual_entry.problems(entry, zone=zone, now=now)
    for problem in problems:
        st.error(problem)
    if problems:
        return

    def saved(outcome) -> None:
        if outcome.kind == "created":
            w.flash("success", f"Request #{outcome.request_id} saved.")
            w.open_request(outcome.request_id)
        elif outcome.kind == "duplicate":
            w.flash("success", "Attached to this person's open request "
                               f"#{outcome.request_id} as a later submission.")
            w.open_request(outcome.request_id)
        else:
            w.flash("error", "The request could not be saved: "
                    + escape_markdown("; ".join(outcome.reasons)))

    w.perform(lambda s: manual_entry.receive_entry(s, entry, zone=zone, now=now, actor=who),
              on_success=saved)
