"""Pickup, deposit and reversal records for tests (issue 16), in the wire form of
POST /counters/{code}/records, made with the protocol's own dataclasses:

    pickup_record("K07", shift_id, {"500": 10})                    # Rs 5,000 to the safe
    deposit_record("K07", "2026-11-27", "SLIP-1", {"500": 4}, [cheque_receipt])
    reversal_record(receipt)
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from kesco_protocol.records import Deposit, Pickup, Receipt, RecordKind, Reversal


def _paise(denominations: dict[str, int]) -> int:
    return sum(int(v) * 100 * n for v, n in denominations.items())


def pickup_record(code: str, shift_id: str, denominations: dict[str, int], *, business_date: str = "2026-11-27",
                  destination: str = "safe", amount_paise: int | None = None,
                  pickup_id: str | None = None) -> dict[str, Any]:
    p = Pickup(pickup_id=pickup_id or str(uuid.uuid4()), counter_code=code, shift_id=shift_id,
               business_date=business_date, clerk="clerk1", taken_by="super1", destination=destination,
               amount_paise=_paise(denominations) if amount_paise is None else amount_paise,
               denominations=denominations, taken_at=f"{business_date}T13:00:00+05:30")
    return {"kind": RecordKind.PICKUP.value, "record_id": p.pickup_id, "payload": p.body()}


def instrument_lines(receipts: Sequence[Receipt]) -> list[dict[str, Any]]:
    """One slip line per instrument: receipts sharing a group_id (or their own id) on one line."""
    groups: dict[str, list[Receipt]] = {}
    for r in receipts:
        groups.setdefault((r.instrument or {}).get("group_id") or r.receipt_id, []).append(r)
    return [{"receipt_ids": [r.receipt_id for r in rs], "mode": rs[0].mode, "number": rs[0].instrument["number"],
             "bank": rs[0].instrument.get("bank", ""), "amount_paise": sum(r.amount_paise for r in rs)}
            for rs in groups.values()]


def deposit_record(code: str, business_date: str, slip_no: str, denominations: dict[str, int],
                   cheques: Sequence[Receipt] = (), *, amount_paise: int | None = None,
                   deposit_id: str | None = None) -> dict[str, Any]:
    lines = instrument_lines(cheques)
    cash = _paise(denominations)
    d = Deposit(deposit_id=deposit_id or str(uuid.uuid4()), counter_code=code, business_date=business_date,
                bank="State Bank of India", branch="Kanpur Main", slip_no=slip_no, deposit_date=business_date,
                cash_paise=cash, denominations=denominations, instruments=lines,
                amount_paise=cash + sum(x["amount_paise"] for x in lines) if amount_paise is None else amount_paise,
                recorded_by="super1", recorded_at=f"{business_date}T18:00:00+05:30")
    return {"kind": RecordKind.DEPOSIT.value, "record_id": d.deposit_id, "payload": d.body()}


def reversal_record(r: Receipt, *, counter_code: str | None = None, business_date: str = "2026-11-28",
                    amount_paise: int | None = None, reversal_id: str | None = None) -> dict[str, Any]:
    v = Reversal(reversal_id=reversal_id or str(uuid.uuid4()), counter_code=counter_code or r.counter_code,
                 receipt_id=r.receipt_id, receipt_no=r.receipt_no, account_no=r.account_no,
                 amount_paise=r.amount_paise if amount_paise is None else amount_paise, mode=r.mode,
                 reason="wrong account, found after the day close", approved_by="super1",
                 business_date=business_date, recorded_at=f"{business_date}T11:00:00+05:30")
    return {"kind": RecordKind.REVERSAL.value, "record_id": v.reversal_id, "payload": v.body()}
