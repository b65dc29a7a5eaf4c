"""Cash pickups (a supervisor takes cash out of an open shift's drawer) and deposits (the day's
pay-in slip), both append-only like receipts: a pickup lowers the shift's expected cash, so it
must never change or vanish once the drawer has been emptied by it.

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """CREATE TABLE pickups (
            pickup_id TEXT PRIMARY KEY,
            shift_id TEXT NOT NULL REFERENCES shifts (shift_id),
            business_date TEXT NOT NULL,
            amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
            destination TEXT NOT NULL,
            taken_by TEXT NOT NULL,
            taken_at TEXT NOT NULL,
            counts TEXT NOT NULL,
            canonical TEXT NOT NULL)"""
    )
    op.execute("CREATE INDEX ix_pickups_shift ON pickups (shift_id)")
    op.execute("CREATE INDEX ix_pickups_date ON pickups (business_date)")
    op.execute(
        """CREATE TABLE deposits (
            deposit_id TEXT PRIMARY KEY,
            business_date TEXT NOT NULL,
            slip_no TEXT NOT NULL,
            amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
            recorded_by TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            counts TEXT NOT NULL,
            canonical TEXT NOT NULL)"""
    )
    op.execute("CREATE INDEX ix_deposits_date ON deposits (business_date)")
    for table in ("pickups", "deposits"):
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
