"""The front desk's coverage work list: authorizations waiting on records, waiting on the payer,
and approvals expiring or nearly used up, each with the reminders that are due."""

import datetime as dt

import pandas as pd
import streamlit as st

from zoelife.coverage import worklist
from zoelife.ui import request_widgets as w
from zoelife.ui.components import empty_state, page_header, relative_time
from zoelife.ui.db import reading
from zoelife.ui.gate import require
from zoelife.ui.tables import people_table
from zoelife.vocabulary import label

PAGE_SIZE = 25

user = require("front_desk")
page_header("Coverage", "Prior authorizations that wait on someone: the records, the payer, "
            "or an extension. Open a request to act on it.")
w.show_flash()
now = dt.datetime.now(dt.UTC)
with reading() as session:
    counts = {g: worklist.count(session, g, now) for g in worklist.GROUPS}
group = st.segmented_control(
    "Work list", list(worklist.GROUPS), default="records", key="coverage_group",
    format_func=lambda g: f"{worklist.GROUP_LABELS[g]} ({counts[g]})")
group = group or "records"
total = counts[group]
if not total:
    empty_state(f"Nothing {worklist.GROUP_LABELS[group].lower()}.",
                "Authorizations are tracked from a request's Coverage tab.")
    st.stop()
pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
number = st.number_input("Page", min_value=1, max_value=pages, value=1, step=1,
                         key=f"coverage_page_{group}") if pages > 1 else 1
with reading() as session:
    items = worklist.page(session, group, now, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
frame = pd.DataFrame([{
    "Request": f"#{i.request_id}", "Name": i.name, "Treatment": label(i.treatment),
    "Payer": i.payer, "Status": label(i.status), "Since": relative_time(i.status_at, now),
    "Due": "; ".join(i.reminders)} for i in items])
picked = people_table(frame, hide_index=True, width="stretch", on_select="rerun",
                      selection_mode="single-row", key=f"coverage_table_{group}")
st.caption(f"{total} in this list. Select a row to open its request.")
rows = picked.selection.rows if picked is not None else []
if rows:
    w.open_request(items[rows[0]].request_id)
