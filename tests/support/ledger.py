"""Ledger scaffolding for the mirror and recovery tests: a business day of every kind of record,
and the ledger's content as one comparable value (what a rebuild must reproduce exactly)."""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from counter_app.domain.receipt import Instrument
from counter_app.services.closes import CloseService
from counter_app.services.collection import Payment, Session
from kesco_protocol.records import Mode, Receipt
from tests.conftest import CLERK, SUPERVISOR

LEDGER_TABLES = {
    "users": "SELECT username, full_name, role, pin_hash, active, created_at FROM users ORDER BY username",
    "shifts": "SELECT shift_id, counter_code, clerk, business_date, opened_at, opening_float_paise, closed_at "
              "FROM shifts ORDER BY shift_id",
    "receipts": "SELECT seq, receipt_id, receipt_no, canonical, prev_hash, hash FROM receipts ORDER BY seq",
    "signatures": "SELECT receipt_id, key_id, signature FROM receipt_signatures ORDER BY receipt_id",
    "voids": "SELECT void_id, canonical FROM voids ORDER BY void_id",
    "dishonours": "SELECT dishonour_id, canonical FROM dishonours ORDER BY dishonour_id",
    "shift_closes": "SELECT shift_close_id, canonical FROM shift_closes ORDER BY shift_close_id",
    "day_closes": "SELECT day_close_id, canonical FROM day_closes ORDER BY day_close_id",
    "pickups": "SELECT pickup_id, shift_id, amount_paise, canonical FROM pickups ORDER BY pickup_id",
    "deposits": "SELECT deposit_id, slip_no, amount_paise, canonical FROM deposits ORDER BY deposit_id",
    "reversals": "SELECT reversal_id, receipt_id, business_date, approved_by, canonical FROM reversals ORDER BY reversal_id",
    "outbox": "SELECT outbox_id, record_id, kind, payload, created_at FROM outbox ORDER BY outbox_id",
}


def ledger_dump(db_file: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        return {name: [tuple(r) for r in con.execute(sql)] for name, sql in LEDGER_TABLES.items()}
    finally:
        con.close()


def clerk_session() -> Session:
    return Session(CLERK[0], "Test Clerk", "clerk")


def supervisor_session() -> Session:
    return Session(SUPERVISOR[0], "Test Supervisor", "supervisor")


def business_day(app: Any, clock: Any, accounts: list[str], n: int, *, rng: random.Random | None = None,
                 close: bool = True) -> list[Receipt]:
    """One day at the counter: open a shift, `n` receipts (some cheques, one voided, one cheque
    dishonoured), then the shift close and the day close (unless close=False)."""
    rng = rng or random.Random(n)
    svc = app.service
    clerk = svc.login(*CLERK)
    if svc.current_shift(clerk) is None:
        svc.open_shift(clerk, 500_00)
    out: list[Receipt] = []
    for i in range(n):
        acct = rng.choice(accounts)
        if i % 5 == 4:
            inst = Instrument(number=f"{rng.randrange(10**6):06d}", date=(clock.now.date() - timedelta(days=1)).isoformat(),
                              bank="State Bank of India", ifsc="SBIN0001234")
            out.append(svc.issue_receipt(clerk, Payment(acct, rng.randrange(100_00, 9000_00), Mode.CHEQUE, inst)))
        else:
            out.append(svc.issue_receipt(clerk, Payment(acct, rng.randrange(10_00, 9000_00))))
        clock.advance(minutes=2)
    if n >= 2:
        svc.void_receipt(clerk, out[1].receipt_no, "wrong account keyed", *SUPERVISOR)
    if n >= 5:
        svc.record_dishonour(supervisor_session(), out[4].receipt_id, "insufficient funds")
    if close:
        closing = CloseService(svc)
        ticked = [ln.receipt_id for ln in closing.instruments_to_tick(clerk)]
        closing.close_shift(clerk, {}, ticked, remark="drill: counted nothing", supervisor=SUPERVISOR[0],
                            supervisor_pin=SUPERVISOR[1])
        closing.close_day(supervisor_session(), clock.now.date().isoformat())
    return out
