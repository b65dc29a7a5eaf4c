"""Every fault mode of the proxy, then random mixes of them: every receipt ends on the server
exactly once, nothing is lost locally, and the counter's idea of what is synced matches the
server's. A negative control shows the same checks catch a client that re-sends under a fresh id."""

from __future__ import annotations

import itertools
import time
import uuid
from dataclasses import replace
from typing import Any

import pytest

from counter_app.domain.chain import seal
from counter_app.sync.client import PushAnswer, ServerClient
from counter_app.sync.state import Link
from kesco_protocol.records import Receipt
from tests.fault.proxy import MODES, FaultProxy
from tests.sync.harness import LiveEnv
from tests.sync.invariants import InvariantError

_codes = (f"F{i:02d}" for i in itertools.count(1))

# what the counter should make of each fault on its push
EXPECTED_LINK = {
    "pass": Link.ONLINE, "slow": Link.ONLINE, "refuse": Link.OFFLINE, "blackhole": Link.OFFLINE,
    "reset_before": Link.OFFLINE, "reset_after": Link.OFFLINE, "truncate": Link.OFFLINE,
    "http500": Link.SERVER_ERROR, "http503": Link.CLOSING,
}


def _only_pushes(mode: str) -> Any:
    # record pushes only (not the chain-head report, POST .../anchors, which is best effort)
    return lambda req: mode if req.method == "POST" and req.path.split("?")[0].endswith("/records") else "pass"


@pytest.mark.parametrize("mode", MODES)
def test_fault_on_push_then_recovery(env: LiveEnv, proxy: FaultProxy, mode: str) -> None:
    k = env.counter(next(_codes), via=proxy.url)
    issued = k.issue(20, cheque_every=7)
    k.dishonour(issued[0])
    if mode == "refuse":
        proxy.mode = "refuse"
    else:
        proxy.chooser = _only_pushes(mode)
    st = k.engine.run_once(force=True)
    assert st.link is EXPECTED_LINK[mode], (st.link, st.last_error)
    env.check_safe(k)
    local, server = env.views(k)
    if mode in ("reset_after", "truncate"):
        # the server committed, the counter never heard (or not all): it still queues all of them
        assert len(server.receipts) == 20 and len(local.seqs("pending")) == 20
    elif mode in ("pass", "slow"):
        assert st.pending == 0
    else:
        assert len(server.receipts) == 0 and st.pending == 21
    k.issue(5)
    k.engine.run_once(force=True)
    env.check_safe(k)
    proxy.mode = "pass"
    st = k.engine.drain()
    assert st.link is Link.ONLINE and st.pending == 0, st
    env.check_delivered(k)
    k.close()


@pytest.mark.parametrize("mode", ["refuse", "reset_before", "reset_after", "truncate", "http500", "http503"])
def test_fault_on_every_call_then_recovery(env: LiveEnv, proxy: FaultProxy, mode: str) -> None:
    k = env.counter(next(_codes), via=proxy.url)
    k.issue(12)
    proxy.mode = mode
    for _ in range(3):
        k.issue(2)
        k.engine.run_once(force=True)
        env.check_safe(k)
    proxy.mode = "pass"
    assert k.engine.drain().pending == 0
    env.check_delivered(k)
    k.close()


MIX = {"pass": 5, "refuse": 1, "blackhole": 0.3, "reset_before": 1, "reset_after": 2, "slow": 1,
       "truncate": 1, "http500": 1, "http503": 1}


@pytest.mark.parametrize("seed", range(1, 9))
def test_random_fault_mix(env: LiveEnv, proxy: FaultProxy, seed: int) -> None:
    k = env.counter(next(_codes), via=proxy.url)
    proxy.mix(seed, MIX)
    for i in range(8):
        k.issue(3 + i % 4, cheque_every=5)
        k.engine.run_once(force=True)
        env.check_safe(k)
    proxy.mode = "pass"
    st = k.engine.drain()
    assert st.pending == 0, st
    env.check_delivered(k)
    print(f"seed {seed}: {dict(proxy.stats)}")
    k.close()


@pytest.mark.parametrize("mode", ["http422", "http500"])
def test_a_server_refusing_every_record_takes_none_out_of_the_queue(env: LiveEnv, proxy: FaultProxy,
                                                                    mode: str) -> None:
    """Isolating a bad record must not mistake a broken server for 30 bad records."""
    k = env.counter(next(_codes), via=proxy.url)
    k.issue(30)
    proxy.chooser = _only_pushes(mode)
    for _ in range(8):
        st = k.engine.run_once(force=True)
        assert st.invalid == 0 and st.pending == 30, st
        assert st.link is Link.SERVER_ERROR
    proxy.mode = "pass"
    assert k.engine.drain().pending == 0
    env.check_delivered(k)
    k.close()


def test_retry_after_is_honoured(env: LiveEnv, proxy: FaultProxy) -> None:
    k = env.counter(next(_codes), via=proxy.url)
    k.issue(3)
    k.engine.run_once(force=True)
    proxy.retry_after_s = 2
    proxy.chooser = _only_pushes("http503")
    before = proxy.stats["http503"]
    k.issue(1)
    k.engine.start()
    time.sleep(3.0)
    k.engine.stop()
    tries = proxy.stats["http503"] - before
    st = k.engine.state()
    assert st.link is Link.CLOSING and st.last_error is not None and st.last_error.kind == "closing"
    # 3 s with Retry-After 2 s (+ up to 10% jitter): at most two tries, where a 0.2 s poll would make 15
    assert 1 <= tries <= 2, tries
    proxy.retry_after_s = 1
    proxy.mode = "pass"
    assert k.engine.drain().pending == 0
    env.check_delivered(k)
    k.close()


class FreshIdOnResend(ServerClient):
    """Re-sends a receipt that went unanswered as a new one (fresh id, re-sealed)."""

    def push(self, records: list[dict[str, Any]]) -> PushAnswer:
        sent = self.__dict__.setdefault("sent", set())
        out = []
        for r in records:
            if r["kind"] == "receipt" and r["record_id"] in sent:
                body = dict(r["payload"], receipt_id=str(uuid.uuid4()))
                fresh = seal(replace(Receipt.from_wire(body)), body["prev_hash"]).wire()
                r = {"kind": "receipt", "record_id": fresh["receipt_id"], "payload": fresh}
            out.append(r)
            sent.add(r["record_id"])
        return super().push(out)


def test_negative_control_a_client_resending_under_a_fresh_id_is_caught(env: LiveEnv, proxy: FaultProxy) -> None:
    k = env.counter(next(_codes), via=proxy.url)
    bad = FreshIdOnResend(proxy.url, k.code, env.tokens.get(proxy.url, k.code), connect_timeout=1, read_timeout=3)
    k.engine.client = k.engine.pusher.client = bad  # type: ignore[union-attr]
    k.issue(10)
    k.engine.run_once(force=True)
    proxy.chooser = _only_pushes("reset_after")
    k.issue(5)
    k.engine.run_once(force=True)
    proxy.mode = "pass"
    k.engine.drain()
    with pytest.raises(InvariantError, match="alarms|never issued"):
        env.check_delivered(k)
    k.close()
