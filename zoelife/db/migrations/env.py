"""Alembic environment. Run through `zoelife db upgrade` (zoelife.db.migrate), which passes
the connection in `config.attributes["connection"]`; `alembic` on the command line also works
from the repository root with ZOELIFE_DATABASE_URL set."""

from __future__ import annotations

from alembic import context

from zoelife.db import search
from zoelife.db.engine import make_engine
from zoelife.db.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        user_module_prefix="zoelife.db.types.",
        compare_type=True,
        include_object=search.include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
