"""Tables of the bank side (migration 0009): the counters' pay-in slips, every cheque and DD
with its state, the bank statements imported and their lines, and the review list of the lines
nobody could match. On the same MetaData as central_server.models, kept apart like ops_models.

An instrument moves received -> deposited -> realised | returned; only the statement import (or a
dishonour from the counter) moves it past deposited. Nothing here holds money that is not also in
`receipts` and `records`: these tables say where the money is on its way to the bank."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, String, Table, UniqueConstraint

from central_server.models import metadata

INSTRUMENT_STATES = ("received", "deposited", "realised", "returned")
# recorded: on the slip only; cash: its cash credited, cheques still clearing; matched: all credited
DEPOSIT_STATES = ("recorded", "cash", "matched")

deposits = Table(
    "deposits",
    metadata,
    Column("deposit_id", String(64), primary_key=True),
    Column("counter_code", String(16), nullable=False),
    Column("business_date", String(10), nullable=False),  # the collection day deposited
    Column("bank", String(80), nullable=False),
    Column("branch", String(80), nullable=False),
    Column("slip_no", String(20), nullable=False),
    Column("deposit_date", String(10), nullable=False),
    Column("cash_paise", BigInteger, nullable=False),
    Column("instruments_paise", BigInteger, nullable=False),
    Column("amount_paise", BigInteger, nullable=False),
    Column("recorded_at", String(40), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("state", String(12), nullable=False),
    Column("matched_line_id", BigInteger),
)
Index("ix_deposits_slip", deposits.c.slip_no)
Index("ix_deposits_counter_day", deposits.c.counter_code, deposits.c.business_date)

# which receipts each slip carried (a deposit may arrive before one of its receipts: the receipt
# finds its deposit here when it comes)
deposit_receipts = Table(
    "deposit_receipts",
    metadata,
    Column("deposit_id", String(64), primary_key=True),
    Column("receipt_id", String(64), primary_key=True),
)
Index("ix_deposit_receipts_receipt", deposit_receipts.c.receipt_id)

# one row per cheque or DD receipt; the receipts of one multi-account cheque share group_id
instruments = Table(
    "instruments",
    metadata,
    Column("receipt_id", String(64), primary_key=True),
    Column("group_id", String(64), nullable=False),
    Column("counter_code", String(16), nullable=False),
    Column("receipt_no", String(40), nullable=False),
    Column("account_no", String(32), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("number", String(20), nullable=False),
    Column("bank", String(80), nullable=False),
    Column("instrument_date", String(10)),
    Column("amount_paise", BigInteger, nullable=False),
    Column("business_date", String(10), nullable=False),
    Column("state", String(10), nullable=False),
    Column("deposit_id", String(64)),
    Column("statement_line_id", BigInteger),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)
Index("ix_instruments_group", instruments.c.group_id)
Index("ix_instruments_number", instruments.c.number)
Index("ix_instruments_state", instruments.c.state, instruments.c.business_date)
Index("ix_instruments_deposit", instruments.c.deposit_id)  # a slip's cheques, at every credit

# every statement import attempted, applied or not (like billing_loads)
bank_imports = Table(
    "bank_imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("outcome", String(16), nullable=False),  # applied | dry_run | duplicate | refused
    Column("file_name", String(400), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("loaded_by", String(64), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("lines_read", Integer, nullable=False),
    Column("lines_seen", Integer, nullable=False),  # in an earlier statement already: skipped
    Column("deposits_matched", Integer, nullable=False),
    Column("instruments_realised", Integer, nullable=False),
    Column("instruments_returned", Integer, nullable=False),
    Column("lines_unmatched", Integer, nullable=False),
    Column("message", String(2000)),
)
Index("ix_bank_imports_sha", bank_imports.c.file_sha256, bank_imports.c.outcome)

# the lines of applied statements; `fingerprint` (SHA-256 of the line's fields) makes a line that
# comes again in an overlapping statement a no-op
bank_lines = Table(
    "bank_lines",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("import_id", Integer, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("txn_date", String(10), nullable=False),
    Column("value_date", String(10), nullable=False),
    Column("description", String(200), nullable=False),
    Column("reference", String(40), nullable=False),
    Column("debit_paise", BigInteger, nullable=False),
    Column("credit_paise", BigInteger, nullable=False),
    Column("balance_paise", BigInteger),
    # deposit | cash | realised | returned | unmatched
    Column("outcome", String(12), nullable=False),
    Column("matched", String(64)),  # the deposit_id or instrument group_id it matched
    UniqueConstraint("fingerprint", name="uq_bank_lines_fingerprint"),
)

# lines nobody could match, for a person on the HQ page
bank_review = Table(
    "bank_review",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("line_id", BigInteger, nullable=False, unique=True),
    Column("reason", String(200), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolved_by", String(32)),
    Column("note", String(300)),
)
