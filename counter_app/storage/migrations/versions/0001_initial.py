"""Initial counter schema: users, shifts, receipts (append-only), voids, dishonours, outbox,
audit log, consumer cache, key-value state.

Revision ID: 0001
Revises:
"""
from alembic import op

from counter_app.storage.cache import CONSUMER_COLUMNS

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STATEMENTS = [
    """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE users (
        user_id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        full_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('clerk','supervisor','admin')),
        pin_hash TEXT NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE shifts (
        shift_id TEXT PRIMARY KEY,
        counter_code TEXT NOT NULL,
        clerk TEXT NOT NULL,
        business_date TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        opening_float_paise INTEGER NOT NULL CHECK (opening_float_paise >= 0),
        closed_at TEXT)""",
    """CREATE INDEX ix_shifts_open ON shifts (clerk, closed_at)""",
    # A closed shift stays closed; nothing else in a shift row ever changes.
    """CREATE TRIGGER shifts_locked BEFORE UPDATE ON shifts
       WHEN OLD.closed_at IS NOT NULL OR NEW.shift_id IS NOT OLD.shift_id
         OR NEW.opening_float_paise IS NOT OLD.opening_float_paise OR NEW.clerk IS NOT OLD.clerk
       BEGIN SELECT RAISE(ABORT, 'shift rows are locked'); END""",
    """CREATE TRIGGER shifts_no_delete BEFORE DELETE ON shifts
       BEGIN SELECT RAISE(ABORT, 'shifts are never deleted'); END""",
    """CREATE TABLE receipts (
        seq INTEGER PRIMARY KEY,
        receipt_id TEXT NOT NULL UNIQUE,
        receipt_no TEXT NOT NULL UNIQUE,
        counter_code TEXT NOT NULL,
        account_no TEXT NOT NULL,
        amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
        mode TEXT NOT NULL,
        clerk TEXT NOT NULL,
        shift_id TEXT NOT NULL REFERENCES shifts (shift_id),
        business_date TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        canonical TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL)""",
    """CREATE INDEX ix_receipts_shift ON receipts (shift_id)""",
    """CREATE INDEX ix_receipts_date ON receipts (business_date)""",
    """CREATE INDEX ix_receipts_account ON receipts (account_no, business_date)""",
    """CREATE TABLE voids (
        void_id TEXT PRIMARY KEY,
        receipt_id TEXT NOT NULL UNIQUE REFERENCES receipts (receipt_id),
        shift_id TEXT NOT NULL REFERENCES shifts (shift_id),
        approved_by TEXT NOT NULL,
        voided_at TEXT NOT NULL,
        canonical TEXT NOT NULL)""",
    """CREATE TABLE dishonours (
        dishonour_id TEXT PRIMARY KEY,
        receipt_id TEXT NOT NULL UNIQUE REFERENCES receipts (receipt_id),
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        canonical TEXT NOT NULL)""",
    """CREATE TABLE outbox (
        outbox_id INTEGER PRIMARY KEY AUTOINCREMENT,
        record_id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending','synced','conflict','parked','invalid')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        synced_at TEXT,
        server_detail TEXT)""",
    """CREATE INDEX ix_outbox_state ON outbox (state, outbox_id)""",
    # The payload of an outbox row is the record itself: it can never change.
    """CREATE TRIGGER outbox_payload_fixed BEFORE UPDATE OF record_id, kind, payload ON outbox
       BEGIN SELECT RAISE(ABORT, 'outbox payloads are immutable'); END""",
    """CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
       BEGIN SELECT RAISE(ABORT, 'outbox rows are never deleted'); END""",
    """CREATE TABLE audit (
        audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT,
        action TEXT NOT NULL,
        subject TEXT,
        detail TEXT)""",
    """CREATE INDEX ix_audit_subject ON audit (subject, action)""",
    "CREATE TABLE consumers " + CONSUMER_COLUMNS,  # the cache's one definition (storage/cache.py)
    """CREATE INDEX ix_consumers_meter ON consumers (meter_no)""",
    """CREATE INDEX ix_consumers_mobile ON consumers (mobile)""",
    """CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT)""",
]

APPEND_ONLY = ["receipts", "voids", "dishonours", "audit"]


def upgrade() -> None:
    for sql in STATEMENTS:
        op.execute(sql)
    for table in APPEND_ONLY:
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
