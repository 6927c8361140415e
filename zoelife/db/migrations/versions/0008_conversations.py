"""conversations: messages, conversations, sms consent, templates; text channel

New tables (docs/conversations.md): `sms_templates` (the admin's texts), `conversations` (one
phone number's thread in the shared inbox), `messages` (texts both ways, missed calls and
voicemails; Twilio's sid unique) and `sms_consent_events` (STOP, START, texts to us, staff).
An index `crisis_changes (to_level, id)` serves every open page's look for the newest urgent
change. The channel `text` joins the channels of `requests` and `submissions`: their CHECK
constraints are rewritten in place, as revision 0002 did (SQLite: the stored CREATE TABLE
text, checked first on an empty in-memory database; PostgreSQL: dropped and added again).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 08:46:52.447992
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

import zoelife.db.types


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


_OLD_CHANNELS = ('web_form', 'phone', 'referral', 'email', 'walk_in', 'other')
_NEW_CHANNELS = ('web_form', 'phone', 'referral', 'email', 'walk_in', 'text', 'other')
_CHANNEL_CHECKS = (('requests', 'ck_requests_channel'), ('submissions', 'ck_submissions_channel'))


def _or_chain(values: tuple[str, ...]) -> str:
    return " OR ".join(f"channel = {v!r}" for v in values)


def _rewrite_channels(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        for table, name in _CHANNEL_CHECKS:
            op.drop_constraint(op.f(name), table, type_="check")
            op.create_check_constraint(op.f(name), table, _or_chain(new))
        return
    statements = {}
    for table, name in _CHANNEL_CHECKS:
        sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'table' "
                                "AND name = :t"), {"t": table}).scalar_one()
        before = f"CONSTRAINT {name} CHECK ({_or_chain(old)})"
        if sql.count(before) != 1:
            raise RuntimeError(f"table {table}: constraint {name} is not `{before}`; "
                               "the schema was changed outside the migrations")
        sql = sql.replace(before, f"CONSTRAINT {name} CHECK ({_or_chain(new)})")
        scratch = sqlite3.connect(":memory:")
        try:
            scratch.execute(sql)
        finally:
            scratch.close()
        statements[table] = sql
    version = conn.execute(text("PRAGMA schema_version")).scalar_one()
    conn.execute(text("PRAGMA writable_schema = ON"))
    try:
        for table, sql in statements.items():
            conn.execute(text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' "
                              "AND name = :t"), {"sql": sql, "t": table})
        conn.execute(text(f"PRAGMA schema_version = {int(version) + 1}"))
    finally:
        conn.execute(text("PRAGMA writable_schema = OFF"))


def _create_indexes(table: str, *columns: str) -> None:
    """One plain index `ix_<table>_<column>` per column, in this order."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def _drop_indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))


def upgrade() -> None:
    _rewrite_channels(_OLD_CHANNELS, _NEW_CHANNELS)
    op.create_index('ix_crisis_changes_to_level_id', 'crisis_changes', ['to_level', 'id'],
                    unique=False)
    op.create_table('sms_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('cadence', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by'], ['staff_users.id'], name=op.f('fk_sms_templates_updated_by_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_templates')),
    sa.UniqueConstraint('name', name=op.f('uq_sms_templates_name'))
    )
    op.create_table('conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('possible_match', sa.Boolean(), nullable=False),
    sa.Column('unread', sa.Integer(), nullable=False),
    sa.Column('last_message_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_inbound_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.Integer(), nullable=True),
    sa.Column('claimed_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['claimed_by'], ['staff_users.id'], name=op.f('fk_conversations_claimed_by_staff_users')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_conversations_request_id_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations')),
    sa.UniqueConstraint('phone', name=op.f('uq_conversations_phone'))
    )
    _create_indexes('conversations', 'last_message_at', 'request_id')

    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('direction', sa.Enum('inbound', 'outbound', name='message_direction', native_enum=False), nullable=False),
    sa.Column('kind', sa.Enum('sms', 'missed_call', 'voicemail', name='message_kind', native_enum=False), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('provider_sid', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('error_code', sa.String(length=20), nullable=True),
    sa.Column('crisis_level', sa.Enum('urgent', 'review', 'none', name='crisis_level', native_enum=False), nullable=False),
    sa.Column('crisis_evidence', zoelife.db.types.JSONText(), nullable=False),
    sa.Column('recording_url', sa.String(length=500), nullable=True),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('sent_by', sa.Integer(), nullable=True),
    sa.Column('automatic', sa.String(length=20), nullable=True),
    sa.Column('created_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("crisis_level = 'urgent' OR crisis_level = 'review' OR crisis_level = 'none'", name=op.f('ck_messages_crisis_level')),
    sa.CheckConstraint("direction = 'inbound' OR direction = 'outbound'", name=op.f('ck_messages_message_direction')),
    sa.CheckConstraint("kind = 'sms' OR kind = 'missed_call' OR kind = 'voicemail'", name=op.f('ck_messages_message_kind')),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_messages_conversation_id_conversations')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_messages_request_id_requests')),
    sa.ForeignKeyConstraint(['sent_by'], ['staff_users.id'], name=op.f('fk_messages_sent_by_staff_users')),
    sa.ForeignKeyConstraint(['template_id'], ['sms_templates.id'], name=op.f('fk_messages_template_id_sms_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('provider_sid', name=op.f('uq_messages_provider_sid'))
    )
    _create_indexes('messages', 'conversation_id', 'request_id')

    op.create_table('sms_consent_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('via', sa.String(length=20), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by'], ['staff_users.id'], name=op.f('fk_sms_consent_events_changed_by_staff_users')),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_sms_consent_events_message_id_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_consent_events'))
    )
    _create_indexes('sms_consent_events', 'phone')



def downgrade() -> None:
    _drop_indexes('sms_consent_events', 'phone')

    op.drop_table('sms_consent_events')
    _drop_indexes('messages', 'request_id', 'conversation_id')

    op.drop_table('messages')
    _drop_indexes('conversations', 'request_id', 'last_message_at')

    op.drop_table('conversations')
    op.drop_table('sms_templates')
    op.drop_index('ix_crisis_changes_to_level_id', table_name='crisis_changes')
    _rewrite_channels(_NEW_CHANNELS, _OLD_CHANNELS)
