"""Exactly once across server restarts: the real server on loopback, its own delivery worker, a
fake gateway on loopback. The first server's gateway fails; a worker dies after the gateway took
its message but before it marked it sent; the counter re-sends a batch to the restarted server.
Every consumer gets one message per receipt."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from central_server import db
from central_server.config import Settings
from central_server.consumer_side import gateways, outbox
from central_server.consumer_side.models import notify_outbox
from central_server.consumer_side.notify_config import NotifyConfig
from tests.server.util import N_CONSUMERS
from tests.support.fake_gateway import FakeGateway
from tests.support.live_server import LiveServer, enroll, load_demo_consumers, register_counter
from tests.support.receipts import ReceiptChain, void_record, wires

KEY = "gateway-key-" + "k" * 32


def _push(api: str, token: str, records: list[dict[str, Any]]) -> list[str]:
    r = httpx.post(f"{api}/counters/K01/records", json={"records": records},
                   headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 200, r.text
    return [x["status"] for x in r.json()["results"]]


def _wait(cond: Any, limit_s: float = 40) -> None:
    deadline = time.monotonic() + limit_s
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def test_exactly_once_across_restarts_and_a_worker_lost_after_sending(database_url: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "FIRST_BACKOFF_S", 0.3)
    monkeypatch.setattr(outbox, "MAX_BACKOFF_S", 1.0)
    load_demo_consumers(database_url, N_CONSUMERS)
    chain = ReceiptChain("K01", ["2110000002", "2110000018", "2110000025"])
    first = chain.take(4)
    with FakeGateway(["500"] * 1000, key=KEY) as gw:
        cfg = NotifyConfig(kind="webhook", url=gw.url, key=KEY, timeout_s=0.5)
        with LiveServer(database_url, settings={"notify": cfg}) as srv:
            token = enroll(srv.api, "K01", register_counter(database_url, "K01"))
            assert _push(srv.api, token, wires(first)) == ["accepted"] * 4
            _wait(lambda: len(gw.requests) >= 8)  # tried, failed, tried again
        assert gw.delivered == []
        with gw._lock:
            gw.script.clear()  # the gateway is back
        # a worker claims one, the gateway takes it, and the worker dies before it marks it sent
        engine = db.make_engine(Settings(database_url=database_url))
        lost: list[dict[str, Any]] = []

        def claimed() -> bool:  # once the next retry is due (the backoff)
            with db.write_tx(engine) as conn:
                lost.extend(outbox.claim(conn, "worker-that-died", 1, lease_s=2))
            return bool(lost)
        _wait(claimed, 10)
        assert gateways.from_config(cfg).send(lost[0]).kind == "delivered"
        with LiveServer(database_url, settings={"notify": cfg}) as srv:
            # the counter did not see the first answers: it sends the batch again, then more
            assert _push(srv.api, token, wires(first)) == ["duplicate"] * 4
            more = chain.take(2)
            assert _push(srv.api, token, wires(more) + [void_record(first[0])]) == ["accepted"] * 3

            def all_sent() -> bool:
                with db.read_tx(engine) as conn:
                    return outbox.counts(conn) == {"pending": 0, "sent": 7, "dead": 0}
            _wait(all_sent)
        with db.read_tx(engine) as conn:
            keys = [r.idempotency_key for r in conn.execute(select(notify_outbox.c.idempotency_key))]
        engine.dispose()
    sent = Counter(gw.delivered_keys())
    assert sent.keys() == set(keys) and set(sent.values()) == {1}  # seven messages, one each
    # the one the dead worker sent was sent again after its lease ran out, and dropped as a copy
    assert Counter(k for k, _ in gw.requests if k == lost[0]["idempotency_key"])[lost[0]["idempotency_key"]] >= 3
