"""Voids, dishonours, shift and day closes, and the bulk posting of balance changes: what a
batch does besides storing receipts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, Connection, String, bindparam, case, func, select, update

from central_server import db
from central_server.ingest.batch import (
    ACCEPTED,
    CONFLICT,
    DUPLICATE,
    PARKED,
    Batch,
    Result,
    insert_returning_ids,
)
from central_server.models import consumers, receipts, records
from kesco_protocol.records import Mode, RecordKind

# --- voids, dishonours, shift and day closes -------------------------------------------------

# the kinds that reverse a receipt's posting, each once per receipt and only by its own counter
REVERSING = (RecordKind.VOID, RecordKind.DISHONOUR, RecordKind.REVERSAL)

def insert_other(conn: Connection, b: Batch, new_receipts: list[dict[str, Any]]) -> None:
    if b.other:
        existing = {r.record_id: r.payload for r in conn.execute(
            select(records.c.record_id, records.c.payload)
            .where(db.member_of(records.c.record_id, [rid for _, rid, _, _, _ in b.other], conn))
        )}
        fresh = []
        for i, rid, kind, row, text in b.other:
            if rid in existing:
                if existing[rid] == text:
                    b.results[i] = Result(rid, DUPLICATE)
                    if kind == RecordKind.DAY_CLOSE:
                        b.day_closes.append((i, row))
                else:
                    detail = {"reason": "record_id already recorded with another payload"}
                    b.results[i] = Result(rid, CONFLICT, detail)
                    b.alarm("conflict", rid, detail, payload=text)
                continue
            fresh.append((i, rid, kind, row))
        targets = _targets(conn, [row["target_receipt_id"] for _, _, _, row in fresh if row["target_receipt_id"]])
        for i, rid, kind, row in fresh:
            if kind in REVERSING:
                _decide_reversal(b, row, targets.get(row["target_receipt_id"]))
            if kind == RecordKind.DAY_CLOSE:
                b.day_closes.append((i, row))
            reason = row["parked_reason"]
            b.results[i] = Result(rid, PARKED if reason else ACCEPTED, {"reason": reason} if reason else None)
        if fresh:
            rows = [row for _, _, _, row in fresh]
            inserted = insert_returning_ids(conn, records, "record_id", rows)
            if len(inserted) < len(rows):
                # another request stored one of these ids after our look-up: start again, then
                # the look-up sees it (only a foreign counter reusing a record_id gets here)
                raise db.RetryTransaction("record_id stored concurrently")
            _mark_reversed(conn, [row for _, _, _, row in fresh if row["applied"]])
    _apply_waiting_reversals(conn, b, new_receipts)


def _targets(conn: Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    ids = list(set(ids))
    if not ids:
        return {}
    q = select(receipts.c.receipt_id, receipts.c.counter_code, receipts.c.account_no, receipts.c.amount_paise,
               receipts.c.mode, receipts.c.posted, receipts.c.reversed_by).where(db.member_of(receipts.c.receipt_id, ids, conn))
    return {r["receipt_id"]: dict(r) for r in conn.execute(q).mappings()}


def _decide_reversal(b: Batch, row: dict[str, Any], target: dict[str, Any] | None) -> None:
    """Void, dishonour or reversal: reverse the receipt's posting once, or park with the reason."""
    kind = row["kind"]
    if target is None:
        row["parked_reason"] = "receipt: not received yet (applied when it arrives)"
    elif target["counter_code"] != row["counter_code"]:
        # A counter reverses only its own receipts (a dishonour too: the supervisor records it at
        # the counter that took the cheque); another counter's would move money it never took.
        row["parked_reason"] = f"receipt: issued at another counter ({target['counter_code']})"
        b.alarm("foreign_reversal", row["record_id"], {
            "reason": row["parked_reason"], "kind": kind, "receipt_id": target["receipt_id"],
            "receipt_counter": target["counter_code"]}, payload=row["payload"], counter_code=row["counter_code"])
    elif target["amount_paise"] != row["amount_paise"]:
        row["parked_reason"] = "amount: differs from the receipt's amount"
    elif kind == RecordKind.DISHONOUR and not _is_instrument(target["mode"]):
        row["parked_reason"] = "receipt: not paid by cheque or DD"
    elif target["reversed_by"] is not None:
        row["parked_reason"] = f"receipt: already reversed by {target['reversed_by']}"
    else:
        row["parked_reason"] = None
        row["applied"] = True
        target["reversed_by"] = row["record_id"]  # a second void in the same batch is parked
        if target["posted"]:
            b.post(target["account_no"], target["amount_paise"],
                   dishonour=1 if kind == RecordKind.DISHONOUR else 0)


def _is_instrument(mode: str) -> bool:
    try:
        return Mode(mode).is_instrument
    except ValueError:
        return False


def _mark_reversed(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(
            update(receipts).where(receipts.c.receipt_id == bindparam("t"), receipts.c.reversed_by.is_(None))
            .values(reversed_by=bindparam("r")),
            [{"t": row["target_receipt_id"], "r": row["record_id"]} for row in rows],
        )


def _apply_waiting_reversals(conn: Connection, b: Batch, new_receipts: list[dict[str, Any]]) -> None:
    """A void or dishonour that arrived before its receipt takes effect now."""
    if not new_receipts:
        return
    waiting = conn.execute(
        select(records).where(
            db.member_of(records.c.target_receipt_id, [r["receipt_id"] for r in new_receipts], conn),
            records.c.applied.is_(False), records.c.parked_reason.like("receipt: not received%"),
        ).order_by(records.c.received_at, records.c.record_id)
    ).mappings().all()
    if not waiting:
        return
    targets = _targets(conn, [w["target_receipt_id"] for w in waiting])
    decided = []
    for w in waiting:
        row = dict(w)
        _decide_reversal(b, row, targets.get(row["target_receipt_id"]))
        decided.append(row)
    conn.execute(
        update(records).where(records.c.record_id == bindparam("rid"))
        .values(parked_reason=bindparam("reason"), applied=bindparam("ok")),
        [{"rid": r["record_id"], "reason": r["parked_reason"], "ok": r["applied"]} for r in decided],
    )
    _mark_reversed(conn, [r for r in decided if r["applied"]])

# --- balances -------------------------------------------------------------------------------

def apply_postings(conn: Connection, b: Batch) -> None:
    """One bulk UPDATE of the consumers touched, in account order (so that two counters posting
    to the same accounts lock them in the same order and never deadlock)."""
    if not b.postings:
        return
    version = db.new_master_version(conn)
    params = []
    for account, (delta, payment, dishonours) in sorted(b.postings.items()):
        params.append({
            "acct": account, "delta": delta, "pdate": payment[0] if payment else None,
            "ppaise": payment[2] if payment else None, "dis": dishonours, "ver": version,
        })
    if not db.is_sqlite(conn):
        # lock the rows in account order first: UPDATE ... FROM takes them in plan order
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur:
            cur.execute("SELECT 1 FROM consumers WHERE account_no = ANY(%b::varchar[]) ORDER BY account_no "
                        "FOR UPDATE", ([p["acct"] for p in params],))
            cur.execute(_PG_POSTING, {k: [p[k] for p in params] for k in ("acct", "delta", "pdate", "ppaise", "dis")}
                        | {"ver": version})
        return
    c = consumers.c
    pdate = bindparam("pdate", type_=String(10))
    newer = pdate.is_not(None) & (c.last_payment_date.is_(None) | (pdate >= c.last_payment_date))
    conn.execute(
        update(consumers).where(c.account_no == bindparam("acct")).values(
            balance_paise=c.balance_paise + bindparam("delta"),
            last_payment_date=case((newer, pdate), else_=c.last_payment_date),
            last_payment_paise=case((newer, bindparam("ppaise", type_=BigInteger)), else_=c.last_payment_paise),
            dishonoured_cheques=c.dishonoured_cheques + bindparam("dis"),
            version=bindparam("ver"),
        ),
        params,
    )


_PG_POSTING = """
UPDATE consumers AS c SET
  balance_paise = c.balance_paise + v.delta,
  last_payment_date = CASE WHEN v.pdate IS NOT NULL AND (c.last_payment_date IS NULL OR v.pdate >= c.last_payment_date)
                      THEN v.pdate ELSE c.last_payment_date END,
  last_payment_paise = CASE WHEN v.pdate IS NOT NULL AND (c.last_payment_date IS NULL OR v.pdate >= c.last_payment_date)
                       THEN v.ppaise ELSE c.last_payment_paise END,
  dishonoured_cheques = c.dishonoured_cheques + v.dis,
  version = %(ver)s
FROM unnest(%(acct)b::varchar[], %(delta)b::bigint[], %(pdate)b::varchar[], %(ppaise)b::bigint[],
            %(dis)b::integer[]) AS v(acct, delta, pdate, ppaise, dis)
WHERE c.account_no = v.acct
"""

# --- day close ------------------------------------------------------------------------------

def answer_day_closes(conn: Connection, b: Batch) -> None:
    """The server's own count and total for the counter-day, and the receipts it lacks."""
    for i, row in b.day_closes:
        payload = json.loads(row["payload"])
        day = row["business_date"]
        count, total = conn.execute(
            select(func.count(), func.coalesce(func.sum(receipts.c.amount_paise), 0))
            .where(receipts.c.counter_code == b.counter_code, receipts.c.business_date == day)
        ).one()
        have = set(conn.execute(
            select(receipts.c.receipt_id).where(receipts.c.counter_code == b.counter_code,
                                                receipts.c.business_date == day)
        ).scalars())
        missing = [rid for rid in payload["receipt_ids"] if rid not in have]
        detail = {
            "business_date": day, "server_count": int(count), "server_total_paise": int(total),
            "missing": missing,
            "matches": not missing and int(count) == payload["receipt_count"]
            and int(total) == payload["total_paise"],
        }
        result = b.results[i]
        if result is not None:
            result.detail = {**(result.detail or {}), **detail}
        conn.execute(update(records).where(records.c.record_id == row["record_id"])
                     .values(detail=json.dumps(detail)))
