"""Attack: an RSS file built to crash the XML parser, and with it the clinic's server.

Found in review: an RSS file whose DOCTYPE chains 40,000 entities (1 MB), uploaded by a manager
on the Content page, killed the server process (segfault in expat 2.5.0, bundled with Python
3.11.7: CVE-2024-8176); the same from a feed address or `zoelife import content`. feedparser
strips DOCTYPEs with regular expressions, which a comment inside the DOCTYPE gets past.
Controls (zoelife.ingest.feedparse): DTDs and entity declarations are refused before any
parser sees the bytes (and by defusedxml in the child); feeds are parsed in a child process
with memory and CPU limits, so a parser crash is "could not read that feed", not an outage.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.apptest import all_text, page, read_db, sign_in
from tests.security.attacks.hostile_feeds import entity_chain
from zoelife.db.models import ContentItem
from zoelife.ingest import content_feeds, feedparse
from zoelife.ingest.readers import ReadError

ROOT = Path(__file__).resolve().parents[3]
ZOELIFE = Path(sys.executable).parent / "zoelife"

GOOD_FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Zoelife</title>'
             b"<item><title>NeuroStar TMS explained</title>"
             b"<link>https://zoelife.example/blog/tms/</link>"
             b"<pubDate>Mon, 02 Mar 2026 15:00:00 +0000</pubDate>"
             b"<description>TMS for depression.</description></item></channel></rss>")


def test_the_entity_chain_is_refused_by_the_cli_and_the_process_lives(tmp_path, sqlite_url):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(entity_chain())
    done = subprocess.run([str(ZOELIFE), "import", "content", str(feed)], cwd=ROOT,
                          env={**os.environ, "ZOELIFE_DATABASE_URL": sqlite_url},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])  # -11 was the segfault
    assert "feed.xml: it declares a document type or entities" in done.stderr
    assert read_db(sqlite_url, lambda s: s.execute(
        select(func.count(ContentItem.id))).scalar_one()) == 0


def test_the_content_page_upload_shows_the_refusal(app_db):
    at = page("pages/content.py", timeout=60)
    sign_in(at, app_db, roles=("manager",))
    at.run()
    at.file_uploader[0].set_value(("feed.xml", entity_chain(), "application/rss+xml")).run()
    next(b for b in at.button if b.label == "Import file").click().run()
    assert not at.exception
    shown = all_text(at)
    assert "it declares a document type or entities" in shown


@pytest.mark.parametrize("declaration", [
    b'<!DOCTYPE rss SYSTEM "http://127.0.0.1/x.dtd">',
    b"<!doctype rss>",
    b'< ! ENTITY x "y">',
])
def test_any_dtd_or_entity_declaration_is_refused(declaration):
    data = b'<?xml version="1.0"?>' + declaration + GOOD_FEED[21:]
    with pytest.raises(ReadError, match="declares a document type or entities"):
        content_feeds.read_content(data, name="f.xml")


def test_a_utf16_doctype_cannot_hide_from_the_scan():
    data = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE rss [<!ENTITY a "b">]>'
            "<rss/>").encode("utf-16")
    assert feedparse.refusal(data) == feedparse.REFUSED_DTD


def test_a_plain_feed_still_imports():
    rows, kind = content_feeds.read_content(GOOD_FEED, name="f.xml")
    assert kind == "feed" and [r.title for r in rows] == ["NeuroStar TMS explained"]
    assert rows[0].url == "https://zoelife.example/blog/tms/"


def test_a_crashing_parser_is_an_error_message_not_a_crash(monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(feedparse.FeedUnreadable, match="could not read that feed .*signal 6"):
        feedparse.parse(GOOD_FEED, module="tests.security.attacks.feed_child_abort")


def test_a_parser_that_hogs_memory_and_hangs_is_stopped(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(feedparse, "WALL_SECONDS", 5)
    with pytest.raises(feedparse.FeedUnreadable, match="could not read that feed"):
        feedparse.parse(GOOD_FEED, module="tests.security.attacks.feed_child_hog")


def test_the_feed_parser_runs_with_limits_in_another_process(monkeypatch):
    seen = {}
    real_run = subprocess.run

    def spy(cmd, **kw):
        seen["cmd"] = cmd
        return real_run(cmd, **kw)

    monkeypatch.setattr(subprocess, "run", spy)
    content_feeds.read_content(GOOD_FEED, name="f.xml")
    assert seen["cmd"][1:] == ["-m", "zoelife.ingest.feedparse"]


def test_an_old_expat_is_warned_about(monkeypatch):
    monkeypatch.setattr(feedparse, "expat_version", lambda: (2, 5, 0))
    assert "2.5.0, older than 2.7.0" in feedparse.expat_warning()
    monkeypatch.setattr(feedparse, "expat_version", lambda: (2, 7, 1))
    assert feedparse.expat_warning() is None
