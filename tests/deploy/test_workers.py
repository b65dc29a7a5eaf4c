"""Two worker processes on PostgreSQL, started as the systemd unit starts them: concurrent
pushes (a re-send racing its original, across workers) still store every receipt exactly once;
/metrics adds up the workers' counts whichever worker answers; an HQ session made by one worker
is valid in the other (sessions live in the database, cookies are signed with the configured key)."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from central_server import db
from central_server.app import create_app
from central_server.config import Settings
from central_server.hq import auth as hq_auth
from central_server.models import alarms, counters, receipts
from tests.deploy.test_metrics import scrape, value
from tests.deploy.unit_file import UnitServer
from tests.support.live_server import enroll, load_demo_consumers, register_counter
from tests.support.pg import PostgresServer
from tests.support.receipts import ReceiptChain, wire

PASSWORD = "correct horse battery"
COUNTERS, RECEIPTS, BATCH = 6, 600, 100


def test_two_workers_exactly_once_under_concurrent_pushes(pg_server: PostgresServer, tmp_path: Path) -> None:
    url = pg_server.create_database("workers_once")
    load_demo_consumers(url, 300)
    from kesco_demo.consumers import generate_consumers
    accounts = [r[0] for r in generate_consumers(300) if r[8] == "active"]
    with UnitServer(url, tmp_path) as srv:
        api = f"{srv.url}/api/v1"
        codes = [f"W{i:02d}" for i in range(COUNTERS)]
        tokens = {c: enroll(api, c, register_counter(url, c)) for c in codes}
        batches = {c: [[wire(r) for r in part] for part in _parts(ReceiptChain(c, accounts).take(RECEIPTS))]
                   for c in codes}
        statuses: list[str] = []
        errors: list[str] = []
        lock = threading.Lock()

        def sender(code: str, order: list[int]) -> None:
            # a fresh connection per request: the kernel hands them to either worker
            for i in order:
                try:
                    while True:  # as the counter does: a busy answer is retried after Retry-After
                        r = httpx.post(f"{api}/counters/{code}/records", json={"records": batches[code][i]},
                                       headers={"Authorization": f"Bearer {tokens[code]}"}, timeout=60)
                        if r.status_code != 503 or "busy" not in r.text:
                            break
                        time.sleep(float(r.headers.get("Retry-After", "1")))
                    if r.status_code != 200:
                        raise RuntimeError(f"{r.status_code} {r.text[:200]}")
                    with lock:
                        statuses.extend(x["status"] for x in r.json()["results"])
                except Exception as e:  # noqa: BLE001 - collected and asserted below
                    with lock:
                        errors.append(f"{code}: {e}")

        n = RECEIPTS // BATCH
        threads = [threading.Thread(target=sender, args=(c, order)) for c in codes
                   for order in (list(range(n)), list(reversed(range(n))), list(range(n)))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not errors, errors[:5]
        assert statuses.count("accepted") == COUNTERS * RECEIPTS
        assert statuses.count("duplicate") == 2 * COUNTERS * RECEIPTS
        samples = [scrape(srv) for _ in range(4)]  # whichever worker answers, the same sums
        files = list((tmp_path / "metrics").glob("counter_*.db"))
    assert len(files) >= 2, files  # both workers wrote their metric files
    for s in samples:
        assert value(s, "kesco_records_ingested_total", kind="receipt", status="accepted") == COUNTERS * RECEIPTS
        assert value(s, "kesco_records_ingested_total", kind="receipt", status="duplicate") == 2 * COUNTERS * RECEIPTS
    engine = db.make_engine(Settings(database_url=url))
    with db.read_tx(engine) as conn:
        per_counter = {k: n for k, n in conn.execute(
            select(receipts.c.counter_code, func.count()).group_by(receipts.c.counter_code))}
        stored = {k: n for k, n in conn.execute(select(counters.c.code, counters.c.receipt_count))}
        assert conn.execute(select(func.count()).select_from(alarms)).scalar_one() == 0
    engine.dispose()
    assert per_counter == {c: RECEIPTS for c in codes}
    assert all(stored[c] == RECEIPTS for c in codes)


def _parts(items: list[Any]) -> list[list[Any]]:
    return [items[i:i + BATCH] for i in range(0, len(items), BATCH)]


def _login(client: httpx.Client) -> None:
    r = client.get("/hq/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
    r = client.post("/hq/login", data={"name": "accounts1", "password": PASSWORD, "csrf": csrf})
    assert r.status_code == 303, r.text


def test_hq_session_valid_across_workers(pg_server: PostgresServer, tmp_path: Path) -> None:
    url = pg_server.create_database("workers_hq")
    with UnitServer(url, tmp_path) as srv:
        engine = db.make_engine(Settings(database_url=url))
        with db.write_tx(engine) as conn:
            hq_auth.add_user(conn, "accounts1", PASSWORD)
        engine.dispose()
        with httpx.Client(base_url=srv.url, follow_redirects=False, timeout=30) as c:
            _login(c)
            cookies = dict(c.cookies)
        # twenty fresh connections (either worker); every one is logged in
        for _ in range(20):
            with httpx.Client(base_url=srv.url, cookies=cookies, follow_redirects=False, timeout=30) as c2:
                r = c2.get("/hq/")
                assert r.status_code == 200, (r.status_code, r.headers.get("location"))


def _workers(pid: int) -> set[int]:
    import psutil

    out = set()
    for c in psutil.Process(pid).children():
        try:
            if c.status() != psutil.STATUS_ZOMBIE and "spawn_main" in " ".join(c.cmdline()):
                out.add(c.pid)
        except psutil.Error:
            pass
    return out


def test_a_dead_worker_leaves_the_pool_gauges(pg_server: PostgresServer, tmp_path: Path) -> None:
    # uvicorn replaces a worker that dies; the dead one's live-sum gauge files must not count on
    import os
    import signal
    import time

    url = pg_server.create_database("workers_dead")
    with UnitServer(url, tmp_path) as srv:
        assert srv.proc is not None
        before = _workers(srv.proc.pid)
        assert len(before) == 2
        deadline = time.monotonic() + 30
        while value(scrape(srv), "kesco_db_pool_capacity") != 2 * 30:  # both workers' pools: 10 + 20 each
            assert time.monotonic() < deadline
            time.sleep(0.2)
        os.kill(min(before), signal.SIGKILL)
        deadline = time.monotonic() + 30
        while len(_workers(srv.proc.pid) - before) < 1:
            assert time.monotonic() < deadline, "uvicorn did not replace the dead worker"
            time.sleep(0.2)
        new = (_workers(srv.proc.pid) - before).pop()
        # the new worker has built its app (and counted its pool) once it answers; give it time
        deadline = time.monotonic() + 30
        while not (tmp_path / "metrics" / f"gauge_livesum_{new}.db").exists():
            assert time.monotonic() < deadline
            time.sleep(0.2)
        time.sleep(3)
        assert (tmp_path / "metrics" / f"gauge_livesum_{min(before)}.db").exists()  # the dead one's, still there
        for _ in range(5):  # whichever worker answers: two live pools, not three
            assert value(scrape(srv), "kesco_db_pool_capacity") == 2 * 30
        assert not (tmp_path / "metrics" / f"gauge_livesum_{min(before)}.db").exists()


def test_hq_session_made_by_one_process_is_good_in_another(pg_server: PostgresServer) -> None:
    # deterministic form of the test above: two apps (two workers' worth of process state) on one
    # database and one configured key; a session made by A is valid at B, a logout at B ends it at A
    from fastapi.testclient import TestClient

    url = pg_server.create_database("workers_hq2")
    settings = Settings(database_url=url, session_key="Zq3" * 11)
    a, b = create_app(settings), create_app(settings)
    with db.write_tx(a.state.engine) as conn:
        hq_auth.add_user(conn, "accounts1", PASSWORD)
    with TestClient(a, follow_redirects=False) as ca, TestClient(b, follow_redirects=False) as cb:
        r = ca.get("/hq/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
        assert ca.post("/hq/login", data={"name": "accounts1", "password": PASSWORD, "csrf": csrf}).status_code == 303
        cb.cookies.update(ca.cookies)
        assert cb.get("/hq/").status_code == 200
        # negative control: another key (a worker started with a different secret) rejects it
        other = create_app(settings.with_(session_key="Yw8" * 11))
        with TestClient(other, follow_redirects=False) as cx:
            cx.cookies.update(ca.cookies)
            assert cx.get("/hq/").status_code == 303
        other.state.engine.dispose()
    a.state.engine.dispose()
    b.state.engine.dispose()


def _connections_by_worker(workers: set[int], port: int) -> dict[int, int]:
    import psutil

    return {pid: sum(1 for c in psutil.Process(pid).net_connections(kind="tcp")
                     if c.laddr and c.laddr.port == port and c.status == psutil.CONN_ESTABLISHED)
            for pid in workers}


def test_connections_opened_at_once_are_spread_over_the_workers(pg_server: PostgresServer, tmp_path: Path) -> None:
    """Counters that connect at the same moment (the month-end reopening) land on both workers:
    on a socket the workers shared, the first to wake took them all and did all the work while
    the other stood idle (bench_scale.py, 8 counters: one worker at 90 % of a core, the other at
    0 %). Each worker has its own SO_REUSEPORT socket now (central_server/serving.py)."""
    url = pg_server.create_database("workers_spread")
    with UnitServer(url, tmp_path) as srv:
        assert srv.proc is not None
        workers = _workers(srv.proc.pid)
        assert len(workers) == 2
        clients = [httpx.Client(base_url=srv.url, timeout=10) for _ in range(40)]
        try:
            barrier = threading.Barrier(len(clients))

            def hit(c: httpx.Client) -> None:
                barrier.wait()
                assert c.get("/api/v1/health").status_code == 200

            threads = [threading.Thread(target=hit, args=(c,)) for c in clients]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            held = _connections_by_worker(workers, srv.port)
            assert sum(held.values()) == 40, held  # every keep-alive connection is still open, in a worker
            assert min(held.values()) >= 8, held  # hashed over two sockets: fewer than 8 of 40 is ~1 in 10^5
        finally:
            for c in clients:
                c.close()
