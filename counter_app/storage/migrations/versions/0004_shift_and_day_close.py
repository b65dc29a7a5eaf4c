"""Shift closes (blind cash count by denomination, variance, approval) and day closes, both
append-only; the shift row's closed_at is set in the same transaction.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """CREATE TABLE shift_closes (
            shift_close_id TEXT PRIMARY KEY,
            shift_id TEXT NOT NULL UNIQUE REFERENCES shifts (shift_id),
            business_date TEXT NOT NULL,
            counted_cash_paise INTEGER NOT NULL CHECK (counted_cash_paise >= 0),
            expected_cash_paise INTEGER NOT NULL,
            variance_paise INTEGER NOT NULL,
            approved_by TEXT,
            closed_by TEXT NOT NULL,
            closed_at TEXT NOT NULL,
            canonical TEXT NOT NULL)"""
    )
    op.execute("CREATE INDEX ix_shift_closes_date ON shift_closes (business_date)")
    op.execute(
        """CREATE TABLE day_closes (
            day_close_id TEXT PRIMARY KEY,
            business_date TEXT NOT NULL UNIQUE,
            closed_by TEXT NOT NULL,
            closed_at TEXT NOT NULL,
            canonical TEXT NOT NULL)"""
    )
    for table in ("shift_closes", "day_closes"):
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"
        )


def downgrade() -> None:
    raise NotImplementedError("counter databases are never downgraded; restore a backup instead")
