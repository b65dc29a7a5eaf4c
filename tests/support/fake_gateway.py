"""A notification gateway on loopback for tests: a real HTTP server (threads) that answers each
request as the test scripted it, and keeps what a consumer's phone would have received.

    gw = FakeGateway(script=["500", "timeout", "ok_late"])   # then "ok" for everything after
    with gw:
        ... NotifyConfig(kind="webhook", url=gw.url, key="k" * 32, timeout_s=0.5) ...
    gw.delivered        # [(idempotency key, body)] as the phone got them
    gw.requests         # every request received, keys included

Faults: "500" (nothing delivered), "400" (refused for good), "timeout" (nothing delivered, no
answer before the client gives up), "slow" (delivered, answered late but in time), "ok_late"
(delivered, then answered only after the client gave up: the case that makes a sender send
again). `honour_keys=False` makes a gateway that ignores the Idempotency-Key: the negative
control, on which a second send is a second message."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


class FakeGateway:
    def __init__(self, script: list[str] | None = None, *, honour_keys: bool = True, hang_s: float = 1.5,
                 slow_s: float = 0.2, key: str | None = None) -> None:
        self.script = list(script or [])
        self.honour_keys, self.hang_s, self.slow_s, self.key = honour_keys, hang_s, slow_s, key
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.delivered: list[tuple[str, dict[str, Any]]] = []
        self.unauthorised = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/send"

    def delivered_keys(self) -> list[str]:
        with self._lock:
            return [k for k, _ in self.delivered]

    def _next(self) -> str:
        with self._lock:
            return self.script.pop(0) if self.script else "ok"

    def _deliver(self, key: str, body: dict[str, Any]) -> bool:
        with self._lock:
            if self.honour_keys and key and any(k == key for k, _ in self.delivered):
                return False  # the copy of a message it holds: dropped
            self.delivered.append((key, body))
            return True

    def start(self) -> FakeGateway:
        gw = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_a: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up already

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                key = self.headers.get("Idempotency-Key", "")
                with gw._lock:
                    gw.requests.append((key, body))
                if gw.key is not None and self.headers.get("Authorization") != f"Bearer {gw.key}":
                    with gw._lock:
                        gw.unauthorised += 1
                    self._answer(401, {"error": "bad key"})
                    return
                mode = gw._next()
                if mode == "500":
                    self._answer(500, {"error": "internal"})
                elif mode == "400":
                    self._answer(400, {"error": "invalid number"})
                elif mode == "timeout":
                    time.sleep(gw.hang_s)
                    self._answer(504, {"error": "late"})
                elif mode == "ok_late":
                    gw._deliver(key, body)
                    time.sleep(gw.hang_s)
                    self._answer(200, {"id": f"m{len(gw.requests)}"})
                else:
                    if mode == "slow":
                        time.sleep(gw.slow_s)
                    new = gw._deliver(key, body)
                    self._answer(200, {"id": f"m{len(gw.requests)}", "duplicate": not new})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True, name="fake-gateway").start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGateway:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
