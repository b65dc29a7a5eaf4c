"""Month end: 44 counters keep collecting through the closing window, while the central server
first closes the month collecting (receipts accepted, marked received during closing), then
refuses sync (legacy 503 + Retry-After), then is unreachable altogether. When it comes back, all
44 push their backlog at once: every receipt arrives exactly once and the server's per-counter
count and total equal each counter's own."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from central_server import db as sdb
from central_server import period as period_mod
from central_server.models import receipts as server_receipts
from counter_app.sync.state import Link
from tests.fault.proxy import FaultProxy
from tests.sync.harness import LiveEnv
from tests.sync.invariants import LocalView, ServerView, check_delivered

COUNTERS = 44


@pytest.fixture
def month_env(tmp_path: Path, database_url: str) -> Iterator[LiveEnv]:
    e = LiveEnv(tmp_path, database_url).start(consumers=2000)
    yield e
    e.stop()


def _sync_until(ks: list, done, bound_s: float = 60.0) -> None:  # type: ignore[no-untyped-def, type-arg]
    """Each counter syncs until `done(k)`: 44 counters at once meet the server's admission control
    (2 pushes a worker), and one turned away busy learns the period at its next try, as it would."""

    def until(k) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + bound_s
        k.engine.run_once(force=True)
        while not done(k) and time.monotonic() < deadline:
            time.sleep(0.2)
            k.engine.run_once(force=True)

    _all(ks, until)


def _all(ks: list, fn) -> None:  # type: ignore[no-untyped-def, type-arg]
    errors: list[BaseException] = []

    def run(k) -> None:  # type: ignore[no-untyped-def]
        try:
            fn(k)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(k,)) for k in ks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]


def test_44_counters_collect_through_the_closing_window_then_everything_arrives_once(month_env: LiveEnv) -> None:
    env = month_env
    assert env.server is not None
    with FaultProxy("127.0.0.1", env.server.port, retry_after_s=1) as proxy:
        ks = [env.counter(f"M{i:02d}", via=proxy.url, timeouts=(1.0, 10.0)) for i in range(1, COUNTERS + 1)]

        # the 30th: the queues are long, sync works
        for k in ks:
            k.issue(5)
        _all(ks, lambda k: k.engine.drain())
        # closing begins, collect mode: receipts still accepted, the counters learn the month is closing
        with sdb.write_tx(env.server_engine) as conn:
            period_mod.close(conn, label="2026-11")
        for k in ks:
            k.issue(3)
        _sync_until(ks, lambda k: k.engine.state().server_period_state == "closing")
        assert all(k.engine.state().server_period_state == "closing" for k in ks)
        # legacy closing: the server refuses sync with 503 + Retry-After
        with sdb.write_tx(env.server_engine) as conn:
            period_mod.close(conn, legacy=True, retry_after_s=1, label="2026-11")
        for k in ks:
            rs = k.issue(6)
            assert all(r.collected_in_closing for r in rs)
        _sync_until(ks, lambda k: k.engine.state().link == Link.CLOSING)
        assert {k.engine.state().link for k in ks} == {Link.CLOSING}
        # the old server is shut for data closing: unreachable
        proxy.mode = "refuse"
        for k in ks:
            k.issue(6)
        _all(ks, lambda k: k.engine.run_once(force=True))
        assert {k.engine.state().link for k in ks} == {Link.OFFLINE}
        assert sum(k.engine.state().pending for k in ks) == COUNTERS * 12

        # it comes back, month opened: the whole backlog arrives at once
        proxy.mode = "pass"
        with sdb.write_tx(env.server_engine) as conn:
            period_mod.open_(conn)
        _all(ks, lambda k: k.engine.drain())

        for k in ks:
            local, server = LocalView.read(k.counter), ServerView.read(env.server_engine, k.code)
            check_delivered(local, server)  # includes count, total and high-water mark per counter
        with sdb.read_tx(env.server_engine) as conn:
            n, total = conn.execute(select(func.count(), func.sum(server_receipts.c.amount_paise))).one()
            during = conn.execute(select(func.count()).where(server_receipts.c.received_during_closing)).scalar()
        assert n == COUNTERS * 20
        assert total == sum(LocalView.read(k.counter, verify=False).total for k in ks)
        assert during == COUNTERS * 3
        for k in ks:
            k.close()
