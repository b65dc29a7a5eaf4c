"""billing integration: master/bills loads, bills, postings, batches, acks, clarification queue, audit, billing clients

(It follows 0004, the receipts' cash round-off.)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:25:02.247403
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('billing_acks',
    sa.Column('posting_id', sa.BigInteger(), nullable=False),
    sa.Column('batch_id', sa.BigInteger(), nullable=False),
    sa.Column('result', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('via', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('posting_id', name=op.f('pk_billing_acks'))
    )
    op.create_index('ix_billing_acks_received', 'billing_acks', ['received_at'], unique=False)
    op.create_table('billing_audit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=80), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_audit'))
    )
    op.create_table('billing_batches',
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('control_count', sa.Integer(), nullable=False),
    sa.Column('control_total_paise', sa.BigInteger(), nullable=False),
    sa.Column('first_posting_id', sa.BigInteger(), nullable=False),
    sa.Column('last_posting_id', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('batch_id', name=op.f('pk_billing_batches'))
    )
    op.create_table('billing_bills',
    sa.Column('account_no', sa.String(length=32), nullable=False),
    sa.Column('bill_no', sa.String(length=40), nullable=False),
    sa.Column('bill_date', sa.String(length=10), nullable=False),
    sa.Column('due_date', sa.String(length=10), nullable=True),
    sa.Column('amount_paise', sa.BigInteger(), nullable=False),
    sa.Column('arrears_paise', sa.BigInteger(), nullable=False),
    sa.Column('amount_after_due_paise', sa.BigInteger(), nullable=True),
    sa.Column('payments_upto', sa.String(length=10), nullable=False),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('account_no', 'bill_no', name=op.f('pk_billing_bills'))
    )
    op.create_table('billing_clarifications',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('posting_id', sa.BigInteger(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('to_account', sa.String(length=32), nullable=True),
    sa.Column('proposed_by', sa.String(length=32), nullable=True),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=32), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('new_posting_id', sa.BigInteger(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_clarifications')),
    sa.UniqueConstraint('posting_id', name=op.f('uq_billing_clarifications_posting_id'))
    )
    op.create_table('billing_clients',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_billing_clients')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_billing_clients_token_hash'))
    )
    op.create_table('billing_loads',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('file_name', sa.String(length=400), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_bytes', sa.BigInteger(), nullable=False),
    sa.Column('loaded_by', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('rows_rejected', sa.Integer(), nullable=False),
    sa.Column('rows_new', sa.Integer(), nullable=False),
    sa.Column('rows_changed', sa.Integer(), nullable=False),
    sa.Column('rows_unchanged', sa.Integer(), nullable=False),
    sa.Column('rows_closed', sa.Integer(), nullable=False),
    sa.Column('bills_new', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_loads'))
    )
    with op.batch_alter_table('billing_loads', schema=None) as batch_op:
        batch_op.create_index('ix_billing_loads_sha', ['file_sha256', 'outcome'], unique=False)

    op.create_table('billing_postings',
    sa.Column('posting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('source_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('receipt_id', sa.String(length=64), nullable=False),
    sa.Column('receipt_no', sa.String(length=40), nullable=False),
    sa.Column('counter_code', sa.String(length=16), nullable=False),
    sa.Column('account_no', sa.String(length=32), nullable=False),
    sa.Column('amount_paise', sa.BigInteger(), nullable=False),
    sa.Column('value_date', sa.String(length=10), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('instrument', sa.Text(), nullable=True),
    sa.Column('collected_during_closing', sa.Boolean(), nullable=False),
    sa.Column('reverses_posting_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('batch_id', sa.BigInteger(), nullable=True),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('answer_reason', sa.String(length=300), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('posting_id', name=op.f('pk_billing_postings')),
    sa.UniqueConstraint('source', 'source_id', name='uq_billing_postings_source')
    )
    with op.batch_alter_table('billing_postings', schema=None) as batch_op:
        pending = sa.text("state = 'pending'")
        batch_op.create_index('ix_billing_postings_pending', ['posting_id'], unique=False,
                              postgresql_where=pending, sqlite_where=pending)
        batch_op.create_index('ix_billing_postings_receipt', ['receipt_id'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_billing_acks_received', table_name='billing_acks')
    with op.batch_alter_table('billing_postings', schema=None) as batch_op:
        batch_op.drop_index('ix_billing_postings_receipt')
        batch_op.drop_index('ix_billing_postings_pending')

    op.drop_table('billing_postings')
    with op.batch_alter_table('billing_loads', schema=None) as batch_op:
        batch_op.drop_index('ix_billing_loads_sha')

    op.drop_table('billing_loads')
    op.drop_table('billing_clients')
    op.drop_table('billing_clarifications')
    op.drop_table('billing_bills')
    op.drop_table('billing_batches')
    op.drop_table('billing_audit')
    op.drop_table('billing_acks')
