"""Attack: starving the clinic's server through its one write lock.

Found in review: four webhook deliveries with 250 KB messages ran one after another at ~3.4 s
each, and a front-desk queue refresh meanwhile took 13.1 s instead of 0.24 s. The message was
assessed inside the write transaction (on SQLite, a process-wide lock), and every page run took
the same lock to record the sign-in's activity; a sign-in attempt checked its password (Argon2)
inside it too.
Controls: a message is capped at MESSAGE_MAX_CHARS as the request's message (the rest kept in
the extra field "message (continued)", assessed in bounded chunks: a risk clause at the very end
still flags the request); the webhook assesses before its write transaction; page runs read the
sign-in and write only when activity is due (once a minute) or it lapsed; the password is
checked before any write transaction.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.apptest import make_user, page, read_db, sign_in
from tests.clock import FIXED_NOW
from zoelife.db import engine as db_engine
from zoelife.db.engine import write_session
from zoelife.db.models import Request, SignInSession, Submission
from zoelife.ingest.webhook import routes
from zoelife.intake import assessment, inputs
from zoelife.intake.inputs import RequestInput
from zoelife.intake.schedule import Schedule
from zoelife.intake.service import receive
from zoelife.security import auth, sessions

FILLER = "We are looking for help with depression and would like to hear about TMS. "
RISK = "I want to kill myself tonight."


def long_message(size: int = 250_000) -> str:
    return (FILLER * (size // len(FILLER) + 1))[:size - len(RISK) - 1] + " " + RISK


def _inp(external_id: str, message: str, **kw) -> RequestInput:
    return RequestInput(source="test-form", external_id=external_id, received_at=FIXED_NOW,
                        first_name="Rowan", last_name="Vale", email="rowan@example.org",
                        message=message, **kw)


def test_a_risk_clause_at_the_end_of_a_250kb_message_flags_it_and_nothing_is_lost(engine):
    message = long_message()
    with write_session(engine) as s:
        out = receive(s, _inp("long-1", message), schedule=Schedule.load(s), now=FIXED_NOW)
    assert out.crisis == "urgent"
    stored = read_db(engine.url.render_as_string(hide_password=False), lambda s: s.execute(
        select(Request.message, Request.extra, Request.crisis_level)).one())
    kept, extra, level = stored
    assert level == "urgent"
    assert len(kept) == inputs.MESSAGE_MAX_CHARS
    assert kept + extra[inputs.MESSAGE_OVERFLOW_FIELD] == message


def test_a_clause_across_a_chunk_boundary_is_still_read():
    boundary = inputs.MESSAGE_MAX_CHARS + inputs.OVERFLOW_CHUNK - inputs.OVERFLOW_OVERLAP
    text = (FILLER * 400)[:boundary - 12] + " " + RISK + " " + FILLER * 10
    inp = _inp("x", text)
    assert RISK in inp.overflow()
    assert assessment.assess_input(inp).crisis == "urgent"


def test_a_duplicate_with_a_long_message_still_raises_the_level(engine):
    with write_session(engine) as s:
        first = receive(s, _inp("dup-1", "Do you take Aetna for TMS?", treatment_codes=("tms",)),
                        schedule=Schedule.load(s), now=FIXED_NOW)
    with write_session(engine) as s:
        later = receive(s, _inp("dup-2", long_message(60_000), treatment_codes=("tms",)),
                        schedule=Schedule.load(s), now=FIXED_NOW + dt.timedelta(hours=1))
    assert later.kind == "duplicate" and later.request_id == first.request_id
    url = engine.url.render_as_string(hide_password=False)
    level = read_db(url, lambda s: s.get(Request, first.request_id).crisis_level)
    assert level == "urgent"
    fields = read_db(url, lambda s: s.execute(select(Submission.fields)).scalar_one())
    assert fields["extra"][inputs.MESSAGE_OVERFLOW_FIELD].endswith(RISK)


def test_the_webhook_assesses_before_its_write_transaction(app_db, monkeypatch, writes):
    seen = []
    real = assessment.assess_all

    def spy(messages):
        seen.append(writes["open"])
        return real(messages)

    monkeypatch.setattr(assessment, "assess_all", spy)
    status, answer = routes.store({"Entry Id": "wh-long", "Email": "rowan@example.org",
                                    "Message": long_message()}, "test-form", "127.0.0.1")
    assert status == 202
    assert seen and all(open_ == 0 for open_ in seen)
    # The answer names no request (it never says whether an id was known): find it by its id.
    level = read_db(app_db, lambda s: s.execute(
        select(Request.crisis_level).where(Request.external_id == "wh-long")).scalar_one())
    assert answer == {"status": "received"} and level == "urgent"


def test_page_runs_write_the_sign_in_at_most_once_a_minute(app_db, writes):
    at = page("pages/queue.py")
    sign_in(at, app_db, roles=("front_desk",))
    at.run()
    assert not at.exception
    before = writes["count"]
    at.run()
    at.run()
    assert writes["count"] == before  # nothing to write: activity was recorded < 1 min ago


def test_activity_is_still_recorded_after_a_minute(engine):
    with write_session(engine) as s:
        user = make_user_in(s)
        token = sessions.start(s, user, now=FIXED_NOW)
    with write_session(engine) as s:
        assert sessions.peek(s, token, now=FIXED_NOW + dt.timedelta(seconds=30))[1] is False
        assert sessions.peek(s, token, now=FIXED_NOW + dt.timedelta(seconds=61))[1] is True
        sessions.resolve(s, token, now=FIXED_NOW + dt.timedelta(seconds=61))
    with write_session(engine) as s:
        row = s.execute(select(SignInSession)).scalar_one()
        assert row.last_activity_at == FIXED_NOW + dt.timedelta(seconds=61)


def make_user_in(session):
    from zoelife import audit
    from zoelife.security import accounts

    return accounts.create_user(session, "desk.one", "correct horse battery staple",
                                {"front_desk"}, display_name="Desk One", actor=audit.SYSTEM)


def test_the_sign_in_form_checks_the_password_outside_any_write(app_db, monkeypatch, writes):
    make_user(app_db, "the.admin", {"admin"})
    make_user(app_db, "desk.one", {"front_desk"})
    checked_inside = []
    real = auth.verify_password

    def spy(hashed, password):
        checked_inside.append(writes["open"])
        return real(hashed, password)

    monkeypatch.setattr(auth, "verify_password", spy)
    at = page("streamlit_app.py")
    at.run()
    next(t for t in at.text_input if t.label == "User name").input("desk.one")
    next(t for t in at.text_input if t.label == "Password").input("wrong password, twelve")
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception
    assert checked_inside == [0]


@pytest.mark.parametrize("rows", [120, 300])  # row by row; the fast path, in this process
def test_a_file_import_assesses_before_its_write_transaction(app_db, monkeypatch, writes, rows):
    """Found after the webhook's fix: the Import page's files were still assessed inside the
    import's write transaction (row by row, or chunk by chunk on the fast path), so a 64 KiB
    message held every writer of the process (page runs, webhook deliveries) for seconds."""
    from zoelife.db.engine import make_engine
    from zoelife.ingest import importer

    monkeypatch.setattr(importer, "write_session", db_engine.write_session)  # counted
    seen = []
    real_all, real_one = assessment.assess_all, assessment.assess

    def spy_all(messages):
        seen.append(writes["open"])
        return real_all(messages)

    def spy_one(text):
        seen.append(writes["open"])
        return real_one(text)

    monkeypatch.setattr(assessment, "assess_all", spy_all)
    monkeypatch.setattr(assessment, "assess", spy_one)
    when = "2026-03-04 09:00:00"  # before FIXED_NOW, the import's time
    lines = ["Entry Id,Entry Date,Email,Message"] + [
        f"imp-{i},{when},p{i}@example.org,Please call about TMS." for i in range(rows)]
    lines.append(f'imp-long,{when},long@example.org,"{long_message(60_000)}"')
    engine = make_engine(app_db)
    try:
        result = importer.import_requests(engine, "\n".join(lines).encode(), fmt="csv",
                                          source="test-form", now=FIXED_NOW)
    finally:
        engine.dispose()
    assert result.imported == rows + 1 and result.crisis_urgent == 1
    assert len(seen) >= 2 + 5  # chunks of rows, the long message's overflow in chunks
    assert all(open_ == 0 for open_ in seen), seen


def test_long_assessments_take_at_most_half_the_interpreter_in_the_server(monkeypatch):
    """zoelife.intake.pacing: in the server, each chunk of a long assessment is followed by an
    idle turn of the lane as long as the chunk's processor time, one chunk at a time."""
    import threading

    from zoelife.intake import pacing

    lane = pacing.Lane()
    pauses, order = [], []
    lane._sleep = lambda seconds: (order.append("pause"), pauses.append(seconds))
    monkeypatch.setattr(pacing, "LANE", lane)
    text = long_message(60_000)
    assert assessment.assess_overflow(text[inputs.MESSAGE_MAX_CHARS:]) == "urgent"
    assert pauses == []  # not paced: the command line and tests run flat out
    pacing.pace(0.5)
    try:
        def chunk(name):
            with lane.chunk():
                order.append(name)
                assessment.assess(text[:inputs.OVERFLOW_CHUNK])
                order.append(name)

        threads = [threading.Thread(target=chunk, args=(n,)) for n in "ab"]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # One chunk at a time, each with its pause before the lane passes on.
        assert order in (["a", "a", "pause", "b", "b", "pause"],
                         ["b", "b", "pause", "a", "a", "pause"])
        assert all(p > 0 for p in pauses)
        pauses.clear()
        assert assessment.assess_overflow(text[inputs.MESSAGE_MAX_CHARS:]) == "urgent"
        chunks = -(-(len(text) - inputs.MESSAGE_MAX_CHARS) //
                   (inputs.OVERFLOW_CHUNK - inputs.OVERFLOW_OVERLAP))
        assert len(pauses) == chunks
    finally:
        pacing.pace(None)


def test_the_server_paces_long_assessments_from_its_start():
    import asyncio

    from zoelife import server
    from zoelife.intake import pacing

    async def start_and_stop():
        async with server.lifespan(None):
            return pacing.LANE.duty

    try:
        assert asyncio.run(start_and_stop()) == pacing.DUTY
    finally:
        pacing.pace(None)


def test_a_duplicate_delivery_assesses_the_growing_request_text_before_the_write(
        app_db, monkeypatch, writes):
    """Found after the first fixes: a duplicate (same person and treatments within 24 hours)
    appends its message to the request, whose whole text was then assessed again inside the
    write transaction; the text grows with every duplicate, so the 30th delivery of 10,000
    characters held every writer of the process for 1.4 s of triage. Now the webhook works out
    that assessment before the transaction (the same text gives the same result)."""
    def deliver(i: int, message: str):
        return routes.store({"Entry Id": f"dup-{i}", "Email": "rowan@example.org",
                              "First Name": "Rowan", "Last Name": "Vale",
                              "Message": message}, "test-form", "127.0.0.1")

    assert deliver(0, "Could someone call me about TMS?")[0] == 202
    inside = []
    real = assessment.assess

    def spy(text):
        inside.append((writes["open"], len(text)))
        return real(text)

    monkeypatch.setattr(assessment, "assess", spy)
    for i in range(1, 4):
        assert deliver(i, FILLER * 100 + (RISK if i == 3 else ""))[0] == 202
    whole = [(open_, n) for open_, n in inside if n > 7_000 * 2]  # a request's whole text
    assert whole and all(open_ == 0 for open_, _ in whole), inside
    request = read_db(app_db, lambda s: s.execute(
        select(Request.crisis_level, Request.message)).one())
    assert request.crisis_level == "urgent" and request.message.count("later submission") == 3
