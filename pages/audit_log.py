"""Audit log (admin): search, verify the chain, export."""

import datetime as dt
import json

import pandas as pd
import streamlit as st

from zoelife import audit, audit_search
from zoelife.security import downloads
from zoelife.ui.components import page_header
from zoelife.ui.db import reading
from zoelife.ui.gate import require
from zoelife.ui.tables import download_link, people_table

PAGE_SIZE = 50

user = require("admin")
page_header("Audit log", "Every sign-in, view, change, import and export, hash-chained. "
                         "Times in UTC.")

with reading() as session:
    known_actions = audit_search.actions(session)
    # Cheap enough for every view: deleted tail rows or an emptied log show at once.
    cut = audit.head_problem(session)
if cut:
    st.error(f"The audit log has been cut: {cut}. Run Verify the chain, and restore the "
             "database from a backup.", icon=":material/gpp_bad:")

c1, c2, c3, c4 = st.columns(4)
action = c1.selectbox("Action", known_actions, index=None, placeholder="Any action")
who = c2.text_input("Who (user name contains)")
entity_id = c3.text_input("Record id")
today = dt.datetime.now(dt.UTC).date()
days = c4.date_input("Days (UTC)", value=(today - dt.timedelta(days=30), today))
since = until = None
if isinstance(days, tuple) and days:
    since = dt.datetime.combine(days[0], dt.time(), dt.UTC)
    if len(days) > 1:
        until = dt.datetime.combine(days[1], dt.time(), dt.UTC) + dt.timedelta(days=1)
flt = audit_search.AuditFilter(action=action, actor=who or None, entity_id=entity_id or None,
                               since=since, until=until)

with reading() as session:
    total = audit_search.search(session, flt, limit=1)[1]
pages = max(1, -(-total // PAGE_SIZE))
page_no = st.number_input("Page", min_value=1, max_value=pages, value=1, step=1) if pages > 1 else 1
with reading() as session:
    rows, total = audit_search.search(session, flt, limit=PAGE_SIZE,
                                      offset=(page_no - 1) * PAGE_SIZE)
st.caption(f"{total:,} matching events; page {page_no} of {pages}")
people_table(
    pd.DataFrame([{
        "Seq": r.seq,
        "When (UTC)": r.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "Who": r.actor_label,
        "Action": r.action,
        "Record": f"{r.entity or ''} {r.entity_id or ''}".strip(),
        "Changes": json.dumps(r.changes, sort_keys=True, ensure_ascii=False, default=str),
        "Client address": r.client_address or "",
    } for r in rows], columns=["Seq", "When (UTC)", "Who", "Action", "Record", "Changes",
                               "Client address"]),
    hide_index=True, width="stretch",
)

left, right = st.columns(2)
with left:
    if st.button("Verify the chain", icon=":material/verified:"):
        with reading() as session:
            result = audit.verify(session)
        if result.ok:
            legacy = (f" The first {result.legacy:,} were written before keying started and "
                      "are hash-chained only." if result.legacy else "")
            st.success(f"The chain is intact: {result.checked:,} events verified.{legacy}")
        else:
            st.error(f"The chain is broken at event {result.first_broken_seq}: {result.problem}.")
with right:
    # The server's route builds the file with these filters, checks the sign-in and audits it.
    download_link("Download audit log (CSV)", downloads.AUDIT_PATH, {
        "action": action or "", "who": who, "entity_id": entity_id,
        "since": since.date().isoformat() if since else "",
        "until": (until - dt.timedelta(days=1)).date().isoformat() if until else ""},
        help="The events matching the filters above; the download is recorded in the audit log.")
