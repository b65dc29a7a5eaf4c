"""Consumer search index that a bulk load can defer: while kv 'fts_pending_from' holds a rowid R,
rows with rowid >= R are left out of consumers_fts by the triggers and indexed afterwards in
short chunks (storage.consumers.catch_up_search_index). A 5.3 lakh-row snapshot then loads
about four times faster than with one FTS insert per row, and receipts keep being issued.

The update trigger also skips rows whose searchable text did not change: the changes feed
rewrites balances of thousands of consumers a day, and re-indexing them all was wasted work.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Rowids below this are indexed; with no kv row every rowid is.
_INDEXED = "(SELECT CAST(value AS INTEGER) FROM kv WHERE key = 'fts_pending_from')"


def _indexed(rowid: str) -> str:
    return f"({_INDEXED} IS NULL OR {rowid} < {_INDEXED})"


def upgrade() -> None:
    for name in ("consumers_ai", "consumers_ad", "consumers_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(
        f"CREATE TRIGGER consumers_ai AFTER INSERT ON consumers WHEN {_indexed('new.rowid')} BEGIN "
        "INSERT INTO consumers_fts(rowid, name, relation_name, address, locality) "
        "VALUES (new.rowid, new.name, new.relation_name, new.address, new.locality); END"
    )
    op.execute(
        f"CREATE TRIGGER consumers_ad AFTER DELETE ON consumers WHEN {_indexed('old.rowid')} BEGIN "
        "INSERT INTO consumers_fts(consumers_fts, rowid, name, relation_name, address, locality) "
        "VALUES ('delete', old.rowid, old.name, old.relation_name, old.address, old.locality); END"
    )
    op.execute(
        "CREATE TRIGGER consumers_au AFTER UPDATE OF name, relation_name, address, locality ON consumers "
        f"WHEN {_indexed('old.rowid')} AND (old.name IS NOT new.name OR old.relation_name IS NOT new.relation_name "
        "OR old.address IS NOT new.address OR old.locality IS NOT new.locality) BEGIN "
        "INSERT INTO consumers_fts(consumers_fts, rowid, name, relation_name, address, locality) "
        "VALUES ('delete', old.rowid, old.name, old.relation_name, old.address, old.locality); "
        "INSERT INTO consumers_fts(rowid, name, relation_name, address, locality) "
        "VALUES (new.rowid, new.name, new.relation_name, new.address, new.locality); END"
    )


def downgrade() -> None:
    raise NotImplementedError("counter databases are never downgraded; restore a backup instead")
