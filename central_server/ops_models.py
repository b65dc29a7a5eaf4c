"""Tables of the operations side (migration 0006): what each counter last reported when it
pushed (for the sync-lag and pending-age metrics), and the backups the operator recorded.

They hang on the same MetaData as central_server.models, kept apart so that the schema of the
money records stays in one file of its own."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, String, Table

from central_server.models import metadata, receipts

# one row per counter, replaced by every push: written inside the push's own transaction, so
# every worker process reads the same answer at scrape time
counter_sync_reports = Table(
    "counter_sync_reports",
    metadata,
    Column("counter_code", String(16), primary_key=True),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("batch_records", Integer, nullable=False),
    # the oldest receipt in the batch: the counter sends oldest first, so this is how long its
    # oldest unsent receipt had waited at the counter when the push arrived
    Column("oldest_issued_at", String(40)),
    Column("oldest_pending_age_s", BigInteger),
)

# `central-server backup record --at ... --note ...`, run by the backup job after pg_dump
backups = Table(
    "backups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("taken_at", DateTime(timezone=True), nullable=False),
    Column("note", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)
Index("ix_backups_taken_at", backups.c.taken_at)

# the parked-receipts gauge and the review queue count only these few rows
Index("ix_receipts_parked", receipts.c.counter_code,
      postgresql_where=receipts.c.parked_reason.is_not(None), sqlite_where=receipts.c.parked_reason.is_not(None))
