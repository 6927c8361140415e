"""Merge (mark as duplicate), link and split driven through the request page (AppTest): what the
page shows afterwards and what the database holds. The lifecycle rules themselves are tested in
tests/intake/test_lifecycle.py."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.apptest import app, make_user, page, read_db, sign_in
from tests.clock import FIXED_NOW
from tests.intake.helpers import make_request, page_text
from zoelife.db.engine import make_engine
from zoelife.db.models import AuditEvent, Person, PossibleMatch, Request, StatusChange

# Pages read the same fixed clock the seeds use (tests/clock.py).
pytestmark = pytest.mark.usefixtures("clock")

NOW = FIXED_NOW


def seed(db_url, *requests: dict) -> list[int]:
    make_user(db_url, "clinic.admin", ["admin"])
    engine = make_engine(db_url)
    try:
        return [make_request(engine, now=NOW, **kw) for kw in requests]
    finally:
        engine.dispose()


def opened(db_url, rid):
    at = page("pages/request.py")
    sign_in(at, db_url, roles=("front_desk",), username="dana")
    at.query_params["id"] = str(rid)
    return at.run()


def button(at, label=None, key=None):
    found = [b for b in at.button if (key is None or b.key == key)
             and (label is None or b.label == label)]
    assert len(found) == 1, f"buttons {label!r}/{key!r}: {[b.label for b in at.button]}"
    return found[0]


def audit_actions(s, entity_id=None):
    q = select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.changes).order_by(AuditEvent.seq)
    return [(a, e, c) for a, e, c in s.execute(q).all() if entity_id is None or e == entity_id]


# --------------------------------------------------------------------------- merge


def same_person_twice(db_url) -> tuple[int, int]:
    """One person (same email and name), two open requests for different treatments."""
    return tuple(seed(
        db_url,
        dict(received_at=NOW - dt.timedelta(hours=3), first_name="Mara", last_name="Merge",
             email="mara.merge@example.com", treatments=("TMS",), message="About TMS"),
        dict(received_at=NOW - dt.timedelta(hours=1), first_name="Mara", last_name="Merge",
             email="mara.merge@example.com", treatments=("Ketamine",),
             message="About ketamine")))


def test_mark_as_duplicate_closes_it_and_the_other_lists_it(app_db):
    first, second = same_person_twice(app_db)
    at = opened(app_db, second)
    target = next(n for n in at.number_input if n.label == "Duplicate of request #")
    assert f"#{first}" in target.help  # the same person's open requests are named
    target.set_value(first)
    button(at, "Mark as duplicate").click()
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == [f"Closed as a duplicate of request #{first}."]
    assert ":blue-badge[Closed]" in page_text(at) and ":gray-badge[Duplicate]" in page_text(at)
    # Closed: nothing left to mark, and no attempts to log.
    assert not [n for n in at.number_input if n.label == "Duplicate of request #"]
    assert "Reopen the request to log contact attempts." in page_text(at)

    r, kept, moves = read_db(app_db, lambda s: (
        s.get(Request, second), s.get(Request, first),
        s.execute(select(StatusChange).where(StatusChange.request_id == second)).scalars().all()))
    assert (r.status, r.close_reason, r.duplicate_of_id, r.is_open) == \
        ("closed", "duplicate", first, False)
    assert (kept.status, kept.is_open, kept.duplicate_of_id) == ("new", True, None)
    assert [(m.from_status, m.to_status, m.close_reason) for m in moves] == \
        [("new", "closed", "duplicate")]
    assert read_db(app_db, lambda s: s.execute(select(Request.id)).scalars().all()) == [first, second]
    status_audit = read_db(app_db, lambda s: [c for a, _, c in audit_actions(s, str(second))
                                         if a == "request.status"])
    assert status_audit == [{"status": ["new", "closed"], "close_reason": "duplicate",
                             "duplicate_of_id": first, "reason": {"changed": True}}]

    # The request it duplicates lists it under "Requests merged into this one".
    at = opened(app_db, first)
    assert "Requests merged into this one" in page_text(at)
    assert [b.key for b in at.button if b.key == f"dup_open_{second}"] == [f"dup_open_{second}"]


def test_a_merged_request_opens_from_the_one_it_was_merged_into(app_db):
    first, second = same_person_twice(app_db)
    at = opened(app_db, second)
    next(n for n in at.number_input if n.label == "Duplicate of request #").set_value(first)
    button(at, "Mark as duplicate").click()
    at.run()
    # The whole app (the button switches pages): from the first request to the merged one.
    at = app()
    sign_in(at, app_db, roles=("front_desk",), username="dana")
    at.session_state["request_id"] = first
    at.run()
    at.switch_page("pages/request.py").run()
    assert [t.value for t in at.title] == [f"Request #{first}"]
    button(at, key=f"dup_open_{second}").click()
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == [f"Request #{second}"]


def test_mark_as_duplicate_refusals_leave_the_request_open(app_db):
    first, second = same_person_twice(app_db)
    at = opened(app_db, second)
    for target, message in (
            (second, "A request cannot be a duplicate of itself."),
            (999, "Request 999 does not exist."),
            (None, "Enter the number of the request this one duplicates.")):
        next(n for n in at.number_input if n.label == "Duplicate of request #").set_value(target)
        button(at, "Mark as duplicate").click()
        at.run()
        assert not at.exception
        assert [e.value for e in at.error] == [message]
    # A closed request is never a merge target.
    other = seed_closed(app_db)
    next(n for n in at.number_input if n.label == "Duplicate of request #").set_value(other)
    button(at, "Mark as duplicate").click()
    at.run()
    assert [e.value for e in at.error] == [
        f"Request {other} is closed; a duplicate is attached to an open request."]
    r = read_db(app_db, lambda s: s.get(Request, second))
    assert (r.status, r.duplicate_of_id, r.version) == ("new", None, 1)
    assert read_db(app_db, lambda s: [a for a, _, _ in audit_actions(s, str(second))
                                 if a == "request.status"]) == []


def seed_closed(db_url) -> int:
    from zoelife import audit
    from zoelife.db.engine import write_session
    from zoelife.intake import lifecycle

    engine = make_engine(db_url)
    try:
        rid = make_request(engine, now=NOW, received_at=NOW - dt.timedelta(hours=2),
                           first_name="Cleo", last_name="Closed", email="cleo@example.com")
        with write_session(engine) as s:
            lifecycle.change_status(s, rid, actor=audit.SYSTEM, seen_version=1,
                                    to_status="closed", close_reason="spam")
        return rid
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- link and dismiss


def two_names_one_phone(db_url) -> tuple[int, int]:
    """Two people who share a phone but not a name: a possible match for staff."""
    return tuple(seed(
        db_url,
        dict(received_at=NOW - dt.timedelta(hours=3), first_name="Luis", last_name="Reyes",
             email=None, phone="(212) 555-0101", treatments=("TMS",)),
        dict(received_at=NOW - dt.timedelta(hours=1), first_name="Lou", last_name="Reyes",
             email=None, phone="(212) 555-0101", treatments=("Ketamine",))))


def test_same_person_links_the_two_records(app_db):
    luis, lou = two_names_one_phone(app_db)
    people = read_db(app_db, lambda s: (s.get(Request, luis).person_id, s.get(Request, lou).person_id))
    match = read_db(app_db, lambda s: s.execute(select(PossibleMatch)).scalar_one())
    at = opened(app_db, luis)
    assert "Lou Reyes (same phone)" in [t.value for t in at.text]
    assert "None." in [c.value for c in at.caption]  # no other requests yet
    button(at, "Same person", key=f"match_link_{match.id}").click()
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Linked as the same person."]
    text = page_text(at)
    assert "Lou Reyes (same phone)" not in text
    # Now one of "this person's other requests", its treatments named for people.
    [line] = [t.value for t in at.text if t.value.startswith(f"#{lou}  ")]
    assert line.endswith("  New  Ketamine, TMS"), line
    assert button(at, "Open", key=f"other_{lou}")

    r_lou, absorbed, m = read_db(app_db, lambda s: (s.get(Request, lou), s.get(Person, people[1]),
                                              s.get(PossibleMatch, match.id)))
    assert r_lou.person_id == people[0] and r_lou.version == 2
    assert absorbed.merged_into_id == people[0]
    assert (m.status, m.resolved_by is not None) == ("linked", True)
    assert read_db(app_db, lambda s: [(a, e, c) for a, e, c in audit_actions(s)
                                 if a == "person.link"]) == \
        [("person.link", str(people[0]), {"person_id": [people[1], people[0]], "count": 1})]


def test_not_the_same_dismisses_the_match(app_db):
    luis, lou = two_names_one_phone(app_db)
    match = read_db(app_db, lambda s: s.execute(select(PossibleMatch)).scalar_one())
    at = opened(app_db, lou)
    assert "Luis Reyes (same phone)" in [t.value for t in at.text]
    button(at, "Not the same", key=f"match_dismiss_{match.id}").click()
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Possible match dismissed."]
    assert "Luis Reyes (same phone)" not in page_text(at)
    m = read_db(app_db, lambda s: s.get(PossibleMatch, match.id))
    assert m.status == "dismissed"
    people = read_db(app_db, lambda s: {s.get(Request, luis).person_id, s.get(Request, lou).person_id})
    assert len(people) == 2  # nobody was linked
    # Not asked again from the other side either.
    at = opened(app_db, luis)
    assert "Lou Reyes (same phone)" not in page_text(at)


# --------------------------------------------------------------------------- split


def test_split_moves_a_wrongly_linked_request_to_a_new_person(app_db):
    luis, lou = two_names_one_phone(app_db)
    match = read_db(app_db, lambda s: s.execute(select(PossibleMatch)).scalar_one())
    at = opened(app_db, luis)
    button(at, key=f"match_link_{match.id}").click()
    at.run()
    survivor = read_db(app_db, lambda s: s.get(Request, luis).person_id)

    at = opened(app_db, lou)
    assert any(t.value.startswith(f"#{luis}  ") for t in at.text)
    button(at, "Move this request to a new person").click()
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == ["This request now belongs to a new person."]
    assert "Move this request to a new person" not in [b.label for b in at.button]
    assert not any(t.value.startswith(f"#{luis}  ") for t in at.text)

    r, new_person = read_db(app_db, lambda s: (s.get(Request, lou),
                                          s.get(Person, s.get(Request, lou).person_id)))
    assert r.person_id not in (survivor, None) and r.repeat_of_id is None
    assert (new_person.first_name, new_person.last_name) == ("Lou", "Reyes")
    remembered = read_db(app_db, lambda s: s.execute(
        select(PossibleMatch).where(PossibleMatch.reason == "split")).scalar_one())
    assert ({remembered.person_id, remembered.other_person_id}, remembered.status) == \
        ({r.person_id, survivor}, "dismissed")
    assert read_db(app_db, lambda s: [(a, c) for a, _, c in audit_actions(s, str(lou))
                                 if a == "person.split"]) == \
        [("person.split", {"person_id": [survivor, r.person_id]})]
    # The request it was split from no longer lists it.
    at = opened(app_db, luis)
    assert not any(t.value.startswith(f"#{lou}  ") for t in at.text)
    assert "Move this request to a new person" not in [b.label for b in at.button]


def test_linking_carries_the_absorbed_records_other_matches_over(app_db):
    # Lou shares a phone with Luis and an email with Lucia (three names): two questions.
    luis, lou, lucia = seed(
        app_db,
        dict(received_at=NOW - dt.timedelta(hours=3), first_name="Luis", last_name="Reyes",
             email=None, phone="(212) 555-0101", treatments=("TMS",)),
        dict(received_at=NOW - dt.timedelta(hours=2), first_name="Lou", last_name="Reyes",
             email="lou.reyes@example.com", phone="(212) 555-0101", treatments=("Ketamine",)),
        dict(received_at=NOW - dt.timedelta(hours=1), first_name="Lucia", last_name="Reyes",
             email="lou.reyes@example.com", phone=None, treatments=("Therapy",)))
    luis_match = read_db(app_db, lambda s: s.execute(
        select(PossibleMatch.id).where(PossibleMatch.reason == "same_phone")).scalar_one())
    at = opened(app_db, luis)
    button(at, key=f"match_link_{luis_match}").click()
    at.run()
    assert [s.value for s in at.success] == ["Linked as the same person."]
    # Lou's record is Luis's now, and so is the open question about Lucia: asked here...
    assert "Lucia Reyes (same email)" in [t.value for t in at.text]
    # The link's audit row names how many questions it carried over (a count, not who).
    [link_row] = read_db(app_db, lambda s: [c for a, _, c in audit_actions(s)
                                            if a == "person.link"])
    assert (link_row["count"], link_row["matches"]) == (1, 1)
    # ...and on Lucia's page about Luis (Lou's record points at him), answerable there.
    at = opened(app_db, lucia)
    matches = [t.value for t in at.text if "(same " in t.value]
    assert matches == ["Luis Reyes (same email)"]
    [link] = [b for b in at.button if b.label == "Same person"]
    link.click()
    at.run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Linked as the same person."]
    people = read_db(app_db, lambda s: {s.get(Request, rid).person_id for rid in (luis, lou, lucia)})
    assert len(people) == 1
    assert read_db(app_db, lambda s: s.execute(select(PossibleMatch.status)
                                          .order_by(PossibleMatch.id)).scalars().all()) == \
        ["linked", "linked"]


def test_linking_folds_a_question_the_survivor_already_has(app_db):
    # One phone, three names: Lucia is a possible match of both Luis and Lou.
    luis, lou, lucia = seed(app_db, *(
        dict(received_at=NOW - dt.timedelta(hours=h), first_name=first, last_name="Reyes",
             email=None, phone="(212) 555-0101", treatments=(t,))
        for h, first, t in ((3, "Luis", "TMS"), (2, "Lou", "Ketamine"), (1, "Lucia", "Therapy"))))
    people = read_db(app_db, lambda s: [s.get(Request, rid).person_id for rid in (luis, lou, lucia)])
    pair = read_db(app_db, lambda s: s.execute(select(PossibleMatch.id).where(
        PossibleMatch.person_id.in_(people[:2]), PossibleMatch.other_person_id.in_(people[:2])))
        .scalar_one())
    at = opened(app_db, luis)
    assert sorted(t.value for t in at.text if "(same " in t.value) == \
        ["Lou Reyes (same phone)", "Lucia Reyes (same phone)"]
    button(at, key=f"match_link_{pair}").click()
    at.run()
    assert [t.value for t in at.text if "(same " in t.value] == ["Lucia Reyes (same phone)"]
    # Lucia is asked about once, about Luis, not also about the absorbed Lou.
    at = opened(app_db, lucia)
    assert [t.value for t in at.text if "(same " in t.value] == ["Luis Reyes (same phone)"]
    button(at, "Not the same").click()
    at.run()
    assert not at.exception and not at.error
    assert [t.value for t in at.text if "(same " in t.value] == []
    open_matches = read_db(app_db, lambda s: s.execute(
        select(PossibleMatch).where(PossibleMatch.status == "open")).scalars().all())
    assert open_matches == []


def test_splitting_the_first_request_off_leaves_no_repeat_behind(app_db):
    first, second = same_person_twice(app_db)
    assert read_db(app_db, lambda s: s.get(Request, second).repeat_of_id) == first
    at = opened(app_db, first)
    assert ":gray-badge[Repeat]" not in page_text(at)
    button(at, "Move this request to a new person").click()
    at.run()
    assert [s.value for s in at.success] == ["This request now belongs to a new person."]
    r = read_db(app_db, lambda s: s.get(Request, second))
    # The person left behind has no earlier request: theirs is no longer a repeat.
    assert (r.repeat_of_id, r.version) == (None, 2)
    assert read_db(app_db, lambda s: [c for a, _, c in audit_actions(s, str(second))
                                 if a == "request.update"]) == [{"repeat_of_id": [first, None]}]
    at = opened(app_db, second)
    assert ":gray-badge[Repeat]" not in page_text(at)
    assert "Move this request to a new person" not in [b.label for b in at.button]
