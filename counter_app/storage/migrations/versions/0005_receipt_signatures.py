"""Each receipt's Ed25519 signature and the key that made it (kesco_protocol.signing), in a table
of its own so the receipts table and its hash stay as they were; append-only like the receipts.

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """CREATE TABLE receipt_signatures (
            receipt_id TEXT PRIMARY KEY REFERENCES receipts (receipt_id),
            key_id TEXT NOT NULL,
            signature TEXT NOT NULL)"""
    )
    for what in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER receipt_signatures_no_{what.lower()} BEFORE {what} ON receipt_signatures "
            "BEGIN SELECT RAISE(ABORT, 'receipt signatures are append-only'); END"
        )


def downgrade() -> None:
    raise NotImplementedError("counter databases are never downgraded; restore a backup instead")
