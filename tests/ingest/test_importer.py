"""File import of requests: every supported tool's header style, rejects, idempotency,
cumulative exports, quarantine and re-import, and the fast path against `receive`."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.ingest import synth
from tests.ingest.dbstate import snapshot
from zoelife.db.engine import read_session
from zoelife.db.models import AuditEvent, ImportBatch, IntakeKey, QuarantinedRow, Request
from zoelife.ingest.importer import import_requests
from zoelife.ingest.readers import ReadError

pytestmark = pytest.mark.db


def _identity(r) -> None:
    assert r.rows == r.imported + r.duplicates + r.already_imported + r.rejected


def _requests(engine):
    with read_session(engine) as s:
        return {(r.source, r.external_id): r for r in s.execute(select(Request)).scalars()}


def test_gravity_forms_export(engine, fixture_path):
    r = import_requests(engine, fixture_path("gravity_forms.csv"))
    _identity(r)
    assert (r.source, r.form_tool) == ("gravity-forms", "gravity_forms")
    assert (r.rows, r.imported, r.rejected) == (3, 2, 1)
    # Bob: no usable phone or email, but urgent text: rejected and still in the queue.
    assert r.rejects == [{"row": 3, "external_id": "202",
                          "reason": r.rejects[0]["reason"]}]
    assert "no usable phone or email" in r.rejects[0]["reason"]
    assert r.crisis_urgent == 1
    reqs = _requests(engine)
    ana = reqs[("gravity-forms", "201")]
    assert (ana.first_name, ana.last_name, ana.email, ana.phone) == (
        "Ana", "Diaz", "ana.diaz@example.com", "+12122013344")
    assert ana.date_of_birth == dt.date(1985, 4, 12)
    assert "two medications" in ana.message  # the quoted multi-line cell stays whole
    assert ana.treatment_list == "spravato"
    assert (ana.utm_source, ana.utm_medium, ana.utm_campaign) == ("google", "cpc", "spring")
    assert ana.received_at == dt.datetime(2026, 3, 2, 15, 15, tzinfo=dt.UTC)  # 10:15 New York
    assert ana.extra["User Agent"] == "Mozilla/5.0"  # unknown columns are kept
    assert ana.insurance == "Aetna" and ana.preferred_contact_time == "Mornings"
    bob = reqs[("gravity-forms", "202")]
    assert (bob.crisis_level, bob.has_usable_contact) == ("urgent", False)
    # Cy's email is invalid but the phone works: imported with a warning; the export's guard
    # quote before a formula is removed.
    cy = reqs[("gravity-forms", "203")]
    assert cy.email is None and cy.phone == "+12122017788"
    assert cy.message == '=HYPERLINK("http://evil.example")'
    assert [w["row"] for w in r.warnings] == [4]
    with read_session(engine) as s:
        batch = s.execute(select(ImportBatch)).scalar_one()
        assert (batch.rows, batch.imported, batch.rejected) == (3, 2, 1)
        events = s.execute(select(AuditEvent.action)).scalars().all()
        assert events.count("import.requests") == 1
        assert "request.create" not in events  # one audit row per batch, not per row


@pytest.mark.parametrize("name, tool, imported, rejected", [
    ("wpforms.csv", "wpforms", 1, 1),
    ("jotform.csv", "jotform", 2, 0),
    ("google_forms.csv", "google_forms", 10, 0),
    ("typeform.csv", "typeform", 2, 0),
])
def test_tool_exports(engine, fixture_path, name, tool, imported, rejected):
    r = import_requests(engine, fixture_path(name))
    _identity(r)
    assert r.form_tool == tool
    assert (r.imported, r.rejected) == (imported, rejected)
    reqs = list(_requests(engine).values())
    assert all(q.first_name and q.received_at for q in reqs)


def test_tool_specific_fields(engine, fixture_path):
    import_requests(engine, fixture_path("wpforms.csv"))
    import_requests(engine, fixture_path("typeform.csv"))
    import_requests(engine, fixture_path("jotform.csv"))
    reqs = _requests(engine)
    dana = reqs[("wpforms", "55")]
    assert (dana.first_name, dana.last_name, dana.treatment_list) == ("Dana", "Reyes", "tms")
    assert dana.landing_page == "https://zoelife.example/tms/"
    zoe = reqs[("typeform", "tf8a7s6d5f")]
    # "Submit Date (UTC)" is UTC, whatever the clinic's zone.
    assert zoe.received_at == dt.datetime(2026, 3, 6, 14, 3, 10, tzinfo=dt.UTC)
    assert (zoe.utm_source, zoe.utm_campaign) == ("facebook", "tms-awareness")
    fay = reqs[("jotform", "5912345678901234567")]
    assert fay.treatment_list == "ketamine"


def test_json_array_and_lines(engine, fixture_path):
    r = import_requests(engine, fixture_path("requests.json"))
    _identity(r)
    assert (r.rows, r.imported, r.rejected) == (3, 1, 2)
    assert [x["row"] for x in r.rejects] == [2, 3]
    assert r.rejects[1]["reason"] == "record 3 is not an object"
    abe = _requests(engine)[("file-import", "j-1")]
    assert abe.treatment_list == "spravato;tms"
    assert abe.extra == {"favorite_color": "blue"}
    r = import_requests(engine, fixture_path("requests.jsonl"), source="jsonl")
    _identity(r)
    assert (r.rows, r.imported, r.rejected) == (3, 2, 1)
    assert r.rejects[0]["row"] == 3 and "not valid JSON" in r.rejects[0]["reason"]
    cal = _requests(engine)[("jsonl", "l-1")]
    assert (cal.first_name, cal.last_name) == ("Cal", "Gray")


def test_unreadable_file(engine, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ReadError, match="empty.csv: the file is empty"):
        import_requests(engine, empty)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b\n\x81\x8d\x8f\x90\x9d,1\n")
    with pytest.raises(ReadError, match="bad.csv: not UTF-8 text"):
        import_requests(engine, bad)
    with read_session(engine) as s:
        assert s.execute(select(func.count(ImportBatch.id))).scalar() == 0


def test_reimport_is_idempotent(engine, fixture_path):
    first = import_requests(engine, fixture_path("gravity_forms.csv"))
    before = snapshot(engine)
    again = import_requests(engine, fixture_path("gravity_forms.csv"))
    _identity(again)
    assert (again.already_imported, again.imported, again.rejected) == (2, 0, 1)
    # The crisis counts cover every row, whatever its outcome.
    assert again.crisis_urgent == first.crisis_urgent == 1
    assert snapshot(engine) == before  # rejected rows are not quarantined twice
    with read_session(engine) as s:
        assert s.execute(select(func.count(QuarantinedRow.id))).scalar() == 1


def test_cumulative_google_forms_export(engine, fixture_path):
    r1 = import_requests(engine, fixture_path("google_forms.csv"))
    assert r1.imported == 10
    r2 = import_requests(engine, fixture_path("google_forms_later.csv"))
    _identity(r2)
    assert (r2.rows, r2.imported, r2.already_imported) == (15, 5, 10)
    with read_session(engine) as s:
        assert s.execute(select(func.count(Request.id))).scalar() == 15
        keys = s.execute(select(IntakeKey.external_id)).scalars().all()
    assert all(k.startswith("sha256:") for k in keys)  # no ids: keyed by content


def test_cumulative_export_with_a_new_question(engine, fixture_path, tmp_path):
    import_requests(engine, fixture_path("google_forms.csv"))
    # The form gained a question after the first download: old rows have it empty.
    lines = fixture_path("google_forms_later.csv").read_text().splitlines()
    grown = [lines[0] + ",Preferred language"] + [x + "," for x in lines[1:-1]] + [
        lines[-1] + ",Spanish"]
    path = tmp_path / "grown.csv"
    path.write_text("\n".join(grown) + "\n")
    r = import_requests(engine, path)
    _identity(r)
    assert (r.imported, r.already_imported) == (5, 10)
    wes = _requests(engine)
    assert any(q.extra.get("Preferred language") == "Spanish" for q in wes.values())


def test_fixed_row_reimports_and_reuses_urgent_placeholder(engine, tmp_path):
    header = "Entry Id,Entry Date,Name (First),Name (Last),Email,Phone,Message,Source Url\r\n"
    bad = header + ('7,2026-03-02 10:00:00,Lia,Moss,,,"I want to end my life, I have pills '
                    'saved up",https://zoelife.example/\r\n')
    path = tmp_path / "gf.csv"
    path.write_text(bad)
    r = import_requests(engine, path)
    assert (r.rejected, r.crisis_urgent) == (1, 1)
    placeholder = _requests(engine)[("gravity-forms", "7")]
    assert not placeholder.has_usable_contact and placeholder.crisis_level == "urgent"
    path.write_text(bad.replace(",,,\"I", ",lia.moss@example.com,(212) 212-3434,\"I"))
    r = import_requests(engine, path)
    _identity(r)
    assert (r.imported, r.rejected) == (1, 0)
    reqs = _requests(engine)
    assert len(reqs) == 1  # the placeholder became the request
    fixed = reqs[("gravity-forms", "7")]
    assert fixed.id == placeholder.id
    assert fixed.has_usable_contact and fixed.phone == "+12122123434"
    assert fixed.person_id is not None and fixed.crisis_level == "urgent"
    assert "_quarantine_reason" not in fixed.extra
    with read_session(engine) as s:
        row = s.execute(select(QuarantinedRow)).scalar_one()
        assert row.status == "reimported"
        key = s.get(IntakeKey, ("gravity-forms", "7"))
        assert (key.kind, key.request_id) == ("request", fixed.id)
    # And a third run changes nothing.
    again = import_requests(engine, path)
    assert again.already_imported == 1


def test_duplicate_never_merges_into_closed_request(engine, tmp_path):
    header = "Entry Id,Entry Date,Name (First),Name (Last),Email,Phone,Treatments,Message\r\n"
    path = tmp_path / "a.csv"
    path.write_text(header + "1,2026-03-02 10:00:00,Max,Orr,max@example.com,,TMS,hi\r\n")
    import_requests(engine, path)
    from zoelife.db.engine import write_session

    with write_session(engine) as s:
        req = s.execute(select(Request)).scalar_one()
        req.status, req.close_reason, req.is_open = "closed", "declined", False
    path.write_text(header + "2,2026-03-02 12:00:00,Max,Orr,max@example.com,,TMS,again\r\n")
    r = import_requests(engine, path)
    assert (r.imported, r.duplicates) == (1, 0)
    reqs = _requests(engine)
    assert reqs[("gravity-forms", "2")].repeat_of_id == reqs[("gravity-forms", "1")].id


def test_export_reimports_cleanly(engine, fixture_path, tmp_path, sqlite_template):
    import shutil

    from zoelife.db.engine import make_engine
    from zoelife.ingest.export import export_requests

    import_requests(engine, fixture_path("gravity_forms.csv"))
    out = tmp_path / "export.csv"
    export_requests(engine, out)
    target_path = tmp_path / "target.db"
    shutil.copy(sqlite_template, target_path)
    target = make_engine(f"sqlite:///{target_path}")
    try:
        r = import_requests(target, out, source="old-system")
        _identity(r)
        assert r.form_tool == "zoelife"
        assert (r.imported, r.rejected) == (2, 1)
        reqs = _requests(target)
    finally:
        target.dispose()
    cy = reqs[("old-system", "203")]
    assert cy.phone == "+12122017788"  # '+1555... lost its guard quote
    assert cy.message == '=HYPERLINK("http://evil.example")'
    ana = reqs[("old-system", "201")]
    assert ana.extra["User Agent"] == "Mozilla/5.0"  # the extra column's fields come back
    assert ana.received_at == dt.datetime(2026, 3, 2, 15, 15, tzinfo=dt.UTC)
    assert ana.date_of_birth == dt.date(1985, 4, 12)


def _both_paths(engine, db_url, tmp_path, sqlite_template, run):
    """`run(url, fast)` for the fast path and for `receive` row by row, each on an empty
    database of the backend under test: ((fast result, state), (slow result, state))."""
    import shutil

    if engine.dialect.name == "sqlite":
        other = tmp_path / "other.db"
        shutil.copy(sqlite_template, other)
        slow = run(f"sqlite:///{other}", False)
        return run(db_url, True), slow
    from tests.conftest import _truncate_pg

    slow = run(db_url, False)
    _truncate_pg(db_url)
    return run(db_url, True), slow


@pytest.mark.slow
def test_fast_path_matches_row_by_row(engine, db_url, tmp_path, sqlite_template, monkeypatch):
    """The set-based path and `receive` row by row leave the same database content, for a
    file with duplicates, repeats, possible matches, rejects and urgent rejects, imported into
    a database that already holds some of the same people."""

    from zoelife.db.engine import make_engine
    from zoelife.ingest import importer
    from zoelife.ingest.pipeline import match_view

    # Small chunks prepared by the worker processes, as a big file would be, and the
    # database's keys, emails and phones looked up in several IN lists per chunk.
    monkeypatch.setattr(importer, "CHUNK", 97)
    monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 300)
    monkeypatch.setattr(match_view, "IN_CHUNK", 7)

    rows = synth.rows(600, seed=3)
    early, late = rows[:150], rows[150:]
    # Same key twice in one file (an edited row), and an identical row twice.
    late.append(dict(late[0], Message="edited"))
    late.append(dict(late[1]))
    data_early, data_late = synth.to_csv(early), synth.to_csv(late)

    now = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)

    def run(url, fast):
        eng = make_engine(url)
        try:
            import_requests(eng, data_early, fmt="csv", fast=False, now=now)
            result = import_requests(eng, data_late, fmt="csv", fast=fast, now=now)
            return result, snapshot(eng)
        finally:
            eng.dispose()

    (fast_result, fast_state), (slow_result, slow_state) = _both_paths(
        engine, db_url, tmp_path, sqlite_template, run)
    assert fast_result.to_json() == slow_result.to_json()
    assert fast_result.duplicates > 0 and fast_result.rejected > 0
    assert fast_state["matches"], "the file should produce possible matches"
    for part in fast_state:
        assert fast_state[part] == slow_state[part], part


def test_fast_path_updates_rows_written_by_an_earlier_chunk(engine, db_url, tmp_path,
                                                             sqlite_template, monkeypatch):
    """The pipeline stores chunk by chunk, a transaction each. A later chunk that adds text to
    a request stored earlier (and raises its crisis level), or gives a stored person a date of
    birth, leaves the same database content as `receive` row by row."""

    from zoelife.db.engine import make_engine
    from zoelife.db.models import Person
    from zoelife.ingest import importer
    from zoelife.ingest.pipeline import match

    monkeypatch.setattr(importer, "CHUNK", 2)
    # The rows of the pipeline that the database decides (`receive`): what they changed.
    written: list[tuple[int, int]] = []
    original = match.BatchMatcher._fallback

    def counting(self, index, key, crisis):
        out = original(self, index, key, crisis)
        born = self.input_of(index).date_of_birth is not None
        written.append((out.kind == "duplicate",
                        out.kind == "created" and out.repeat_of_id is not None and born))
        return out

    monkeypatch.setattr(match.BatchMatcher, "_fallback", counting)
    header = ("Entry Id,Entry Date,Name (First),Name (Last),Email,Phone,Date of Birth,"
              "Treatments,Message\r\n")
    rows = [
        "1,2026-03-02 10:00:00,Max,Orr,max@example.com,,,TMS,hello",
        "2,2026-03-02 10:05:00,Ida,Lund,ida@example.com,,,Spravato,hi",
        "3,2026-03-02 10:10:00,Uma,Roy,uma@example.com,,,Therapy,hey",
        # Max again, same treatment, within the window: his open request gets the text.
        "4,2026-03-02 12:00:00,Max,Orr,max@example.com,,,TMS,I want to kill myself",
        "5,2026-03-02 12:05:00,Ida,Lund,ida@example.com,,,Spravato,me again",
        # Max once more, another treatment: a new request; his person gets the birth date.
        "6,2026-03-03 09:00:00,Max,Orr,max@example.com,,1980-01-02,Ketamine,ketamine?",
    ]
    data = (header + "\r\n".join(rows) + "\r\n").encode()
    now = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)

    def run(url, fast):
        eng = make_engine(url)
        try:
            result = import_requests(eng, data, fmt="csv", fast=fast, now=now)
            return result, snapshot(eng)
        finally:
            eng.dispose()

    (fast_result, fast_state), (slow_result, slow_state) = _both_paths(
        engine, db_url, tmp_path, sqlite_template, run)
    # Both kinds of change to rows of earlier chunks happened.
    assert any(changed_requests for changed_requests, _ in written)
    assert any(changed_people for _, changed_people in written)
    assert fast_result.to_json() == slow_result.to_json()
    assert (fast_result.imported, fast_result.duplicates) == (4, 2)
    for part in fast_state:
        assert fast_state[part] == slow_state[part], part
    fast_engine = make_engine(db_url)
    try:
        max_first = _requests(fast_engine)[("gravity-forms", "1")]
        assert max_first.crisis_level == "urgent"
        assert "I want to kill myself" in max_first.message
        with read_session(fast_engine) as s:
            born = s.execute(select(Person.date_of_birth).where(
                Person.id == max_first.person_id)).scalar_one()
        assert born == dt.date(1980, 1, 2)
    finally:
        fast_engine.dispose()


def test_fast_path_leaves_the_connection_and_collector_as_it_found_them(sqlite_engine):
    """The import enlarges SQLite's page cache and pauses the cyclic GC for its own work only:
    pooled connections and the rest of the process get their defaults back."""
    import gc

    with sqlite_engine.connect() as conn:
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    assert gc.isenabled()
    result = import_requests(sqlite_engine, synth.to_csv(synth.rows(250, seed=9)), fmt="csv",
                             fast=True)
    assert result.rows == 250 and result.imported > 0
    assert gc.isenabled()
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before


@pytest.mark.slow
@pytest.mark.parametrize("threads", [1, 2], ids=["forked workers", "fork-server workers"])
def test_worker_processes_give_the_facts_of_one_process(monkeypatch, threads):
    """Forked workers (the CLI) and fork-server workers (in the threaded app server), each sent
    its chunk as the file is read, give what one process computes alone."""
    from functools import partial

    from zoelife import settings
    from zoelife.ingest import importer
    from zoelife.ingest.pipeline import workers
    from zoelife.ingest.pipeline.facts import facts_of_chunk
    from zoelife.ingest.pipeline.parse import input_of_record_tuple, prepare
    from zoelife.intake.schedule import Schedule

    prepared = prepare(synth.to_csv(synth.rows(700, seed=5)), fmt="csv")
    items = [(r.row, r.values, r.problem, r.raw_text) for r in prepared.table.records]
    schedule = Schedule.from_settings({s.name: s.default for s in settings.SPECS})
    make_input = partial(input_of_record_tuple, col_map=prepared.mapping,
                         source=prepared.source, channel="web_form", zone=schedule.zone)
    now = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)

    def facts(parallel: bool) -> list[tuple]:
        work = partial(facts_of_chunk, make_input, schedule, now)
        chunks = workers.chunks_of(items, (b - a for a, b in workers.chunk_bounds(700, 97)))
        return [f for _, chunk in workers.ordered_map(work, chunks, parallel=parallel)
                for f in chunk]

    monkeypatch.setattr(importer, "CHUNK", 97)
    alone = facts(False)
    monkeypatch.setattr(workers.threading, "active_count", lambda: threads)
    assert facts(True) == alone
    assert len(alone) == 700


@pytest.mark.slow
def test_a_placeholder_phone_is_matched_through_its_newest_requests_only(
        engine, db_url, tmp_path, sqlite_template, monkeypatch):
    """One number typed for 70 different people (555-555-5555): every new person is offered
    at most the 50 most recent people on it as possible matches, the same on both paths; a
    later request with a recent person's name joins that person, one with the name of a person
    50 people back starts a new one."""
    from collections import Counter

    from zoelife.db.engine import make_engine
    from zoelife.ingest import importer
    from zoelife.intake.matching import MATCH_CANDIDATES

    monkeypatch.setattr(importer, "CHUNK", 40)
    monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 60)
    start = dt.datetime(2026, 2, 2, 9, 0)

    def row(i: int, who: int, minutes: int) -> dict[str, str]:
        return {"Entry Id": f"P{i}", "Entry Date": (start + dt.timedelta(minutes=minutes))
                .strftime("%Y-%m-%d %H:%M:%S"), "Name (First)": f"Pat{who}",
                "Name (Last)": "Placeholder", "Email": "", "Phone": "212-555-5555",
                "Treatments": "TMS", "Message": "", "Source Url": "",
                "How did you hear about us?": ""}

    rows = [row(i, i, i * 10) for i in range(70)]
    later = 3 * 24 * 60  # days later: a repeat, not a duplicate
    rows += [row(70, 65, later), row(71, 3, later + 10)]
    data = synth.to_csv(rows)
    now = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)

    def run(url, fast):
        eng = make_engine(url)
        try:
            return import_requests(eng, data, fmt="csv", fast=fast, now=now), snapshot(eng)
        finally:
            eng.dispose()

    (fast_result, fast_state), (slow_result, slow_state) = _both_paths(
        engine, db_url, tmp_path, sqlite_template, run)
    for part in fast_state:
        assert fast_state[part] == slow_state[part], part
    assert fast_result.imported == 72
    people = fast_state["people"]
    assert len(people) == 71  # Pat65 came back to the same person; Pat3 is too far back
    offered = Counter(m[0] for m in fast_state["matches"])
    assert max(offered.values()) == MATCH_CANDIDATES
    requests = fast_state["requests"]
    assert requests[("gravity-forms", "P70")]["person"] == (
        "gravity-forms", "P65")
    assert requests[("gravity-forms", "P71")]["person"] == (
        "gravity-forms", "P71")
