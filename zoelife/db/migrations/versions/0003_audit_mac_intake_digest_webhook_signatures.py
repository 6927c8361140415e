"""audit MAC, intake key content digest, webhook signatures

- `audit_events.mac`: HMAC of each row with a key kept outside the database. Rows from before
  this revision keep NULL: they are the "legacy, unkeyed" part of the chain that
  `zoelife audit verify` reports (the boundary is recorded outside the database, in the
  checkpoint file, when keying starts).
- `intake_keys.content_digest`: what the first delivery of a key said, as per-field digests, so
  that a repeated key with different content is kept for review instead of dropped.
- `webhook_signatures`: timestamped webhook signatures already accepted (replay refusal).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zoelife.db.types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mac', sa.String(length=64), nullable=True))
    with op.batch_alter_table('intake_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_digest', sa.String(length=200), nullable=True))
    op.create_table('webhook_signatures',
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.Column('seen_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('signature', name=op.f('pk_webhook_signatures'))
    )
    with op.batch_alter_table('webhook_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_signatures_seen_at'), ['seen_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('webhook_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_signatures_seen_at'))
    op.drop_table('webhook_signatures')
    with op.batch_alter_table('intake_keys', schema=None) as batch_op:
        batch_op.drop_column('content_digest')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('mac')
