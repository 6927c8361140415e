"""worklist: every open request's next step and its due time

- `requests.next_step`, `requests.next_due_at`: what is to be done next and by when
  (zoelife.intake.schedule.Schedule.next_step), indexed with `is_open` for the worklist;
  `requests.follow_up_at`: the date a user chose for a follow-up or a chase.
- The setting `first_response_business_hours` becomes `first_response_minutes` (a stored value
  is carried over, times 60): a new lead's target is counted in minutes.
- Open requests from before this revision get their next step here.
- The queue's text search gets an index (zoelife/db/search.py): FTS5 with trigrams on SQLite,
  pg_trgm's GIN index on PostgreSQL where the extension can be created.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

import zoelife.db.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_step', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('next_due_at', zoelife.db.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('follow_up_at', zoelife.db.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_requests_worklist', ['is_open', 'next_due_at', 'crisis_rank', 'status', 'appointment_at', 'id'],
                              unique=False)
    bind = op.get_bind()
    settings = sa.table('settings', sa.column('name', sa.String), sa.column('value', sa.Text))
    stored = bind.execute(sa.select(settings.c.value).where(
        settings.c.name == 'first_response_business_hours')).scalar()
    if stored is not None:
        bind.execute(settings.update().where(settings.c.name == 'first_response_business_hours')
                     .values(name='first_response_minutes',
                             value=json.dumps(int(json.loads(stored)) * 60)))
    from zoelife.db import search

    search.create(bind)
    # Open requests get their next step now, with the application's own rules (the function
    # reads only columns that exist at this revision).
    from sqlalchemy.orm import Session

    from zoelife.intake.next_steps import fill_missing_next_steps

    with Session(bind=bind) as session:
        fill_missing_next_steps(session)
        session.flush()


def downgrade() -> None:
    from zoelife.db import search

    search.drop(op.get_bind())
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+ has it): a batch copy of `requests` would
    # drop the table that other tables' foreign keys point at.
    op.drop_index('ix_requests_worklist', table_name='requests')
    for name in ('follow_up_at', 'next_due_at', 'next_step'):
        op.drop_column('requests', name)
