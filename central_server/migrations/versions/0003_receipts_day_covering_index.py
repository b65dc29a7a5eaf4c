"""receipts: day index covering amount and parked reason; partial index of reversed receipts

The headquarters board sums each counter's day from the index alone on PostgreSQL (index-only
scan) instead of reading every receipt row with its payload (SQLite keeps the plain index), and
finds the day's voided or dishonoured receipts through a partial index that holds only those.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    reversed_ = sa.text('reversed_by IS NOT NULL')
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.create_index('ix_receipts_reversed_day', ['counter_code', 'business_date'], unique=False,
                              postgresql_where=reversed_, sqlite_where=reversed_)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_receipts_counter_date', table_name='receipts')
        op.create_index('ix_receipts_counter_date', 'receipts', ['counter_code', 'business_date'], unique=False,
                        postgresql_include=['amount_paise', 'parked_reason'])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_receipts_counter_date', table_name='receipts')
        op.create_index('ix_receipts_counter_date', 'receipts', ['counter_code', 'business_date'], unique=False)
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_index('ix_receipts_reversed_day')
