"""Full-text prefix search over consumer name, relation, address and locality (FTS5, external
content on the consumers table, kept in step by triggers); existing rows are indexed.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE consumers_fts USING fts5("
        "name, relation_name, address, locality, content='consumers', content_rowid='rowid', "
        "tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')"
    )
    op.execute(
        "CREATE TRIGGER consumers_ai AFTER INSERT ON consumers BEGIN "
        "INSERT INTO consumers_fts(rowid, name, relation_name, address, locality) "
        "VALUES (new.rowid, new.name, new.relation_name, new.address, new.locality); END"
    )
    op.execute(
        "CREATE TRIGGER consumers_ad AFTER DELETE ON consumers BEGIN "
        "INSERT INTO consumers_fts(consumers_fts, rowid, name, relation_name, address, locality) "
        "VALUES ('delete', old.rowid, old.name, old.relation_name, old.address, old.locality); END"
    )
    # Balances change often (every payment anywhere); only re-index when searchable text changes.
    op.execute(
        "CREATE TRIGGER consumers_au AFTER UPDATE OF name, relation_name, address, locality ON consumers "
        "BEGIN "
        "INSERT INTO consumers_fts(consumers_fts, rowid, name, relation_name, address, locality) "
        "VALUES ('delete', old.rowid, old.name, old.relation_name, old.address, old.locality); "
        "INSERT INTO consumers_fts(rowid, name, relation_name, address, locality) "
        "VALUES (new.rowid, new.name, new.relation_name, new.address, new.locality); END"
    )
    op.execute("INSERT INTO consumers_fts(consumers_fts) VALUES ('rebuild')")


def downgrade() -> None:
    raise NotImplementedError("counter databases are never downgraded; restore a backup instead")
