"""The records endpoint's admission gate (central_server/push_gate.py): with more pushes in flight
than the process stores at once, the rest are answered 503 busy with a Retry-After (1 s with a
few counters waiting, no further ahead than their turns; the adaptive window is tested in test_push_admission.py), quickly and
without storing anything; retried, every record is stored exactly once. The busy
answer is not mistaken for a month-end closing by the counter. Control: with enough slots
nobody is turned away."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from central_server.models import receipts
from central_server.push_gate import BUSY_DETAIL, FIRST_SERVICE_S
from counter_app.sync.client import ServerClient
from counter_app.sync.errors import Closing, ServerFailure
from kesco_protocol.busy import RETRY_AFTER_MS
from tests.support.live_server import LiveServer, enroll, load_demo_consumers, register_counter
from tests.support.receipts import ReceiptChain, wires

COUNTERS = 6
PER = 1500


async def _push_all(api: str, tokens: dict[str, str], bodies: dict[str, list[dict]]) -> tuple[int, list[float]]:
    busy, busy_s = 0, []
    appointments: list[tuple[int, int]] = []  # (Retry-After, Kesco-Retry-After-Ms) of each busy answer
    admitted_s: list[float] = []
    async with httpx.AsyncClient(timeout=120) as http:
        async def one(code: str) -> None:
            nonlocal busy
            h = {"Authorization": f"Bearer {tokens[code]}"}
            for body in bodies[code]:
                while True:
                    r = await http.post(f"{api}/counters/{code}/records", json=body, headers=h)
                    if r.status_code == 503:
                        assert r.json()["detail"] == BUSY_DETAIL
                        appointments.append((int(r.headers["Retry-After"]), int(r.headers[RETRY_AFTER_MS])))
                        busy += 1
                        busy_s.append(r.elapsed.total_seconds())
                        await asyncio.sleep(0.2)  # the test does not wait the full Retry-After
                        continue
                    assert r.status_code == 200, r.text
                    admitted_s.append(r.elapsed.total_seconds())
                    assert {x["status"] for x in r.json()["results"]} <= {"accepted", "parked"}
                    break
        await asyncio.gather(*(one(c) for c in tokens))
    # each appointment lies about as far ahead as the counters' turns (a slot held at most as long
    # as the longest push took, or the gate's first guess; a turn more and a second for a client
    # that came back late under load), and Retry-After is it in whole seconds, rounded up (a fixed
    # bound of 3 s failed whenever this machine took longer than 0.6 s a push)
    turn_s = max([*admitted_s, FIRST_SERVICE_S])
    for whole, ms in appointments:
        assert whole >= 1 and ms / 1000 - 0.001 <= whole <= max(1.0, ms / 1000 + 1.001), (whole, ms)
        assert ms <= len(tokens) * turn_s * 1000 + 1000, (ms, turn_s)
    return busy, busy_s


@pytest.mark.parametrize("slots,expect_busy", [(1, True), (COUNTERS * 2, False)], ids=["gated", "control"])
def test_pushes_past_the_gate_are_told_busy_and_stored_once_when_retried(tmp_path: Path, slots: int,
                                                                        expect_busy: bool) -> None:
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    with LiveServer(url, settings={"max_concurrent_pushes": slots, "push_wait_s": 0.05}) as srv:
        load_demo_consumers(url, 50)
        from kesco_demo.consumers import account_no_for_index

        accounts = [account_no_for_index(i + 1) for i in range(50)]
        codes = [f"G{i:02d}" for i in range(COUNTERS)]
        tokens = {c: enroll(srv.api, c, register_counter(url, c)) for c in codes}
        bodies = {c: [{"records": wires(ReceiptChain(c, accounts, seed=i).take(PER))}] for i, c in enumerate(codes)}
        busy, busy_s = asyncio.run(_push_all(srv.api, tokens, bodies))
        if expect_busy:
            assert busy > 0
            assert max(busy_s) < 1.0  # turned away at once, not after the wait for the others
        else:
            assert busy == 0
    eng = create_engine(url)
    with eng.connect() as conn:
        assert conn.execute(select(func.count()).select_from(receipts)).scalar_one() == COUNTERS * PER
    eng.dispose()


def test_the_counter_reads_busy_as_a_retry_not_as_closing() -> None:
    """The counter tells a month-end closing from other 503s by its wording: the busy answer must
    come back as a server failure with its Retry-After, so the clerk is not told "closing"."""
    import json

    import requests

    resp = requests.Response()
    resp.status_code = 503
    resp._content = json.dumps({"detail": BUSY_DETAIL}).encode()
    resp.headers["Retry-After"] = "2"
    resp.headers["Content-Type"] = "application/json"
    client = ServerClient("http://127.0.0.1:9", "K01", "t")
    try:
        with pytest.raises(ServerFailure) as e:
            client._check(resp)
    finally:
        client.close()
    assert not isinstance(e.value, Closing)
    assert e.value.retry_after == 2
