"""Headquarters page benchmark: the day's board for 44 counters and a day of 88,000 receipts on
PostgreSQL, served by the real server in its own process and fetched over HTTP by a logged-in
user. `measure_hq_page()` is called by bench_eod.py; run alone it prints one JSON object.

The database (started here: tests/support/pg.py) also holds the day before (another 88,000
receipts), voids, two shift closes and a day close per counter, and a gap at two counters, so the
page does all its work. Loading goes through the server's set-based ingestion, 500 a batch.

    .venv/bin/python benchmarks/_hq.py [--counters 44] [--per-counter 2000] [--loads 30]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import psycopg  # noqa: E402

from benchmarks._common import emit, median, pct  # noqa: E402
from central_server import counters, db, master, migrate  # noqa: E402
from central_server.config import Settings  # noqa: E402
from central_server.hq import auth as hq_auth  # noqa: E402
from central_server.ingest import RecordIn, ingest_records  # noqa: E402
from kesco_demo.consumers import generate_consumers  # noqa: E402
from kesco_protocol.records import DayClose, RecordKind, ShiftClose  # noqa: E402
from tests.support.live_server import LiveServer  # noqa: E402
from tests.support.pg import PostgresServer  # noqa: E402
from tests.support.receipts import ReceiptChain, void_record, wire  # noqa: E402

DAY = date(2026, 11, 27)
TARGET_MS = 300
PASSWORD = "benchmark-hq-password"
GAP_AT = (3, 17)  # counters (by index) with one receipt of the day not received


def _log(msg: str) -> None:
    print(f"[bench_hq] {msg}", file=sys.stderr, flush=True)


def _closes(code: str, chain: ReceiptChain, today: list) -> list[dict]:
    """Two shift closes (one short, one excess) and the day close, as the counter sends them."""
    day = DAY.isoformat()
    out = []
    for n, variance in ((1, -50_00), (2, 10_00)):
        sc = ShiftClose(str(uuid.uuid4()), code, f"{chain.shift_id}-{n}", day, f"clerk{n}", 1000_00, {"N500": 2},
                        1000_00 + variance, 1000_00 + variance, 1000_00, variance, 0, 0, 0, [], [], {},
                        "counted twice", "super1", f"clerk{n}", f"{day}T{8 + 6 * n}:00:00+05:30")
        out.append({"kind": RecordKind.SHIFT_CLOSE.value, "record_id": sc.shift_close_id, "payload": sc.body()})
    total = sum(r.amount_paise for r in today)
    dc = DayClose(str(uuid.uuid4()), code, day, len(today), total, 0, 0, total, {}, {}, [], -40_00,
                  [r.receipt_id for r in today], "super1", f"{day}T20:30:00+05:30")
    out.append({"kind": RecordKind.DAY_CLOSE.value, "record_id": dc.day_close_id, "payload": dc.body()})
    return out


def load(url: str, n_counters: int, per_counter: int) -> None:
    engine = db.make_engine(Settings(database_url=url))
    try:
        migrate.upgrade(engine)
        rows = list(generate_consumers(20_000))
        accounts = [r[0] for r in rows if r[8] == "active"]
        with db.write_tx(engine) as conn:
            master.load_consumers(conn, rows)
            hq_auth.add_user(conn, "bench", PASSWORD)
            for i in range(n_counters):
                code = f"K{i + 1:02d}"
                counters.enroll(conn, code, counters.add(conn, code, f"Counter {i + 1}"))
        t = time.perf_counter()
        for i in range(n_counters):
            code = f"K{i + 1:02d}"
            chain = ReceiptChain(code, accounts, seed=i)
            before = chain.take(per_counter, business_date=DAY - timedelta(days=1))
            today = chain.take(per_counter)
            items = [wire(r) for r in before + today]
            if i in GAP_AT:  # two counters with a receipt still missing: a gap
                items = [w for w in items if w["payload"]["seq"] != 2 * per_counter - 5]
            items += [void_record(r) for r in today[::200]] + _closes(code, chain, today)
            for k in range(0, len(items), 500):
                with db.write_tx(engine) as conn:
                    ingest_records(conn, code, [RecordIn(**w) for w in items[k:k + 500]])
            if i % 11 == 10:
                _log(f"{i + 1} counters loaded ({time.perf_counter() - t:.0f} s)")
    finally:
        engine.dispose()


def _login(http: httpx.Client) -> None:
    form = http.get("/hq/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    r = http.post("/hq/login", data={"name": "bench", "password": PASSWORD, "csrf": csrf})
    r.raise_for_status()
    assert "Collection board" in r.text, r.text[:300]


def _time(http: httpx.Client, path: str, loads: int, check: str) -> list[float]:
    for _ in range(3):  # warm the server's and the database's caches
        http.get(path).raise_for_status()
    out = []
    for _ in range(loads):
        t = time.perf_counter()
        r = http.get(path)
        out.append((time.perf_counter() - t) * 1000)
        r.raise_for_status()
        assert check in r.text, r.text[:500]
    return out


def measure_hq_page(n_counters: int = 44, per_counter: int = 2000, loads: int = 30) -> dict:
    """{"hq_page_ms": median of `loads` board loads, "hq_page_ms_p95": ..., and the same for one
    counter's page (500 of its 2,000 receipts listed)}."""
    with PostgresServer() as pg:
        url = pg.create_database("hq_bench")
        t = time.perf_counter()
        load(url, n_counters, per_counter)
        load_s = time.perf_counter() - t
        with psycopg.connect(pg.dsn("hq_bench"), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")  # what autovacuum does on a server that has been running
        _log(f"loaded {n_counters} x {per_counter} receipts a day, two days, in {load_s:.0f} s")
        with LiveServer(url, subprocess=True) as srv, httpx.Client(base_url=srv.url, timeout=60,
                                                                  follow_redirects=True) as http:
            _login(http)
            total = n_counters * per_counter - sum(1 for i in GAP_AT if i < n_counters)
            board = _time(http, f"/hq/?date={DAY}", loads, f"<td class=\"num\">{total}</td>")
            page = _time(http, f"/hq/counters/K01?date={DAY}", loads, "Page 1 of 4")
    return {
        "hq_page_ms": round(median(board), 1), "hq_page_ms_p95": round(pct(board, 95), 1),
        "hq_counter_page_ms": round(median(page), 1), "hq_counter_page_ms_p95": round(pct(page, 95), 1),
        "hq_counters": n_counters, "hq_day_receipts": n_counters * per_counter,
        "hq_page_target_ms": TARGET_MS, "hq_page_ok": median(board) <= TARGET_MS,
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--counters", type=int, default=44)
    ap.add_argument("--per-counter", type=int, default=2000)
    ap.add_argument("--loads", type=int, default=30)
    a = ap.parse_args()
    emit(measure_hq_page(a.counters, a.per_counter, a.loads))
