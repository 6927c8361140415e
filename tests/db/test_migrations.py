from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from zoelife.db.migrate import current_revision, head_revision, upgrade
from zoelife.db.models import Base


def test_upgrade_from_empty_reaches_head_and_creates_every_table(engine):
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_models_match_migrated_schema(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_upgrade_twice_is_harmless(engine):
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()


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
                                      stderr=subprocess.PIPE, text=True) for _ in range(3)]
            results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
            assert [r[2] for r in results] == [0, 0, 0], (url, [r[1][-500:] for r in results])
            eng = make_engine(url)
            assert current_revision(eng) == head_revision()
            eng.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
