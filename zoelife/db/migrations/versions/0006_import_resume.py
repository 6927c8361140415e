"""import_batches.file_digest: an import killed mid-file is resumed by its next run

The import stores a file chunk by chunk, one transaction each (docs/ingest.md). Its batch
records the file's digest (sha256 of its bytes, its mapping, source and channel) and, in
`rows`, how many records are stored; a run of the same file finds the unfinished batch and
goes on from there.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_batches') as batch:
        batch.add_column(sa.Column('file_digest', sa.String(length=64), nullable=True))
        batch.create_index('ix_import_batches_file_digest', ['file_digest'])


def downgrade() -> None:
    with op.batch_alter_table('import_batches') as batch:
        batch.drop_index('ix_import_batches_file_digest')
        batch.drop_column('file_digest')
