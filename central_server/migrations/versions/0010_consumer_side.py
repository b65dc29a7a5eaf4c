"""consumer side: notification outbox, field API clients and audit, disconnection checks

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'notify_outbox',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('event', sa.String(12), nullable=False),
        sa.Column('source_id', sa.String(64), nullable=False),
        sa.Column('idempotency_key', sa.String(64), nullable=False),
        sa.Column('receipt_id', sa.String(64), nullable=False),
        sa.Column('receipt_no', sa.String(40), nullable=False),
        sa.Column('account_no', sa.String(32), nullable=False),
        sa.Column('mobile', sa.String(16), nullable=False),
        sa.Column('amount_paise', sa.BigInteger(), nullable=False),
        sa.Column('value_date', sa.String(10), nullable=False),
        sa.Column('counter_code', sa.String(16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(8), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('lease_owner', sa.String(64), nullable=True),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(300), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('gateway_ref', sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_outbox')),
        sa.UniqueConstraint('event', 'source_id', name='uq_notify_outbox_event_source'),
    )
    op.create_index('ix_notify_outbox_due', 'notify_outbox', ['state', 'next_attempt_at'], unique=False)
    op.create_table(
        'field_clients',
        sa.Column('name', sa.String(32), nullable=False),
        sa.Column('token_hash', sa.String(64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_field_clients')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_field_clients_token_hash')),
    )
    op.create_table(
        'field_audit',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('client', sa.String(32), nullable=False),
        sa.Column('account_no', sa.String(32), nullable=False),
        sa.Column('address', sa.String(64), nullable=False),
        sa.Column('outcome', sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_field_audit')),
    )
    op.create_index('ix_field_audit_client_at', 'field_audit', ['client', 'at'], unique=False)
    op.create_table(
        'disconnection_checks',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('checked_by', sa.String(64), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('file_name', sa.String(200), nullable=False),
        sa.Column('file_sha256', sa.String(64), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('result_gz', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_disconnection_checks')),
    )


def downgrade() -> None:
    op.drop_table('disconnection_checks')
    op.drop_index('ix_field_audit_client_at', table_name='field_audit')
    op.drop_table('field_audit')
    op.drop_table('field_clients')
    op.drop_index('ix_notify_outbox_due', table_name='notify_outbox')
    op.drop_table('notify_outbox')
