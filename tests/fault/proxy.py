"""A fault-injecting TCP proxy for HTTP/1.1 between the counter and the central server.

It reads each request whole, decides a fault for it (a fixed mode, or `chooser(request)` for
random mixes), and then:

    pass          forward, answer                      slow       forward, answer in dribbles
    refuse        listener closed: connect refused      truncate   forward, send half the answer, close
    blackhole     accept, read, never answer            http500    answer 500 itself (not forwarded)
    reset_before  reset the connection, not forwarded   http503    answer 503 + Retry-After itself
    reset_after   forward, the server answers (and has committed), reset before the counter hears

    with FaultProxy("127.0.0.1", server_port) as proxy:
        proxy.mode = "reset_after"
        ... client on proxy.url ...
        proxy.stats  # Counter of faults applied
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

MODES = ("pass", "refuse", "blackhole", "reset_before", "reset_after", "slow", "truncate", "http500", "http503")
EXTRA_MODES = ("http422",)  # a server that refuses every request it gets (e.g. a protocol mismatch)


@dataclass
class Request:
    method: str
    path: str
    raw: bytes


def _rst(sock: socket.socket) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a crashed peer or a middlebox does."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class _Reader:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _fill(self) -> bool:
        data = self.sock.recv(65536)
        if not data:
            return False
        self.buf += data
        return True

    def until(self, marker: bytes) -> bytes | None:
        while marker not in self.buf:
            if not self._fill():
                return None
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def exactly(self, n: int) -> bytes | None:
        while len(self.buf) < n:
            if not self._fill():
                return None
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def rest(self) -> bytes:
        while self._fill():
            pass
        out, self.buf = self.buf, b""
        return out


def read_message(r: _Reader, *, response: bool = False) -> bytes | None:
    """One HTTP/1.1 message (head and body), or None at end of stream."""
    head = r.until(b"\r\n\r\n")
    if head is None:
        return None
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size_line = r.until(b"\r\n")
            if size_line is None:
                return None
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            chunk = r.exactly(size + 2)
            if chunk is None:
                return None
            body += size_line + chunk
            if size == 0:
                return head + body
    n = int(headers.get("content-length", "0") or 0)
    if n:
        body = r.exactly(n)
        return None if body is None else head + body
    status = lines[0].split(" ")[1] if response and " " in lines[0] else ""
    if response and "content-length" not in headers and status not in ("204", "304"):
        return head + r.rest()
    return head


class FaultProxy:
    def __init__(self, upstream_host: str, upstream_port: int, *, mode: str = "pass",
                 chooser: Callable[[Request], str] | None = None, slow_delay_s: float = 0.05,
                 slow_pieces: int = 8, retry_after_s: int = 1, refuse_for_s: float = 0.3) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._mode = mode
        self.chooser = chooser
        self.slow_delay_s = slow_delay_s
        self.slow_pieces = slow_pieces
        self.retry_after_s = retry_after_s
        self.refuse_for_s = refuse_for_s
        self.stats: Counter[str] = Counter()
        self.port = 0
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._open: set[socket.socket] = set()
        self._refuse_until = 0.0

    # --- life cycle ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._listen()
        t = threading.Thread(target=self._accept_loop, name=f"fault-proxy-{self.port}", daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            if self._listener is not None:
                with contextlib.suppress(OSError):
                    self._listener.close()
                self._listener = None
            for s in list(self._open):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in recv; close alone does not
                with contextlib.suppress(OSError):
                    s.close()
        for t in self._threads:
            t.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- mode ---------------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        assert value in MODES + EXTRA_MODES, value
        self._mode = value
        self.chooser = None
        if value == "refuse":
            self._close_listener()
        else:
            self._listen()

    def mix(self, seed: int, weights: dict[str, float]) -> None:
        """Random faults per request from a seeded generator."""
        rng = random.Random(seed)
        names, w = list(weights), list(weights.values())
        self.mode = "pass"
        self.chooser = lambda _req: rng.choices(names, w)[0]

    def _listen(self) -> None:
        with self._lock:
            if self._listener is not None or self._stop.is_set():
                return
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", self.port))
            s.listen(64)
            s.settimeout(0.1)
            self.port = s.getsockname()[1]
            self._listener = s

    def _close_listener(self) -> None:
        with self._lock:
            if self._listener is not None:
                with contextlib.suppress(OSError):
                    self._listener.close()
                self._listener = None

    # --- serving ------------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            if self._refuse_until and time.monotonic() >= self._refuse_until and self._mode != "refuse":
                self._refuse_until = 0.0
                self._listen()
            with self._lock:
                listener = self._listener
            if listener is None:
                time.sleep(0.02)
                continue
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            t.start()
            self._threads = [x for x in self._threads if x.is_alive()] + [t]

    def _choose(self, req: Request) -> str:
        return self.chooser(req) if self.chooser is not None else self._mode

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        up_reader: _Reader | None = None
        self._open.add(client)
        reader = _Reader(client)
        try:
            while not self._stop.is_set():
                raw = read_message(reader)
                if raw is None:
                    return
                first = raw.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
                req = Request(first[0], first[1] if len(first) > 1 else "/", raw)
                mode = self._choose(req)
                self.stats[mode] += 1
                if mode == "refuse":  # in a mix: this connection dies, new ones are refused a while
                    self._refuse_until = time.monotonic() + self.refuse_for_s
                    self._close_listener()
                    _rst(client)
                    return
                if mode == "reset_before":
                    _rst(client)
                    return
                if mode == "blackhole":
                    while not self._stop.is_set():
                        try:
                            client.settimeout(0.2)
                            if not client.recv(65536):
                                return
                        except TimeoutError:
                            continue
                        except OSError:
                            return
                    return
                if mode in ("http500", "http503", "http422"):
                    client.sendall(self._canned(mode))
                    continue
                if upstream is None:
                    upstream = socket.create_connection(self.upstream, timeout=60)
                    self._open.add(upstream)
                    up_reader = _Reader(upstream)
                upstream.sendall(raw)
                assert up_reader is not None
                resp = read_message(up_reader, response=True)
                if resp is None:
                    _rst(client)
                    return
                if mode == "reset_after":
                    _rst(client)
                    return
                if mode == "truncate":
                    client.sendall(resp[: max(1, len(resp) * 2 // 3)])
                    client.shutdown(socket.SHUT_RDWR)
                    return
                if mode == "slow":
                    step = max(1, len(resp) // self.slow_pieces)
                    for i in range(0, len(resp), step):
                        client.sendall(resp[i:i + step])
                        time.sleep(self.slow_delay_s)
                    continue
                client.sendall(resp)
        except OSError:
            return
        finally:
            for s in (client, upstream):
                if s is not None:
                    self._open.discard(s)
                    with contextlib.suppress(OSError):
                        s.close()

    def _canned(self, mode: str) -> bytes:
        if mode == "http500":
            body = b'{"detail":"fault proxy: internal server error"}'
            head = "HTTP/1.1 500 Internal Server Error\r\n"
        elif mode == "http422":
            body = b'{"detail":[{"msg":"fault proxy: unprocessable"}]}'
            head = "HTTP/1.1 422 Unprocessable Entity\r\n"
        else:
            body = b'{"detail":"month-end closing: the server takes no records now"}'
            head = f"HTTP/1.1 503 Service Unavailable\r\nRetry-After: {self.retry_after_s}\r\n"
        return (head + f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
