"""Exactly-once ingestion of a counter's records (receipts, voids, dishonours, shift and day
closes), set-based: one INSERT ... ON CONFLICT DO NOTHING RETURNING per table and one sorted
bulk UPDATE of the consumers touched, whatever the batch size.

Exactly once rests on the database: receipt_id and (counter_code, seq) are unique, record_id is
the key of `records`. A row that was not inserted is looked up and compared byte for byte with
what is stored: the same payload is a duplicate (a re-send), anything else is a conflict, kept as
an alarm and never written over. Money already collected is never refused: a receipt that cannot
be posted (unknown or disconnected account, odd amount, broken hash) is stored and parked.

`ingest_records(conn, counter_code, records)` is the entry point for any source (the HTTP
endpoint, the sealed-file import); it must run inside a write transaction (`db.write_tx`).
The other parts of the package: batch (the batch state, the insert), receipts (reading and
checks), others (voids, dishonours, closes, balance posting)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from central_server import chain_anchors, db
from central_server import period as period_mod
from central_server.bank import ledger as bank_ledger
from central_server.billing import postings as billing_postings
from central_server.consumer_side import outbox as notify_outbox
from central_server.ingest import signatures
from central_server.ingest.batch import (
    ACCEPTED,
    CONFLICT,
    DEFAULT_SANITY_LIMIT_PAISE,
    DUPLICATE,
    INVALID,
    PARKED,
    Batch,
    Invalid,
    RecordIn,
    Result,
    insert_returning_ids,
    insert_stmt,
)
from central_server.ingest.clock import flag_times
from central_server.ingest.others import answer_day_closes, apply_postings, insert_other
from central_server.ingest.receipts import raw, read
from central_server.models import alarms, consumers, counters, receipts
from central_server.validate import safe_text
from kesco_protocol.chain import GENESIS_HASH
from kesco_protocol.records import RecordKind

__all__ = ["ACCEPTED", "CONFLICT", "DUPLICATE", "INVALID", "PARKED", "RecordIn", "Result", "ingest_records"]

_CHAIN_PAGE = 2000


def ingest_records(conn: Connection, counter_code: str, items: Sequence[RecordIn], *,
                   sanity_limit_paise: int = DEFAULT_SANITY_LIMIT_PAISE,
                   period: period_mod.Period | None = None) -> list[Result]:
    """Store one batch of a counter's records; one result per record, in the same order.
    `period`: the period as this transaction already read it (else it is read here)."""
    db.lock_counter_row(conn, counter_code)
    per = period_mod.current(conn) if period is None else period
    b = Batch(counter_code, datetime.now(UTC), per.closing, sanity_limit_paise, [None] * len(items),
              windows=period_mod.windows(conn))
    seen: dict[str, str] = {}  # record_id -> payload text, for repeats inside one request
    for i, item in enumerate(items):
        try:
            kind, text = read(b, i, item)
        except Invalid as e:
            rid = safe_text(str(item.record_id))[:100]  # the answer and the alarm must encode
            b.results[i] = Result(rid, INVALID, {"reason": safe_text(str(e))})
            b.alarm("invalid", rid, {"reason": safe_text(str(e))}, payload=raw(item))
            continue
        if item.record_id in seen:
            same = seen[item.record_id] == text
            b.results[i] = Result(item.record_id, DUPLICATE if same else CONFLICT,
                                  None if same else {"reason": "record_id repeated with another payload"})
            if not same:
                b.alarm("conflict", item.record_id, {"reason": "repeated in one request"}, payload=text)
            if kind == RecordKind.RECEIPT:
                b.receipt_rows.pop()
            else:
                b.other.pop()
            continue
        seen[item.record_id] = text

    _park_receipts_by_account(conn, b)
    chain_anchors.check_batch(conn, b)
    new_receipts = _insert_receipts(conn, b)
    signatures.check(conn, b, new_receipts)
    flag_times(conn, b, new_receipts)
    insert_other(conn, b, new_receipts)
    _advance_chain(conn, b, new_receipts)
    answer_day_closes(conn, b)
    bank_ledger.on_ingest(conn, b, new_receipts)  # instruments and pay-in slips (issue 16)
    billing_postings.on_ingest(conn, b, new_receipts)  # what billing must book, in this same transaction
    notify_outbox.on_ingest(conn, b, new_receipts)  # the consumers' confirmations, in it too
    if b.alarms:
        conn.execute(insert_stmt(conn, alarms).on_conflict_do_nothing(), b.alarms)
    # Last: the balances lock the consumer rows until the commit, and another counter paying into
    # one of them waits that long (tests/server/test_ingest_lock_order.py). Nothing above reads them.
    apply_postings(conn, b)
    return [r for r in b.results if r is not None]


# --- receipts -------------------------------------------------------------------------------

def _park_receipts_by_account(conn: Connection, b: Batch) -> None:
    accounts = {row["account_no"] for row in b.receipt_rows if row["parked_reason"] is None}
    if not accounts:
        return
    found = dict(conn.execute(
        select(consumers.c.account_no, consumers.c.status).where(db.member_of(consumers.c.account_no, accounts, conn))
    ).all())
    for row in b.receipt_rows:
        if row["parked_reason"] is not None:
            continue
        status = found.get(row["account_no"])
        if status is None:
            row["parked_reason"] = "account: no such consumer account"
        elif status != "active":
            row["parked_reason"] = f"account: connection is {status}"
        else:
            row["posted"] = True


def _insert_receipts(conn: Connection, b: Batch) -> list[dict[str, Any]]:
    """Insert the batch's receipts; answer each one and queue postings. Returns the new rows."""
    rows = b.receipt_rows
    if not rows:
        return []
    inserted = insert_returning_ids(conn, receipts, "receipt_id", rows)
    new = [row for row in rows if row["receipt_id"] in inserted]
    old = [row for row in rows if row["receipt_id"] not in inserted]
    for row in new:
        if not row["hash_ok"]:  # raised for what was stored; a re-send of it is a conflict instead
            b.alarm("hash_mismatch", row["receipt_id"], {"seq": row["seq"], "reason": row["parked_reason"]},
                    payload=row["payload"], seq=row["seq"])
        if row["posted"]:
            b.post(row["account_no"], -row["amount_paise"],
                   payment=(row["business_date"], row["issued_at"], row["amount_paise"]))
            b.results[row["_i"]] = Result(row["receipt_id"], ACCEPTED)
        else:
            b.results[row["_i"]] = Result(row["receipt_id"], PARKED, {"reason": row["parked_reason"]})
    if old:
        _answer_existing_receipts(conn, b, old)
    return new


def _answer_existing_receipts(conn: Connection, b: Batch, old: list[dict[str, Any]]) -> None:
    by_id = {r.receipt_id: r for r in conn.execute(
        select(receipts.c.receipt_id, receipts.c.counter_code, receipts.c.seq, receipts.c.payload)
        .where(db.member_of(receipts.c.receipt_id, [row["receipt_id"] for row in old], conn))
    )}
    by_seq = {r.seq: r for r in conn.execute(
        select(receipts.c.receipt_id, receipts.c.seq)
        .where(receipts.c.counter_code == b.counter_code, db.member_of(receipts.c.seq, [row["seq"] for row in old], conn))
    )}
    for row in old:
        rid, i = row["receipt_id"], row["_i"]
        stored = by_id.get(rid)
        if stored is not None and stored.payload == row["payload"]:
            b.results[i] = Result(rid, DUPLICATE)
            continue
        if stored is not None:
            detail = {"reason": "receipt_id already recorded with another payload",
                      "recorded_counter": stored.counter_code, "recorded_seq": int(stored.seq)}
        else:
            other = by_seq.get(row["seq"])
            detail = {"reason": f"sequence {row['seq']} already recorded for another receipt",
                      "recorded_receipt_id": other.receipt_id if other else None}
        b.results[i] = Result(rid, CONFLICT, detail)
        b.alarm("conflict", rid, detail, payload=row["payload"], seq=row["seq"])



# --- chain ----------------------------------------------------------------------------------

def _advance_chain(conn: Connection, b: Batch, new_receipts: list[dict[str, Any]]) -> None:
    """Extend the verified, contiguous prefix of the counter's chain as far as it now goes.
    Receipts may arrive out of order: what lies beyond a gap is checked when the gap fills."""
    st = conn.execute(
        select(counters.c.high_water_seq, counters.c.max_seq, counters.c.chain_head_hash,
               counters.c.chain_broken_at).where(counters.c.code == b.counter_code)
    ).one()
    hw, head, broken = int(st.high_water_seq), st.chain_head_hash or GENESIS_HASH, st.chain_broken_at
    max_seq = max([int(st.max_seq)] + [r["seq"] for r in new_receipts])
    mem = {r["seq"]: (r["receipt_id"], r["prev_hash"], r["hash"], r["hash_ok"]) for r in new_receipts}

    def link(seq: int, rid: str, prev: str, hsh: str, ok: bool) -> None:
        nonlocal hw, head, broken
        if prev != head or not ok:
            reason = "previous-hash link does not match" if prev != head else "content does not match its hash"
            b.alarm("chain_break", rid, {"seq": seq, "reason": reason, "expected_prev_hash": head}, seq=seq)
            broken = seq if broken is None else min(broken, seq)
        hw, head = seq, hsh

    while hw < max_seq:
        if hw + 1 in mem:
            link(hw + 1, *mem[hw + 1])
            continue
        page = conn.execute(
            select(receipts.c.seq, receipts.c.receipt_id, receipts.c.prev_hash, receipts.c.hash,
                   receipts.c.hash_ok)
            .where(receipts.c.counter_code == b.counter_code, receipts.c.seq > hw)
            .order_by(receipts.c.seq).limit(_CHAIN_PAGE)
        ).all()
        before = hw
        for seq, rid, prev, hsh, ok in page:
            if seq != hw + 1:
                break
            link(int(seq), rid, prev, hsh, bool(ok))
        if hw == before:
            break
    n = len(new_receipts)
    total = sum(r["amount_paise"] for r in new_receipts)
    conn.execute(update(counters).where(counters.c.code == b.counter_code).values(
        high_water_seq=hw, max_seq=max_seq, chain_head_hash=head, chain_broken_at=broken,
        receipt_count=counters.c.receipt_count + n, total_paise=counters.c.total_paise + total,
        last_seen_at=b.now,
    ))
