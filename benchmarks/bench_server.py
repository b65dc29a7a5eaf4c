"""Central server benchmark: prints one JSON object.

Starts its own PostgreSQL (tests/support/pg.py, durable settings: fsync and synchronous commit
on) and the real server (`central-server serve`, uvicorn, in its own process), loads 530,000
demo consumers, then measures:

- ingest_receipts_per_s: 44 counters push at once, each its own chained receipts in batches of
  500 over HTTP (request bodies serialised before the clock starts);
- bare_insert_receipts_per_s: the same rows by plain psycopg executemany, INSERT ... ON CONFLICT
  DO NOTHING, 500 a transaction, into a copy of the receipts table (same indexes), same database;
- ingest_vs_bare_ratio;
- snapshot_530k_s: one client streams the whole gzip snapshot, reading and discarding the bytes.

    .venv/bin/python benchmarks/bench_server.py [--consumers 530000] [--per-counter 2000] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import psycopg  # noqa: E402

from central_server import counters, db, master, migrate  # noqa: E402
from central_server.config import Settings  # noqa: E402
from kesco_demo.consumers import generate_consumers  # noqa: E402
from kesco_protocol.records import canonical_json  # noqa: E402
from tests.support.live_server import LiveServer, enroll  # noqa: E402
from tests.support.pg import PostgresServer  # noqa: E402
from tests.support.receipts import ReceiptChain, wires  # noqa: E402

TARGETS = {"ingest_receipts_per_s": 3000, "ingest_vs_bare_ratio": 0.25, "snapshot_530k_s": 10}


def _log(msg: str) -> None:
    print(f"[bench_server] {msg}", file=sys.stderr, flush=True)


def _bare_rows(chains: dict[str, list]) -> list[tuple]:
    now = datetime.now(UTC)
    out = []
    for rs in chains.values():
        for r in rs:
            out.append((r.receipt_id, r.counter_code, r.seq, r.receipt_no, r.account_no, r.amount_paise, r.mode,
                        r.business_date, r.issued_at, r.shift_id, r.prev_hash, r.hash, True,
                        canonical_json(r.wire()), now, False, None, True, None))
    return out


def bench_bare(pg: PostgresServer, dbname: str, rows: list[tuple], batch: int) -> float:
    with psycopg.connect(pg.dsn(dbname)) as conn:
        conn.execute("CREATE TABLE bare_receipts (LIKE receipts INCLUDING ALL)")
        conn.commit()
        cols = ("receipt_id, counter_code, seq, receipt_no, account_no, amount_paise, mode, business_date, "
                "issued_at, shift_id, prev_hash, hash, hash_ok, payload, received_at, received_during_closing, "
                "parked_reason, posted, reversed_by")
        sql = f"INSERT INTO bare_receipts ({cols}) VALUES ({', '.join(['%s'] * 19)}) ON CONFLICT DO NOTHING"
        start = time.perf_counter()
        with conn.cursor() as cur:
            for i in range(0, len(rows), batch):
                cur.executemany(sql, rows[i:i + batch])
                conn.commit()
        elapsed = time.perf_counter() - start
        n = conn.execute("SELECT count(*) FROM bare_receipts").fetchone()[0]
        assert n == len(rows), (n, len(rows))
    return len(rows) / elapsed


def bench_ingest(api: str, tokens: dict[str, str], bodies: dict[str, list[bytes]], batch_size: int) -> float:
    errors: list[BaseException] = []
    go = threading.Barrier(len(tokens) + 1)

    def counter(code: str) -> None:
        headers = {"Authorization": f"Bearer {tokens[code]}", "Content-Type": "application/json"}
        with httpx.Client(timeout=300, headers=headers) as http:
            go.wait()
            try:
                for body in bodies[code]:
                    r = http.post(f"{api}/counters/{code}/records", content=body)
                    r.raise_for_status()
                    if b'"accepted"' not in r.content:
                        raise AssertionError(r.text[:300])
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

    threads = [threading.Thread(target=counter, args=(c,)) for c in tokens]
    for t in threads:
        t.start()
    go.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    total = sum(len(b) for b in bodies.values()) * batch_size
    return total / elapsed


def bench_snapshot(api: str, token: str) -> tuple[float, int, int]:
    start = time.perf_counter()
    size = 0
    with httpx.Client(timeout=300) as http, http.stream(
        "GET", f"{api}/consumers/snapshot",
        headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"},
    ) as r:
        r.raise_for_status()
        for chunk in r.iter_raw(1 << 16):
            size += len(chunk)
    elapsed = time.perf_counter() - start
    # check once, outside the clock, that it was the whole snapshot
    with httpx.Client(timeout=300) as http:
        r = http.get(f"{api}/consumers/snapshot", headers={"Authorization": f"Bearer {token}"})
        last = json.loads(r.content.rstrip().rsplit(b"\n", 1)[-1])
    return elapsed, size, int(last["count"])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--consumers", type=int, default=530_000)
    p.add_argument("--counters", type=int, default=44)
    p.add_argument("--per-counter", type=int, default=2000, help="receipts each counter sends")
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    args = p.parse_args()
    assert args.per_counter % args.batch == 0, "--per-counter must be a multiple of --batch"

    with PostgresServer(fast=False, settings={"shared_buffers": "256MB"}) as pg:
        url = pg.create_database("bench")
        engine = db.make_engine(Settings(database_url=url))
        migrate.upgrade(engine)
        t = time.perf_counter()
        rows = generate_consumers(args.consumers)
        with db.write_tx(engine) as conn:
            master.load_consumers(conn, rows)
        load_s = time.perf_counter() - t
        with psycopg.connect(pg.dsn("bench"), autocommit=True) as c:
            c.execute("VACUUM ANALYZE consumers")
        _log(f"loaded {args.consumers} consumers in {load_s:.1f} s")

        active = [r[0] for r in generate_consumers(args.consumers) if r[8] == "active"]
        codes = [f"K{i:02d}" for i in range(1, args.counters + 1)]
        with db.write_tx(engine) as conn:
            enrollment = {c: counters.add(conn, c, f"Counter {c}") for c in codes}
        engine.dispose()
        chains = {c: ReceiptChain(c, active, seed=7).take(args.per_counter) for c in codes}
        bodies = {
            c: [json.dumps({"records": wires(rs[i:i + args.batch])}, separators=(",", ":")).encode()
                for i in range(0, len(rs), args.batch)]
            for c, rs in chains.items()
        }
        n = args.counters * args.per_counter
        _log(f"prepared {n} chained receipts")

        with LiveServer(url, subprocess=True, workers=args.workers) as srv:
            tokens = {c: enroll(srv.api, c, enrollment[c]) for c in codes}
            ingest = bench_ingest(srv.api, tokens, bodies, args.batch)
            _log(f"ingest: {ingest:.0f} receipts/s")
            with psycopg.connect(pg.dsn("bench")) as c:
                stored = c.execute("SELECT count(*) FROM receipts").fetchone()[0]
            assert stored == n, (stored, n)
            snap_s, snap_bytes, snap_count = bench_snapshot(srv.api, tokens[codes[0]])
            _log(f"snapshot: {snap_count} consumers, {snap_bytes / 1e6:.1f} MB gzip in {snap_s:.2f} s")
        bare = bench_bare(pg, "bench", _bare_rows(chains), args.batch)
        _log(f"bare executemany: {bare:.0f} rows/s")

    result = {
        "ingest_receipts_per_s": round(ingest, 1),
        "bare_insert_receipts_per_s": round(bare, 1),
        "ingest_vs_bare_ratio": round(ingest / bare, 3),
        "snapshot_530k_s": round(snap_s, 2),
        "snapshot_consumers": snap_count,
        "snapshot_gzip_bytes": snap_bytes,
        "receipts": n,
        "counters": args.counters,
        "batch": args.batch,
        "server_workers": args.workers,
        "consumers_load_s": round(load_s, 1),
        "postgres": "15, durable (fsync on, synchronous_commit on), unix socket",
    }
    result["targets_met"] = {
        "ingest_receipts_per_s": result["ingest_receipts_per_s"] >= TARGETS["ingest_receipts_per_s"],
        "ingest_vs_bare_ratio": result["ingest_vs_bare_ratio"] >= TARGETS["ingest_vs_bare_ratio"],
        "snapshot_530k_s": result["snapshot_530k_s"] <= TARGETS["snapshot_530k_s"],
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
