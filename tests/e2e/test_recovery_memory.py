"""`recover --from-server` keeps memory at about one page whatever the ledger's size (issue 14):
the server's answer goes page by page into a staging file beside the ledger and is verified there,
and the staging file is gone afterwards. The bound is relative: Python's peak while recovering
10,000 receipts stays below the size of the receipts' JSON (holding them all, as recovery did,
costs several times that)."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from central_server import counters as server_counters
from central_server import db as sdb
from counter_app.app import open_application
from counter_app.config import Config
from counter_app.ops.recover import recover
from counter_app.ops.recover_stage import STAGE_FILENAME
from counter_app.services.clock import IST
from counter_app.sync.keyring_store import MemoryTokenStore
from counter_app.sync.setup import enroll, make_client
from tests.conftest import FixedClock
from tests.support.live_server import enroll as enroll_http
from tests.support.live_server import register_counter
from tests.support.receipts import ReceiptChain, wires
from tests.sync.harness import LiveEnv

N = 10_000


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveEnv]:
    root: Path = tmp_path_factory.mktemp("recovery-memory")
    e = LiveEnv(root, f"sqlite:///{root / 'central.sqlite3'}").start(consumers=200, template_consumers=0)
    yield e
    e.stop()


def test_recovery_memory_stays_at_a_page(env: LiveEnv, tmp_path: Path) -> None:
    assert env.server is not None
    code = "MEM1"
    token = enroll_http(env.server.api, code, register_counter(env.database_url, code))
    chain = ReceiptChain(code, env.accounts, seed=3)
    with httpx.Client(timeout=60) as http:
        for _ in range(N // 1000):
            r = http.post(f"{env.server.api}/counters/{code}/records", json={"records": wires(chain.take(1000))},
                          headers={"Authorization": f"Bearer {token}"})
            r.raise_for_status()
    with sdb.read_tx(env.server_engine) as conn:
        answer_bytes = int(conn.execute(text("SELECT SUM(LENGTH(payload)) FROM receipts WHERE counter_code = :c"),
                                        {"c": code}).scalar_one())
    with sdb.write_tx(env.server_engine) as conn:
        enrollment = server_counters.reissue(conn, code)
    root = tmp_path / "new-pc"
    Config(server_url="", clock_max_skew_minutes=0).save(root)
    app = open_application(root, clock=FixedClock(datetime(2026, 11, 28, 11, 0, tzinfo=IST)))
    try:
        app.service.initialise(code, f"Counter {code}")
        tokens = MemoryTokenStore()
        enroll(app, env.server.url, enrollment, tokens=tokens)
        app.service.add_user("clerk1", "Test Clerk", "clerk", "1111")
        client = make_client(app, tokens=tokens)
        tracemalloc.start()
        try:
            result = recover(app.store, client)
            _now, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert result.last_seq == N and app.service.verify()["ok"]
        assert not (root / STAGE_FILENAME).exists()
        assert peak < answer_bytes, (peak, answer_bytes)
    finally:
        app.close()
