"""Request limits on a real server on loopback (issue 11, item 1): an oversized body is refused
by its Content-Length or by the streaming cap before it is parsed, without the server's memory
growing by the body's size; a body or headers sent too slowly are cut by the read timeouts; a
legitimate counter keeps syncing meanwhile. SQLite only: what is measured here is the HTTP layer."""

from __future__ import annotations

import select
import socket
import threading
import time
from pathlib import Path

import httpx
import psutil
import pytest

from central_server.config import Settings
from tests.support.live_server import LiveServer, enroll, load_demo_consumers, register_counter
from tests.support.receipts import ReceiptChain, wires

MB = 1024 * 1024


def _raw_request(port: int, head: str, body_chunks: int, chunk: bytes, *, chunked: bool = False,
                 deadline_s: float = 20.0) -> tuple[int | None, float]:
    """Send `head`, then the body chunk by chunk until the server answers (or closes, or the
    chunks run out); returns (status or None, seconds until the answer)."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=deadline_s) as s:
        s.sendall(head.encode("latin-1"))
        for _ in range(body_chunks):
            readable, _, _ = select.select([s], [], [], 0)
            if readable:
                break
            piece = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk
            try:
                s.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            if time.monotonic() - start > deadline_s:
                break
        return _status_of(s, start, deadline_s)


def _status_of(s: socket.socket, start: float, deadline_s: float) -> tuple[int | None, float]:
    s.settimeout(max(0.1, deadline_s - (time.monotonic() - start)))
    try:
        first = s.recv(200)
    except (ConnectionResetError, TimeoutError):
        return None, time.monotonic() - start
    took = time.monotonic() - start
    if not first.startswith(b"HTTP/1.1 "):
        return None, took
    return int(first[9:12]), took


def _rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / MB


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'central.sqlite3'}"


def test_oversized_bodies_are_refused_before_they_are_read(sqlite_url: str) -> None:
    """A 100 MB body without a token, and a chunked 64 MB body (no Content-Length) with one:
    refused quickly, and the server's RSS does not grow by anything like the body's size."""
    accounts = ["2110000002"]
    with LiveServer(sqlite_url, subprocess=True) as srv:
        token = enroll(srv.api, "K07", register_counter(sqlite_url, "K07"))
        pid = srv._proc.pid
        # negative control: a normal batch is taken
        ok = httpx.post(f"{srv.api}/counters/K07/records", headers={"Authorization": f"Bearer {token}"},
                        json={"records": wires(ReceiptChain("K07", accounts).take(50))}, timeout=30)
        assert ok.status_code == 200
        before = _rss_mb(pid)
        head = (f"POST /api/v1/counters/K07/records HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: application/json\r\nContent-Length: {100 * MB}\r\n\r\n")
        status, took = _raw_request(srv.port, head, 100, b"x" * MB)
        assert status in (401, 413) and took < 5, (status, took)
        head = (f"POST /api/v1/counters/K07/records HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                f"Transfer-Encoding: chunked\r\n\r\n")
        status, took = _raw_request(srv.port, head, 64, b'{"records": [' + b" " * (MB - 13), chunked=True)
        assert status == 413 and took < 10, (status, took)
        # without a token the same chunked body is refused before a byte of it is read
        no_token = head.replace(f"Authorization: Bearer {token}\r\n", "")
        status, took = _raw_request(srv.port, no_token, 64, b" " * MB, chunked=True)
        assert status == 401 and took < 5, (status, took)
        grown = _rss_mb(pid) - before
        assert grown < 40, f"the server's RSS grew by {grown:.0f} MB"
        # and it still works
        again = httpx.get(f"{srv.api}/counters/K07/status", headers={"Authorization": f"Bearer {token}"})
        assert again.status_code == 200


def test_slow_bodies_and_headers_are_cut_while_a_counter_keeps_syncing(sqlite_url: str) -> None:
    load_demo_consumers(sqlite_url, 50)
    fast = {"body_idle_timeout_s": 1.0, "header_timeout_s": 1.0}
    assert Settings().body_idle_timeout_s > fast["body_idle_timeout_s"]  # the default is longer
    with LiveServer(sqlite_url, settings=fast) as srv:
        token = enroll(srv.api, "K08", register_counter(sqlite_url, "K08"))
        auth = f"Authorization: Bearer {token}\r\n"
        results: dict[str, tuple[int | None, float]] = {}

        def slow_body() -> None:
            with socket.create_connection(("127.0.0.1", srv.port), timeout=15) as s:
                s.sendall((f"POST /api/v1/counters/K08/records HTTP/1.1\r\nHost: x\r\n{auth}"
                           "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"rec").encode())
                results["body"] = _status_of(s, time.monotonic(), 15)

        def slow_headers() -> None:
            with socket.create_connection(("127.0.0.1", srv.port), timeout=15) as s:
                start = time.monotonic()
                s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
                try:
                    results["headers"] = (None if s.recv(100) == b"" else -1, time.monotonic() - start)
                except (ConnectionResetError, TimeoutError):
                    results["headers"] = (None, time.monotonic() - start)

        threads = [threading.Thread(target=slow_body), threading.Thread(target=slow_headers)]
        for t in threads:
            t.start()
        chain = ReceiptChain("K08", ["2110000002"])
        with httpx.Client(base_url=srv.api, headers={"Authorization": f"Bearer {token}"}, timeout=10) as c:
            for _ in range(5):  # the legitimate counter is not held up meanwhile
                t0 = time.monotonic()
                r = c.post("/counters/K08/records", json={"records": wires(chain.take(20))})
                assert r.status_code == 200 and time.monotonic() - t0 < 2
        for t in threads:
            t.join(timeout=20)
        body_status, body_took = results["body"]
        assert body_status in (408, None) and body_took < 5, results
        head_status, head_took = results["headers"]
        assert head_status is None and head_took < 5, results


def test_connections_beyond_the_concurrency_limit_get_503(sqlite_url: str) -> None:
    with LiveServer(sqlite_url, settings={"limit_concurrency": 4, "header_timeout_s": 30.0}) as srv:
        assert httpx.get(f"{srv.api}/health").status_code == 200  # negative control
        idle = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(4)]
        try:
            time.sleep(0.2)
            assert httpx.get(f"{srv.api}/health", timeout=10).status_code == 503
        finally:
            for s in idle:
                s.close()
        time.sleep(0.2)
        assert httpx.get(f"{srv.api}/health", timeout=10).status_code == 200
