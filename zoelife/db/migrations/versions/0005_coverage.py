"""coverage: insurance, card images, benefits, authorizations, spravato start

New tables only (docs/coverage.md): `payers` and `payer_criteria` (the admin's list and each
payer's prior-authorization criteria as data), `coverages` and `card_images` (a request's
insurance, front desk only), `benefit_checks` (appended per treatment), `authorizations` and
`authorization_changes` (the status machine per treatment course), `spravato_starts` (the first
dose gate) and `coverage_events` (the coverage timeline).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 06:00:35.716763
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zoelife.db.types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('payers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('payer_code', sa.String(length=80), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payers')),
    sa.UniqueConstraint('name', name=op.f('uq_payers_name'))
    )
    op.create_table('payer_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('treatment', sa.Enum('spravato', 'tms', 'ketamine', 'medication_management', 'therapy', 'other', name='treatment', native_enum=False), nullable=False),
    sa.Column('criteria', zoelife.db.types.JSONText(), nullable=False),
    sa.Column('updated_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("treatment = 'spravato' OR treatment = 'tms' OR treatment = 'ketamine' OR treatment = 'medication_management' OR treatment = 'therapy' OR treatment = 'other'", name=op.f('ck_payer_criteria_treatment')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_payer_criteria_payer_id_payers')),
    sa.ForeignKeyConstraint(['updated_by'], ['staff_users.id'], name=op.f('fk_payer_criteria_updated_by_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payer_criteria')),
    sa.UniqueConstraint('payer_id', 'treatment', name=op.f('uq_payer_criteria_payer_id_treatment'))
    )
    op.create_table('authorizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('treatment', sa.Enum('spravato', 'tms', 'ketamine', 'medication_management', 'therapy', 'other', name='treatment', native_enum=False), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('not_needed', 'gathering', 'submitted', 'in_review', 'approved', 'denied', 'appeal', name='auth_status', native_enum=False), nullable=False),
    sa.Column('evidence', zoelife.db.types.JSONText(), nullable=False),
    sa.Column('opened_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('records_requested_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('days_to_decision', sa.Integer(), nullable=True),
    sa.Column('auth_number', sa.String(length=80), nullable=True),
    sa.Column('approved_units', sa.Integer(), nullable=True),
    sa.Column('units_used', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('extension_of_id', sa.Integer(), nullable=True),
    sa.Column('first_treatment_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('days_to_first_treatment', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status = 'not_needed' OR status = 'gathering' OR status = 'submitted' OR status = 'in_review' OR status = 'approved' OR status = 'denied' OR status = 'appeal'", name=op.f('ck_authorizations_auth_status')),
    sa.CheckConstraint("treatment = 'spravato' OR treatment = 'tms' OR treatment = 'ketamine' OR treatment = 'medication_management' OR treatment = 'therapy' OR treatment = 'other'", name=op.f('ck_authorizations_treatment')),
    sa.ForeignKeyConstraint(['extension_of_id'], ['authorizations.id'], name=op.f('fk_authorizations_extension_of_id_authorizations')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_authorizations_payer_id_payers')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_authorizations_request_id_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorizations'))
    )
    with op.batch_alter_table('authorizations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorizations_payer_id'), ['payer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_authorizations_request_id'), ['request_id'], unique=False)
        batch_op.create_index('ix_authorizations_status', ['status', 'status_at'], unique=False)

    op.create_table('benefit_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('treatment', sa.Enum('spravato', 'tms', 'ketamine', 'medication_management', 'therapy', 'other', name='treatment', native_enum=False), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('in_network', sa.Boolean(), nullable=True),
    sa.Column('deductible_cents', sa.Integer(), nullable=True),
    sa.Column('deductible_met_cents', sa.Integer(), nullable=True),
    sa.Column('oop_max_cents', sa.Integer(), nullable=True),
    sa.Column('copay_cents', sa.Integer(), nullable=True),
    sa.Column('coinsurance_percent', sa.SmallInteger(), nullable=True),
    sa.Column('carve_out', sa.Boolean(), nullable=True),
    sa.Column('carve_out_payer_id', sa.Integer(), nullable=True),
    sa.Column('pa_required', sa.Boolean(), nullable=True),
    sa.Column('benefit_route', sa.Enum('medical', 'pharmacy', name='benefit_route', native_enum=False), nullable=True),
    sa.Column('method', sa.Enum('call', 'electronic', 'portal', name='verify_method', native_enum=False), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=True),
    sa.Column('verified_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('verified_by', sa.Integer(), nullable=True),
    sa.Column('stale_after', sa.Date(), nullable=False),
    sa.CheckConstraint("benefit_route = 'medical' OR benefit_route = 'pharmacy'", name=op.f('ck_benefit_checks_benefit_route')),
    sa.CheckConstraint("method = 'call' OR method = 'electronic' OR method = 'portal'", name=op.f('ck_benefit_checks_verify_method')),
    sa.CheckConstraint("treatment = 'spravato' OR treatment = 'tms' OR treatment = 'ketamine' OR treatment = 'medication_management' OR treatment = 'therapy' OR treatment = 'other'", name=op.f('ck_benefit_checks_treatment')),
    sa.ForeignKeyConstraint(['carve_out_payer_id'], ['payers.id'], name=op.f('fk_benefit_checks_carve_out_payer_id_payers')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_benefit_checks_payer_id_payers')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_benefit_checks_request_id_requests')),
    sa.ForeignKeyConstraint(['verified_by'], ['staff_users.id'], name=op.f('fk_benefit_checks_verified_by_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit_checks'))
    )
    with op.batch_alter_table('benefit_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_checks_request_id'), ['request_id'], unique=False)

    op.create_table('coverages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Enum('primary', 'secondary', name='coverage_rank', native_enum=False), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('plan_name', sa.String(length=200), nullable=True),
    sa.Column('member_id', sa.String(length=80), nullable=True),
    sa.Column('group_number', sa.String(length=80), nullable=True),
    sa.Column('subscriber_name', sa.String(length=200), nullable=True),
    sa.Column('subscriber_relation', sa.Enum('self', 'spouse', 'child', 'other', name='subscriber_relation', native_enum=False), nullable=False),
    sa.Column('updated_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("rank = 'primary' OR rank = 'secondary'", name=op.f('ck_coverages_coverage_rank')),
    sa.CheckConstraint("subscriber_relation = 'self' OR subscriber_relation = 'spouse' OR subscriber_relation = 'child' OR subscriber_relation = 'other'", name=op.f('ck_coverages_subscriber_relation')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_coverages_payer_id_payers')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_coverages_request_id_requests')),
    sa.ForeignKeyConstraint(['updated_by'], ['staff_users.id'], name=op.f('fk_coverages_updated_by_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverages')),
    sa.UniqueConstraint('request_id', 'rank', name=op.f('uq_coverages_request_id_rank'))
    )
    with op.batch_alter_table('coverages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coverages_payer_id'), ['payer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coverages_request_id'), ['request_id'], unique=False)

    op.create_table('spravato_starts',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('rems_enrolled_on', sa.Date(), nullable=True),
    sa.Column('rems_enrolled_by', sa.String(length=120), nullable=True),
    sa.Column('ride_home_confirmed', sa.Boolean(), nullable=False),
    sa.Column('monitored_slot_confirmed', sa.Boolean(), nullable=False),
    sa.Column('updated_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_spravato_starts_request_id_requests')),
    sa.ForeignKeyConstraint(['updated_by'], ['staff_users.id'], name=op.f('fk_spravato_starts_updated_by_staff_users')),
    sa.PrimaryKeyConstraint('request_id', name=op.f('pk_spravato_starts'))
    )
    op.create_table('authorization_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authorization_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('not_needed', 'gathering', 'submitted', 'in_review', 'approved', 'denied', 'appeal', name='from_auth_status', native_enum=False), nullable=True),
    sa.Column('to_status', sa.Enum('not_needed', 'gathering', 'submitted', 'in_review', 'approved', 'denied', 'appeal', name='to_auth_status', native_enum=False), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('changed_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("from_status = 'not_needed' OR from_status = 'gathering' OR from_status = 'submitted' OR from_status = 'in_review' OR from_status = 'approved' OR from_status = 'denied' OR from_status = 'appeal'", name=op.f('ck_authorization_changes_from_auth_status')),
    sa.CheckConstraint("to_status = 'not_needed' OR to_status = 'gathering' OR to_status = 'submitted' OR to_status = 'in_review' OR to_status = 'approved' OR to_status = 'denied' OR to_status = 'appeal'", name=op.f('ck_authorization_changes_to_auth_status')),
    sa.ForeignKeyConstraint(['authorization_id'], ['authorizations.id'], name=op.f('fk_authorization_changes_authorization_id_authorizations')),
    sa.ForeignKeyConstraint(['changed_by'], ['staff_users.id'], name=op.f('fk_authorization_changes_changed_by_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorization_changes'))
    )
    with op.batch_alter_table('authorization_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorization_changes_authorization_id'), ['authorization_id'], unique=False)

    op.create_table('card_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coverage_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('front', 'back', name='card_side', native_enum=False), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("side = 'front' OR side = 'back'", name=op.f('ck_card_images_card_side')),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverages.id'], name=op.f('fk_card_images_coverage_id_coverages')),
    sa.ForeignKeyConstraint(['uploaded_by'], ['staff_users.id'], name=op.f('fk_card_images_uploaded_by_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_images'))
    )
    with op.batch_alter_table('card_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_images_coverage_id'), ['coverage_id'], unique=False)

    op.create_table('coverage_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('authorization_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('occurred_at', zoelife.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['authorization_id'], ['authorizations.id'], name=op.f('fk_coverage_events_authorization_id_authorizations')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_coverage_events_request_id_requests')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_coverage_events_staff_user_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverage_events'))
    )
    with op.batch_alter_table('coverage_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coverage_events_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    # Dropping a table drops its indexes on both databases; children before parents.
    for table in ('coverage_events', 'card_images', 'authorization_changes', 'spravato_starts',
                  'coverages', 'benefit_checks', 'authorizations', 'payer_criteria', 'payers'):
        op.drop_table(table)
