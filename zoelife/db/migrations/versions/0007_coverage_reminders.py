"""coverage reminders in the worklist

- `requests.coverage_step`, `requests.coverage_due_at`: a request's earliest coverage reminder
  (zoelife.coverage.reminders); `next_due_at` becomes the earlier of its own step's due time and
  this one. `coverage_due_at` joins the worklist index, which still covers the tabs' counts.
- `authorizations.chased_at` (staff chased the records or the payer: the reminder starts again)
  and `authorizations.units_at` (when the sessions used last changed: the "sessions nearly used
  up" reminder is due from then).
- Open requests with an authorization in play get their reminder here.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zoelife.db.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

WORKLIST = ['is_open', 'next_due_at', 'crisis_rank', 'status', 'appointment_at', 'id']


def upgrade() -> None:
    op.add_column('requests', sa.Column('coverage_step', sa.String(length=24), nullable=True))
    op.add_column('requests', sa.Column('coverage_due_at',
                                        zoelife.db.types.UTCDateTime(timezone=True),
                                        nullable=True))
    op.add_column('authorizations', sa.Column('chased_at',
                                              zoelife.db.types.UTCDateTime(timezone=True),
                                              nullable=True))
    op.add_column('authorizations', sa.Column('units_at',
                                              zoelife.db.types.UTCDateTime(timezone=True),
                                              nullable=True))
    op.drop_index('ix_requests_worklist', table_name='requests')
    op.create_index('ix_requests_worklist', 'requests', [*WORKLIST, 'coverage_due_at'],
                    unique=False)
    from sqlalchemy.orm import Session

    from zoelife.intake.next_steps import fill_coverage_reminders

    with Session(bind=op.get_bind()) as session:
        fill_coverage_reminders(session)
        session.flush()


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), as in 0004. Due times that were a
    # coverage reminder's stay until the request's next change recomputes them.
    op.drop_index('ix_requests_worklist', table_name='requests')
    op.create_index('ix_requests_worklist', 'requests', WORKLIST, unique=False)
    for table, name in (('authorizations', 'units_at'), ('authorizations', 'chased_at'),
                        ('requests', 'coverage_due_at'), ('requests', 'coverage_step')):
        op.drop_column(table, name)
