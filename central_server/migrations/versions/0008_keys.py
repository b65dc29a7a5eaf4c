"""counter_keys: each counter's Ed25519 public keys, registered at enrolment, with their validity

A re-enrolment closes the previous key (valid_to) and adds the new one; old keys are kept so the
receipts they signed still verify, at ingest, at import and on the public /verify page.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'counter_keys',
        sa.Column('key_id', sa.String(length=16), nullable=False),
        sa.Column('counter_code', sa.String(length=16), nullable=False),
        sa.Column('public_key', sa.String(length=64), nullable=False),
        sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
        sa.Column('valid_to', sa.DateTime(timezone=True), nullable=True),
        sa.Column('first_seq', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['counter_code'], ['counters.code']),
        sa.PrimaryKeyConstraint('key_id', name=op.f('pk_counter_keys')),
    )
    op.create_index('ix_counter_keys_counter', 'counter_keys', ['counter_code'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_counter_keys_counter', table_name='counter_keys')
    op.drop_table('counter_keys')
