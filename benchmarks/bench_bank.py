"""Bank statement import timings, one JSON object: a month of 44 counters' pay-in slips (each day
one slip of cash and `--cheques` cheques), ingested through the real ingest, then the bank's
statement of it (one cash credit per slip, one clearing credit per cheque, 1% of cheques returned
with every receipt dishonoured, a few unmatched lines) imported, then imported again (a duplicate).
Target: a month's statement (44 x 30 x 6 ~ 8,000 lines) imported in <= 30 s on SQLite, and the
duplicate refused in <= 1 s.

    .venv/bin/python benchmarks/bench_bank.py [--counters 44] [--days 30] [--cheques 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._common import emit  # noqa: E402


def main() -> int:
    from central_server import counters, db, master, migrate
    from central_server.bank.statement import load_mapping
    from central_server.bank.statement_import import import_statement
    from central_server.config import Settings
    from central_server.ingest import RecordIn, ingest_records
    from kesco_demo.consumers import generate_consumers
    from tests.support.bank_records import deposit_record
    from tests.support.bank_statement import Txn, write_sbi_statement
    from tests.support.receipts import ReceiptChain, wire

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--counters", type=int, default=44)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--cheques", type=int, default=5)
    p.add_argument("--database-url", default=None)
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kesco-bench-bank-"))
    url = args.database_url or f"sqlite:///{work / 'central.sqlite3'}"
    engine = db.make_engine(Settings(database_url=url))
    migrate.upgrade(engine)
    rows = list(generate_consumers(5000))
    accounts = [r[0] for r in rows if r[8] == "active"]
    with db.write_tx(engine) as conn:
        master.load_consumers(conn, rows)
    days = [date(2026, 10, 1) + timedelta(days=i) for i in range(args.days)]
    txns: list[Txn] = []
    returned = cheque_no = 0
    t = time.perf_counter()
    for n in range(args.counters):
        code = f"K{n + 1:02d}"
        with db.write_tx(engine) as conn:
            counters.enroll(conn, code, counters.add(conn, code, code))
        chain = ReceiptChain(code, accounts, seed=n)
        sent = []
        for d in days:
            cash = chain.take(20, business_date=d)
            cheques = chain.take(args.cheques, mode="cheque", business_date=d)
            total = sum(r.amount_paise for r in cash)
            slip = f"PIS-{code}-{d.strftime('%m%d')}"
            sent += [wire(r) for r in cash + cheques]
            sent.append(deposit_record(code, d.isoformat(), slip, {"500": total // 50_000, "1": total % 50_000 // 100},
                                       cheques))
            bank_day = d.strftime("%d %b %Y")
            txns.append(Txn(bank_day, f"BY CASH {slip}", slip, credit=total))
            for c in cheques:
                num = c.instrument["number"]
                txns.append(Txn(bank_day, f"CLG CHQ {num}", num, credit=c.amount_paise))
                cheque_no += 1
                if cheque_no % 100 == 0:  # 1% come back
                    txns.append(Txn(bank_day, f"CHQ RETURN {num}", num, debit=c.amount_paise))
                    returned += 1
        for start in range(0, len(sent), 2000):
            with db.write_tx(engine) as conn:
                ingest_records(conn, code, [RecordIn(**w) for w in sent[start:start + 2000]])
    setup_s = time.perf_counter() - t
    txns += [Txn(days[-1].strftime("%d %b %Y"), f"NEFT FROM REMITTER {i}", f"N{i:09d}", credit=1_000_00 + i)
             for i in range(10)]
    path = write_sbi_statement(work / "statement.csv", txns)
    mapping = load_mapping(ROOT / "docs" / "examples" / "bank-statement-sbi.toml")
    t = time.perf_counter()
    rep = import_statement(engine, path, mapping, loaded_by="bench")
    import_s = time.perf_counter() - t
    t = time.perf_counter()
    dup = import_statement(engine, path, mapping, loaded_by="bench")
    dup_s = time.perf_counter() - t
    assert rep.outcome == "applied" and dup.outcome == "duplicate", (rep, dup)
    emit({"bench": "bank", "database": "sqlite" if url.startswith("sqlite") else "postgresql",
          "counters": args.counters, "days": args.days, "lines": rep.lines_read, "setup_s": setup_s,
          "import_s": import_s, "lines_per_s": rep.lines_read / import_s, "duplicate_s": dup_s,
          "deposits_matched": rep.deposits_matched, "realised": rep.instruments_realised,
          "returned": rep.instruments_returned, "expected_returned": returned, "unmatched": rep.lines_unmatched,
          "target_import_s": 30.0, "target_duplicate_s": 1.0, "ok": import_s <= 30.0 and dup_s <= 1.0})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
