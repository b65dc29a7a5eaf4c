"""Tables of the consumer's side (migration 0009): the notification outbox, the field devices'
tokens and their audit, and the disconnection checks run from the HQ pages.

They hang on the same MetaData as central_server.models (as ops_models does), kept apart so the
schema of the money records stays in a file of its own."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from central_server.models import metadata, token_client_table

# one row per thing the consumer is told: a receipt taken, or that receipt cancelled (void,
# dishonour, reversal). Written in the ingest's own transaction, once per (event, source_id);
# never deleted. The idempotency key goes to the gateway with every attempt, so a gateway that
# received a message whose answer we lost drops the second copy.
notify_outbox = Table(
    "notify_outbox",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("event", String(12), nullable=False),  # receipt | void | dishonour | reversal
    Column("source_id", String(64), nullable=False),  # the receipt's id, or the cancelling record's
    # derived from (event, source_id), so unique with them: no index of its own to write at ingest
    Column("idempotency_key", String(64), nullable=False),
    Column("receipt_id", String(64), nullable=False),
    Column("receipt_no", String(40), nullable=False),
    Column("account_no", String(32), nullable=False),
    Column("mobile", String(16), nullable=False),
    Column("amount_paise", BigInteger, nullable=False),
    Column("value_date", String(10), nullable=False),
    Column("counter_code", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # pending (waiting or between retries) | sent | dead (retries used up; HQ may retry it)
    Column("state", String(8), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    # a worker's claim: nobody else sends it until the lease runs out
    Column("lease_owner", String(64)),
    Column("lease_until", DateTime(timezone=True)),
    Column("last_error", String(300)),
    Column("sent_at", DateTime(timezone=True)),
    Column("gateway_ref", String(100)),
    UniqueConstraint("event", "source_id", name="uq_notify_outbox_event_source"),
)
Index("ix_notify_outbox_due", notify_outbox.c.state, notify_outbox.c.next_attempt_at)

# handheld devices of the disconnection squads: a token good for the field API and nothing else
field_clients = token_client_table("field_clients")

# every call of the field API: who asked about which account, when, from where, and the answer
field_audit = Table(
    "field_audit",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("client", String(32), nullable=False),
    Column("account_no", String(32), nullable=False),
    Column("address", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),  # ok | not_found | rate_limited
)
Index("ix_field_audit_client_at", field_audit.c.client, field_audit.c.at)

# each disconnection list checked on the HQ pages: who, when, which file, the counts, and the
# result file (gzip CSV) to download
disconnection_checks = Table(
    "disconnection_checks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("checked_by", String(64), nullable=False),
    Column("checked_at", DateTime(timezone=True), nullable=False),
    Column("file_name", String(200), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("summary", Text, nullable=False),  # JSON: the counts
    Column("result_gz", LargeBinary, nullable=False),
)
