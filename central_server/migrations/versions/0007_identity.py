"""installation identity of counters, records held in suspense from a second PC, closed periods
by value date, and the collected-during-closing flag of receipts

A counter's enrolment binds one installation (one PC's copy of the counter); records from any
other installation of the same code wait in `suspense_records` for a person. `closed_periods`
keeps every month-end closing as a range of value dates, so that "collected during closing" is
decided by the receipt's business date (existing receipts keep what their arrival said).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 11:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('counters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('installation_id', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('installation_bound_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('collected_during_closing', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute("UPDATE receipts SET collected_during_closing = received_during_closing")
    op.create_table('closed_periods',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('label', sa.String(length=20), nullable=True),
    sa.Column('start_date', sa.String(length=10), nullable=False),
    sa.Column('end_date', sa.String(length=10), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closed_periods'))
    )
    op.create_table('suspense_records',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('counter_code', sa.String(length=16), nullable=False),
    sa.Column('installation_id', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suspense_records')),
    sa.UniqueConstraint('counter_code', 'installation_id', 'record_id', name='uq_suspense_records_once')
    )


def downgrade() -> None:
    op.drop_table('suspense_records')
    op.drop_table('closed_periods')
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_column('collected_during_closing')
    with op.batch_alter_table('counters', schema=None) as batch_op:
        batch_op.drop_column('installation_bound_at')
        batch_op.drop_column('installation_id')
