"""Sync: push a 10,000-receipt backlog, download and apply the 5.3 lakh consumer snapshot (peak
memory, receipt latency while it loads), apply 5,000 changes. The reference server runs in its
own process on loopback (SQLite; BENCH_SYNC_DB=postgres for a throwaway PostgreSQL). Prints one
JSON object. Targets: drain_10k_s <= 5, snapshot_530k_s <= 10, snapshot_peak_rss_mb <= 400,
delta_5k_s <= 2, issue_ms_p99_during_snapshot <= 5 (issue 14: the consumer cache is a file of its
own, so the snapshot shares no lock with receipts; its rows are parsed and inserted by a loader
process, whose peak RSS counts in snapshot_peak_rss_mb). Beside the receipts, the same seconds
measure the receipt thread's own CPU and a bare 4 KB append + fdatasync every 20 ms in the same
folder: the disk's floor for a durable commit, which the receipt's p99 cannot beat. The daily
backup is in bench_ledger.py.

Sizes: BENCH_CONSUMERS (530,000), BENCH_BACKLOG (10,000), BENCH_DELTA (5,000)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import CACHE, big_counter_dir, emit, pct  # noqa: E402

CONSUMERS = int(os.environ.get("BENCH_CONSUMERS", 530_000))
BACKLOG = int(os.environ.get("BENCH_BACKLOG", 10_000))
DELTA = int(os.environ.get("BENCH_DELTA", 5_000))


def server_db(workdir: Path) -> str:
    """A server database with CONSUMERS demo consumers: built once (cached), copied per run."""
    from central_server import db, master
    from central_server.config import Settings
    from kesco_demo.consumers import generate_consumers

    cached = CACHE / f"central-{CONSUMERS}.sqlite3"
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        build = cached.with_suffix(".building")
        build.unlink(missing_ok=True)
        eng = db.make_engine(Settings(database_url=f"sqlite:///{build}"))
        from central_server import migrate

        migrate.upgrade(eng)
        with db.write_tx(eng) as conn:
            master.load_consumers(conn, generate_consumers(CONSUMERS))
        with eng.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        eng.dispose()
        build.rename(cached)
    dest = workdir / "central.sqlite3"
    shutil.copy(cached, dest)
    return f"sqlite:///{dest}"


def postgres_db(pg: object) -> str:
    from central_server import db, master, migrate
    from central_server.config import Settings
    from kesco_demo.consumers import generate_consumers

    url = pg.create_database("bench_sync")  # type: ignore[attr-defined]
    eng = db.make_engine(Settings(database_url=url))
    migrate.upgrade(eng)
    with db.write_tx(eng) as conn:
        master.load_consumers(conn, generate_consumers(CONSUMERS))
    eng.dispose()
    return str(url)


def enrolled(url: str, api: str, code: str) -> str:
    from tests.support.live_server import enroll, register_counter

    return enroll(api, code, register_counter(url, code))


def drain_backlog(workdir: Path, server_url: str, database_url: str) -> float:
    """A counter with BACKLOG receipts pending: seconds to push them all."""
    import sqlite3

    from counter_app.app import open_application
    from counter_app.sync.engine import SyncEngine
    from counter_app.sync.keyring_store import MemoryTokenStore
    from counter_app.sync.setup import make_client

    data_dir = big_counter_dir(1000, BACKLOG, workdir=workdir)
    con = sqlite3.connect(data_dir / "counter.sqlite3")
    con.execute("UPDATE outbox SET state = 'pending', synced_at = NULL")
    con.commit()
    con.close()
    token = enrolled(database_url, server_url + "/api/v1", "K07")
    tokens = MemoryTokenStore()
    tokens.set(server_url, "K07", token)
    c = open_application(data_dir)
    c.config.server_url = server_url
    engine = SyncEngine(c, make_client(c, tokens=tokens), pull=False)
    t = time.perf_counter()
    st = engine.drain(max_cycles=100)
    took = time.perf_counter() - t
    assert st.pending == 0 and st.last_error is None, st
    c.close()
    return took


def snapshot_child(workdir: Path, server_url: str, token: str, delta_token: str) -> None:
    """In its own process (so that its peak RSS is the snapshot's): download and apply the full
    snapshot while a clerk thread issues a receipt every 20 ms; then apply DELTA changes."""
    from counter_app.sync.engine import SyncEngine
    from counter_app.sync.keyring_store import MemoryTokenStore
    from counter_app.sync.setup import make_client
    from tests.conftest import CLERK, make_counter

    if os.environ.get("BENCH_SWITCH"):
        sys.setswitchinterval(float(os.environ["BENCH_SWITCH"]))
    c = make_counter(workdir / "fresh", consumers=0, code="K08")
    clerk = c.service.login(*CLERK)
    c.service.open_shift(clerk, 0)
    tokens = MemoryTokenStore()
    tokens.set(server_url, "K08", token)
    c.config.server_url = server_url
    engine = SyncEngine(c, make_client(c, tokens=tokens, timeouts=(5.0, 120.0)), pull=True)

    from counter_app.services.collection import Payment
    from kesco_demo.consumers import account_no_for_index

    latencies: list[float] = []
    cpu_ms: list[float] = []  # the receipt thread's own CPU: the rest of its wall time is waiting
    fsync_ms: list[float] = []
    done = threading.Event()

    def clerk_loop() -> None:
        i = 0
        while not done.is_set():
            t0, c0 = time.perf_counter(), time.thread_time()
            c.service.issue_receipt(clerk, Payment(account_no_for_index(i % 1000), 100_00 + i,
                                                   consumer_name="Walk-in Consumer"))
            latencies.append((time.perf_counter() - t0) * 1000)
            cpu_ms.append((time.thread_time() - c0) * 1000)
            i += 1
            time.sleep(0.02)

    def fsync_loop() -> None:
        """The baseline in the same run: what the disk takes to make 4 KB durable (append and
        fdatasync, as a receipt's WAL commit does) while the snapshot loads, every 20 ms."""
        fd = os.open(workdir / "fsync-baseline.bin", os.O_CREAT | os.O_WRONLY | os.O_TRUNC)
        try:
            while not done.is_set():
                t0 = time.perf_counter()
                os.write(fd, b"\0" * 4096)
                os.fdatasync(fd)
                fsync_ms.append((time.perf_counter() - t0) * 1000)
                time.sleep(0.02)
        finally:
            os.close(fd)

    th, probe = threading.Thread(target=clerk_loop), threading.Thread(target=fsync_loop)
    t, t_cpu = time.perf_counter(), time.thread_time()
    th.start()
    probe.start()
    st = engine.drain(max_cycles=100)
    snapshot_s = time.perf_counter() - t
    engine_cpu_s = time.thread_time() - t_cpu  # the engine's thread: download, pushes, the swap
    done.set()
    th.join()
    probe.join()
    assert st.snapshot.complete and st.link.value == "online", st
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the snapshot's loader process (sync/snapshot_load.py), ended by now: its peak counts too
    loader_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)

    # DELTA consumers change on the server (payments at another counter), then one changes pull
    import requests

    from kesco_demo.consumers import generate_consumers
    from tests.support.receipts import ReceiptChain, wires

    accounts = [r[0] for r in generate_consumers(min(CONSUMERS, DELTA * 3)) if r[8] == "active"][:DELTA]
    chain = ReceiptChain("K09", accounts, seed=5)
    for i in range(0, len(accounts), 500):
        batch = [chain.next(account_no=a) for a in accounts[i:i + 500]]
        r = requests.post(f"{server_url}/api/v1/counters/K09/records", json={"records": wires(batch)},
                          headers={"Authorization": f"Bearer {delta_token}"}, timeout=(5, 120))
        r.raise_for_status()
    assert engine.puller is not None
    t = time.perf_counter()
    rep = engine.puller.changes()
    delta_s = time.perf_counter() - t
    assert rep.change_rows >= len(accounts), rep
    c.close()
    print(json.dumps({"snapshot_s": snapshot_s, "rss_mb": rss_mb, "loader_rss_mb": loader_rss_mb,
                      "cpu_s": cpu.ru_utime + cpu.ru_stime, "loader_cpu_s": kids.ru_utime + kids.ru_stime,
                      "engine_cpu_s": engine_cpu_s,
                      "delta_s": delta_s, "delta_rows": rep.change_rows,
                      "issue_ms": latencies, "issue_cpu_ms": cpu_ms, "fsync_ms": fsync_ms, "rows": st.snapshot.rows_done, "bytes": st.snapshot.bytes_done}))


def main() -> None:
    from tests.support.live_server import LiveServer

    if len(sys.argv) > 1 and sys.argv[1] == "--snapshot-child":
        snapshot_child(Path(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5])
        return
    use_pg = os.environ.get("BENCH_SYNC_DB", "sqlite") == "postgres"
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        workdir = Path(tmp)
        pg = None
        if use_pg:
            from tests.support.pg import PostgresServer

            pg = PostgresServer().start()
            url = postgres_db(pg)
        else:
            url = server_db(workdir)
        try:
            with LiveServer(url, subprocess=True) as srv:
                drain_s = drain_backlog(workdir, srv.url, url)
                child = subprocess.run(
                    [sys.executable, __file__, "--snapshot-child", str(workdir), srv.url,
                     enrolled(url, srv.api, "K08"), enrolled(url, srv.api, "K09")],
                    capture_output=True, text=True, check=False, cwd=str(Path(__file__).resolve().parents[1]))
                if child.returncode != 0:
                    raise SystemExit(f"snapshot child failed:\n{child.stdout}\n{child.stderr}")
                res = json.loads(child.stdout.strip().splitlines()[-1])
        finally:
            if pg is not None:
                pg.stop()
    emit({
        "server_db": "postgres" if use_pg else "sqlite",
        "consumers": CONSUMERS,
        "drain_10k_s": drain_s,
        "backlog": BACKLOG,
        "snapshot_530k_s": res["snapshot_s"],
        "snapshot_rows": res["rows"],
        "snapshot_mb_on_wire": res["bytes"] / 1e6,
        "snapshot_peak_rss_mb": max(res["rss_mb"], res["loader_rss_mb"]),
        "snapshot_counter_rss_mb": res["rss_mb"],
        "snapshot_loader_rss_mb": res["loader_rss_mb"],
        "snapshot_child_cpu_s": res["cpu_s"],  # the counter process, snapshot and delta and receipts
        "snapshot_engine_thread_cpu_s": res["engine_cpu_s"],
        "snapshot_loader_cpu_s": res["loader_cpu_s"],
        "load_avg_1m": os.getloadavg()[0],
        "delta_5k_s": res["delta_s"],
        "delta_rows": res["delta_rows"],
        "issue_ms_p50_during_snapshot": pct(res["issue_ms"], 50),
        "issue_ms_p99_during_snapshot": pct(res["issue_ms"], 99),
        "issue_ms_max_during_snapshot": max(res["issue_ms"]) if res["issue_ms"] else None,
        "issues_during_snapshot": len(res["issue_ms"]),
        "issue_cpu_ms_p99_during_snapshot": pct(res["issue_cpu_ms"], 99),
        # the disk's own floor in the same seconds: a receipt cannot be durable faster than this
        "fsync_4k_ms_p50_during_snapshot": pct(res["fsync_ms"], 50),
        "fsync_4k_ms_p99_during_snapshot": pct(res["fsync_ms"], 99),
    })


if __name__ == "__main__":
    main()
