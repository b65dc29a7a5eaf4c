"""What the ingest keeps for the way to the bank, in the same transaction as the records: an
`instruments` row for every new cheque or DD receipt (grouped by its instrument's group_id, or
its own receipt id when it pays one account), a `deposits` row for every new pay-in slip with
the receipts it carried (its cheques and DDs become deposited), and an instrument returned when
a counter's dishonour of it took effect. Called by central_server.ingest.records."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select, update

from central_server import db
from central_server.bank.tables import deposit_receipts, deposits, instruments
from central_server.ingest.batch import ACCEPTED, Batch, insert_stmt
from central_server.models import records
from kesco_protocol.records import Mode, RecordKind

_INSTRUMENT_MODES = (Mode.CHEQUE.value, Mode.DD.value)


def on_ingest(conn: Connection, b: Batch, new_receipts: list[dict[str, Any]]) -> None:
    _new_instruments(conn, b, new_receipts)
    _new_deposits(conn, b)
    _returned_by_counter(conn, b)


def instrument_row(receipt_id: str, counter_code: str, receipt_no: str, account_no: str, mode: str,
                   amount_paise: int, business_date: str, inst: dict[str, Any] | None, b: Batch) -> dict[str, Any]:
    inst = inst if isinstance(inst, dict) else {}
    return {"receipt_id": receipt_id, "group_id": str(inst.get("group_id") or receipt_id), "counter_code": counter_code,
            "receipt_no": receipt_no, "account_no": account_no, "mode": mode,
            "number": str(inst.get("number") or "")[:20], "bank": str(inst.get("bank") or "")[:80],
            "instrument_date": (str(inst["date"])[:10] if inst.get("date") else None),
            "amount_paise": amount_paise, "business_date": business_date, "state": "received", "deposit_id": None,
            "statement_line_id": None, "changed_at": b.now}


def _new_instruments(conn: Connection, b: Batch, new_receipts: list[dict[str, Any]]) -> None:
    rows = [instrument_row(r["receipt_id"], r["counter_code"], r["receipt_no"], r["account_no"], r["mode"],
                           r["amount_paise"], r["business_date"], r["_receipt"].instrument, b)
            for r in new_receipts if r["mode"] in _INSTRUMENT_MODES]
    if not rows:
        return
    # a slip that arrived before its receipts already names them
    slips = dict(conn.execute(select(deposit_receipts.c.receipt_id, deposit_receipts.c.deposit_id).where(
        db.member_of(deposit_receipts.c.receipt_id, [r["receipt_id"] for r in rows], conn))).all())
    own = _own_deposits(conn, b.counter_code, set(slips.values()))
    for r in rows:
        dep = slips.get(r["receipt_id"])
        if dep in own:
            r["state"], r["deposit_id"] = "deposited", dep
    conn.execute(insert_stmt(conn, instruments).on_conflict_do_nothing(), rows)


def _own_deposits(conn: Connection, code: str, ids: set[str]) -> set[str]:
    if not ids:
        return set()
    return set(conn.execute(select(deposits.c.deposit_id).where(
        db.member_of(deposits.c.deposit_id, list(ids), conn), deposits.c.counter_code == code)).scalars())


def _new_deposits(conn: Connection, b: Batch) -> None:
    fresh = [(rid, text) for i, rid, kind, _, text in b.other
             if kind == RecordKind.DEPOSIT and (res := b.results[i]) is not None and res.status == ACCEPTED]
    for rid, text in fresh:
        p = json.loads(text)
        cash = int(p["cash_paise"])
        conn.execute(insert_stmt(conn, deposits).on_conflict_do_nothing(), [{
            "deposit_id": rid, "counter_code": b.counter_code, "business_date": p["business_date"], "bank": p["bank"],
            "branch": p["branch"], "slip_no": p["slip_no"], "deposit_date": p["deposit_date"], "cash_paise": cash,
            "instruments_paise": int(p["amount_paise"]) - cash, "amount_paise": int(p["amount_paise"]),
            "recorded_at": p["recorded_at"], "received_at": b.now, "state": "recorded", "matched_line_id": None}])
        ids = [r for line in p["instruments"] for r in line["receipt_ids"]]
        if not ids:
            continue
        conn.execute(insert_stmt(conn, deposit_receipts).on_conflict_do_nothing(),
                     [{"deposit_id": rid, "receipt_id": r} for r in ids])
        # only this counter's own cheques, and only those not already further on their way
        conn.execute(update(instruments).where(
            db.member_of(instruments.c.receipt_id, ids, conn), instruments.c.counter_code == b.counter_code,
            instruments.c.state == "received").values(state="deposited", deposit_id=rid, changed_at=b.now))


def _returned_by_counter(conn: Connection, b: Batch) -> None:
    """A dishonour recorded at the counter returns its instrument (the statement import then
    finds it returned and does nothing more)."""
    ids = [rid for _, rid, kind, _, _ in b.other if kind == RecordKind.DISHONOUR]
    if not ids:
        return
    targets = list(conn.execute(select(records.c.target_receipt_id).where(
        db.member_of(records.c.record_id, ids, conn), records.c.applied.is_(True))).scalars())
    if targets:
        conn.execute(update(instruments).where(db.member_of(instruments.c.receipt_id, targets, conn),
                                               instruments.c.state != "returned")
                     .values(state="returned", changed_at=b.now))
