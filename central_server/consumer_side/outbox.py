"""The notification outbox: rows written inside the ingest's transaction (`on_ingest`), exactly
once per (event, source) by a unique key, so a re-sent batch, a retried transaction or a second
server process adds nothing; and what the delivery worker (delivery.py) does with them: claim a
few under a lease, mark each sent, or failed with a retry time, or dead after the last attempt.

What is notified: a receipt accepted for an account with a mobile number in the master (a parked
receipt waits for review and is not confirmed), and a void, dishonour or reversal that took
effect on a receipt that was confirmed (the consumer holding that receipt learns it was
cancelled, which is what exposes a clerk who voided a receipt after handing it over)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, update

from central_server import db
from central_server.consumer_side.models import notify_outbox
from central_server.models import consumers, records

CANCEL_KINDS = ("void", "dishonour", "reversal")
MAX_ATTEMPTS = 8  # 10 s, 20 s, 40 s ... about 21 minutes of tries, then the dead-letter list
FIRST_BACKOFF_S = 10.0
MAX_BACKOFF_S = 3600.0
LEASE_S = 120.0  # far longer than one delivery may take (its timeout): a live worker never loses it


def idempotency_key(event: str, source_id: str) -> str:
    """The same for every attempt of one notification, and for nothing else: the gateway keeps the
    first message with it and drops any later copy."""
    return hashlib.sha256(f"kesco-notify:{event}:{source_id}".encode()).hexdigest()


def _row(event: str, source_id: str, r: dict[str, Any], mobile: str, now: datetime,
         value_date: str | None = None) -> dict[str, Any]:
    return {"event": event, "source_id": source_id, "idempotency_key": idempotency_key(event, source_id),
            "receipt_id": r["receipt_id"], "receipt_no": r["receipt_no"], "account_no": r["account_no"],
            "mobile": mobile, "amount_paise": int(r["amount_paise"]),
            "value_date": r["value_date"] if value_date is None else value_date,
            "counter_code": r["counter_code"], "created_at": now, "state": "pending", "attempts": 0,
            "next_attempt_at": now, "lease_owner": None, "lease_until": None, "last_error": None,
            "sent_at": None, "gateway_ref": None}


def on_ingest(conn: Connection, b: Any, new_receipts: Sequence[dict[str, Any]]) -> None:
    """Queue the batch's confirmations and cancellations; called inside the ingest transaction, so
    a receipt is stored with its notification or not at all."""
    from central_server.ingest.batch import insert_returning_ids

    now = b.now
    posted = [r for r in new_receipts if r.get("posted")]
    rows: list[dict[str, Any]] = []
    if posted:
        mobiles = dict(conn.execute(select(consumers.c.account_no, consumers.c.mobile).where(
            db.member_of(consumers.c.account_no, {r["account_no"] for r in posted}, conn),
            consumers.c.mobile.is_not(None))).all())
        for r in posted:
            if mobiles.get(r["account_no"]):
                rows.append(_row("receipt", r["receipt_id"], r, mobiles[r["account_no"]], now,
                                 value_date=r["business_date"]))
    reversal_ids = [rid for _, rid, kind, _, _ in b.other if kind in CANCEL_KINDS]
    new_ids = [r["receipt_id"] for r in new_receipts]
    if reversal_ids or new_ids:
        cond = []
        if reversal_ids:
            cond.append(db.member_of(records.c.record_id, reversal_ids, conn))
        if new_ids:  # a void that arrived before its receipt took effect now
            cond.append(db.member_of(records.c.target_receipt_id, new_ids, conn))
        applied = conn.execute(select(records.c.record_id, records.c.kind, records.c.target_receipt_id,
                                      records.c.business_date)
                               .where(or_(*cond), records.c.applied.is_(True), records.c.kind.in_(CANCEL_KINDS))
                               ).all()
        if applied:
            o = notify_outbox.c
            told = {r["receipt_id"]: dict(r) for r in conn.execute(select(notify_outbox).where(
                o.event == "receipt", db.member_of(o.receipt_id, [a.target_receipt_id for a in applied], conn)
            )).mappings()}
            # the receipt confirmed in this very batch is in `rows`, not yet in the table
            told.update({r["receipt_id"]: r for r in rows if r["event"] == "receipt"})
            order = {rid: i for i, rid in enumerate(reversal_ids)}  # the batch's own order first
            for a in sorted(applied, key=lambda a: (order.get(a.record_id, len(order)), a.record_id)):
                first = told.get(a.target_receipt_id)
                if first is not None:
                    rows.append(_row(a.kind, a.record_id, {**first, "value_date": a.business_date or
                                                           first["value_date"]}, first["mobile"], now))
    if rows:
        # ON CONFLICT DO NOTHING: the unique (event, source_id) keeps it to one per receipt; the
        # ingest's own set-based insert (one statement of constant shape on PostgreSQL)
        if db.is_sqlite(conn):  # the driver's executemany of tuples: a third of SQLAlchemy's cost per row
            cols = [c for c in notify_outbox.columns if c.name != "id"]
            # each value as SQLAlchemy stores it (datetimes in its text form), so reads and
            # comparisons see what an ORM-written row holds
            conv = [(c.name, c.type.bind_processor(conn.dialect)) for c in cols]
            params = [tuple(f(r[n]) if f is not None and r[n] is not None else r[n] for n, f in conv) for r in rows]
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.executemany(f"INSERT OR IGNORE INTO notify_outbox ({', '.join(c.name for c in cols)}) "  # noqa: S608
                            f"VALUES ({', '.join('?' * len(cols))})", params)
        else:
            insert_returning_ids(conn, notify_outbox, "id", rows)


# --- the worker's side ------------------------------------------------------------------------

def _due(now: datetime) -> Any:
    o = notify_outbox.c
    return and_(o.state == "pending", o.next_attempt_at <= now, or_(o.lease_until.is_(None), o.lease_until < now))


def claim(conn: Connection, owner: str, limit: int = 20, now: datetime | None = None,
          lease_s: float = LEASE_S) -> list[dict[str, Any]]:
    """Lease up to `limit` due notifications to `owner`: until the lease runs out no other worker
    takes them (PostgreSQL: SKIP LOCKED, so workers take different rows; SQLite serialises
    writers). A worker that died holding some leaves them to the next after the lease."""
    now = now or datetime.now(UTC)
    o = notify_outbox.c
    ids = select(o.id).where(_due(now)).order_by(o.next_attempt_at, o.id).limit(limit)
    if not db.is_sqlite(conn):
        ids = ids.with_for_update(skip_locked=True)
    got = conn.execute(update(notify_outbox).where(o.id.in_(ids.scalar_subquery()), _due(now))
                       .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_s))
                       .returning(*notify_outbox.c)).mappings().all()
    return sorted((dict(r) for r in got), key=lambda r: r["id"])


def _mine(item_id: int, owner: str) -> Any:
    o = notify_outbox.c
    return and_(o.id == item_id, o.lease_owner == owner, o.state == "pending")


def mark_sent(conn: Connection, item_id: int, owner: str, ref: str | None) -> bool:
    done = conn.execute(update(notify_outbox).where(_mine(item_id, owner)).values(
        state="sent", sent_at=datetime.now(UTC), gateway_ref=(ref or None) and ref[:100], lease_owner=None,
        lease_until=None, attempts=notify_outbox.c.attempts + 1, last_error=None))
    return bool(done.rowcount)


def backoff_s(attempts: int, rng: random.Random | None = None) -> float:
    """Exponential from FIRST_BACKOFF_S, capped, with up to a fifth of jitter (44 counters' worth of
    failures do not all come back in the same second)."""
    base = min(MAX_BACKOFF_S, FIRST_BACKOFF_S * 2 ** max(0, attempts - 1))
    return float(base * (1 + 0.2 * (rng or random).random()))


def mark_failed(conn: Connection, item_id: int, owner: str, error: str, *, permanent: bool = False,
                now: datetime | None = None) -> str:
    """Another try later, or the dead-letter list (after MAX_ATTEMPTS, or at once for an answer no
    retry can change). Returns the new state."""
    now = now or datetime.now(UTC)
    row = conn.execute(select(notify_outbox.c.attempts).where(_mine(item_id, owner))).first()
    if row is None:
        return "lost"  # the lease ran out and another worker has it
    attempts = int(row.attempts) + 1
    state = "dead" if permanent or attempts >= MAX_ATTEMPTS else "pending"
    conn.execute(update(notify_outbox).where(_mine(item_id, owner)).values(
        state=state, attempts=attempts, last_error=error[:300], lease_owner=None, lease_until=None,
        next_attempt_at=now + timedelta(seconds=backoff_s(attempts))))
    return state


def retry_dead(conn: Connection, item_id: int | None = None) -> int:
    """Queue dead notifications again (one, or all), with fresh attempts. The idempotency key is
    the same, so one that did reach the gateway is still not sent twice."""
    o = notify_outbox.c
    cond = [o.state == "dead"] + ([o.id == item_id] if item_id is not None else [])
    done = conn.execute(update(notify_outbox).where(*cond).values(
        state="pending", attempts=0, next_attempt_at=datetime.now(UTC), lease_owner=None, lease_until=None))
    return int(done.rowcount or 0)


def dead_letters(conn: Connection, limit: int = 200) -> list[dict[str, Any]]:
    o = notify_outbox.c
    rows = conn.execute(select(o.id, o.event, o.receipt_no, o.account_no, o.mobile, o.amount_paise, o.attempts,
                               o.last_error, o.created_at).where(o.state == "dead").order_by(o.id).limit(limit))
    return [dict(r) for r in rows.mappings()]


def counts(conn: Connection) -> dict[str, int]:
    o = notify_outbox.c
    got = {s: int(n) for s, n in conn.execute(select(o.state, func.count()).group_by(o.state))}
    return {s: got.get(s, 0) for s in ("pending", "sent", "dead")}
