"""Import a form tool's export (CSV or JSON): preview, mapping, progress, result; quarantined
rows to fix and import again; the export of every request."""

import pandas as pd
import streamlit as st

from zoelife.ingest import quarantine
from zoelife.ingest.connectors import is_numeric_key
from zoelife.ingest.fields import CANONICAL_FIELDS, IGNORE
from zoelife.ingest.importer import import_requests
from zoelife.ingest.pipeline.parse import prepare, save_mapping
from zoelife.ingest.readers import ReadError
from zoelife.security import downloads
from zoelife.ui.components import escape_markdown, page_header, upload_within_limit
from zoelife.ui.db import get_engine, reading, writing
from zoelife.ui.gate import actor, require
from zoelife.ui.tables import download_link, people_table
from zoelife.vocabulary import CHANNELS, label

PAGE_SIZE = 25
NO_FIELD = "(keep as extra field)"
TOOL_NAMES = {"gravity_forms": "Gravity Forms", "wpforms": "WPForms", "jotform": "Jotform",
              "google_forms": "Google Forms", "typeform": "Typeform",
              "zoelife": "a Zoelife export", "gravity": "Gravity Forms",
              "formstack": "Formstack", "hubspot": "HubSpot", "meta": "Meta Lead Ads",
              "calendly": "Calendly", "squarespace": "Squarespace", "wix": "Wix"}
# The importer's row facts keep their field names; people read these headers.
RESULT_COLUMNS = {
    "row": st.column_config.NumberColumn(
        "Row", format="%d", help="As a spreadsheet numbers it (the header is row 1); in a JSON "
                                 "file, the entry's position"),
    "external_id": st.column_config.TextColumn("Entry id",
                                               help="The form tool's id of the entry"),
    "reason": st.column_config.TextColumn("Why it was rejected"),
    "warning": st.column_config.TextColumn("Warning"),
}

# Patient data: the front desk's (an admin is IT and sees none, docs/security.md).
user = require("front_desk")
page_header("Import requests", "Upload the export of your form tool (Gravity Forms, WPForms, "
            "Jotform, Google Forms, Typeform, Squarespace, Wix) as CSV, or JSON: an array, JSON "
            "lines, one webhook body, or a saved API response (HubSpot, Meta, Calendly). Rows "
            "already imported are skipped, so a cumulative export can be uploaded again.")

# Columns offered for mapping (and previewed); the rest keep their automatic mapping.
MAX_MAPPED_COLUMNS = 200

uploaded = st.file_uploader("Export file", type=["csv", "json", "jsonl", "txt"])
if uploaded is not None and upload_within_limit(uploaded.size):
    data = uploaded.getvalue()
    # Reading a big export takes seconds: keep it for this session's reruns (session state is
    # this user's own, unlike st.cache_data).
    cache_key = (uploaded.file_id, len(data))
    cached = st.session_state.get("_import_prepared")
    prep = cached[1] if cached and cached[0] == cache_key else None
    if prep is None:
        try:
            prep = prepare(data, name=uploaded.name)
        except ReadError as exc:
            st.error(f"This file cannot be imported: {escape_markdown(exc)}")
        else:
            st.session_state["_import_prepared"] = (cache_key, prep)
    if prep is not None:
        tool = TOOL_NAMES.get(prep.form_tool, "an unknown form tool")
        st.caption(f"{len(prep.table.records):,} rows; looks like {tool}.")
        st.subheader("First rows", anchor=False)
        # One widget per column: a 20,000-column file hung the browser for over 90 s.
        shown = prep.table.headers[:MAX_MAPPED_COLUMNS]
        people_table(pd.DataFrame([r.values for r in prep.table.records[:5]],
                                  columns=shown).astype(str),
                     hide_index=True, width="stretch")
        st.subheader("Columns", anchor=False)
        st.caption("What each column of the file means. Columns kept as extra fields are "
                   "stored with the request, never dropped.")
        options = [NO_FIELD, *CANONICAL_FIELDS]
        mapping: dict[str, str] = {}
        if len(prep.table.headers) > MAX_MAPPED_COLUMNS:
            st.info(f"This file has {len(prep.table.headers):,} columns. The first "
                    f"{MAX_MAPPED_COLUMNS} are shown and can be mapped here; the other "
                    f"{len(prep.table.headers) - MAX_MAPPED_COLUMNS:,} keep their automatic "
                    "mapping (a known column to its field, any other as an extra field stored "
                    "with the request): nothing is dropped.", icon=":material/view_column:")
        with st.expander("Column mapping", expanded=True):
            for i, header in enumerate(shown):
                chosen = prep.mapping.get(header) or NO_FIELD
                # A column name is the file's text: shown as typed, never as markdown.
                value = st.selectbox(escape_markdown(header), options, index=options.index(chosen),
                                     key=f"import_map_{i}_{header}",
                                     format_func=lambda f: f if f == NO_FIELD else label(f))
                mapping[header] = IGNORE if value == NO_FIELD else value
        c1, c2 = st.columns(2)
        source = c1.text_input("Source", value=prep.source,
                               help="Which form this came from; ids are unique per source.")
        numbered = {h: mapping[h] for h in shown if is_numeric_key(h) and mapping[h] != IGNORE}
        if any(is_numeric_key(h) for h in shown):
            st.info("Some fields arrived as numeric ids (the form posts field numbers, not "
                    "labels). Choose above what each number means, then save the mapping: this "
                    "source's deliveries and imports are read with it from then on.",
                    icon=":material/pin:")
            if st.button("Save the numbered fields' mapping for this source",
                         disabled=not numbered):
                with writing() as session:
                    save_mapping(session, source.strip() or prep.source, numbered,
                                 actor=actor(user))
                st.success(f"Saved {len(numbered)} field id(s) for {source.strip() or prep.source}.")
        channel = c2.selectbox("Channel", CHANNELS, format_func=label)
        if st.button("Import", type="primary"):
            bar = st.progress(0.0, text="Importing...")

            def progress(done: int, total: int) -> None:
                bar.progress(min(1.0, done / total) if total else 1.0,
                             text=f"Importing... {done:,} of {total:,} rows")

            try:
                result = import_requests(get_engine(), data, name=uploaded.name,
                                         source=source.strip() or None, mapping=mapping,
                                         channel=channel, actor=actor(user),
                                         progress=progress)
                st.session_state.pop("_import_prepared", None)
            except ReadError as exc:
                st.error(f"This file cannot be imported: {escape_markdown(exc)}")
            else:
                bar.progress(1.0, text="Done")
                st.session_state["_import_result"] = result.to_json() | {
                    "warnings": result.warnings}

result = st.session_state.get("_import_result")
if result:
    st.subheader("Result", anchor=False)
    cols = st.columns(5)
    for col, (key, name) in zip(cols, (("rows", "Rows"), ("imported", "Imported"),
                                       ("duplicates", "Duplicates"),
                                       ("already_imported", "Already imported"),
                                       ("rejected", "Rejected")), strict=True):
        col.metric(name, f"{result[key]:,}")
    if result["crisis_urgent"]:
        st.error(f"{result['crisis_urgent']} row(s) read as urgent: they are at the top of "
                 "the queue (also those without usable contact).", icon=":material/emergency:")
    if result["rejects"]:
        st.caption("Rejected rows are kept in quarantine below; fix them in the file and "
                   "import it again.")
        people_table(pd.DataFrame(result["rejects"]), hide_index=True, width="stretch",
                     column_config=RESULT_COLUMNS)
    if result["warnings"]:
        st.caption("Imported with a warning")
        people_table(pd.DataFrame(result["warnings"]), hide_index=True, width="stretch",
                     column_config=RESULT_COLUMNS)



def _map_from_received(row) -> None:
    """Name a numeric-id form's fields once, from a body it actually sent (the newest)."""
    numbered = [k for k, v in row.raw.items() if is_numeric_key(k) and v]
    if not numbered:
        return
    st.markdown(f"**Map {escape_markdown(row.source)}'s field ids from its newest body**")
    chosen: dict[str, str] = {}
    options = [NO_FIELD, *CANONICAL_FIELDS]
    for key in numbered:
        # The value is the public's text: shown as the selectbox's help, never as markdown.
        value = st.selectbox(f"Field {escape_markdown(key)}", options,
                             key=f"quarantine_map_{row.id}_{key}",
                             format_func=lambda f: f if f == NO_FIELD else label(f),
                             help=escape_markdown(str(row.raw[key])[:200]))
        if value != NO_FIELD:
            chosen[key] = value
    if st.button(f"Save the mapping for {row.source}", key=f"quarantine_save_{row.id}",
                 disabled=not chosen):
        with writing() as session:
            save_mapping(session, row.source, chosen, actor=actor(user))
        st.success(f"Saved {len(chosen)} field id(s) for {row.source}: its next deliveries "
                   "are read with them. Import the quarantined rows again (download, import).")


st.divider()
st.subheader("Quarantine", anchor=False)
with reading() as session:
    open_count = quarantine.count_open(session)
if not open_count:
    st.caption("No rows wait in quarantine.")
else:
    st.caption(f"{open_count:,} row(s) could not be imported, by reason. Each reason says "
               "what to do.")
    with reading() as session:
        groups = quarantine.counts_by_reason(session)
    for kind, count in groups:
        with st.expander(f"{kind.title}: {count:,}", expanded=len(groups) == 1):
            st.caption(kind.what_to_do)
            pages = max(1, -(-count // PAGE_SIZE))
            page_no = st.number_input("Page", min_value=1, max_value=pages, value=1, step=1,
                                      key=f"quarantine_page_{kind.key}") if pages > 1 else 1
            with reading() as session:
                rows = quarantine.list_open_of(session, kind.key,
                                               offset=(page_no - 1) * PAGE_SIZE,
                                               limit=PAGE_SIZE)
            people_table(pd.DataFrame([{
                "Source": r.source, "Row": r.row_number, "Id": r.external_id or "",
                "Reason": r.reason, "Crisis": label(r.crisis_level),
                "In queue": "yes" if r.request_id else "",
                "As received": "; ".join(f"{k}: {v}" for k, v in r.raw.items() if v),
            } for r in rows]), hide_index=True, width="stretch")
            if kind.key == "numeric_ids" and rows:
                _map_from_received(rows[0])
    download_link("Download quarantined rows (CSV)", downloads.QUARANTINE_PATH,
                  help="Every open quarantined row; the download is recorded in the audit log.")

st.divider()
st.subheader("Export", anchor=False)
st.caption("Every request, closed ones included, one row each. The export is recorded in the "
           "audit log.")
download_link("Download requests (CSV)", downloads.REQUESTS_PATH)
st.caption(escape_markdown("Spreadsheet formulas are neutralized with a leading '."))
