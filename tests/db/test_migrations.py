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
