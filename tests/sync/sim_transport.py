"""The simulation's in-process server and transport: the real FastAPI app called as ASGI from a
requests adapter, with faults injected before the server sees a request or after it committed."""

from __future__ import annotations

import asyncio
import io
import random
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
import urllib3
from requests.adapters import BaseAdapter

from central_server import db as sdb
from central_server import period as period_mod
from central_server.app import create_app
from central_server.config import Settings

if TYPE_CHECKING:
    from tests.sync.sim import World

FAULTS_BEFORE = ("offline", "timeout_before", "http500", "http503")
FAULTS_AFTER = ("reset_after", "timeout_after", "truncate", "crash_after")
FAULTS = FAULTS_BEFORE + FAULTS_AFTER


class SimCrash(BaseException):
    """The counter process dies here (BaseException: nothing in the engine may catch it)."""


class Server:
    """The real app on its own SQLite file; restartable and restorable."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.loop = asyncio.new_event_loop()
        self.app: Any = None
        self.start()

    @property
    def engine(self) -> Any:
        return self.app.state.engine

    def start(self) -> None:
        self.app = create_app(Settings(database_url=f"sqlite:///{self.db_path}", migrate_on_start=False))

    def stop(self) -> None:
        if self.app is not None:
            self.app.state.engine.dispose()
            self.app = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def backup_to(self, dest: Path) -> None:
        _sqlite_copy(self.db_path, dest)

    def restore_from(self, src: Path) -> None:
        self.stop()
        _sqlite_copy(src, self.db_path)
        self.start()

    def set_period(self, state: str, legacy: bool = False) -> None:
        with sdb.write_tx(self.engine) as conn:
            if state == "open":
                period_mod.open_(conn)
            else:
                period_mod.close(conn, legacy=legacy, retry_after_s=30)

    def call(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, list[Any], bytes]:
        u = urllib3.util.parse_url(url)
        path = u.path or "/"
        out: dict[str, Any] = {"status": 500, "headers": [], "body": []}

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(m: dict[str, Any]) -> None:
            if m["type"] == "http.response.start":
                out["status"], out["headers"] = m["status"], m.get("headers", [])
            elif m["type"] == "http.response.body":
                out["body"].append(m.get("body", b""))

        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": (u.query or "").encode(),
            "root_path": "", "client": ("127.0.0.1", 50000), "server": ("sim.invalid", 80),
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()
                        if k.lower() != "accept-encoding"],
        }
        self.loop.run_until_complete(self.app(scope, receive, send))
        return int(out["status"]), out["headers"], b"".join(out["body"])

    def close(self) -> None:
        self.stop()
        self.loop.close()


@dataclass
class FaultPlan:
    """For each request of the coming cycle: no fault, or one of FAULTS (drawn from the seed)."""

    rng: random.Random
    p: float = 0.0
    allowed: tuple[str, ...] = FAULTS
    injected: list[str] = field(default_factory=list)

    def draw(self) -> str | None:
        if self.p <= 0 or self.rng.random() >= self.p:
            return None
        f = self.rng.choice(self.allowed)
        self.injected.append(f)
        return f


def _response(request: requests.PreparedRequest, status: int, headers: list[Any] | dict[str, str],
              body: bytes) -> requests.Response:
    hdrs = dict(headers) if isinstance(headers, dict) else {k.decode(): v.decode() for k, v in headers}
    hdrs.pop("content-encoding", None)
    raw = urllib3.HTTPResponse(body=io.BytesIO(body), headers=hdrs, status=status, preload_content=False,
                               decode_content=False)
    r = requests.Response()
    r.status_code = status
    r.headers = requests.structures.CaseInsensitiveDict(hdrs)
    r.raw = raw
    r.url = request.url or ""
    r.request = request
    r.encoding = "utf-8"
    return r


class SimAdapter(BaseAdapter):
    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        w = self.world
        w.requests += 1
        assert timeout is not None, "every call must carry a timeout"
        fault = w.plan.draw()
        if fault == "offline" or w.server_down:
            raise requests.ConnectionError("sim: connection refused")
        if fault == "timeout_before":
            raise requests.ConnectTimeout("sim: connect timed out")
        if fault == "http500":
            return _response(request, 500, {"content-type": "application/json"}, b'{"detail":"sim: boom"}')
        if fault == "http503":
            return _response(request, 503, {"content-type": "application/json", "retry-after": "30"},
                             b'{"detail":"month-end closing: the server takes no records now"}')
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
        status, headers, data = w.server.call(request.method or "GET", request.url or "", body,
                                              dict(request.headers))
        if fault == "reset_after":
            raise requests.ConnectionError("sim: connection reset after the server answered")
        if fault == "timeout_after":
            raise requests.ReadTimeout("sim: read timed out after the server committed")
        if fault == "crash_after":
            raise SimCrash()
        if fault == "truncate":
            data = data[: len(data) // 2]
        return _response(request, status, headers, data)

    def close(self) -> None:
        pass



def _sqlite_copy(src: Path, dest: Path) -> None:
    s = sqlite3.connect(src)
    d = sqlite3.connect(dest)
    try:
        s.backup(d)
    finally:
        d.close()
        s.close()


