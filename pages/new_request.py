"""Enter a phone call or a walk-in by hand: check who it is first, then save."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import streamlit as st

from zoelife import settings
from zoelife.intake import matching, queue
from zoelife.intake.normalize import clean_name, normalize_email, normalize_phone
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import RequestInput, receive
from zoelife.ui import request_widgets as w
from zoelife.ui.components import escape_markdown, local_time, page_header
from zoelife.ui.db import reading, writing
from zoelife.ui.gate import actor, require
from zoelife.vocabulary import SUBMITTERS, TREATMENTS, label

MANUAL_CHANNELS = ("phone", "walk_in", "referral", "email", "other")
PENDING_KEY = "_new_request_pending"

user = require("front_desk")
page_header("New request", "For phone calls, walk-ins and referrals. Check first: the app shows "
                           "whether this person is already known before anything is saved.")

with reading() as session:
    today = settings.clinic_today(session)

with st.form("new_request"):
    c1, c2 = st.columns(2)
    first = c1.text_input("First name")
    last = c2.text_input("Last name")
    phone = c1.text_input("Phone")
    email = c2.text_input("Email")
    dob = c1.date_input("Date of birth (optional)", value=None, min_value=dt.date(1900, 1, 1),
                        max_value=today, format="YYYY-MM-DD")
    channel = c2.selectbox("Channel", MANUAL_CHANNELS, format_func=label)
    submitter = c1.selectbox("Who is asking", SUBMITTERS, format_func=label,
                             help="The person themselves, or someone asking for them.")
    submitter_name = c2.text_input("Their name (when not the person)")
    treatments = st.multiselect("Treatment interests", TREATMENTS, format_func=label)
    message = st.text_area("What they said")
    c3, c4 = st.columns(2)
    heard = c3.text_input("How they heard about us")
    provider = c4.text_input("Referring provider (for referrals)")
    preferred = c3.text_input("Preferred contact time")
    b1, b2 = st.columns(2)
    checked = b1.form_submit_button("Check", type="primary")
    # Saving is a submit of the same form, so what is saved is what is on screen; it saves only
    # when the form still holds exactly what was checked.
    save = b2.form_submit_button("Save request",
                                 disabled=PENDING_KEY not in st.session_state)

fields = dict(first=first, last=last, phone=phone, email=email, dob=dob, channel=channel,
              submitter=submitter, submitter_name=submitter_name, treatments=tuple(treatments),
              message=message, heard=heard, provider=provider, preferred=preferred)

if checked or (save and PENDING_KEY not in st.session_state):
    save = False
    problems: list[str] = []
    if not clean_name(first) and not clean_name(last):
        problems.append("Name: enter a first or a last name.")
    p, e = normalize_phone(phone), normalize_email(email)
    if p.problem:
        problems.append(f"Phone: the {p.problem}.")
    if e.problem:
        problems.append(f"Email: the {e.problem}.")
    if not p.ok and not e.ok and not p.problem and not e.problem:
        problems.append("Phone or email: enter at least one way to reach them.")
    if submitter != "self" and not clean_name(submitter_name):
        problems.append("Their name: say who is asking when it is not the person.")
    if channel == "referral" and not (provider or "").strip():
        problems.append("Referring provider: a referral needs the referring provider.")
    if not treatments and not (message or "").strip():
        problems.append("Treatment interests: pick at least one, or write what they said.")
    if problems:
        st.session_state.pop(PENDING_KEY, None)
        for problem in problems:
            st.error(problem)
    else:
        with reading() as session:
            match = matching.find_person(session, email=e.value, phone=p.value,
                                         first_name=clean_name(first),
                                         last_name=clean_name(last), date_of_birth=dob)
            ids = [match.person_id] if match.person_id else [m[0] for m in match.possible_matches]
            known = queue.known_people(session, ids[:5])
            zone = settings.clinic_zone(session)
        st.session_state[PENDING_KEY] = {"fields": fields, "existing": match.person_id,
                                         "known": known, "zone": str(zone)}
        st.rerun()  # so the form shows "Save request" enabled next to what was found

pending = st.session_state.get(PENDING_KEY)
if pending and pending["fields"] != fields:
    st.session_state.pop(PENDING_KEY, None)
    pending = None
    if save:
        st.info("The form changed since the check: check again before saving.")
    save = False

if pending:
    zone = ZoneInfo(pending["zone"])
    with st.container(border=True):
        if pending["existing"]:
            st.success("This is a person we already know. The request will be added to their "
                       "record (or attached to their open request if it is a duplicate).")
        elif pending["known"]:
            st.warning("Possible match: someone with the same phone or email but a different "
                       "name. A new person will be created and the match shown on the request "
                       "for staff to confirm.")
        else:
            st.info("No one with this phone or email is known yet: a new person will be created.")
        for person in pending["known"]:
            line = person.name
            if person.latest_request_id:
                line += (f": latest request #{person.latest_request_id}, "
                         f"{local_time(person.latest_received_at, zone, '%Y-%m-%d')}, "
                         f"{label(person.latest_status).lower()}")
            st.text(line)
        if save:
            f = pending["fields"]
            inp = RequestInput(
                source="manual-entry", external_id=str(uuid.uuid4()),
                received_at=dt.datetime.now(dt.UTC), channel=f["channel"],
                submitter=f["submitter"], submitter_name=f["submitter_name"] or None,
                first_name=f["first"], last_name=f["last"], email=f["email"], phone=f["phone"],
                date_of_birth=f["dob"], message=f["message"] or None,
                heard_about=f["heard"] or None, referring_provider=f["provider"] or None,
                preferred_contact_time=f["preferred"] or None, treatment_codes=f["treatments"],
            )
            with writing() as session:
                outcome = receive(session, inp, schedule=Schedule.load(session),
                                  actor=actor(user))
            st.session_state.pop(PENDING_KEY, None)
            if outcome.kind == "created":
                w.flash("success", f"Request #{outcome.request_id} saved.")
                w.open_request(outcome.request_id)
            elif outcome.kind == "duplicate":
                w.flash("success", "Attached to this person's open request "
                                   f"#{outcome.request_id} as a later submission.")
                w.open_request(outcome.request_id)
            else:
                st.error("The request could not be saved: "
                         + escape_markdown("; ".join(outcome.reasons)))
