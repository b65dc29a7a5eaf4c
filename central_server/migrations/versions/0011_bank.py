"""bank: deposits (pay-in slips), the receipts they carried, instruments (every cheque and DD with
its state), bank statement imports, their lines and the review list of unmatched lines (issue 16)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 12:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_BIGID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'deposits',
        sa.Column('deposit_id', sa.String(64), nullable=False),
        sa.Column('counter_code', sa.String(16), nullable=False),
        sa.Column('business_date', sa.String(10), nullable=False),
        sa.Column('bank', sa.String(80), nullable=False),
        sa.Column('branch', sa.String(80), nullable=False),
        sa.Column('slip_no', sa.String(20), nullable=False),
        sa.Column('deposit_date', sa.String(10), nullable=False),
        sa.Column('cash_paise', sa.BigInteger(), nullable=False),
        sa.Column('instruments_paise', sa.BigInteger(), nullable=False),
        sa.Column('amount_paise', sa.BigInteger(), nullable=False),
        sa.Column('recorded_at', sa.String(40), nullable=False),
        sa.Column('received_at', _TS, nullable=False),
        sa.Column('state', sa.String(12), nullable=False),
        sa.Column('matched_line_id', sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint('deposit_id', name=op.f('pk_deposits')),
    )
    op.create_index('ix_deposits_slip', 'deposits', ['slip_no'])
    op.create_index('ix_deposits_counter_day', 'deposits', ['counter_code', 'business_date'])
    op.create_table(
        'deposit_receipts',
        sa.Column('deposit_id', sa.String(64), nullable=False),
        sa.Column('receipt_id', sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint('deposit_id', 'receipt_id', name=op.f('pk_deposit_receipts')),
    )
    op.create_index('ix_deposit_receipts_receipt', 'deposit_receipts', ['receipt_id'])
    op.create_table(
        'instruments',
        sa.Column('receipt_id', sa.String(64), nullable=False),
        sa.Column('group_id', sa.String(64), nullable=False),
        sa.Column('counter_code', sa.String(16), nullable=False),
        sa.Column('receipt_no', sa.String(40), nullable=False),
        sa.Column('account_no', sa.String(32), nullable=False),
        sa.Column('mode', sa.String(16), nullable=False),
        sa.Column('number', sa.String(20), nullable=False),
        sa.Column('bank', sa.String(80), nullable=False),
        sa.Column('instrument_date', sa.String(10), nullable=True),
        sa.Column('amount_paise', sa.BigInteger(), nullable=False),
        sa.Column('business_date', sa.String(10), nullable=False),
        sa.Column('state', sa.String(10), nullable=False),
        sa.Column('deposit_id', sa.String(64), nullable=True),
        sa.Column('statement_line_id', sa.BigInteger(), nullable=True),
        sa.Column('changed_at', _TS, nullable=False),
        sa.PrimaryKeyConstraint('receipt_id', name=op.f('pk_instruments')),
    )
    op.create_index('ix_instruments_group', 'instruments', ['group_id'])
    op.create_index('ix_instruments_number', 'instruments', ['number'])
    op.create_index('ix_instruments_state', 'instruments', ['state', 'business_date'])
    op.create_index('ix_instruments_deposit', 'instruments', ['deposit_id'])
    op.create_table(
        'bank_imports',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('outcome', sa.String(16), nullable=False),
        sa.Column('file_name', sa.String(400), nullable=False),
        sa.Column('file_sha256', sa.String(64), nullable=False),
        sa.Column('loaded_by', sa.String(64), nullable=False),
        sa.Column('started_at', _TS, nullable=False),
        sa.Column('finished_at', _TS, nullable=False),
        sa.Column('lines_read', sa.Integer(), nullable=False),
        sa.Column('lines_seen', sa.Integer(), nullable=False),
        sa.Column('deposits_matched', sa.Integer(), nullable=False),
        sa.Column('instruments_realised', sa.Integer(), nullable=False),
        sa.Column('instruments_returned', sa.Integer(), nullable=False),
        sa.Column('lines_unmatched', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(2000), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_imports')),
    )
    op.create_index('ix_bank_imports_sha', 'bank_imports', ['file_sha256', 'outcome'])
    op.create_table(
        'bank_lines',
        sa.Column('id', _BIGID, autoincrement=True, nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=False),
        sa.Column('line_no', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(64), nullable=False),
        sa.Column('txn_date', sa.String(10), nullable=False),
        sa.Column('value_date', sa.String(10), nullable=False),
        sa.Column('description', sa.String(200), nullable=False),
        sa.Column('reference', sa.String(40), nullable=False),
        sa.Column('debit_paise', sa.BigInteger(), nullable=False),
        sa.Column('credit_paise', sa.BigInteger(), nullable=False),
        sa.Column('balance_paise', sa.BigInteger(), nullable=True),
        sa.Column('outcome', sa.String(12), nullable=False),
        sa.Column('matched', sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_lines')),
        sa.UniqueConstraint('fingerprint', name='uq_bank_lines_fingerprint'),
    )
    op.create_table(
        'bank_review',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('line_id', sa.BigInteger(), nullable=False),
        sa.Column('reason', sa.String(200), nullable=False),
        sa.Column('opened_at', _TS, nullable=False),
        sa.Column('resolved_at', _TS, nullable=True),
        sa.Column('resolved_by', sa.String(32), nullable=True),
        sa.Column('note', sa.String(300), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_review')),
        sa.UniqueConstraint('line_id', name=op.f('uq_bank_review_line_id')),
    )


def downgrade() -> None:
    op.drop_table('bank_review')
    op.drop_table('bank_lines')
    op.drop_index('ix_bank_imports_sha', table_name='bank_imports')
    op.drop_table('bank_imports')
    for ix in ('ix_instruments_deposit', 'ix_instruments_state', 'ix_instruments_number', 'ix_instruments_group'):
        op.drop_index(ix, table_name='instruments')
    op.drop_table('instruments')
    op.drop_index('ix_deposit_receipts_receipt', table_name='deposit_receipts')
    op.drop_table('deposit_receipts')
    op.drop_index('ix_deposits_counter_day', table_name='deposits')
    op.drop_index('ix_deposits_slip', table_name='deposits')
    op.drop_table('deposits')
