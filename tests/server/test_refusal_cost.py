"""Refusing is cheap (issue 11, acceptance: abuse must not slow a legitimate counter): the answers
that the headers, the token or a small body decide take no worker thread and no database lookup
per request, so they come back at once even while every worker thread is held by pushes waiting
for the database; a token the database confirmed is not looked up again for a few seconds, and
a revocation is still honoured (at once in this process, within the cache's TTL from another).
Real server on loopback (in-thread, SQLite), real SQLite lock held by the test."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event, update

from central_server import counters, db
from central_server.models import counters as counters_table
from tests.support.live_server import LiveServer, enroll, load_demo_consumers, register_counter
from tests.support.receipts import ReceiptChain, wires

PROMPT_S = 2.0  # a refusal decided without the database comes back well within this
PUSHES = 45  # more than the 40 worker threads that anyio lends by default


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'central.sqlite3'}"


def _queries(engine) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *_a: seen.append(statement))
    return seen


def _lookups(seen: list[str]) -> int:
    """Statements that looked a token up (the counters table by its token hash)."""
    return sum(1 for s in seen if _is_lookup(s))


def _is_lookup(statement: str) -> bool:
    return "FROM counters WHERE counters.token_hash" in " ".join(statement.split())


@pytest.fixture
def write_lock(sqlite_url: str) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None, timeout=30)
    yield conn
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.close()


def test_refusals_are_answered_while_every_worker_thread_waits_for_the_database(
        sqlite_url: str, write_lock: sqlite3.Connection) -> None:
    load_demo_consumers(sqlite_url, 50)
    register_counter(sqlite_url, "K02")
    # the token is looked up once and then kept for the whole test (the TTL is the other test's);
    # no admission control, so that the pushes can hold every worker thread (the gate's default
    # of 2 a worker would keep the threads free: tests/server/test_push_admission.py)
    with LiveServer(sqlite_url, settings={"token_cache_s": 600.0, "max_concurrent_pushes": 0}) as srv, \
            httpx.Client(base_url=srv.api, timeout=PROMPT_S) as c:
        token = enroll(srv.api, "K01", register_counter(sqlite_url, "K01"))
        auth = {"Authorization": f"Bearer {token}"}
        assert c.get("/counters/K01/status", headers=auth).status_code == 200
        for _ in range(srv._server.config.app.state.settings.enroll_tries_per_address):
            wrong = c.post("/enroll", json={"counter_code": "K02", "enrollment_code": "AAAA-BBBB-CCCC-DDDD"})
            assert wrong.status_code in (401, 429)
        body = json.dumps({"records": wires(ReceiptChain("K01", ["2110000002"]).take(3))})
        write_lock.execute("BEGIN IMMEDIATE")  # every push now waits in a worker thread for the lock
        answers: list[int] = []

        def push() -> None:
            with httpx.Client(base_url=srv.api, timeout=60) as pc:
                answers.append(pc.post("/counters/K01/records", content=body,
                                       headers={**auth, "Content-Type": "application/json"}).status_code)

        pushers = [threading.Thread(target=push) for _ in range(PUSHES)]
        for t in pushers:
            t.start()
        time.sleep(1.5)
        # negative control: an answer that needs a worker thread has to wait for one
        with pytest.raises(httpx.TimeoutException):
            c.get("/counters/K01/status", headers=auth, timeout=1.0)
        refusals = {
            "no token": (lambda: c.post("/counters/K01/records", json={"records": []}), 401),
            "unknown token": (lambda: c.get("/counters/K01/status", headers={"Authorization": "Bearer x"}), None),
            "another counter's path": (lambda: c.get("/counters/K02/status", headers=auth), 403),
            "too large": (lambda: _declared_too_large(srv.port, token), 413),
            "records not a list": (lambda: c.post("/counters/K01/records", json={"records": 5}, headers=auth), 422),
            "not JSON": (lambda: c.post("/counters/K01/records", content=b"{not json",
                                        headers={**auth, "Content-Type": "application/json"}), 422),
            "enrolment guess over the limit": (lambda: c.post("/enroll", json={
                "counter_code": "K02", "enrollment_code": "AAAA-BBBB-CCCC-DDDD"}), 429),
        }
        slow: dict[str, tuple[int | None, float]] = {}
        for name, (send, expected) in refusals.items():
            if expected is None:
                continue  # an unknown token needs the database: not promised here
            t0 = time.monotonic()
            try:
                status = send().status_code
            except httpx.TimeoutException:
                status = None
            if status != expected or time.monotonic() - t0 > PROMPT_S:
                slow[name] = (status, round(time.monotonic() - t0, 2))
        write_lock.execute("ROLLBACK")
        for t in pushers:
            t.join(timeout=90)
        assert not slow, f"refusals that waited for a worker thread or the database: {slow}"
        assert answers == [200] * PUSHES  # and the pushes that waited all got through
        assert c.get("/counters/K01/status", headers=auth).status_code == 200


def test_a_confirmed_token_is_not_looked_up_again_and_revocation_is_still_honoured(sqlite_url: str) -> None:
    with LiveServer(sqlite_url, settings={"token_cache_s": 2.0}) as srv, \
            httpx.Client(base_url=srv.api, timeout=10) as c:
        token = enroll(srv.api, "K03", register_counter(sqlite_url, "K03"))
        auth = {"Authorization": f"Bearer {token}"}
        engine = srv._server.config.app.state.engine
        seen = _queries(engine)
        for _ in range(20):
            assert c.get("/counters/K04/status", headers=auth).status_code == 403
        assert _lookups(seen) == 1
        # negative control: an unknown token is never kept, each try is looked up
        for _ in range(3):
            assert c.get("/counters/K03/status", headers={"Authorization": "Bearer nope"}).status_code == 401
        assert _lookups(seen) == 4
        # revoked by this process: at once
        with db.write_tx(engine) as conn:
            counters.revoke(conn, "K03")
        assert c.get("/counters/K03/status", headers=auth).status_code == 401
        # revoked by another process (a plain UPDATE: nothing here is told): within the TTL
        again = enroll(srv.api, "K03", _reissue(engine, "K03"))
        auth = {"Authorization": f"Bearer {again}"}
        assert c.get("/counters/K03/status", headers=auth).status_code == 200
        with db.write_tx(engine) as conn:
            conn.execute(update(counters_table).where(counters_table.c.code == "K03").values(token_hash=None))
        time.sleep(2.1)
        assert c.get("/counters/K03/status", headers=auth).status_code == 401


class _Answer:
    def __init__(self, status_code: int | None) -> None:
        self.status_code = status_code


def _declared_too_large(port: int, token: str) -> _Answer:
    """A 100 MB body by its Content-Length (httpx will not send a length it does not keep)."""
    with socket.create_connection(("127.0.0.1", port), timeout=PROMPT_S) as s:
        s.sendall((f"POST /api/v1/counters/K01/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                   f"Content-Type: application/json\r\nContent-Length: {100 * 1024 * 1024}\r\n\r\n").encode())
        try:
            first = s.recv(64)
        except TimeoutError:
            raise httpx.ReadTimeout("no answer") from None
    return _Answer(int(first[9:12]) if first.startswith(b"HTTP/1.1 ") else None)


def _reissue(engine, code: str) -> str:  # type: ignore[no-untyped-def]
    with db.write_tx(engine) as conn:
        return counters.reissue(conn, code)


BURST = 60  # counters whose first requests arrive together (the month-end reopening, a restart)


def test_a_burst_of_counters_costs_a_few_token_lookups_not_one_each(sqlite_url: str) -> None:
    """Every counter comes back at once after closing or a server restart: each token is new to
    this process. The lookups that wait together are answered by one query, so the first pushes
    do not queue for worker threads and connections behind a lookup per counter (bench_scale's
    first pushes took 1.3-1.5 s for that). The database here is slow (0.3 s a lookup), so the
    requests are sure to overlap; each must still get its own counter's answer."""
    codes = [f"B{i:02d}" for i in range(BURST)]
    enrolment = {c: register_counter(sqlite_url, c) for c in codes}
    with LiveServer(sqlite_url, settings={"token_cache_s": 600.0}) as srv:
        with httpx.Client(timeout=30) as c:
            tokens = {code: enroll(srv.api, code, enrolment[code], client=c) for code in codes}
        engine = srv._server.config.app.state.engine
        seen = _queries(engine)

        def slow(_c, _cur, statement, *_a) -> None:  # type: ignore[no-untyped-def]
            if _is_lookup(statement):
                time.sleep(0.3)

        event.listen(engine, "before_cursor_execute", slow)
        # each counter with its own token; alongside, an unknown token and another counter's
        jobs = [(code, tokens[code]) for code in codes] + [("B00", "not-a-token"), ("B01", tokens["B02"])]
        want = [(200, code) for code in codes] + [(401, None), (403, None)]
        answers: list[tuple[int, str | None] | None] = [None] * len(jobs)

        def ask(i: int) -> None:
            code, token = jobs[i]
            with httpx.Client(base_url=srv.api, timeout=60) as pc:
                r = pc.get(f"/counters/{code}/status", headers={"Authorization": f"Bearer {token}"})
                answers[i] = (r.status_code, r.json().get("counter_code") if r.status_code == 200 else None)

        threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(jobs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=90)
        assert answers == want
        lookups = _lookups(seen)
        assert lookups <= 6, f"{lookups} token lookups for {len(jobs)} requests"
