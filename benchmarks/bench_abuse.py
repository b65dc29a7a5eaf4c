"""Abuse soak: prints one JSON object.

The real server (`central-server serve` in its own process, its default request limits, SQLite)
on loopback. A legitimate counter pushes chained receipts in batches, first alone (clean), then
while other clients (in another process, so that they do not share the measuring client's GIL)
send oversized bodies (100 MB by Content-Length without a token, 16 MB chunked with one), slow
bodies and slow headers (slow-loris), malformed bodies (not JSON, lone surrogates, wrong types,
too many records) and enrolment guesses. Measured:

- clean_p99_push_ms / abuse_p99_push_ms (and p50): one batch push, request to answer;
- abuse_peak_rss_mb: the server process's peak RSS during the abuse phase (clean_peak_rss_mb
  for comparison), sampled every 20 ms;
- abuse_requests: what the abusers got back, by status;
- abusers_cpu_s_during_pushes: the abusers' own CPU while the counter pushes (they share this
  machine's cores with the server and the counter, which production abusers would not);
- abuse_only_server_cpu_s_per_1000: the server's CPU seconds per 1,000 abusive requests, measured
  in a tail phase (--tail seconds) in which the abuse goes on alone after the last legitimate
  push: less noisy than the p99 on a shared machine, and what the server spends on refusing.

The abuse runs from before the first measured push until the tail ends (the parent stops it):
every measured push meets it, however long the pushes take on a busy machine. The requests are
counted per phase by the time they were answered (CLOCK_MONOTONIC, the same in every process).

Target: abuse p99 within 2x of clean; RSS bounded (far below the 100 MB a single body offered).
All traffic to 127.0.0.1; every loop is bounded by a deadline.

    .venv/bin/python benchmarks/bench_abuse.py [--batches 150] [--batch-size 100] [--abusers 2] [--pause 0.05] [--tail 8]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import psutil  # noqa: E402

from benchmarks._common import emit, pct  # noqa: E402
from tests.support.live_server import LiveServer, enroll, load_demo_consumers, register_counter  # noqa: E402
from tests.support.receipts import ReceiptChain, wires  # noqa: E402

MB = 1024 * 1024
TARGET_RATIO = 2.0


def _log(msg: str) -> None:
    print(f"[bench_abuse] {msg}", file=sys.stderr, flush=True)


# --- the abusers (run in a child process) ---------------------------------------------------------

def _status(s: socket.socket, timeout: float) -> str:
    s.settimeout(timeout)
    try:
        first = s.recv(64)
    except (TimeoutError, ConnectionResetError):
        return "timeout/reset"
    return first[9:12].decode() if first.startswith(b"HTTP/1.1 ") else "closed"


def _oversized(port: int, token: str) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall((f"POST /api/v1/counters/K01/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   f"Content-Length: {100 * MB}\r\n\r\n").encode() + b"x" * 65536)
        return _status(s, 10)


def _chunked(port: int, token: str) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall((f"POST /api/v1/counters/K01/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                   "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode())
        piece = f"{MB:x}\r\n".encode() + b" " * MB + b"\r\n"
        for _ in range(16):
            try:
                s.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
        return _status(s, 10)


def _malformed(port: int, token: str, i: int) -> str:
    bodies = [b"{not json", b'{"records": [{"kind": "receipt", "record_id": "\\ud800", "payload": {"x": "\\ud800"}}]}',
              b'{"records": 5}', b'{"records": [' + b",".join([b'{"kind":"void","record_id":"a","payload":1}'] * 5001)
              + b"]}", b"\xff\xfe\x00"]
    r = httpx.post(f"http://127.0.0.1:{port}/api/v1/counters/K01/records", content=bodies[i % len(bodies)],
                   headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, timeout=10)
    return str(r.status_code)


def _enrol_guess(port: int, i: int) -> str:
    r = httpx.post(f"http://127.0.0.1:{port}/api/v1/enroll", timeout=10,
                   json={"counter_code": f"K{i % 40:02d}", "enrollment_code": "AAAA-BBBB-CCCC-DDDD"})
    return str(r.status_code)


def _slow_clients(port: int, running: Callable[[], bool], tally: Counter[str]) -> None:
    """Keeps up to 30 connections that send their headers or body a byte now and then."""
    socks: list[socket.socket] = []
    i = 0
    while running():
        while len(socks) < 30:
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=2)
            except OSError:
                tally["slow:connect_failed"] += 1
                break
            if i % 2:
                s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
            else:
                s.sendall(b"POST /api/v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          b"Content-Length: 1000\r\n\r\n{")
            socks.append(s)
            i += 1
        time.sleep(0.5)
        for s in list(socks):
            try:
                s.sendall(b"a")
            except OSError:
                tally["slow:cut"] += 1
                socks.remove(s)
                s.close()
    for s in socks:
        s.close()


def abuse(port: int, token: str, seconds: float, abusers: int, pause: float, stop_event: Any,
          out: mp.Queue) -> None:  # type: ignore[type-arg]
    """Abuse until `stop_event` is set (at most `seconds`); puts (tally, answer times) on `out`."""
    # In production the abusers are other machines; here they share the server's cores, so they
    # run at a lower priority: what is measured is what the server spends on them, not the CPU
    # that their own Python takes from the machine.
    os.nice(10)
    stop = time.monotonic() + seconds
    tally: Counter[str] = Counter()
    answered: list[float] = []  # when each request (not the slow clients) got its answer
    lock = threading.Lock()

    def running() -> bool:
        return time.monotonic() < stop and not stop_event.is_set()

    def loop(kind: str) -> None:
        i = 0
        while running():
            try:
                if kind == "oversized":
                    got = _oversized(port, token)
                elif kind == "chunked":
                    got = _chunked(port, token)
                elif kind == "malformed":
                    got = _malformed(port, token, i)
                else:
                    got = _enrol_guess(port, i)
            except (OSError, httpx.HTTPError) as e:
                got = type(e).__name__
            with lock:
                tally[f"{kind}:{got}"] += 1
                answered.append(time.monotonic())
            i += 1
            time.sleep(pause)

    threads = [threading.Thread(target=_slow_clients, args=(port, running, tally))]
    threads += [threading.Thread(target=loop, args=(k,)) for k in ("oversized", "chunked", "malformed", "enrol")
                for _ in range(abusers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    out.put((dict(tally), answered))


# --- the legitimate counter and the measurements ----------------------------------------------------

class RssSampler(threading.Thread):
    """The server process's peak RSS (every 20 ms) and its CPU seconds, per phase."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.peak = 0
        self.running = True
        self.cpu_mark = self._cpu()

    def _cpu(self) -> float:
        t = self.proc.cpu_times()
        return float(t.user + t.system)

    def run(self) -> None:
        while self.running:
            try:
                self.peak = max(self.peak, self.proc.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.02)

    def take(self) -> tuple[float, float]:
        """(peak RSS in MB, CPU seconds) since the last take."""
        peak = max(self.peak, self.proc.memory_info().rss)
        self.peak = 0
        cpu, self.cpu_mark = self._cpu() - self.cpu_mark, self._cpu()
        return peak / MB, cpu


def _cpu_s(proc: psutil.Process) -> float:
    t = proc.cpu_times()
    return float(t.user + t.system)


def push_all(api: str, token: str, bodies: list[bytes]) -> list[float]:
    took = []
    with httpx.Client(base_url=api, headers={"Authorization": f"Bearer {token}",
                                             "Content-Type": "application/json"}, timeout=60) as c:
        for body in bodies:
            start = time.perf_counter()
            r = c.post("/counters/K01/records", content=body)
            took.append((time.perf_counter() - start) * 1000)
            assert r.status_code == 200, (r.status_code, r.text[:200])
            assert all(x["status"] == "accepted" for x in r.json()["results"])
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=150)
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--abusers", type=int, default=2, help="threads per kind of abuse")
    ap.add_argument("--pause", type=float, default=0.05, help="seconds between one abuser's requests")
    ap.add_argument("--tail", type=float, default=8.0, help="seconds of abuse alone after the last push")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-abuse-"))
    url = f"sqlite:///{work / 'central.sqlite3'}"
    load_demo_consumers(url, 2000)
    from kesco_demo.consumers import generate_consumers

    accounts = [r[0] for r in generate_consumers(2000) if r[8] == "active"]
    chain = ReceiptChain("K01", accounts)
    bodies = [json.dumps({"records": wires(chain.take(args.batch_size))}).encode() for _ in range(2 * args.batches + 3)]
    with LiveServer(url, subprocess=True) as srv:
        token = enroll(srv.api, "K01", register_counter(url, "K01"))
        for i in range(40):
            register_counter(url, f"K{i:02d}") if i > 1 else None
        sampler = RssSampler(srv._proc.pid)
        sampler.start()
        push_all(srv.api, token, bodies[:3])  # warm up (not measured)
        sampler.take()
        _log(f"clean: {args.batches} batches of {args.batch_size}")
        load_before = os.getloadavg()[0]
        clean = push_all(srv.api, token, bodies[3:args.batches + 3])
        clean_rss, clean_cpu = sampler.take()
        ctx = mp.get_context("spawn")
        out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
        stop_abuse = ctx.Event()
        # the abuse runs until the tail phase ends (bounded: at most 10 minutes)
        seconds = 600.0
        proc = ctx.Process(target=abuse, args=(srv.port, token, seconds, args.abusers, args.pause, stop_abuse, out))
        proc.start()
        time.sleep(3)  # let the abuse reach its stride
        _log("abuse while the counter pushes")
        abusers = psutil.Process(proc.pid)
        abusers_cpu = _cpu_s(abusers)
        dirty_from = time.monotonic()
        dirty = push_all(srv.api, token, bodies[args.batches + 3:])
        dirty_to = time.monotonic()
        abusers_cpu = _cpu_s(abusers) - abusers_cpu
        abuse_rss, abuse_cpu = sampler.take()
        _log(f"abuse alone for {args.tail:.0f} s")
        time.sleep(args.tail)
        tail_to = time.monotonic()
        _tail_rss, tail_cpu = sampler.take()
        stop_abuse.set()
        tally, answered = out.get(timeout=120)
        proc.join(timeout=60)
        sampler.running = False
        still_up = httpx.get(f"{srv.api}/health", timeout=10).status_code == 200
    clean_p99, abuse_p99 = pct(clean, 99), pct(dirty, 99)
    during_pushes = sum(1 for t in answered if dirty_from <= t <= dirty_to)
    alone = sum(1 for t in answered if dirty_to < t <= tail_to)
    emit({
        "batch_size": args.batch_size, "batches": len(dirty), "abusers_per_kind": args.abusers,
        "abuser_pause_s": args.pause,
        "clean_p50_push_ms": pct(clean, 50), "clean_p99_push_ms": clean_p99,
        "abuse_p50_push_ms": pct(dirty, 50), "abuse_p99_push_ms": abuse_p99,
        "abuse_vs_clean_p99": abuse_p99 / clean_p99, "target_ratio": TARGET_RATIO,
        "meets_target": abuse_p99 <= TARGET_RATIO * clean_p99,
        "clean_peak_rss_mb": clean_rss, "abuse_peak_rss_mb": abuse_rss, "server_up_after": still_up,
        # the server's CPU seconds per push, and the machine's load (2 cores shared): what the
        # abuse cost the server itself, apart from what the abusers took from the machine
        "clean_server_cpu_ms_per_push": clean_cpu / len(clean) * 1000,
        "abuse_server_cpu_s": abuse_cpu, "abuse_seconds": sum(dirty) / 1000,
        "abuse_requests_during_pushes": during_pushes,
        # the abusers' own CPU meanwhile (their process, niced): on a shared two-core machine what
        # they take from the legitimate counter and the server, apart from what the server spends
        "abusers_cpu_s_during_pushes": abusers_cpu,
        # what refusing costs the server, with no legitimate push in the sample
        "abuse_only_seconds": tail_to - dirty_to, "abuse_only_requests": alone,
        "abuse_only_server_cpu_s": tail_cpu,
        "abuse_only_server_cpu_s_per_1000": tail_cpu / alone * 1000 if alone else float("nan"),
        "load_avg_1m_before": load_before, "load_avg_1m_after": os.getloadavg()[0],
        "abuse_requests": dict(sorted(tally.items())),
    })


if __name__ == "__main__":
    main()
