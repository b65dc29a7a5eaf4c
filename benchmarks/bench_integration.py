"""Billing-system integration timings, one JSON object: a full master of 5.3 lakh connections in the
utility's shape (PostgreSQL and SQLite), a bills delta of 1 lakh, an export and an ack of 1 lakh
postings, and the peak RSS of the import (each import runs in a child process of its own, so the
figure is the importer's alone). Targets: import <= 20 s, bills delta <= 5 s, export <= 5 s,
import RSS <= 300 MB.

    .venv/bin/python benchmarks/bench_integration.py [--consumers 530000] [--postings 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._common import CACHE, emit  # noqa: E402


def _engine(url: str):  # type: ignore[no-untyped-def]
    from central_server import db, migrate
    from central_server.config import Settings

    engine = db.make_engine(Settings(database_url=url))
    migrate.upgrade(engine)
    return engine


def child_import(url: str, path: str, kind: str) -> None:
    """Runs in its own process: one load, its time and this process's peak RSS."""
    from central_server.billing.mapping import load_mapping
    from central_server.billing.master_import import import_master

    engine = _engine(url)
    mapping = load_mapping(ROOT / "docs" / "examples" / "billing-mapping.toml")
    t = time.perf_counter()
    rep = import_master(engine, path, mapping, kind=kind, loaded_by="bench", force=True)
    elapsed = time.perf_counter() - t
    use = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"s": elapsed, "rss_mb": use.ru_maxrss / 1024, "cpu_s": use.ru_utime + use.ru_stime,
                      "outcome": rep.outcome, "rows": rep.rows_read, "rejected": rep.rows_rejected}))


def _run_import(url: str, path: Path, kind: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", url, str(path), kind], capture_output=True, text=True,
                         check=False, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert res["outcome"] == "applied" and res["rejected"] == 0, res
    return res


def _full_file(n: int) -> Path:
    from kesco_demo.billing_export import write_full

    path = CACHE / f"billing-full-{n}.csv"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        write_full(tmp, n)
        tmp.rename(path)
    return path


def _bills_file(accounts: list[str], work: Path) -> Path:
    from kesco_demo.billing_export import write_bills

    path = work / "bills.csv"
    write_bills(path, accounts, date(2026, 12, 20))
    return path


def _postings(engine, n: int) -> None:  # type: ignore[no-untyped-def]
    """n pending postings as the ingest makes them (bulk-inserted: the export is what is timed)."""
    from sqlalchemy import insert

    from central_server import db
    from central_server.models import billing_postings

    now = datetime.now(UTC)
    rows = [{"source": "receipt", "source_id": f"r{i:09d}", "kind": "payment", "receipt_id": f"r{i:09d}",
             "receipt_no": f"K{i % 44:02d}-20261127-{i:06d}", "counter_code": f"K{i % 44:02d}",
             "account_no": f"{2110000000 + i:010d}", "amount_paise": 100_00 + i % 5000, "value_date": "2026-11-27",
             "mode": "cash", "instrument": None, "collected_during_closing": i % 7 == 0,
             "reverses_posting_id": None, "created_at": now, "batch_id": None, "state": "pending",
             "answer_reason": None, "answered_at": None} for i in range(n)]
    with db.write_tx(engine) as conn:
        for i in range(0, n, 20_000):
            conn.execute(insert(billing_postings), rows[i:i + 20_000])


def _export_and_ack(url: str, n: int, work: Path) -> dict[str, float]:
    from central_server import db
    from central_server.billing import acks, postings

    engine = _engine(url)
    _postings(engine, n)
    t = time.perf_counter()
    head = db.with_retry(engine, lambda conn: postings.cut_batch(conn, "bench"))
    assert head is not None and head["control_count"] == n
    with db.read_tx(engine) as conn:
        csv_path, _ = postings.write_batch_files(conn, head["batch_id"], work / "out")
    export_s = time.perf_counter() - t
    ack = work / "ack.csv"
    with csv_path.open(encoding="utf-8") as src, ack.open("w", encoding="utf-8") as dst:
        dst.write("batch_id,posting_id,result,reason\n")
        next(src)
        for i, line in enumerate(src):
            pid = line.split(",", 2)[1]
            dst.write(f"{head['batch_id']},{pid},rejected,unknown account\n" if i % 100 == 0
                      else f"{head['batch_id']},{pid},posted,\n")
    t = time.perf_counter()
    items, sha = acks.read_ack_file(ack)
    rep = db.with_retry(engine, lambda conn: acks.apply_acks(conn, items, f"file:{sha[:16]}"))
    ack_s = time.perf_counter() - t
    assert rep.posted + rep.rejected == n
    engine.dispose()
    return {"export_s": export_s, "ack_s": ack_s}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--child", nargs=3, default=None)
    p.add_argument("--consumers", type=int, default=530_000)
    p.add_argument("--bills", type=int, default=100_000)
    p.add_argument("--postings", type=int, default=100_000)
    args = p.parse_args()
    if args.child:
        child_import(*args.child)
        return 0
    from tests.support.pg import PostgresServer

    full = _full_file(args.consumers)
    out: dict[str, object] = {"consumers": args.consumers, "file_mb": round(full.stat().st_size / 1e6, 1),
                              "load_average_at_start": round(os.getloadavg()[0], 1), "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="bench-integration-") as tmp, PostgresServer() as pg:
        work = Path(tmp)
        url = pg.create_database("bench")
        res = _run_import(url, full, "full")
        out["import_530k_s"] = res["s"]
        out["import_peak_rss_mb"] = res["rss_mb"]
        out["import_530k_client_cpu_s"] = res["cpu_s"]  # the importer's own CPU (the box is shared)
        accounts = []
        with full.open(encoding="utf-8-sig") as f:
            next(f)
            for i, line in enumerate(f):
                if i >= args.bills:
                    break
                accounts.append(line.split(";", 1)[0])
        bills = _bills_file(accounts, work)
        out["bills_delta_100k_s"] = _run_import(url, bills, "bills")["s"]
        res = _export_and_ack(pg.create_database("bench_postings"), args.postings, work)
        out["postings_export_100k_s"], out["ack_100k_s"] = res["export_s"], res["ack_s"]
        lite = f"sqlite:///{work / 'central.sqlite3'}"
        res = _run_import(lite, full, "full")
        out["import_530k_sqlite_s"] = res["s"]
        out["import_530k_sqlite_cpu_s"] = res["cpu_s"]
        out["import_sqlite_peak_rss_mb"] = res["rss_mb"]
        out["bills_delta_100k_sqlite_s"] = _run_import(lite, bills, "bills")["s"]
        res = _export_and_ack(f"sqlite:///{work / 'postings.sqlite3'}", args.postings, work / "lite")
        out["postings_export_100k_sqlite_s"], out["ack_100k_sqlite_s"] = res["export_s"], res["ack_s"]
    out["load_average_at_end"] = round(os.getloadavg()[0], 1)
    out["targets"] = {"import_530k_s": 20, "bills_delta_100k_s": 5, "postings_export_100k_s": 5,
                      "import_peak_rss_mb": 300}
    emit(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
