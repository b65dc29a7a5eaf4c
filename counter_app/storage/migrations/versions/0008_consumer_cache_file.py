"""The consumer cache moves out of the ledger into a file of its own beside it
(`consumers.sqlite3`, storage/cache.py): its rows are copied, not dropped, so a counter upgraded in
the middle of an outage still finds its consumers, then the consumer tables, their search index and
the cache's kv keys leave the ledger. Receipts, records, outbox, users, shifts, closes, audit,
anchors, keys and settings are not touched; migrate.upgrade VACUUMs the ledger afterwards.

The new file is written under a temporary name and renamed into place before this migration's
transaction commits: a crash before the commit leaves the ledger at 0006 with its consumers, and
the next start does it again.

Revision ID: 0008
Revises: 0007
"""
import contextlib
import sqlite3
from pathlib import Path

from alembic import op

from counter_app.storage import cache

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BATCH = 20_000
_COLS = ("account_no, name, relation_name, address, locality, category, meter_no, mobile, status, "
         "last_bill_no, last_bill_date, last_bill_due_date, last_bill_amount_paise, arrears_paise, "
         "balance_paise, last_payment_date, last_payment_paise, dishonoured_cheques, version")


def _ledger_file(con: sqlite3.Connection) -> Path | None:
    for _seq, name, file in con.execute("PRAGMA database_list"):
        if name == "main":
            return Path(file) if file else None
    return None


def _copy_out(src: sqlite3.Connection, dest: Path) -> None:
    """Consumers (same rowids, so the search index is built as it was) and the cache's kv keys."""
    cache.remove_file(dest)
    out = sqlite3.connect(dest, isolation_level=None)
    try:
        out.execute("PRAGMA journal_mode=WAL")
        out.execute("PRAGMA synchronous=OFF")  # a crash before the rename discards this file
        cache.create_schema(out, indexes=False)
        out.execute("BEGIN")
        # rows go in without the per-row index trigger; the search index is built once below
        out.execute("INSERT INTO kv(key, value) VALUES ('fts_pending_from', '0')")
        rows = src.execute(f"SELECT rowid, {_COLS} FROM consumers ORDER BY rowid")
        marks = ", ".join("?" for _ in range(_COLS.count(",") + 2))
        while batch := rows.fetchmany(_BATCH):
            out.executemany(f"INSERT INTO consumers (rowid, {_COLS}) VALUES ({marks})", batch)
        keys = sorted(cache.CACHE_KEYS - {"fts_pending_from"})
        kv = src.execute(f"SELECT key, value FROM kv WHERE key IN ({', '.join('?' for _ in keys)})", keys).fetchall()
        out.executemany("INSERT INTO kv(key, value) VALUES (?, ?)", kv)
        pending = src.execute("SELECT value FROM kv WHERE key = 'fts_pending_from'").fetchone()
        if pending is not None and pending[0] is not None:
            # what the ledger had indexed stays indexed; the rest waits for the pull's catch-up, as before
            out.execute("INSERT INTO consumers_fts(rowid, name, relation_name, address, locality) "
                        "SELECT rowid, name, relation_name, address, locality FROM consumers WHERE rowid < ?",
                        (int(pending[0]),))
            out.execute("UPDATE kv SET value = ? WHERE key = 'fts_pending_from'", (pending[0],))
        else:
            out.execute("INSERT INTO consumers_fts(consumers_fts) VALUES ('rebuild')")
            out.execute("DELETE FROM kv WHERE key = 'fts_pending_from'")
        for sql in cache.INDEXES:
            out.execute(sql)
        out.execute("COMMIT")
        out.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        out.close()
    with open(dest, "rb+") as fh:
        import os

        os.fsync(fh.fileno())


def upgrade() -> None:
    bind = op.get_bind()
    src = bind.connection.driver_connection
    assert isinstance(src, sqlite3.Connection)
    ledger = _ledger_file(src)
    if ledger is not None:
        target = cache.cache_path(ledger.parent)
        building = target.with_name(target.name + ".migrating")
        _copy_out(src, building)
        cache.remove_file(target)
        with contextlib.suppress(FileNotFoundError):
            building.with_name(building.name + "-wal").unlink()
        building.replace(target)
    for trigger in ("consumers_ai", "consumers_ad", "consumers_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS consumers_fts")
    for index in cache.INDEX_NAMES + cache.OLD_INDEX_NAMES:
        op.execute(f"DROP INDEX IF EXISTS {index}")
    op.execute("DROP TABLE IF EXISTS consumers")
    keys = ", ".join(f"'{k}'" for k in sorted(cache.CACHE_KEYS))
    op.execute(f"DELETE FROM kv WHERE key IN ({keys})")


def downgrade() -> None:
    raise NotImplementedError("counter databases are never downgraded; restore a backup instead")
