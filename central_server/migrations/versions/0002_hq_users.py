"""headquarters users, sessions, login attempts, cookie signing key

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hq_users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hq_users')),
    sa.UniqueConstraint('name', name=op.f('uq_hq_users_name'))
    )
    op.create_table('hq_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('csrf', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_hq_sessions'))
    )
    op.create_table('hq_login_attempts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hq_login_attempts'))
    )
    with op.batch_alter_table('hq_login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_hq_login_attempts_name_at', ['name', 'at'], unique=False)
        batch_op.create_index('ix_hq_login_attempts_client_at', ['client', 'at'], unique=False)
    op.create_table('hq_signing_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=128), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_hq_signing_key_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hq_signing_key'))
    )


def downgrade() -> None:
    op.drop_table('hq_signing_key')
    with op.batch_alter_table('hq_login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_hq_login_attempts_client_at')
        batch_op.drop_index('ix_hq_login_attempts_name_at')
    op.drop_table('hq_login_attempts')
    op.drop_table('hq_sessions')
    op.drop_table('hq_users')
