"""Real, hash-chained counter records for tests, made with the shared domain code (seal, Void,
Dishonour), and their wire form for POST /counters/{code}/records.

    chain = ReceiptChain("K07", accounts=["2110000002", ...])
    batch = [wire(r) for r in chain.take(500)]        # seq 1..500, each linked to the one before
    void = void_record(batch_receipts[3])
    close = day_close_record("K07", "2026-11-27", receipts_of_that_day)
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

from counter_app.domain.chain import seal
from counter_app.domain.receipt import receipt_number
from kesco_protocol.chain import GENESIS_HASH
from kesco_protocol.records import Dishonour, Receipt, RecordKind, Void

IST = timezone(timedelta(hours=5, minutes=30))
DEFAULT_DAY = date(2026, 11, 27)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class ReceiptChain:
    """Makes one counter's receipts the way the counter does: seq 1, 2, ... each sealed onto the
    previous hash. Deterministic for a given seed."""

    def __init__(self, counter_code: str, accounts: Sequence[str] = ("2110000002",), *, seed: int = 1,
                 business_date: date = DEFAULT_DAY, start_seq: int = 1, prev_hash: str = GENESIS_HASH) -> None:
        self.counter_code = counter_code
        self.accounts = list(accounts)
        self.rng = random.Random(f"{counter_code}:{seed}")
        self.business_date = business_date
        self.seq = start_seq - 1
        self.head = prev_hash
        self.shift_id = _uuid(self.rng)

    def next(self, *, account_no: str | None = None, amount_paise: int | None = None, mode: str = "cash",
             instrument: dict[str, Any] | None = None, business_date: date | None = None,
             closing: bool = False) -> Receipt:
        self.seq += 1
        day = business_date or self.business_date
        issued = datetime.combine(day, datetime.min.time(), IST) + timedelta(hours=10, seconds=self.seq * 7)
        amount = amount_paise if amount_paise is not None else self.rng.randrange(100_00, 5_000_00, 100)
        if mode in ("cheque", "dd") and instrument is None:
            instrument = {"number": f"{self.rng.randrange(10**6):06d}", "date": day.isoformat(),
                          "bank": "State Bank of India", "ifsc": "SBIN0001234"}
        r = Receipt(
            receipt_id=_uuid(self.rng), counter_code=self.counter_code, seq=self.seq,
            receipt_no=receipt_number(self.counter_code, day, self.seq),
            account_no=account_no or self.rng.choice(self.accounts), consumer_name="Test Consumer",
            category="DOM", bill_no=None, amount_paise=amount, mode=mode, instrument=instrument,
            tendered_paise=amount if mode == "cash" else None, clerk="clerk1", shift_id=self.shift_id,
            issued_at=issued.isoformat(), business_date=day.isoformat(), collected_in_closing=closing,
            balance_as_of=None,
        )
        sealed = seal(r, self.head)
        self.head = sealed.hash
        return sealed

    def take(self, n: int, **kw: Any) -> list[Receipt]:
        return [self.next(**kw) for _ in range(n)]


def wire(r: Receipt) -> dict[str, Any]:
    """One element of the request's "records" list."""
    return {"kind": RecordKind.RECEIPT.value, "record_id": r.receipt_id, "payload": r.wire()}


def wires(receipts: Iterable[Receipt]) -> list[dict[str, Any]]:
    return [wire(r) for r in receipts]


def tampered(r: Receipt, **changes: Any) -> Receipt:
    """The same receipt with fields changed after sealing (its hash no longer matches)."""
    return replace(r, **changes)


def void_record(r: Receipt, *, void_id: str | None = None, reason: str = "wrong account",
                amount_paise: int | None = None) -> dict[str, Any]:
    v = Void(void_id=void_id or str(uuid.uuid4()), counter_code=r.counter_code, receipt_id=r.receipt_id,
             receipt_no=r.receipt_no, amount_paise=r.amount_paise if amount_paise is None else amount_paise,
             mode=r.mode, reason=reason, clerk="clerk1", approved_by="super1", shift_id=r.shift_id,
             voided_at=r.issued_at)
    return {"kind": RecordKind.VOID.value, "record_id": v.void_id, "payload": v.body()}


def dishonour_record(r: Receipt, *, counter_code: str | None = None, reason: str = "insufficient funds",
                     dishonour_id: str | None = None) -> dict[str, Any]:
    d = Dishonour(dishonour_id=dishonour_id or str(uuid.uuid4()), counter_code=counter_code or r.counter_code,
                  receipt_id=r.receipt_id, receipt_no=r.receipt_no, account_no=r.account_no,
                  amount_paise=r.amount_paise, reason=reason, recorded_by="super1",
                  recorded_at=(datetime.fromisoformat(r.issued_at) + timedelta(days=3)).isoformat())
    return {"kind": RecordKind.DISHONOUR.value, "record_id": d.dishonour_id, "payload": d.body()}


def day_close_record(counter_code: str, business_date: date | str, receipts: Sequence[Receipt], *,
                     record_id: str | None = None) -> dict[str, Any]:
    """The minimal day_close payload of docs/PROTOCOL.md."""
    rid = record_id or str(uuid.uuid4())
    payload = {
        "kind": RecordKind.DAY_CLOSE.value, "counter_code": counter_code,
        "business_date": str(business_date), "receipt_count": len(receipts),
        "total_paise": sum(r.amount_paise for r in receipts), "receipt_ids": [r.receipt_id for r in receipts],
        "closed_by": "super1", "closed_at": f"{business_date}T20:00:00+05:30",
    }
    return {"kind": RecordKind.DAY_CLOSE.value, "record_id": rid, "payload": payload}
