"""Postings for the billing system: every accepted receipt becomes a payment posting, every void or
dishonour that reversed a posted receipt a reversal posting naming the receipt's posting, in the
same transaction as the acceptance (`on_ingest`), exactly once (unique source). Batches cut the
pending postings in posting order (`cut_batch`), so a reversal is never in an earlier batch than
its receipt; the CLI's files and the HTTP feed read the same batches."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, text, update

from central_server import db
from central_server.models import billing_batches, billing_postings, records

MAX_BATCH = 100_000  # postings per batch: one file of ~15 MB, one feed page
REVERSAL_SOURCES = ("void", "dishonour", "reversal")
CSV_FIELDS = ("batch_id", "posting_id", "kind", "account_no", "amount_paise", "value_date", "receipt_no", "receipt_id",
              "counter_code", "mode", "instrument_no", "instrument_date", "instrument_bank", "instrument_ref",
              "collected_during_closing", "reverses_posting_id", "created_at")


# --- creation, inside the ingest transaction ---------------------------------------------------

def on_ingest(conn: Connection, b: Any, new_receipts: Sequence[dict[str, Any]]) -> None:
    """Payment postings for the batch's newly accepted receipts, then reversal postings for every
    void or dishonour that took effect in it (its own, or one that waited for its receipt)."""
    now = b.now
    payments = [_payment(row, now) for row in new_receipts if row.get("posted")]
    if payments:
        _insert(conn, payments)
    reversal_ids = [rid for _, rid, kind, _, _ in b.other if kind in REVERSAL_SOURCES]
    new_ids = [row["receipt_id"] for row in new_receipts]
    if not reversal_ids and not new_ids:
        return
    cond = []
    if reversal_ids:
        cond.append(db.member_of(records.c.record_id, reversal_ids, conn))
    if new_ids:
        cond.append(db.member_of(records.c.target_receipt_id, new_ids, conn))
    from sqlalchemy import or_

    applied = conn.execute(
        select(records.c.record_id, records.c.kind, records.c.target_receipt_id, records.c.business_date)
        .where(or_(*cond), records.c.applied.is_(True), records.c.kind.in_(REVERSAL_SOURCES))
        .order_by(records.c.received_at, records.c.record_id)).all()
    if not applied:
        return
    current = current_payments(conn, [a.target_receipt_id for a in applied])
    rows = []
    settled: list[tuple[int, str]] = []
    for a in applied:
        pay = current.get(a.target_receipt_id)
        if pay is None:  # the receipt was parked, never posted: nothing to reverse in billing
            continue
        # billing rejected the payment and booked nothing (the clerk typed an account it does not
        # know, and the receipt is now voided): the reversal stays with us, the queue item is settled
        unbooked = pay["state"] == "rejected"
        rows.append(reversal_of(pay, source=a.kind, source_id=a.record_id,
                                value_date=a.business_date or pay["value_date"], now=now,
                                state="offset" if unbooked else "pending"))
        if unbooked:
            settled.append((int(pay["posting_id"]), a.record_id))
    if rows:
        _insert(conn, rows)
        _follow_transfers(conn, rows)
    if settled:
        _settle(conn, settled, now)


def _settle(conn: Connection, settled: list[tuple[int, str]], now: datetime) -> None:
    from central_server.models import billing_audit, billing_clarifications

    q = billing_clarifications.c
    for posting_id, record_id in settled:
        done = conn.execute(update(billing_clarifications).where(
            q.posting_id == posting_id, q.state.in_(("open", "proposed"))).values(
            state="reversed", resolved_by="counter", resolved_at=now, note=f"reversed by {record_id}"[:300]))
        if done.rowcount:
            conn.execute(insert(billing_audit).values(
                at=now, actor="counter", action="settled_by_reversal", subject=f"posting {posting_id}",
                detail=json.dumps({"posting": posting_id, "record": record_id})))


def _insert(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """One statement of constant shape whatever the count (the ingest's own set-based insert; a
    posting already made for the same source is skipped)."""
    from central_server.ingest.batch import insert_returning_ids

    insert_returning_ids(conn, billing_postings, "posting_id", rows)


def _follow_transfers(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """The ingest reversed the balance of the receipt's own account; when the queue transferred the
    payment to another account, the reversal belongs there: move it over."""
    from central_server.models import consumers, receipts

    ids = [r["receipt_id"] for r in rows]
    own = dict(conn.execute(select(receipts.c.receipt_id, receipts.c.account_no)
                            .where(db.member_of(receipts.c.receipt_id, ids, conn))).all())
    moved = [r for r in rows if own.get(r["receipt_id"]) not in (None, r["account_no"])]
    if not moved:
        return
    version = db.new_master_version(conn)
    for r in moved:
        amount = -int(r["amount_paise"])  # the receipt's amount, which the ingest added back to `own`
        for acct, delta in sorted(((own[r["receipt_id"]], -amount), (r["account_no"], amount))):
            conn.execute(update(consumers).where(consumers.c.account_no == acct)
                         .values(balance_paise=consumers.c.balance_paise + delta, version=version))


def db_insert(conn: Connection) -> Any:
    from central_server.ingest.batch import insert_stmt

    return insert_stmt(conn, billing_postings)


def _payment(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    # the payload is canonical JSON (sorted keys, no spaces, quotes inside strings escaped), so
    # whether it has an instrument can be told without parsing 500 payloads a batch: only an instrument is read
    text_ = row["payload"]
    inst = json.loads(text_).get("instrument") if '"instrument":null' not in text_ else None
    return {
        "source": "receipt", "source_id": row["receipt_id"], "kind": "payment", "receipt_id": row["receipt_id"],
        "receipt_no": row["receipt_no"], "counter_code": row["counter_code"], "account_no": row["account_no"],
        "amount_paise": row["amount_paise"], "value_date": row["business_date"], "mode": row["mode"],
        "instrument": json.dumps(inst, sort_keys=True, ensure_ascii=False) if isinstance(inst, dict) else None,
        # taken during a month-end closing: decided at ingest by the receipt's value date against the
        # closed periods (central_server.period.collected_during_closing), not by when it arrived
        "collected_during_closing": bool(row["collected_during_closing"]),
        "reverses_posting_id": None, "created_at": now, "batch_id": None, "state": "pending",
        "answer_reason": None, "answered_at": None,
    }


def reversal_of(pay: dict[str, Any], *, source: str, source_id: str, value_date: str, now: datetime,
                state: str) -> dict[str, Any]:
    return {**{k: pay[k] for k in ("receipt_id", "receipt_no", "counter_code", "account_no", "mode", "instrument",
                                    "collected_during_closing")},
            "source": source, "source_id": source_id, "kind": "reversal", "amount_paise": -pay["amount_paise"],
            "value_date": value_date, "reverses_posting_id": pay["posting_id"], "created_at": now, "batch_id": None,
            "state": state, "answer_reason": None, "answered_at": None}


def current_payments(conn: Connection, receipt_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Each receipt's payment posting in force: the latest one (a re-post or a transfer replaces the
    rejected one before it)."""
    if not receipt_ids:
        return {}
    q = (select(billing_postings).where(db.member_of(billing_postings.c.receipt_id, list(set(receipt_ids)), conn),
                                        billing_postings.c.kind == "payment")
         .order_by(billing_postings.c.posting_id))
    return {r["receipt_id"]: dict(r) for r in conn.execute(q).mappings()}


# --- batches -------------------------------------------------------------------------------------

def has_pending(conn: Connection) -> bool:
    return conn.execute(select(billing_postings.c.posting_id).where(billing_postings.c.state == "pending")
                        .limit(1)).first() is not None


def cut_batch(conn: Connection, created_by: str, max_postings: int = MAX_BATCH) -> dict[str, Any] | None:
    """Put the pending postings (oldest first, at most max_postings) into a new batch; None when
    there is nothing pending. Batches are cut one at a time, so batch ids follow commit order."""
    if not db.is_sqlite(conn):
        conn.execute(text("SELECT pg_advisory_xact_lock(7240013)"))
    bound = conn.execute(
        select(billing_postings.c.posting_id).where(billing_postings.c.state == "pending")
        .order_by(billing_postings.c.posting_id).offset(max_postings - 1).limit(1)).scalar_one_or_none()
    if not has_pending(conn):
        return None
    now = datetime.now(UTC)
    batch_id = int(conn.execute(insert(billing_batches).values(
        created_at=now, created_by=created_by[:64], control_count=0, control_total_paise=0, first_posting_id=0,
        last_posting_id=0).returning(billing_batches.c.batch_id)).scalar_one())
    where = [billing_postings.c.state == "pending"]
    if bound is not None:
        where.append(billing_postings.c.posting_id <= bound)
    # the figures of what the update took (a posting committed meanwhile is in, and counted)
    taken = conn.execute(update(billing_postings).where(*where).values(batch_id=batch_id, state="sent")
                         .returning(billing_postings.c.posting_id, billing_postings.c.amount_paise)).all()
    ids = [int(r[0]) for r in taken]
    conn.execute(update(billing_batches).where(billing_batches.c.batch_id == batch_id).values(
        control_count=len(ids), control_total_paise=sum(int(r[1]) for r in taken), first_posting_id=min(ids),
        last_posting_id=max(ids)))
    return batch_header(conn, batch_id)


def batch_header(conn: Connection, batch_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(billing_batches).where(billing_batches.c.batch_id == batch_id)).mappings().first()
    if row is None:
        return None
    return {"batch_id": int(row["batch_id"]), "created_at": _iso(row["created_at"]),
            "control_count": int(row["control_count"]), "control_total_paise": int(row["control_total_paise"]),
            "first_posting_id": int(row["first_posting_id"]), "last_posting_id": int(row["last_posting_id"])}


def batches_after(conn: Connection, after: int, limit: int) -> list[dict[str, Any]]:
    ids = conn.execute(select(billing_batches.c.batch_id).where(billing_batches.c.batch_id > after)
                       .order_by(billing_batches.c.batch_id).limit(limit)).scalars().all()
    return [h for h in (batch_header(conn, int(i)) for i in ids) if h is not None]


_ROW_COLS = ("batch_id", "posting_id", "kind", "account_no", "amount_paise", "value_date", "receipt_no", "receipt_id",
             "counter_code", "mode", "instrument", "collected_during_closing", "reverses_posting_id", "created_at")


def batch_rows(conn: Connection, batch_id: int) -> Any:
    """The batch's postings in posting order as plain rows (_ROW_COLS), streamed."""
    head = conn.execute(select(billing_batches.c.first_posting_id, billing_batches.c.last_posting_id)
                        .where(billing_batches.c.batch_id == batch_id)).first()
    first, last = (int(head[0]), int(head[1])) if head else (0, -1)
    cols = [billing_postings.c[c] for c in _ROW_COLS]
    q = (select(*cols).where(billing_postings.c.posting_id.between(first, last), billing_postings.c.batch_id == batch_id)
         .order_by(billing_postings.c.posting_id))
    return conn.execution_options(stream_results=True, max_row_buffer=10_000).execute(q)


def batch_postings(conn: Connection, batch_id: int) -> list[dict[str, Any]]:
    """The batch's postings in posting order, as the billing system receives them."""
    return [dict(zip(CSV_FIELDS, _fields(r), strict=True)) for r in batch_rows(conn, batch_id)]


def _fields(r: Any) -> tuple[Any, ...]:
    """One posting in CSV_FIELDS order (the instrument's JSON opened into its four fields)."""
    (batch, pid, kind, acct, amount, vdate, rno, rid, counter, mode, inst, closing, rev, created) = r
    i = json.loads(inst) if inst else _NO_INSTRUMENT
    return (int(batch), int(pid), kind, acct, int(amount), vdate, rno, rid, counter, mode, i.get("number"),
            i.get("date"), i.get("bank"), i.get("reference"), bool(closing), None if rev is None else int(rev),
            _iso_cached(created))


def _iso_cached(v: Any, _cache: dict[Any, str] = {}) -> str:  # noqa: B006 - a deliberate memo
    # the postings of one ingest share their creation time: format it once, not per row
    got = _cache.get(v)
    if got is None:
        if len(_cache) > 10_000:
            _cache.clear()
        got = _cache[v] = _iso(v)
    return got


_NO_INSTRUMENT: dict[str, Any] = {}


def _iso(v: Any) -> str:
    if isinstance(v, datetime):
        return (v if v.tzinfo else v.replace(tzinfo=UTC)).isoformat()
    return str(v)


# --- files -------------------------------------------------------------------------------------

def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_batch_files(conn: Connection, batch_id: int, out: Path) -> tuple[Path, Path]:
    """CSV of the batch's postings, then the JSON manifest naming it with its SHA-256 and control
    figures: each written to a temporary name and renamed, manifest last (a reader that sees the
    manifest sees the whole CSV)."""
    header = batch_header(conn, batch_id)
    if header is None:
        raise LookupError(f"no batch {batch_id}")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_FIELDS)
    for r in batch_rows(conn, batch_id):
        f = _fields(r)
        w.writerow([("true" if v else "false") if isinstance(v, bool) else "" if v is None else v for v in f])
    data = buf.getvalue().encode("utf-8")
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / f"postings-{batch_id:08d}.csv"
    _atomic_write(csv_path, data)
    manifest = {**header, "file": csv_path.name, "sha256": hashlib.sha256(data).hexdigest(),
                "amounts": "integer paise, payments positive, reversals negative", "format": 1}
    man_path = out / f"postings-{batch_id:08d}.json"
    _atomic_write(man_path, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    return csv_path, man_path
