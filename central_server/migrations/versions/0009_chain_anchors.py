"""chain_anchors: chain heads a counter reported before its receipts arrived (issue 11 item 12)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 13:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'chain_anchors',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('counter_code', sa.String(length=16), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_anchors')),
    )
    op.create_index('ix_chain_anchors_counter_seq', 'chain_anchors', ['counter_code', 'seq'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_chain_anchors_counter_seq', table_name='chain_anchors')
    op.drop_table('chain_anchors')
