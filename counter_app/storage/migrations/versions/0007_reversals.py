"""Reversals (issue 16): a supervisor's reversal of a receipt whose business day or shift is
over, when a void is no longer allowed. Append-only like voids; one per receipt.

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """CREATE TABLE reversals (
            reversal_id TEXT PRIMARY KEY,
            receipt_id TEXT NOT NULL UNIQUE REFERENCES receipts (receipt_id),
            business_date TEXT NOT NULL,
            approved_by TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            canonical TEXT NOT NULL)"""
    )
    op.execute("CREATE INDEX ix_reversals_date ON reversals (business_date)")
    op.execute("CREATE TRIGGER reversals_no_update BEFORE UPDATE ON reversals "
               "BEGIN SELECT RAISE(ABORT, 'reversals are append-only'); END")
    op.execute("CREATE TRIGGER reversals_no_delete BEFORE DELETE ON reversals "
               "BEGIN SELECT RAISE(ABORT, 'reversals are append-only'); END")


def downgrade() -> None:
    raise NotImplementedError("counter databases are never downgraded; restore a backup instead")
