"""Opt-in: the receipts table partitioned by month of business_date (PostgreSQL declarative
partitioning), converted in place with every row kept. Run by `central-server partition`;
idempotent: once converted it only adds the months ahead (run it monthly).

Why business_date: every heavy query names it: the HQ board and `reconcile` sum one day per
counter, the day close compares one counter-day, the billing feed and the archive go by month.
Old months can then be detached and archived whole.

Exactly once survives. A partitioned table's unique keys must include the partition key, so the
partitions alone would take the same receipt_id (or counter and seq) again under another date.
`receipt_keys`, a narrow table that is not partitioned, holds the two global keys. A BEFORE
INSERT trigger claims them first. When a key is taken, the row is skipped, just as ON CONFLICT
DO NOTHING would skip it, and the ingest compares it with the stored receipt as before
(duplicate or conflict)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, text

from central_server import db


class PartitionError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class PartitionReport:
    converted: bool  # False: it was partitioned already
    rows: int
    partitions: list[str]


def _month(d: date, add: int = 0) -> date:
    m = d.year * 12 + d.month - 1 + add
    return date(m // 12, m % 12 + 1, 1)


def is_partitioned(conn: Connection) -> bool:
    return bool(conn.execute(text(
        "SELECT c.relkind = 'p' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relname = 'receipts' AND n.nspname = current_schema()")).scalar())


def ensure_months(conn: Connection, first: date, last: date) -> list[str]:
    """A partition per month from `first` to `last` (both included), those missing."""
    made = []
    m = _month(first)
    while m <= _month(last):
        name = f"receipts_{m:%Y_%m}"
        exists = conn.execute(text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name}).scalar()
        if not exists:
            conn.execute(text(f"CREATE TABLE {name} PARTITION OF receipts "
                              f"FOR VALUES FROM ('{m:%Y-%m-%d}') TO ('{_month(m, 1):%Y-%m-%d}')"))
            made.append(name)
        m = _month(m, 1)
    return made


_GUARD_FUNCTION = """
CREATE FUNCTION receipts_claim_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- the global keys first: a row whose receipt_id or (counter, seq) is taken is skipped,
    -- exactly as ON CONFLICT DO NOTHING skips it on the plain table
    INSERT INTO receipt_keys (receipt_id, counter_code, seq) VALUES (NEW.receipt_id, NEW.counter_code, NEW.seq)
        ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END $$
"""
_GUARD_TRIGGER = ("CREATE TRIGGER receipts_claim_keys BEFORE INSERT ON receipts "
                  "FOR EACH ROW EXECUTE FUNCTION receipts_claim_keys()")


def partition_receipts(conn: Connection, *, today: date | None = None, months_ahead: int = 3) -> PartitionReport:
    """Convert `receipts` (in the caller's transaction, which holds an exclusive lock on it
    until commit: counters' pushes wait, then go on), or add the coming months when done already."""
    if db.is_sqlite(conn):
        raise PartitionError("partitioning is for PostgreSQL; SQLite keeps one receipts table")
    today = today or date.today()
    if is_partitioned(conn):
        made = ensure_months(conn, today, _month(today, months_ahead))
        return PartitionReport(False, 0, made)
    conn.execute(text("LOCK TABLE receipts IN ACCESS EXCLUSIVE MODE"))
    rows = int(conn.execute(text("SELECT count(*) FROM receipts")).scalar_one())
    first = conn.execute(text(
        "SELECT min(business_date) FROM receipts WHERE business_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'")).scalar()
    start = min(date.fromisoformat(first), today) if first else today
    # free the names: the old table and its indexes keep theirs with a suffix until dropped
    for (index,) in conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'receipts' "
                                      "AND schemaname = current_schema()")).all():
        conn.execute(text(f'ALTER INDEX "{index}" RENAME TO "{index}_unpartitioned"'))
    conn.execute(text("ALTER TABLE receipts RENAME TO receipts_unpartitioned"))
    conn.execute(text("CREATE TABLE receipts (LIKE receipts_unpartitioned INCLUDING DEFAULTS) "
                      "PARTITION BY RANGE (business_date)"))
    made = ensure_months(conn, start, _month(today, months_ahead))
    # an unreadable or far-off business date (a parked receipt) still has a home
    conn.execute(text("CREATE TABLE receipts_default PARTITION OF receipts DEFAULT"))
    conn.execute(text("INSERT INTO receipts SELECT * FROM receipts_unpartitioned"))
    for ddl in (
        "ALTER TABLE receipts ADD CONSTRAINT pk_receipts PRIMARY KEY (receipt_id, business_date)",
        "ALTER TABLE receipts ADD CONSTRAINT uq_receipts_counter_seq UNIQUE (counter_code, seq, business_date)",
        "CREATE INDEX ix_receipts_counter_date ON receipts (counter_code, business_date) "
        "INCLUDE (amount_paise, parked_reason)",
        "CREATE INDEX ix_receipts_reversed_day ON receipts (counter_code, business_date) WHERE reversed_by IS NOT NULL",
        "CREATE INDEX ix_receipts_account ON receipts (account_no)",
        "CREATE INDEX ix_receipts_parked ON receipts (counter_code) WHERE parked_reason IS NOT NULL",
        # the global keys; receipts are append-only, so they never need removing
        "CREATE TABLE receipt_keys (receipt_id varchar(64) PRIMARY KEY, counter_code varchar(16) NOT NULL, "
        "seq bigint NOT NULL, CONSTRAINT uq_receipt_keys_counter_seq UNIQUE (counter_code, seq))",
        "INSERT INTO receipt_keys SELECT receipt_id, counter_code, seq FROM receipts_unpartitioned",
    ):
        conn.execute(text(ddl))
    conn.exec_driver_sql(_GUARD_FUNCTION)
    conn.exec_driver_sql(_GUARD_TRIGGER)
    copied = int(conn.execute(text("SELECT count(*) FROM receipts")).scalar_one())
    if copied != rows:
        raise PartitionError(f"copied {copied} receipts of {rows}: nothing changed")
    conn.execute(text("DROP TABLE receipts_unpartitioned"))
    conn.execute(text("ANALYZE receipts"))
    return PartitionReport(True, rows, [*made, "receipts_default"])
