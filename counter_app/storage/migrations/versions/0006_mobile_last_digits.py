"""An index on the last four digits of the mobile number, so a clerk can find a consumer by the
end of their mobile ("...43210") without a scan of 5.3 lakh rows: the search narrows to the few
dozen numbers ending in those four digits, then matches the rest.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX IF NOT EXISTS ix_consumers_mobile_last4 ON consumers (substr(mobile, -4))")


def downgrade() -> None:
    raise NotImplementedError("counter databases are never downgraded; restore a backup instead")
