"""operations: counters' last push reports, recorded backups, partial index of parked receipts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'counter_sync_reports',
        sa.Column('counter_code', sa.String(16), nullable=False),
        sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('batch_records', sa.Integer(), nullable=False),
        sa.Column('oldest_issued_at', sa.String(40), nullable=True),
        sa.Column('oldest_pending_age_s', sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint('counter_code', name=op.f('pk_counter_sync_reports')),
    )
    op.create_table(
        'backups',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('note', sa.String(200), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_backups')),
    )
    op.create_index('ix_backups_taken_at', 'backups', ['taken_at'], unique=False)
    parked = sa.text('parked_reason IS NOT NULL')
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.create_index('ix_receipts_parked', ['counter_code'], unique=False,
                              postgresql_where=parked, sqlite_where=parked)


def downgrade() -> None:
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_index('ix_receipts_parked')
    op.drop_index('ix_backups_taken_at', table_name='backups')
    op.drop_table('backups')
    op.drop_table('counter_sync_reports')
