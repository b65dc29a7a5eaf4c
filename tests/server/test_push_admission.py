"""Admission before the body (central_server/push_gate.py) on a real server on loopback: a push that
finds every slot held is answered 503 busy with a Retry-After while its body is still arriving
(it is never read or parsed); the clients the counter and the bench use (requests, httpx sync and
async) take that early answer on a 1 MB body without an exception and keep the connection; the
shed is counted on /metrics; and each counter turned away is given the next free moment of the
slots as its Retry-After. Control: with a free slot the same push is stored."""

from __future__ import annotations

import asyncio
import json
import math
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from central_server.push_gate import BUSY_DETAIL, Busy, PushGate
from kesco_protocol.busy import RETRY_AFTER_MS, parse_retry_after_ms
from tests.support.live_server import LiveServer, enroll, load_demo_consumers, register_counter
from tests.support.receipts import ReceiptChain, wires

MB = 1024 * 1024
GATED = {"max_concurrent_pushes": 1, "push_wait_s": 0.05, "body_idle_timeout_s": 30.0}


def batch(code: str, n: int, seed: int = 1) -> bytes:
    return json.dumps({"records": wires(ReceiptChain(code, ["2110000002"], seed=seed).take(n))}).encode()


def big_batch(code: str, seed: int, records: list[dict[str, Any]] | None = None) -> bytes:
    """A real batch of about 1 MB (padded with whitespace, which JSON ignores)."""
    body = json.dumps({"records": records}).encode() if records is not None else batch(code, 500, seed)
    return body[:-1] + b" " * max(0, MB - len(body)) + body[-1:]


class HeldPush:
    """A push whose body stops halfway: once admitted it holds a slot until `finish()`."""

    def __init__(self, port: int, code: str, token: str, body: bytes) -> None:
        self.body = body
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        head = (f"POST /api/v1/counters/{code}/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        self.sock.sendall(head.encode() + body[:len(body) // 2])

    def finish(self) -> tuple[int, dict[str, str], bytes]:
        self.sock.sendall(self.body[len(self.body) // 2:])
        return read_answer(self.sock)


def read_answer(s: socket.socket, timeout: float = 20) -> tuple[int, dict[str, str], bytes]:
    s.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        piece = s.recv(65536)
        if not piece:
            raise ConnectionError("closed before an answer")
        data += piece
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:])}
    while len(rest) < int(headers.get("content-length", "0")):
        rest += s.recv(65536)
    return int(lines[0][9:12]), headers, rest


def in_service(srv: LiveServer) -> float:
    return metric(srv, "kesco_push_in_service")


def metric(srv: LiveServer, name: str) -> float:
    text = httpx.get(f"{srv.url}/metrics", timeout=10).text
    return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples if s.name == name)


def wait_held(srv: LiveServer, n: float = 1) -> None:
    deadline = time.monotonic() + 10
    while in_service(srv) < n:
        assert time.monotonic() < deadline, "the held push never took its slot"
        time.sleep(0.02)


@pytest.fixture
def gated(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    with LiveServer(url, settings={**GATED, **getattr(request, "param", {})}) as srv:
        load_demo_consumers(url, 5)
        yield srv, {c: enroll(srv.api, c, register_counter(url, c)) for c in ("H01", "B01", "B02")}


@pytest.mark.parametrize("gated,held", [({}, True), ({"max_concurrent_pushes": 2}, False)],
                         ids=["slot-held", "control-slot-free"], indirect=["gated"])
def test_a_push_without_a_slot_is_answered_busy_before_its_body_arrives(
        gated: tuple[LiveServer, dict[str, str]], held: bool) -> None:
    srv, tokens = gated
    holder = HeldPush(srv.port, "H01", tokens["H01"], batch("H01", 200))
    wait_held(srv)
    shed_before = metric(srv, "kesco_push_shed_total")
    body = big_batch("B01", 2)
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", srv.port), timeout=20) as s:
        s.sendall((f"POST /api/v1/counters/B01/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                   f"{tokens['B01']}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                   ).encode() + body[:64 * 1024])  # and no more of the body, for now
        if held:
            status, headers, answer = read_answer(s, timeout=5)
            assert time.monotonic() - t0 < 2  # at once: the body was never waited for
            assert status == 503 and json.loads(answer)["detail"] == BUSY_DETAIL
            assert 1 <= int(headers["retry-after"]) <= 30
            # the appointment to the millisecond, within the whole second Retry-After rounds it up to
            ms = int(headers[RETRY_AFTER_MS.lower()])
            assert 1 <= ms <= 30_000 and int(headers["retry-after"]) == max(1, math.ceil(ms / 1000 - 1e-6))
            assert metric(srv, "kesco_push_shed_total") == shed_before + 1
        else:
            s.sendall(body[64 * 1024:])  # admitted: it waits for the rest, then stores it
            status, _, answer = read_answer(s)
            assert status == 200 and {r["status"] for r in json.loads(answer)["results"]} == {"accepted"}
            assert metric(srv, "kesco_push_shed_total") == shed_before
    status, _, answer = holder.finish()
    assert status == 200 and len(json.loads(answer)["results"]) == 200


def test_requests_and_httpx_take_an_early_busy_on_a_1mb_body_and_keep_the_connection(
        gated: tuple[LiveServer, dict[str, str]]) -> None:
    """uvicorn (h11) answers before reading the body and then discards the rest of it; each client
    finishes its upload, reads the 503 and reuses the same connection for the next push."""
    srv, tokens = gated
    url = f"{srv.api}/counters/B02/records"
    auth = {"Authorization": f"Bearer {tokens['B02']}", "Content-Type": "application/json"}
    chain = wires(ReceiptChain("B02", ["2110000002"], seed=3).take(501))
    bodies = [big_batch("B02", 3, chain[:500]), json.dumps({"records": chain[500:]}).encode()]

    holder = HeldPush(srv.port, "H01", tokens["H01"], batch("H01", 100))
    wait_held(srv)
    with requests.Session() as rs, httpx.Client(timeout=20) as hx:
        busy = [rs.post(url, data=bodies[0], headers=auth, timeout=20), hx.post(url, content=bodies[0], headers=auth)]

        async def async_busy() -> httpx.Response:
            async with httpx.AsyncClient(timeout=20) as ax:
                return await ax.post(url, content=bodies[0], headers=auth)

        busy.append(asyncio.run(async_busy()))
        assert [r.status_code for r in busy] == [503, 503, 503]
        assert all(r.json()["detail"] == BUSY_DETAIL and int(r.headers["Retry-After"]) >= 1 for r in busy)
        assert holder.finish()[0] == 200
        assert rs.post(url, data=bodies[0], headers=auth, timeout=20).status_code == 200  # the 1 MB batch
        assert hx.post(url, content=bodies[1], headers=auth).status_code == 200
        pools = rs.get_adapter(url).poolmanager.pools
        made = sum(pools[k].num_connections for k in pools.keys())
        assert made == 1  # the busy answer's connection carried the next push
        assert len(hx._transport._pool.connections) == 1  # type: ignore[attr-defined]


def test_each_counter_turned_away_gets_the_next_free_moment_of_the_slots() -> None:
    now = [100.0]
    gate = PushGate(2, 0.1, retry_cap_s=30, clock=lambda: now[0])
    gate.service_s = 0.4  # two slots held 0.4 s each: one frees every 0.2 s
    assert gate.turn_away("K000").retry_after_s == 1  # the first: as soon as a header allows
    answers = [gate.turn_away(f"K{i:03d}").retry_after_s for i in range(1, 100)]
    # 100 counters at once are spread over 100 x 0.2 s, at the rate the slots serve them: five a
    # second, in order, none told to wait past its turn
    assert answers == sorted(answers) and answers[-1] == 20 and gate.horizon_s() == pytest.approx(20.0)
    per_second = {s: answers.count(s) for s in set(answers)}
    assert max(per_second.values()) <= 5 and min(per_second[s] for s in range(2, 20)) == 5
    now[0] += 0.5  # K050 retries early: it keeps its turn (0.2 x 51 s from the start), not a new one
    assert gate.turn_away("K050").retry_after_s == 10 and gate.horizon_s() == pytest.approx(19.5)
    for i in range(100, 300):
        gate.turn_away(f"K{i}")
    assert gate.turn_away("K999").retry_after_s == 30 and gate.horizon_s() == 30.0  # capped
    now[0] += 24.5  # appointments fall due as time passes: a newcomer goes after what is left
    assert gate.turn_away("K998").retry_after_s == 6
    now[0] += 60.0  # all are due: the next one is told to come back at once again
    assert gate.turn_away("K997").retry_after_s == 1
    gate.service_s = 4.0  # slots held longer (a slow database): appointments spread out accordingly
    assert [gate.turn_away(f"L{i}").retry_after_s for i in range(3)] == [3, 5, 7]
    assert gate.shed == 307


def test_a_few_slow_pushes_of_a_burst_do_not_push_every_appointment_out() -> None:
    # the first pushes of a burst share their upload with hundreds of others and hold their slot
    # for seconds; the hold the appointments are spaced by stays what most pushes take
    gate = PushGate(2, 0.1, retry_cap_s=30, clock=lambda: 0.0)
    for held in [12.0, 9.0, *([0.4] * 10), 14.0]:
        gate.served("K1", held)
    assert gate.service_s == pytest.approx(0.4)
    answers = [gate.turn_away(f"K{i:03d}").retry_after_s for i in range(100)]
    assert answers[-1] == 20  # 100 x 0.4 s / 2 slots, not the cap
    for held in [3.0] * 20:  # the database is slower now: the spacing follows
        gate.served("K1", held)
    assert gate.service_s == pytest.approx(3.0)


def test_the_appointments_kept_are_bounded_and_served_counters_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    from central_server import push_gate

    monkeypatch.setattr(push_gate, "MAX_TRACKED", 50)
    now = [0.0]
    gate = PushGate(1, 0.0, retry_cap_s=30, clock=lambda: now[0])
    for i in range(500):  # strangers cannot reach the gate (authenticated first); a state's counters can
        gate.turn_away(f"K{i}")
    assert len(gate._appointments) <= 50
    gate.served("K499", 0.3)
    assert "K499" not in gate._appointments


def test_the_gate_measures_what_a_slot_is_held_for() -> None:
    gate = PushGate(1, 0.0)

    async def run() -> tuple[float, Any]:
        async with gate.slot("K1"):
            await asyncio.sleep(0.05)
        t = gate.service_s
        async with gate.slot("K1"):
            try:
                async with gate.slot("K2"):  # no wait at all: refused at once
                    pass
            except Busy as e:
                return t, e
        return t, None

    t, refused = asyncio.run(run())
    assert 0.05 < t < 0.3  # moved from its first guess (0.3 s) towards 0.05 s
    assert isinstance(refused, Busy) and refused.retry_after_s == 1


def test_the_appointment_is_given_to_the_millisecond_where_retry_after_rounds_it_to_a_second() -> None:
    """Counters told whole seconds came back in clumps at each second, found the slots taken, and
    went to the back while the slots stood idle between clumps: the busy answer also carries the
    appointment in milliseconds (kesco_protocol/busy.py)."""
    now = [100.0]
    gate = PushGate(2, 0.1, retry_cap_s=30, clock=lambda: now[0])
    gate.service_s = 0.3  # a slot frees every 0.15 s
    waits = [gate.turn_away(f"K{i}") for i in range(10)]
    assert [b.wait_s for b in waits] == pytest.approx([0.15 * (i + 1) for i in range(10)])
    assert [b.retry_after_s for b in waits] == [1] * 6 + [2] * 4  # what Retry-After alone could say
    headers = waits[6].headers()
    assert headers == {"Retry-After": "2", RETRY_AFTER_MS: "1050"}
    assert parse_retry_after_ms(headers[RETRY_AFTER_MS]) == pytest.approx(1.05)
    for i in range(400):
        gate.turn_away(f"L{i}")
    capped = gate.turn_away("M0")
    assert capped.wait_s == 30.0 and capped.headers() == {"Retry-After": "30", RETRY_AFTER_MS: "30000"}


@pytest.mark.parametrize("value", ["", "-5", "1.5", "12345678", "1e3", "\u0661\u0662", " 7 7", "0x10"])
def test_an_unreadable_millisecond_appointment_is_ignored(value: str) -> None:
    assert parse_retry_after_ms(value.encode().decode("unicode_escape")) is None


def test_a_readable_millisecond_appointment_is_capped_at_an_hour() -> None:
    assert parse_retry_after_ms(" 250 ") == 0.25 and parse_retry_after_ms("9999999") == 3600.0
