"""The Content page through AppTest: refusals, list, import, add by hand, correct topics."""

from __future__ import annotations

from sqlalchemy import select

from tests.apptest import all_text, make_user, page, sign_in
from zoelife.db.engine import make_engine, read_session
from zoelife.db.models import AuditEvent, ContentItem

CSV = (b"title,url,published_at,channel,topics\n"
       b"NeuroStar TMS explained,https://zoelife.example/blog/tms/,2026-02-01,blog,\n"
       b"=cmd|' /C calc'!A0,https://zoelife.example/blog/odd/,2026-02-02,blog,\n")


def _items(db_url):
    engine = make_engine(db_url)
    try:
        with read_session(engine) as s:
            items = {i.url: (i.title, i.topic_set, {t.origin for t in i.topics})
                     for i in s.execute(select(ContentItem)).scalars()}
            actions = s.execute(select(AuditEvent.action)).scalars().all()
        return items, actions
    finally:
        engine.dispose()


def test_signed_out(app_db):
    make_user(app_db, "clinic.admin", ["admin"])
    at = page("pages/content.py").run()
    assert "Sign in" in [t.value for t in at.title]
    assert not at.dataframe and not at.file_uploader


def test_manager_imports_lists_and_corrects_topics(app_db):
    at = page("pages/content.py")
    sign_in(at, app_db, roles=("manager",))
    at.run()
    assert not at.exception and "No content yet" in all_text(at)
    at.file_uploader[0].set_value(("content.csv", CSV, "text/csv")).run()
    next(b for b in at.button if b.label == "Import file").click().run()
    assert not at.exception
    assert "2 item(s): 2 new" in all_text(at)
    at.run()
    listing = at.dataframe[0].value
    assert set(listing["Title"]) == {"NeuroStar TMS explained", "=cmd|' /C calc'!A0"}
    items, _ = _items(app_db)
    assert items["https://zoelife.example/blog/tms/"][1] == {"tms"}
    # Correct topics by hand.
    engine = make_engine(app_db)
    with read_session(engine) as s:
        tms_id = s.execute(select(ContentItem.id).where(
            ContentItem.url == "https://zoelife.example/blog/tms/")).scalar_one()
    engine.dispose()
    next(s for s in at.selectbox if s.label == "Item").set_value(tms_id).run()
    next(m for m in at.multiselect if m.label == "Topics").set_value(["tms", "spravato"]).run()
    next(b for b in at.button if b.label == "Save topics").click().run()
    assert not at.exception
    items, actions = _items(app_db)
    assert items["https://zoelife.example/blog/tms/"][1:] == ({"tms", "spravato"}, {"staff"})
    assert "content.topics" in actions and "import.content" in actions


def test_add_by_hand(app_db):
    at = page("pages/content.py")
    sign_in(at, app_db, roles=("front_desk",))
    at.run()
    fields = {t.label: t for t in at.text_input}
    fields["Title"].input("Ketamine infusion: what to expect")
    fields["Address (URL)"].input("https://youtube.example/watch?v=abc")
    next(s for s in at.selectbox if s.label == "Channel").set_value("video")
    next(b for b in at.button if b.label == "Add item").click().run()
    assert not at.exception
    assert "Item saved (topics: Ketamine)" in all_text(at)
    items, actions = _items(app_db)
    assert items["https://youtube.example/watch?v=abc"][1] == {"ketamine"}
    assert "content.create" in actions


def test_published_defaults_to_the_clinics_date_on_a_utc_evening(app_db):
    # 23:59 on New Year's Eve in New York is already 2027-01-01 on a UTC server.
    import datetime as dt

    from tests.clock import travel

    with travel(dt.datetime(2027, 1, 1, 4, 59, tzinfo=dt.UTC)):
        at = page("pages/content.py")
        sign_in(at, app_db, roles=("manager",))
        at.run()
        published = [d for d in at.date_input if d.label == "Published"]
        assert published and published[0].value == dt.date(2026, 12, 31)
