"""open requests' search text: a partial covering index (SQLite)

The worklist searches open requests unless a status filter asks for closed ones. At a million
requests a common last name is in tens of thousands of them, and the trigram index hands all
of those over before the open few are picked out (~400 ms); a partial index that holds only
the open requests' search text is scanned whole in a few milliseconds (docs/scale.md). SQLite
only: PostgreSQL's planner combines the pg_trgm index with the worklist index by itself.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from zoelife.db import search

    search.create_open_index(op.get_bind())


def downgrade() -> None:
    from zoelife.db import search

    search.drop_open_index(op.get_bind())
