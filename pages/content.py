"""What the clinic published: list, import a feed or CSV, add by hand, correct topics, export."""

import datetime as dt

import pandas as pd
import streamlit as st

from zoelife import settings
from zoelife.ingest import content, content_feeds, export
from zoelife.ingest.readers import ReadError
from zoelife.ui import request_widgets as w
from zoelife.ui.components import escape_markdown, page_header, upload_within_limit
from zoelife.ui.db import get_engine, reading, writing
from zoelife.ui.gate import actor, require
from zoelife.vocabulary import CONTENT_CHANNELS, TREATMENTS, label

PAGE_SIZE = 25

user = require("manager", "admin", "front_desk")
page_header("Content", "Articles, videos, posts and ads the clinic published, with the "
            "treatments each is about. Requests whose landing page or campaign points at an "
            "item are credited to it.")
w.show_flash()

with reading() as session:
    total = content.count_items(session)
    zone = settings.clinic_zone(session)
    today = settings.clinic_today(session)

if not total:
    st.caption("No content yet. Import the blog's feed (for WordPress, the site's /feed/ "
               "address) or a CSV below, or add an item by hand.")
else:
    pages = max(1, -(-total // PAGE_SIZE))
    page_no = st.number_input("Page", min_value=1, max_value=pages, value=1, step=1) \
        if pages > 1 else 1
    with reading() as session:
        items = content.list_items(session, offset=(page_no - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        rows = [{
            "Published": i.published_at.astimezone(zone).strftime("%Y-%m-%d"),
            "Title": i.title, "Channel": label(i.channel),
            "Topics": ", ".join(label(t) for t in sorted(i.topic_set)) or "(none)",
            "Topics by": "staff" if any(t.origin == "staff" for t in i.topics) else "inferred",
            "URL": i.url,
        } for i in items]
        choices = {i.id: f"{i.title} ({i.published_at.astimezone(zone):%Y-%m-%d})"
                   for i in items}
        current = {i.id: sorted(i.topic_set) for i in items}
    st.caption(f"{total:,} item(s)")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

    with st.expander("Correct topics", icon=":material/edit:"):
        chosen = st.selectbox("Item", list(choices), format_func=choices.get, index=None,
                              placeholder="Choose an item")
        if chosen is not None:
            topics = st.multiselect("Topics", TREATMENTS, default=current[chosen],
                                    format_func=label, key=f"topics_{chosen}")
            if st.button("Save topics"):
                with writing() as session:
                    content.set_topics(session, chosen, topics, actor=actor(user))
                w.flash("success", "Topics saved; imports will not change them.")
                st.rerun()

st.subheader("Import", anchor=False)
tab_file, tab_url = st.tabs(["File", "Feed address"])
with tab_file:
    upload = st.file_uploader("RSS/Atom feed or CSV (title,url,published_at,channel,topics)",
                              type=["xml", "rss", "atom", "csv", "txt"])
    if upload is not None and upload_within_limit(upload.size) and st.button("Import file"):
        try:
            result = content.import_content(get_engine(), upload.getvalue(), name=upload.name,
                                            actor=actor(user))
        except ReadError as exc:
            st.error(f"This file cannot be imported: {escape_markdown(exc)}")
        else:
            st.session_state["_content_result"] = result.to_json()
with tab_url:
    feed_url = st.text_input("Feed address", placeholder="https://example.com/feed/")
    if st.button("Import feed") and feed_url.strip():
        if not content_feeds.is_web_address(feed_url):
            # Files come through the File tab: the server never opens a path typed here.
            st.error("Enter a web address starting with http:// or https://, or upload the "
                     "file in the File tab.")
        else:
            try:
                result = content.import_content(get_engine(), feed_url.strip(),
                                                actor=actor(user))
            except ReadError as exc:
                st.error(f"This feed cannot be imported: {escape_markdown(exc)}")
            else:
                st.session_state["_content_result"] = result.to_json()
outcome = st.session_state.get("_content_result")
if outcome:
    st.info(f"{outcome['items']} item(s): {outcome['created']} new, {outcome['updated']} "
            f"updated, {outcome['rejected']} rejected; {outcome['attributed_requests']} "
            "request(s) credited.")
    if outcome["rejects"]:
        st.dataframe(pd.DataFrame(outcome["rejects"]), hide_index=True, width="stretch")

with st.expander("Add an item by hand", icon=":material/add:"):
    with st.form("add_content", clear_on_submit=True):
        title = st.text_input("Title")
        url = st.text_input("Address (URL)")
        c1, c2 = st.columns(2)
        published = c1.date_input("Published", value=today, format="YYYY-MM-DD")
        channel = c2.selectbox("Channel", CONTENT_CHANNELS, format_func=label)
        topics = st.multiselect("Topics (leave empty to infer them from the title and text)",
                                TREATMENTS, format_func=label)
        body = st.text_area("Text (optional, for inferring topics)")
        add = st.form_submit_button("Add item", type="primary")
    if add:
        when = dt.datetime.combine(published, dt.time(12, 0), tzinfo=zone)
        try:
            with writing() as session:
                item = content.add_item(session, url=url, title=title, published_at=when,
                                        channel=channel, topics=topics or None, body=body,
                                        actor=actor(user))
                saved = ", ".join(label(t) for t in sorted(item.topic_set)) or "none"
        except ValueError as exc:
            st.error(escape_markdown(exc))
        else:
            w.flash("success", f"Item saved (topics: {saved}).")
            st.rerun()

st.subheader("Export", anchor=False)
if st.button("Prepare content export"):
    st.session_state["_content_csv"] = export.content_csv_text(get_engine())
if st.session_state.get("_content_csv"):
    st.download_button("Download content (CSV)", st.session_state["_content_csv"],
                       file_name="content.csv", mime="text/csv")
