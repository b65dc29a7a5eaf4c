"""A headquarters day for tests and screenshots: real chained receipts, voids, a dishonour, shift
and day closes, ingested through the server's own entry point; and what each counter's numbers
must be, computed here from the records sent (not from the server's tables).

    day = build_day(engine, accounts)      # K01 clean, K02 gap + differing day close,
    day.expected["K02"]["total_paise"]     # K03 broken chain + XSS name, K04 never synced
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, select

from central_server import counters, db
from central_server.ingest import RecordIn, ingest_records
from central_server.models import consumers
from counter_app.domain.chain import seal
from kesco_protocol.records import DayClose, Receipt, RecordKind, ShiftClose
from tests.support.receipts import DEFAULT_DAY, ReceiptChain, dishonour_record, void_record, wire

XSS_NAME = "<script>alert('hq')</script> Ram & Sons"
NAMES = {"K01": "Kidwai Nagar", "K02": "Govind Nagar", "K03": "Swaroop Nagar", "K04": "Kakadeo"}
EXTRA_NAMES = ("Shastri Nagar", "Kalyanpur", "Panki", "Armapur", "Naubasta", "Barra", "Civil Lines", "Harsh Nagar")


class NamedChain(ReceiptChain):
    """A ReceiptChain whose receipts carry the consumer's name from the master data, as a
    counter prints it (or `name=` for one receipt)."""

    def __init__(self, code: str, accounts: Sequence[str], names: dict[str, str], **kw: Any) -> None:
        super().__init__(code, accounts, **kw)
        self.names = names

    def next(self, *, name: str | None = None, **kw: Any) -> Receipt:  # type: ignore[override]
        r = super().next(**kw)
        named = seal(replace(r, consumer_name=name or self.names.get(r.account_no, r.consumer_name)), r.prev_hash)
        self.head = named.hash
        return named


@dataclass
class Day:
    day: str
    sent: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # what each counter sent
    receipts: dict[str, list[Receipt]] = field(default_factory=dict)  # stored receipts of `day`
    expected: dict[str, dict[str, Any]] = field(default_factory=dict)


def _shift_close(code: str, day: str, shift_id: str, cash: list[Receipt], voided_cash: int, variance: int,
                 remark: str, approved_by: str | None) -> dict[str, Any]:
    collected = sum(r.amount_paise for r in cash)
    expected = 1000_00 + collected - voided_cash
    sc = ShiftClose(
        shift_close_id=str(uuid.uuid4()), counter_code=code, shift_id=shift_id, business_date=day, clerk="clerk1",
        opening_float_paise=1000_00, counts={"N500": 1}, counted_cash_paise=expected + variance,
        blind_count_paise=expected + variance, expected_cash_paise=expected, variance_paise=variance,
        cash_receipts=len(cash), cash_collected_paise=collected, voided_cash_paise=voided_cash, instruments=[],
        instruments_missing=[], other_modes={}, remark=remark, approved_by=approved_by, closed_by="clerk1",
        closed_at=f"{day}T18:00:00+05:30")
    return {"kind": RecordKind.SHIFT_CLOSE.value, "record_id": sc.shift_close_id, "payload": sc.body()}


def _day_close(code: str, day: str, listed: list[Receipt], voided: list[Receipt], variance: int) -> dict[str, Any]:
    total = sum(r.amount_paise for r in listed)
    void_total = sum(r.amount_paise for r in voided)
    dc = DayClose(
        day_close_id=str(uuid.uuid4()), counter_code=code, business_date=day, receipt_count=len(listed),
        total_paise=total, void_count=len(voided), void_total_paise=void_total, net_total_paise=total - void_total,
        by_mode={}, by_category={}, shift_ids=[], variance_total_paise=variance,
        receipt_ids=[r.receipt_id for r in listed], closed_by="super1", closed_at=f"{day}T20:05:00+05:30")
    return {"kind": RecordKind.DAY_CLOSE.value, "record_id": dc.day_close_id, "payload": dc.body()}


def build_day(engine: Engine, accounts: list[str], *, business_date: date = DEFAULT_DAY, scale: int = 1,
              extra: int = 0) -> Day:
    """Four counters' day (`scale` multiplies the receipts), and `extra` more counters with a clean,
    closed day (K05...); returns what was sent and what each counter's numbers must be."""
    d = business_date.isoformat()
    out = Day(d)
    before = business_date - timedelta(days=1)
    extras = {f"K{5 + i:02d}": EXTRA_NAMES[i % len(EXTRA_NAMES)] for i in range(extra)}
    with db.write_tx(engine) as conn:
        for code, name in {**NAMES, **extras}.items():
            if code != "K04":  # K04 was registered but its PC never enrolled
                counters.enroll(conn, code, counters.add(conn, code, name))
            else:
                counters.add(conn, code, name)
        names = dict(conn.execute(select(consumers.c.account_no, consumers.c.name)
                                  .where(consumers.c.account_no.in_(accounts))).all())

    def chain(code: str, seed: int) -> NamedChain:
        return NamedChain(code, accounts, names, seed=seed)

    # K01: a clean day. Yesterday's receipts first (they must not count), then today's, two voids.
    k1 = chain("K01", 11)
    old = k1.take(5, business_date=before)
    k1_today = k1.take(30 * scale) + k1.take(3, mode="cheque") + k1.take(2, mode="upi")
    voided = [k1_today[4], k1_today[9]]
    cash = [r for r in k1_today if r.mode == "cash"]
    out.sent["K01"] = ([wire(r) for r in old + k1_today]
                       + [void_record(r, reason="wrong account typed") for r in voided]
                       + [_shift_close("K01", d, k1.shift_id, cash, sum(r.amount_paise for r in voided), -150_00,
                                       "one Rs 100 and one Rs 50 note short", "super1"),
                          _day_close("K01", d, k1_today, voided, -150_00)])
    out.receipts["K01"] = k1_today
    out.expected["K01"] = _expect(k1_today, voided=voided, variance=-150_00, shifts=1, close="matches")

    # K02: a dishonoured cheque, an unknown account (parked), receipt 10 not sent (a gap), and a
    # day close that lists it: the server must say it differs.
    k2 = chain("K02", 22)
    k2_all = k2.take(14 * scale) + [k2.next(mode="cheque")] + k2.take(4) + [k2.next(account_no="9999999999")]
    held = [r for r in k2_all if r.seq != 10]
    dishonoured = [r for r in held if r.mode == "cheque"]
    out.sent["K02"] = ([wire(r) for r in held] + [dishonour_record(r) for r in dishonoured]
                       + [_shift_close("K02", d, k2.shift_id, [r for r in k2_all if r.mode == "cash"], 0, 20_00,
                                       "Rs 20 excess, consumer left without change", None),
                          _day_close("K02", d, k2_all, [], 20_00)])
    out.receipts["K02"] = held
    out.expected["K02"] = _expect(held, dishonoured=dishonoured, variance=20_00, shifts=1, close="differs",
                                  parked=1, missing=1)

    # K03: a receipt altered after sealing (hash mismatch: parked, alarm, chain broken at 7), and a
    # consumer name that is HTML; no shift or day close yet.
    k3 = chain("K03", 33)
    k3_all = k3.take(4) + [k3.next(name=XSS_NAME)] + k3.take(10 * scale)
    k3_all[6] = replace(k3_all[6], amount_paise=k3_all[6].amount_paise + 100)  # tampered at seq 7
    out.sent["K03"] = [wire(r) for r in k3_all]
    out.receipts["K03"] = k3_all
    out.expected["K03"] = _expect(k3_all, variance=0, shifts=0, close=None, parked=1, alarms=2, broken_at=7)

    for i, code in enumerate(extras):
        c = chain(code, 100 + i)
        rs = c.take((20 + 7 * i % 13) * scale) + c.take(2, mode="cheque") + c.take(3, mode="upi")
        cash = [r for r in rs if r.mode == "cash"]
        out.sent[code] = [wire(r) for r in rs] + [_shift_close(code, d, c.shift_id, cash, 0, 0, "", None),
                                                   _day_close(code, d, rs, [], 0)]
        out.receipts[code] = rs
        out.expected[code] = _expect(rs, variance=0, shifts=1, close="matches")

    out.receipts["K04"] = []
    out.expected["K04"] = _expect([], variance=0, shifts=0, close=None)

    for code, items in out.sent.items():
        with db.write_tx(engine) as conn:
            ingest_records(conn, code, [RecordIn(**w) for w in items])
    return out


def _expect(rs: Sequence[Receipt], *, voided: Sequence[Receipt] = (), dishonoured: Sequence[Receipt] = (),
            variance: int, shifts: int, close: str | None, parked: int = 0, missing: int = 0, alarms: int = 0,
            broken_at: int | None = None) -> dict[str, Any]:
    total = sum(r.amount_paise for r in rs)
    v = sum(r.amount_paise for r in voided)
    x = sum(r.amount_paise for r in dishonoured)
    return {"receipts": len(rs), "total_paise": total, "voids": len(voided), "void_paise": v,
            "dishonoured": len(dishonoured), "dishonoured_paise": x, "net_paise": total - v - x,
            "variance_paise": variance, "shift_closes": shifts, "parked": parked, "missing": missing,
            "alarms": alarms, "chain_broken_at": broken_at, "close": close}


def test_build_day_sends_what_it_expects(engine, accounts):
    """The builder's own bookkeeping: each counter's expected gross is the sum of its sent receipts."""
    day = build_day(engine, accounts)
    for code, rs in day.receipts.items():
        sent = [w["payload"] for w in day.sent.get(code, []) if w["kind"] == "receipt"
                and w["payload"]["business_date"] == day.day]
        assert sum(p["amount_paise"] for p in sent) == day.expected[code]["total_paise"] == sum(r.amount_paise for r in rs)
