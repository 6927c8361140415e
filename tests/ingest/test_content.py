"""Content items: feeds and CSV, upsert by URL, topics as docs/vocabulary.md defines them (the seed
article is about ketamine only), staff corrections, attribution of requests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import select

from zoelife import audit
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import ContentItem, Request
from zoelife.ingest import content, content_topics
from zoelife.ingest.importer import import_requests

pytestmark = pytest.mark.db

SEED_TITLE = "6 Powerful Benefits of Ketamine-Assisted Therapy"


def seed_text() -> str:
    """The seed article: CI's read-only shared copy when present, else the copy shipped here
    (never skipped)."""
    here = Path(__file__).resolve()
    shared = here.parents[2] / "../shared/seeds/000_bc2ec429d9e89b4c.txt"
    shipped = here.parent / "fixtures" / "seed_article.txt"
    text = shipped.read_text(encoding="utf-8")
    if shared.exists():
        assert shared.read_text(encoding="utf-8") == text, "the shipped copy is out of date"
    return text


def rss(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link>"
        f"<pubDate>Mon, 02 Mar 2026 15:00:00 +0000</pubDate>"
        f"<content:encoded><![CDATA[{''.join(f'<p>{escape(p)}</p>' for p in text.split(chr(10)))}]]>"
        f"</content:encoded></item>"
        for t, u, text in items)
    return (f'<?xml version="1.0"?><rss version="2.0" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Zoelife</title><link>https://zoelife.example/</link>{body}"
            f"</channel></rss>").encode()


def _items(engine) -> dict[str, ContentItem]:
    with read_session(engine) as s:
        return {i.url: i for i in s.execute(select(ContentItem)).scalars()}


def test_seed_article_is_about_ketamine_only(engine):
    text = seed_text()
    # The header names Spravato and TMS; the body says "through an IV or nasal spray".
    assert "Spravato" in text and "TMS" in text and "nasal spray" in text
    assert content_topics.infer_topics(SEED_TITLE, text) == {"ketamine"}
    url = "https://zoelife.example/6-powerful-benefits-of-ketamine-assisted-therapy/"
    result = content.import_content(engine, rss([(SEED_TITLE, url, text)]), name="feed.xml")
    assert (result.items, result.created) == (1, 1)
    item = _items(engine)[url]
    assert item.title == SEED_TITLE
    assert item.topic_set == {"ketamine"}
    assert item.url_path == "/6-powerful-benefits-of-ketamine-assisted-therapy"
    assert item.campaign_key == "6-powerful-benefits-of-ketamine-assisted-therapy"


def test_feed_header_and_footer_are_ignored(engine):
    header = ("We are a REMS-certified treatment center for Spravato. NeuroStar TMS center for "
              "depression and OCD. Ketamine-assisted therapy available.")
    posts = [
        ("Spring hours", "https://zoelife.example/spring-hours/",
         f"{header}\nOur office hours change in spring.\nCall us to book a visit."),
        ("Meet our new nurse", "https://zoelife.example/new-nurse/",
         f"{header}\nSay hello to our new nurse.\nShe loves hiking."),
        ("What TMS feels like", "https://zoelife.example/tms-feels/",
         f"{header}\nTMS sessions last about 20 minutes.\nMost people feel a tapping.\n"
         "TMS needs no anesthesia."),
        ("Parking update", "https://zoelife.example/parking/",
         f"{header}\nThe lot is repaved.\nUse the side entrance."),
    ]
    content.import_content(engine, rss(posts), name="feed.xml")
    items = _items(engine)
    assert items["https://zoelife.example/spring-hours/"].topic_set == set()
    assert items["https://zoelife.example/parking/"].topic_set == set()
    assert items["https://zoelife.example/tms-feels/"].topic_set == {"tms"}


def test_passing_mention_is_not_a_topic():
    body = ("Depression care has many paths. Our clinicians listen first. Sleep matters. "
            "Exercise helps mood. Some patients also ask about TMS. Routine helps. "
            "Friends and family matter. Sunlight helps too.")
    assert content_topics.infer_topics("Five habits that lift your mood", body) == set()
    assert content_topics.infer_topics("Is Spravato right for you?", body) == {"spravato"}


def test_reimport_updates_and_staff_topics_stand(engine):
    url = "https://zoelife.example/blog/tms-guide/"
    first = rss([("TMS guide", url, "TMS uses magnets. NeuroStar TMS is FDA cleared.")])
    content.import_content(engine, first, name="feed.xml")
    item = _items(engine)[url]
    assert item.topic_set == {"tms"}
    with write_session(engine) as s:
        content.set_topics(s, item.id, ["tms", "spravato"], actor=audit.SYSTEM)
    second = rss([("TMS guide (updated)", url, "TMS uses magnets.")])
    result = content.import_content(engine, second, name="feed.xml")
    assert (result.created, result.updated) == (0, 1)
    items = _items(engine)
    assert len(items) == 1
    assert items[url].title == "TMS guide (updated)"
    assert items[url].topic_set == {"tms", "spravato"}
    assert {t.origin for t in items[url].topics} == {"staff"}


def test_new_content_credits_earlier_requests(engine, tmp_path):
    path = tmp_path / "gf.csv"
    path.write_text(
        "Entry Id,Entry Date,Name (First),Name (Last),Email,Message,Source Url\r\n"
        "1,2026-03-02 10:00:00,Ana,Diaz,ana@example.com,hi,"
        "https://zoelife.example/blog/TMS-Guide/?utm_source=x\r\n"
        "2,2026-03-02 11:00:00,Bo,Lee,bo@example.com,hi,"
        "https://zoelife.example/?utm_campaign=tms-guide\r\n"
        "3,2026-03-02 12:00:00,Cy,Ng,cy@example.com,hi,https://zoelife.example/other/\r\n")
    import_requests(engine, path)
    result = content.import_content(
        engine, rss([("TMS guide", "https://zoelife.example/blog/tms-guide/", "TMS.")]),
        name="feed.xml")
    assert result.attributed_requests == 2
    with read_session(engine) as s:
        got = {r.external_id: r.attributed_content_id for r in s.execute(select(Request)).scalars()}
    item_id = next(iter(_items(engine).values())).id
    assert got == {"1": item_id, "2": item_id, "3": None}


def test_add_by_hand(engine):
    with write_session(engine) as s:
        item = content.add_item(s, url="https://youtube.example/watch?v=1",
                                title="Ketamine infusion: what to expect",
                                published_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
                                channel="video", actor=audit.SYSTEM)
        assert item.topic_set == {"ketamine"}
        with pytest.raises(ValueError):
            content.add_item(s, url="javascript:alert(1)", title="x",
                             published_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))


def test_not_a_feed(engine):
    from zoelife.ingest.readers import ReadError

    with pytest.raises(ReadError):
        content.import_content(engine, b"<html><body>hello</body>", name="page.html")


def test_a_treatment_named_as_had_before_still_makes_the_topic():
    # Triage reads "did TMS last year, nothing" as history, not interest; an article about
    # outcomes is about TMS all the same.
    body = ("Many of our patients did TMS last year. For a few of them TMS did nothing. "
            "Most say TMS helped within weeks. Parking is free.")
    assert content_topics.infer_topics("What our patients told us", body) == {"tms"}
