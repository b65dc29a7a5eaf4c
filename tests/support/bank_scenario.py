"""Four counters' week of cash, cheques, pickups and pay-in slips, and the bank's statement of it,
written straight into a server database through the real ingest and the real statement import:
what the HQ bank pages' browser test and their screenshots show.

    build_bank_week(engine, accounts, tmp_path)  -> the statement's path
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from central_server import counters, db
from central_server.bank.statement import load_mapping
from central_server.bank.statement_import import import_statement
from central_server.ingest import RecordIn, ingest_records
from tests.support.bank_records import deposit_record, pickup_record
from tests.support.bank_statement import Txn, write_sbi_statement
from tests.support.receipts import ReceiptChain, wire

SBI = Path(__file__).resolve().parents[2] / "docs" / "examples" / "bank-statement-sbi.toml"
DAYS = [date(2026, 11, 24) + timedelta(days=i) for i in range(4)]  # 24 .. 27 Nov
COUNTERS = {"K01": "Kidwai Nagar", "K02": "Swaroop Nagar", "K03": "Kalyanpur", "K04": "Govind Nagar"}


def _bank_date(d: date) -> str:
    return d.strftime("%d %b %Y")


def _notes(paise: int) -> dict[str, int]:
    """Rs 500 notes and the rest in Rs 1 coins (the sums are what matter here)."""
    rupees = paise // 100
    return {k: v for k, v in {"500": rupees // 500, "1": rupees % 500}.items() if v}


def build_bank_week(engine: Engine, accounts: list[str], out: Path) -> Path:
    with db.write_tx(engine) as conn:
        for code, name in COUNTERS.items():
            counters.enroll(conn, code, counters.add(conn, code, f"{name} counter"))
    txns: list[Txn] = []
    for n, (code, _) in enumerate(COUNTERS.items()):
        chain = ReceiptChain(code, accounts, seed=n + 3)
        sent = []
        for d in DAYS:
            cash = chain.take(6 + n, business_date=d)
            cheques = chain.take(1, mode="cheque", business_date=d)
            sent += [wire(r) for r in cash + cheques]
            total = sum(r.amount_paise for r in cash)
            # the supervisor took about half the drawer to the safe at lunch
            sent.append(pickup_record(code, chain.shift_id, {"500": max(1, total // 100_000)}, business_date=d.isoformat()))
            # K03 has not deposited its last two days; K04 deposited Rs 1,000 short on the 25th
            if code == "K03" and d >= DAYS[2]:
                continue
            deposited = total - (1_000_00 if code == "K04" and d == DAYS[1] else 0)
            slip = f"PIS-{code[1:]}{d.day:02d}"
            sent.append(deposit_record(code, d.isoformat(), slip, _notes(deposited), cheques))
            txns.append(Txn(_bank_date(d), f"BY CASH {slip} KESCO {code}", slip, credit=deposited))
            if not (code == "K02" and d == DAYS[3]):  # one cheque still clearing
                cq = cheques[0]
                txns.append(Txn(_bank_date(d + timedelta(days=2)), f"CLG CHQ {cq.instrument['number']}",
                                cq.instrument["number"], credit=cq.amount_paise))
        if code == "K01":
            # a housing society pays five connections with one cheque; the bank returns it
            group = str(uuid.uuid4())
            inst = {"number": "445566", "date": DAYS[3].isoformat(), "bank": "Punjab National Bank", "group_id": group}
            society = [chain.next(account_no=a, mode="cheque", instrument=inst, amount_paise=p, business_date=DAYS[3])
                       for a, p in zip(accounts[10:15], (1_250_00, 2_340_00, 980_00, 3_115_00, 1_675_00), strict=True)]
            sent += [wire(r) for r in society]
            sent.append(deposit_record(code, DAYS[3].isoformat(), "PIS-0199", {}, society))
            amount = sum(r.amount_paise for r in society)
            txns.append(Txn(_bank_date(DAYS[3] + timedelta(days=2)), "CLG CHQ 445566 PNB", "445566", credit=amount))
            txns.append(Txn(_bank_date(DAYS[3] + timedelta(days=3)), "CHQ RETURN 445566 FUNDS INSUFFICIENT",
                            "445566", debit=amount))
        with db.write_tx(engine) as conn:
            results = ingest_records(conn, code, [RecordIn(**w) for w in sent])
        assert {r.status for r in results} == {"accepted"}, [r for r in results if r.status != "accepted"][:3]
    txns.append(Txn(_bank_date(DAYS[3]), "NEFT FROM RAMESH TRADERS", "N3330124578", credit=18_400_00))
    txns.append(Txn(_bank_date(DAYS[3]), "SERVICE CHARGES CASH HANDLING", "", debit=590_00))
    path = write_sbi_statement(out / "sbi-statement.csv", txns)
    rep = import_statement(engine, path, load_mapping(SBI), loaded_by="accounts1")
    assert rep.outcome == "applied" and rep.instruments_returned == 1 and rep.lines_unmatched == 2, rep
    return path
