from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from zoelife.db import search
from zoelife.db.migrate import current_revision, head_revision, upgrade
from zoelife.db.models import Base


def test_upgrade_from_empty_reaches_head_and_creates_every_table(engine):
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_models_match_migrated_schema(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                     "include_object": search.include_object})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_upgrade_twice_is_harmless(engine):
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_every_pending_migration_commits_at_once(tmp_path):
    """An empty SQLite database has two migrations to run. Committed one by one, the write lock
    was let go between them, and a second server starting then ran the second one again on top
    of the first server's (and failed). One commit: no one ever sees a half-upgraded schema."""
    from sqlalchemy import event

    from zoelife.db.engine import make_engine

    eng = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    versions_committed = []

    @event.listens_for(eng, "commit")
    def _seen(conn):
        versions_committed.append(
            conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar())

    upgrade(eng)
    eng.dispose()
    assert versions_committed == [head_revision()]


def test_two_servers_upgrading_at_once_do_not_race(tmp_path):
    """Two processes' worth of upgrades started together on an empty database both succeed."""
    import os
    import subprocess
    import sys

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from zoelife.db.engine import make_engine

    pg = os.environ.get("ZOELIFE_TEST_DATABASE_URL", "").strip()
    if pg:
        base = make_url(pg)
        name = f"zoelife_race_{os.getpid()}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        urls = [base.set(database=name).render_as_string(hide_password=False)]
    else:
        admin = None
        urls = []
    urls.append(f"sqlite:///{tmp_path / 'race.db'}")
    try:
        for url in urls:
            # Separate processes, as real servers are (Alembic's context is process-global).
            procs = [subprocess.Popen([sys.executable, "-m", "zoelife", "--database", url,
                                       "db", "upgrade"], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(4)]
            results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
            assert [r[2] for r in results] == [0, 0, 0, 0], (
                url, [r[1].strip().splitlines()[-1:] for r in results])
            eng = make_engine(url)
            assert current_revision(eng) == head_revision()
            eng.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _lists_values(condition: str) -> bool:
    """An IN list, as SQLite keeps it or as PostgreSQL shows it (`= ANY (ARRAY[...])`)."""
    return " IN " in condition.upper() or "= ANY" in condition.upper()


def _choice_checks(engine) -> dict[str, str]:
    """{constraint name: condition} of every CHECK on a choice column, read from the database."""
    from sqlalchemy import Enum

    inspector = inspect(engine)
    # Only the tables the database's revision has (a downgraded one lacks later tables).
    present = set(inspector.get_table_names())
    wanted = {f"ck_{table.name}_{column.type.name}": table.name
              for table in Base.metadata.sorted_tables for column in table.columns
              if isinstance(column.type, Enum) and table.name in present}
    found = {}
    for table in set(wanted.values()):
        for check in inspector.get_check_constraints(table):
            if check["name"] in wanted:
                found[check["name"]] = check["sqltext"]
    assert set(found) == set(wanted), set(wanted) ^ set(found)
    return found


def test_choice_checks_name_every_value_without_an_in_list(engine):
    """SQLite rebuilds an IN list of three or more values for every row an executemany INSERT
    writes; the checks are OR chains (migration 0002)."""
    from sqlalchemy import Enum

    checks = _choice_checks(engine)
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Enum):
                condition = checks[f"ck_{table.name}_{column.type.name}"]
                assert not _lists_values(condition), condition
                for value in column.type.enums:
                    assert f"'{value}'" in condition, (table.name, column.name, value)


def test_migration_0002_keeps_the_rows_and_the_rules_both_ways(engine):
    """Down to 0001 (IN lists) and up again, with rows in the tables: nothing is lost, and an
    unknown value is refused at each revision while NULL stays allowed where it was."""
    import datetime as dt

    import pytest
    from alembic import command
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from zoelife.db.migrate import alembic_config

    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def move_to(revision: str, step) -> None:
        with engine.connect() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            step(cfg, revision)
            conn.commit()

    def refused(sql: str) -> None:
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(sql))

    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO intake_keys (source, external_id, kind, first_seen_at) "
            "VALUES ('form', 'x-1', 'quarantine', :now)"), {"now": now})
    try:
        move_to("0001", command.downgrade)
        assert current_revision(engine) == "0001"
        assert all(_lists_values(c) for c in _choice_checks(engine).values())
        refused("INSERT INTO intake_keys (source, external_id, kind, first_seen_at) "
                "VALUES ('form', 'x-2', 'teleported', '2026-01-01')")
    finally:
        move_to("head", command.upgrade)
    assert current_revision(engine) == head_revision()
    assert not any(_lists_values(c) for c in _choice_checks(engine).values())
    refused("INSERT INTO intake_keys (source, external_id, kind, first_seen_at) "
            "VALUES ('form', 'x-2', 'teleported', '2026-01-01')")
    refused("INSERT INTO crisis_changes (request_id, kind, to_level, changed_at) "
            "VALUES (1, 'assessed', 'bogus', '2026-01-01')")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT external_id, kind FROM intake_keys")).all() == [
            ("x-1", "quarantine")]
        conn.execute(text(  # NULL passes a choice's check, as it did
            "INSERT INTO intake_keys (source, external_id, kind, first_seen_at) "
            "VALUES ('form', 'x-3', 'request', :now)"), {"now": now})
        if conn.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_migration_0002_refuses_a_schema_changed_by_hand(tmp_path):
    """A constraint that is not as revision 0001 wrote it stops the upgrade with its name, and
    the database stays at 0001, untouched."""
    import pytest
    from sqlalchemy import text

    from zoelife.db.engine import make_engine

    eng = make_engine(f"sqlite:///{tmp_path / 'z.db'}")
    upgrade(eng, "0001")
    with eng.begin() as conn:
        version = conn.execute(text("PRAGMA schema_version")).scalar()
        conn.execute(text("PRAGMA writable_schema = ON"))
        conn.execute(text("UPDATE sqlite_master SET sql = replace(sql, "
                          "'''request'', ''submission''', '''submission'', ''request''') "
                          "WHERE name = 'intake_keys'"))
        conn.execute(text(f"PRAGMA schema_version = {version + 1}"))
        conn.execute(text("PRAGMA writable_schema = OFF"))
        before = conn.execute(text("SELECT sql FROM sqlite_master ORDER BY name")).all()
    with pytest.raises(RuntimeError, match="ck_intake_keys_intake_key_kind"):
        upgrade(eng)
    assert current_revision(eng) == "0001"
    with eng.connect() as conn:
        assert conn.execute(text("SELECT sql FROM sqlite_master ORDER BY name")).all() == before
    eng.dispose()


def test_migration_0004_gives_open_rows_their_next_step_and_carries_the_setting_over(engine):
    """Rows and a stored first-response setting from before the worklist: down to 0003 and up
    again, every open request gets its next step and due time, the closed one none, and
    `first_response_business_hours` = 2 becomes `first_response_minutes` = 120."""
    import datetime as dt

    from alembic import command
    from sqlalchemy import select, text

    from tests.intake.helpers import make_request
    from zoelife.db.engine import read_session
    from zoelife.db.migrate import alembic_config
    from zoelife.db.models import Request
    from zoelife.intake.schedule import Schedule

    received = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)  # Monday 10:00 New York
    open_id = make_request(engine, received_at=received)
    closed_id = make_request(engine, received_at=received)
    with engine.begin() as conn:
        conn.execute(text("UPDATE requests SET status = 'closed', is_open = :f, "
                          "close_reason = 'spam' WHERE id = :i"), {"i": closed_id, "f": False})

    def move_to(revision: str, step) -> None:
        with engine.connect() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            step(cfg, revision)
            conn.commit()

    move_to("0003", command.downgrade)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO settings (name, value, updated_at) VALUES "
                          "('first_response_business_hours', '2', :t)"), {"t": received})
    move_to("head", command.upgrade)
    with read_session(engine) as s:
        rows = dict((r.id, (r.next_step, r.next_due_at)) for r in s.execute(
            select(Request.id, Request.next_step, Request.next_due_at)).all())
        assert Schedule.load(s).first_response_minutes == 120
        names = set(s.execute(text("SELECT name FROM settings")).scalars())
    assert "first_response_business_hours" not in names
    # Due two business hours after receipt (the stored due_at from before, kept).
    assert rows[open_id] == ("first_contact", dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC))
    assert rows[closed_id] == (None, None)
