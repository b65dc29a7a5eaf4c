"""A cheque or DD that the bank returned becomes a dishonour at the server exactly as if its
supervisor had recorded it at the counter: one `dishonour` record per receipt of the
instrument's group, decided and posted by the ingest's own code (central_server.ingest.others):
each receipt reversed once, the consumer's balance and dishonoured_cheques updated, the
reversal posted to billing. The record's id is derived from the statement line and the receipt,
so the same line can never make a second one."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from central_server import db
from central_server import period as period_mod
from central_server.billing import postings as billing_postings
from central_server.ingest.batch import Batch, insert_stmt
from central_server.ingest.others import apply_postings, insert_other
from central_server.models import alarms, receipts
from kesco_protocol.records import Dishonour, RecordKind, canonical_json

_NS = uuid.UUID("6f1c2a0e-5a52-4d1f-9a43-0b3e1f16a016")
RECORDED_BY = "bank-import"


def dishonour_id(fingerprint: str, receipt_id: str) -> str:
    return str(uuid.uuid5(_NS, f"{fingerprint}:{receipt_id}"))


def dishonour_receipts(conn: Connection, receipt_ids: list[str], *, fingerprint: str, reason: str, day: str,
                       now: datetime) -> list[dict[str, Any]]:
    """Dishonour each receipt (grouped by its counter, as that counter's batch would); returns
    one {receipt_id, record_id, applied, parked_reason} per receipt."""
    rows = conn.execute(select(receipts.c.receipt_id, receipts.c.counter_code, receipts.c.receipt_no,
                               receipts.c.account_no, receipts.c.amount_paise)
                        .where(db.member_of(receipts.c.receipt_id, receipt_ids, conn))
                        .order_by(receipts.c.counter_code, receipts.c.seq)).all()
    by_counter: dict[str, list[Any]] = {}
    for r in rows:
        by_counter.setdefault(r.counter_code, []).append(r)
    windows = period_mod.windows(conn)
    closing = period_mod.current(conn).closing
    out = []
    for code in sorted(by_counter):
        db.lock_counter_row(conn, code)  # serialised with that counter's own batches
        b = Batch(code, now, closing, 0, [None] * len(by_counter[code]), windows=windows)
        for i, r in enumerate(by_counter[code]):
            d = Dishonour(dishonour_id=dishonour_id(fingerprint, r.receipt_id), counter_code=code,
                          receipt_id=r.receipt_id, receipt_no=r.receipt_no, account_no=r.account_no,
                          amount_paise=int(r.amount_paise), reason=reason[:200], recorded_by=RECORDED_BY,
                          recorded_at=now.isoformat())
            text = canonical_json(d.body())
            b.other.append((i, d.dishonour_id, RecordKind.DISHONOUR.value, {
                "record_id": d.dishonour_id, "counter_code": code, "kind": RecordKind.DISHONOUR.value,
                "target_receipt_id": r.receipt_id, "business_date": day, "amount_paise": int(r.amount_paise),
                "payload": text, "received_at": now, "received_during_closing": closing, "parked_reason": None,
                "applied": False, "detail": None}, text))
        insert_other(conn, b, [])
        apply_postings(conn, b)
        billing_postings.on_ingest(conn, b, [])
        if b.alarms:
            conn.execute(insert_stmt(conn, alarms).on_conflict_do_nothing(), b.alarms)
        out += [{"receipt_id": row["target_receipt_id"], "record_id": rid, "applied": row["applied"],
                 "parked_reason": row["parked_reason"]} for _, rid, _, row, _ in b.other]
    return out
