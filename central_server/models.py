"""The server's tables (SQLAlchemy Core). Money in integer paise; ids are the counters' UUIDs.

Money records are append-only: a void or a dishonour is a row of `records` that points at the
receipt, which itself is never changed except for the `reversed_by` mark."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "pk": "pk_%(table_name)s",
    }
)

counters = Table(
    "counters",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # one-time enrollment code (hash), consumed by enrollment
    Column("enrollment_hash", String(64)),
    Column("enrollment_expires_at", DateTime(timezone=True)),
    Column("token_hash", String(64), unique=True),
    Column("enrolled_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    # what the server has of this counter's receipts
    Column("high_water_seq", BigInteger, nullable=False, server_default="0"),
    Column("max_seq", BigInteger, nullable=False, server_default="0"),
    Column("chain_head_hash", String(64), nullable=False, server_default="0" * 64),
    Column("chain_broken_at", BigInteger),
    Column("receipt_count", BigInteger, nullable=False, server_default="0"),
    Column("total_paise", BigInteger, nullable=False, server_default="0"),
    Column("last_seen_at", DateTime(timezone=True)),
    # the installation (one PC's copy of the counter) that enrolment bound; every request presents
    # its own in X-Kesco-Installation, and another one is a second PC using this counter's code
    Column("installation_id", String(80)),
    Column("installation_bound_at", DateTime(timezone=True)),
)

# every Ed25519 public key a counter registered at an enrolment (kesco_protocol.signing): a
# re-enrolment closes the old key (valid_to) but keeps it, so what it signed still verifies
counter_keys = Table(
    "counter_keys",
    metadata,
    Column("key_id", String(16), primary_key=True),
    Column("counter_code", String(16), ForeignKey("counters.code"), nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_to", DateTime(timezone=True)),
    # the lowest sequence number seen signed by this key: a counter signs every receipt from its
    # enrolment on, so an unsigned receipt above it was stripped of its signature
    Column("first_seq", BigInteger),
)
Index("ix_counter_keys_counter", counter_keys.c.counter_code)

receipts = Table(
    "receipts",
    metadata,
    Column("receipt_id", String(64), primary_key=True),
    Column("counter_code", String(16), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("receipt_no", String(40), nullable=False),
    Column("account_no", String(32), nullable=False),
    Column("amount_paise", BigInteger, nullable=False),
    # cash rounded to the rupee: the drawer took amount_paise + round_off_paise (PROTOCOL.md)
    Column("round_off_paise", BigInteger, nullable=False, server_default="0"),
    Column("mode", String(16), nullable=False),
    Column("business_date", String(10), nullable=False),
    Column("issued_at", String(40), nullable=False),
    Column("shift_id", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("hash_ok", Boolean, nullable=False),
    # the canonical wire form as received: compared byte for byte on a re-send
    Column("payload", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("received_during_closing", Boolean, nullable=False),
    # taken on a value date inside a closed period (central_server.period), however late it arrived:
    # what the bill run reads, where received_during_closing only says when it arrived
    Column("collected_during_closing", Boolean, nullable=False, server_default=false()),
    Column("parked_reason", String(200)),
    Column("posted", Boolean, nullable=False),
    Column("reversed_by", String(64)),
    UniqueConstraint("counter_code", "seq", name="uq_receipts_counter_seq"),
)
# the day's board sums a counter-day from this index alone on PostgreSQL (an index-only scan of
# 88,000 entries instead of reading the rows with their payloads)
Index("ix_receipts_counter_date", receipts.c.counter_code, receipts.c.business_date,
      postgresql_include=["amount_paise", "parked_reason"])
# the few receipts of a day that a void or dishonour reversed, without reading the others
Index("ix_receipts_reversed_day", receipts.c.counter_code, receipts.c.business_date,
      postgresql_where=receipts.c.reversed_by.is_not(None), sqlite_where=receipts.c.reversed_by.is_not(None))
Index("ix_receipts_account", receipts.c.account_no)

# voids, dishonours, shift closes, day closes
records = Table(
    "records",
    metadata,
    Column("record_id", String(64), primary_key=True),
    Column("counter_code", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("target_receipt_id", String(64)),
    Column("business_date", String(10)),
    Column("amount_paise", BigInteger),
    Column("payload", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("received_during_closing", Boolean, nullable=False),
    Column("parked_reason", String(200)),
    # a void/dishonour took effect on the receipt (and on the balance when it was posted)
    Column("applied", Boolean, nullable=False),
    Column("detail", Text),
)
Index("ix_records_target", records.c.target_receipt_id)
Index("ix_records_counter_kind_date", records.c.counter_code, records.c.kind, records.c.business_date)

alarms = Table(
    "alarms",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("counter_code", String(16), nullable=False),
    # conflict | chain_break | hash_mismatch | invalid | foreign_reversal | bad_signature | unsigned
    # | second_installation | clock
    Column("kind", String(24), nullable=False),
    Column("record_id", String(100), nullable=False),
    Column("seq", BigInteger),
    Column("payload_sha", String(64), nullable=False),
    Column("payload", Text),
    Column("detail", Text, nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
    UniqueConstraint("counter_code", "kind", "record_id", "payload_sha", name="uq_alarms_once"),
)

consumers = Table(
    "consumers",
    metadata,
    Column("account_no", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("relation_name", String(200), nullable=False),
    Column("address", String(400), nullable=False),
    Column("locality", String(120), nullable=False),
    Column("category", String(8), nullable=False),
    Column("meter_no", String(40), nullable=False),
    Column("mobile", String(16)),
    Column("status", String(16), nullable=False),
    Column("last_bill_no", String(40)),
    Column("last_bill_date", String(10)),
    Column("last_bill_due_date", String(10)),
    Column("last_bill_amount_paise", BigInteger, nullable=False),
    Column("arrears_paise", BigInteger, nullable=False),
    Column("balance_paise", BigInteger, nullable=False),
    Column("last_payment_date", String(10)),
    Column("last_payment_paise", BigInteger),
    Column("dishonoured_cheques", Integer, nullable=False),
    Column("version", BigInteger, nullable=False),
)
Index("ix_consumers_version", consumers.c.version, consumers.c.account_no)

period = Table(
    "period",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("state", String(8), nullable=False),  # open | closing
    Column("mode", String(8), nullable=False),  # collect | legacy
    Column("label", String(20)),
    Column("retry_after_s", Integer, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("id = 1", name="single_row"),
    CheckConstraint("state in ('open', 'closing')", name="state"),
    CheckConstraint("mode in ('collect', 'legacy')", name="mode"),
)

# every month-end closing, by value dates: start_date .. end_date (both included; end_date null while
# the period is still closing). Whether a receipt was collected during closing is decided against
# these rows by its business date (period.collected_during_closing), never by when it arrived.
closed_periods = Table(
    "closed_periods",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("label", String(20)),
    Column("start_date", String(10), nullable=False),
    Column("end_date", String(10)),
    Column("closed_at", DateTime(timezone=True), nullable=False),
    Column("opened_at", DateTime(timezone=True)),
)

# records sent by a PC that is not the counter's enrolled installation (a clone, or a restore onto
# another PC): kept here whole, never posted, until a person decides (`counters resolve-clone`)
suspense_records = Table(
    "suspense_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("counter_code", String(16), nullable=False),
    Column("installation_id", String(80), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("released_at", DateTime(timezone=True)),
    Column("outcome", String(200)),
    UniqueConstraint("counter_code", "installation_id", "record_id", name="uq_suspense_records_once"),
)

master_version = Table(
    "master_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("value", BigInteger, nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)

# --- headquarters: users of the HQ pages, their sessions, login attempts ------------------------

hq_users = Table(
    "hq_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(32), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),  # scrypt$n$r$p$salt$hash
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
)

# a session is a random token held in the browser's cookie; only its SHA-256 is stored, so a copy
# of the database lets nobody in. Logout and disabling the user end it at once.
hq_sessions = Table(
    "hq_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)

# every attempt, kept: the lockout counts recent failures per name and per client address, and
# the table is the record of who tried what when
hq_login_attempts = Table(
    "hq_login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("client", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("ok", Boolean, nullable=False),
)
Index("ix_hq_login_attempts_name_at", hq_login_attempts.c.name, hq_login_attempts.c.at)
Index("ix_hq_login_attempts_client_at", hq_login_attempts.c.client, hq_login_attempts.c.at)

# the key that signs HQ cookies: made once per database, so every server process shares it
hq_signing_key = Table(
    "hq_signing_key",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("secret", String(128), nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)

# --- billing-system integration (central_server/billing/): loads in, postings out, acks back ------

# every master or bills load attempted, applied or not: who, when, which file (SHA-256), what it did
billing_loads = Table(
    "billing_loads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(8), nullable=False),  # full | bills
    Column("outcome", String(16), nullable=False),  # applied | dry_run | duplicate | refused
    Column("file_name", String(400), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("file_bytes", BigInteger, nullable=False),
    Column("loaded_by", String(64), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("rows_new", Integer, nullable=False),
    Column("rows_changed", Integer, nullable=False),
    Column("rows_unchanged", Integer, nullable=False),
    Column("rows_closed", Integer, nullable=False),
    Column("bills_new", Integer, nullable=False),
    Column("message", Text),
)
Index("ix_billing_loads_sha", billing_loads.c.file_sha256, billing_loads.c.outcome)

# the bills the billing system made (history; consumers.last_bill_* holds the latest)
billing_bills = Table(
    "billing_bills",
    metadata,
    Column("account_no", String(32), primary_key=True),
    Column("bill_no", String(40), primary_key=True),
    Column("bill_date", String(10), nullable=False),
    Column("due_date", String(10)),
    Column("amount_paise", BigInteger, nullable=False),
    Column("arrears_paise", BigInteger, nullable=False),
    Column("amount_after_due_paise", BigInteger),
    # payments with a value date after this were not in the bill and stay on top of it
    Column("payments_upto", String(10), nullable=False),
    Column("load_id", Integer, nullable=False),
)

# one row per money movement the billing system must book: a receipt (payment), a void or
# dishonour (reversal naming its receipt's posting), a re-post or a transfer from the queue.
# Never edited except its delivery state (batch, answer); never deleted.
billing_postings = Table(
    "billing_postings",
    metadata,
    Column("posting_id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("source", String(16), nullable=False),  # receipt | void | dishonour | repost | transfer_out | transfer_in
    Column("source_id", String(64), nullable=False),
    Column("kind", String(8), nullable=False),  # payment | reversal
    Column("receipt_id", String(64), nullable=False),
    Column("receipt_no", String(40), nullable=False),
    Column("counter_code", String(16), nullable=False),
    Column("account_no", String(32), nullable=False),
    Column("amount_paise", BigInteger, nullable=False),  # signed: payment > 0, reversal < 0
    Column("value_date", String(10), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("instrument", Text),
    Column("collected_during_closing", Boolean, nullable=False),
    Column("reverses_posting_id", BigInteger),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("batch_id", BigInteger),
    # pending (not in a batch) | sent | posted | rejected | offset (server-side only, never sent)
    Column("state", String(8), nullable=False),
    Column("answer_reason", String(300)),
    Column("answered_at", DateTime(timezone=True)),
    UniqueConstraint("source", "source_id", name="uq_billing_postings_source"),
)
# Few and narrow indexes: cutting a batch of 1 lakh postings rewrites every index entry of those
# rows (5.6 s with a (state, posting_id) and a per-counter index as well, 2.0 s without)
_PENDING = billing_postings.c.state == "pending"
Index("ix_billing_postings_pending", billing_postings.c.posting_id, postgresql_where=_PENDING, sqlite_where=_PENDING)
# (no index on batch_id: a batch's postings lie between its first and last posting id, so the
# primary key finds them, and one index fewer is less to write at ingest and at each cut)
Index("ix_billing_postings_receipt", billing_postings.c.receipt_id)

billing_batches = Table(
    "billing_batches",
    metadata,
    Column("batch_id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("control_count", Integer, nullable=False),
    Column("control_total_paise", BigInteger, nullable=False),
    Column("first_posting_id", BigInteger, nullable=False),
    Column("last_posting_id", BigInteger, nullable=False),
)

# the billing system's answers as received (one per posting: a second, different one is refused)
billing_acks = Table(
    "billing_acks",
    metadata,
    Column("posting_id", BigInteger, primary_key=True),
    Column("batch_id", BigInteger, nullable=False),
    Column("result", String(8), nullable=False),  # posted | rejected
    Column("reason", String(300)),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("via", String(80), nullable=False),  # ack file SHA-256 or "feed:<client>"
)
Index("ix_billing_acks_received", billing_acks.c.received_at)

# rejected postings waiting for a person: re-post as it is, or transfer (two people)
billing_clarifications = Table(
    "billing_clarifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("posting_id", BigInteger, nullable=False, unique=True),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("state", String(12), nullable=False),  # open | proposed | reposted | transferred | reversed
    Column("to_account", String(32)),
    Column("proposed_by", String(32)),
    Column("proposed_at", DateTime(timezone=True)),
    Column("resolved_by", String(32)),
    Column("resolved_at", DateTime(timezone=True)),
    Column("new_posting_id", BigInteger),
    Column("note", String(300)),
)

billing_audit = Table(
    "billing_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("subject", String(80), nullable=False),
    Column("detail", Text, nullable=False),
)


def token_client_table(name: str) -> Table:
    """A table of systems that hold a bearer token of their own (central_server/token_clients.py):
    the token's SHA-256 only, and when it was issued and revoked."""
    return Table(
        name,
        metadata,
        Column("name", String(32), primary_key=True),
        Column("token_hash", String(64), nullable=False, unique=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("revoked_at", DateTime(timezone=True)),
    )


# billing systems that pull the feed: a token that can read batches and answer them, nothing else
billing_clients = token_client_table("billing_clients")
