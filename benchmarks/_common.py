"""Helpers shared by the benchmark scripts: percentiles and a cached big counter database."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

CACHE = Path(os.environ.get("BENCH_CACHE", Path(tempfile.gettempdir()) / "kesco-bench-cache"))


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def median(values: list[float]) -> float:
    return statistics.median(values)


def emit(obj: dict) -> None:
    print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in obj.items()}))


def big_counter_dir(consumers: int, receipts: int, *, workdir: Path, last_day: str | None = None,
                    last_day_receipts: int = 0) -> Path:
    """A counter data dir with `consumers` demo consumers and `receipts` chained receipts (with
    outbox and audit rows), built once and cached; a fresh copy in `workdir` is returned. With
    `last_day`, the last `last_day_receipts` receipts fall on that business date."""
    key = CACHE / f"counter-{consumers}-{receipts}" if not last_day else \
        CACHE / f"counter-{consumers}-{receipts}-{last_day}-{last_day_receipts}"
    if not (key / "counter.sqlite3").exists():
        build = key.with_name(key.name + ".building")
        shutil.rmtree(build, ignore_errors=True)
        _build(build, consumers, receipts, last_day, last_day_receipts)
        shutil.rmtree(key, ignore_errors=True)
        build.rename(key)
    dest = workdir / "counter"
    shutil.copytree(key, dest)
    no_part_payment_minimum(dest / "counter.sqlite3")
    return dest


def no_part_payment_minimum(db_file: Path) -> None:
    """The counter holds a policy without a least part payment, as from a server that sets none:
    the benchmarks pay small amounts on demo accounts with large dues, which the UP rule (applied
    by the service since issue 15) would refuse. The check itself still runs on every receipt.
    Set on each copy, so a cached counter built before this holds it too."""
    from kesco_protocol.part_payment import Minimum, Policy

    value = json.dumps({"policy": Policy(Minimum(0, 0)).to_wire(), "received_at": "2025-04-01T09:00:00+05:30"},
                       sort_keys=True)
    con = sqlite3.connect(db_file)
    with con:
        con.execute("INSERT INTO kv(key, value) VALUES ('part_payment_policy', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (value,))
    con.close()


def _build(data_dir: Path, consumers: int, receipts: int, last_day: str | None = None,
           last_day_receipts: int = 0) -> None:
    from datetime import datetime, timedelta

    from counter_app.app import open_application
    from counter_app.domain.chain import seal
    from counter_app.domain.receipt import new_id, receipt_number
    from counter_app.services.clock import IST, iso
    from kesco_demo.consumers import account_no_for_index
    from kesco_demo.load import load_demo_consumers
    from kesco_protocol.records import Receipt, canonical_json

    c = open_application(data_dir)
    c.service.initialise("K07")
    c.service.add_user("clerk1", "Bench Clerk", "clerk", "1111")
    c.service.add_user("super1", "Bench Supervisor", "supervisor", "9999")
    load_demo_consumers(c.store, consumers)
    shift_id = new_id()
    start = datetime(2025, 4, 1, 10, 0, tzinfo=IST)
    c.close()
    con = sqlite3.connect(data_dir / "counter.sqlite3")
    con.execute("PRAGMA synchronous=OFF")
    con.execute(
        "INSERT INTO shifts VALUES (?, 'K07', 'old.clerk', '2025-04-01', ?, 0, ?)",
        (shift_id, iso(start), iso(start + timedelta(hours=8))),
    )
    prev = "0" * 64
    rows_r, rows_o, rows_a = [], [], []
    day_start = None
    if last_day:
        day_start = datetime.fromisoformat(last_day).replace(hour=9, tzinfo=IST)
    per_second = 86_400 * 365 // max(1, receipts - last_day_receipts)  # spread the rest over a year
    for seq in range(1, receipts + 1):
        if day_start is not None and seq > receipts - last_day_receipts:
            at = day_start + timedelta(seconds=(seq - (receipts - last_day_receipts)) * 12)
        else:
            at = start + timedelta(seconds=seq * min(50, per_second))
        mode = ("cash", "cash", "cash", "upi", "cheque")[seq % 5]
        inst = ({"reference": f"UTR{seq:010d}"} if mode == "upi" else
                {"number": f"{seq % 900000 + 100000}", "date": at.date().isoformat(), "bank": "SBI",
                 "ifsc": "SBIN0001234"} if mode == "cheque" else None)
        r = Receipt(new_id(), "K07", seq, receipt_number("K07", at.date(), seq), account_no_for_index(seq % consumers),
                    "Bench Consumer", ("DOM", "DOM", "COM", "SMI", "PUB")[seq % 5], None, 100_00 + seq % 5000, mode,
                    inst, None, "old.clerk", shift_id, iso(at), at.date().isoformat(), False, None)
        r = seal(r, prev)
        prev = r.hash
        canon = r.canonical()
        rows_r.append((seq, r.receipt_id, r.receipt_no, "K07", r.account_no, r.amount_paise, mode, "old.clerk",
                       shift_id, r.business_date, r.issued_at, canon, r.prev_hash, r.hash))
        rows_o.append((r.receipt_id, "receipt", canonical_json(r.wire()), r.issued_at, "synced"))
        rows_a.append((r.issued_at, "old.clerk", "receipt", r.receipt_id, None))
        if len(rows_r) >= 50_000 or seq == receipts:
            con.executemany("INSERT INTO receipts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows_r)
            con.executemany("INSERT INTO outbox (record_id, kind, payload, created_at, state) VALUES (?,?,?,?,?)", rows_o)
            con.executemany("INSERT INTO audit (at, actor, action, subject, detail) VALUES (?,?,?,?,?)", rows_a)
            con.commit()
            rows_r, rows_o, rows_a = [], [], []
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


class Timer:
    def __enter__(self) -> Timer:
        self.t = time.perf_counter()
        return self

    def __exit__(self, *a: object) -> None:
        self.ms = (time.perf_counter() - self.t) * 1000
