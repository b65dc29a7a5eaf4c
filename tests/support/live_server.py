"""The real central server on a loopback port, for tests and benchmarks.

    from tests.support.live_server import LiveServer, enroll, load_demo_consumers, register_counter

    load_demo_consumers(database_url, 1000)            # optional: consumers to pay against
    with LiveServer(database_url) as srv:              # uvicorn in a background thread
        code = register_counter(database_url, "K07")   # what `central-server counters add` prints
        token = enroll(srv.api, "K07", code)           # POST /api/v1/enroll
        httpx.get(f"{srv.api}/counters/K07/status", headers={"Authorization": f"Bearer {token}"})

`LiveServer(url, subprocess=True)` runs `python -m central_server serve` in its own process
instead (its own GIL, as in production; what the benchmark uses); `workers=N` there too.
`srv.url` is the base URL, `srv.api` the API base (`.../api/v1`). The database is migrated
before the server starts. `srv.stop()` (or leaving the `with`) shuts it down.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from central_server import counters, db, migrate
from central_server.config import Settings

REPO = Path(__file__).resolve().parents[2]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def register_counter(database_url: str, code: str, name: str | None = None) -> str:
    """Add a counter straight in the database; returns its one-time enrollment code."""
    engine = db.make_engine(Settings(database_url=database_url))
    try:
        migrate.upgrade(engine)
        with db.write_tx(engine) as conn:
            return counters.add(conn, code, name or f"Counter {code}")
    finally:
        engine.dispose()


def load_demo_consumers(database_url: str, n: int, *, seed: int = 2026) -> int:
    """Load `n` generated demo consumers (what `central-server demo-data` does)."""
    from central_server import master
    from kesco_demo.consumers import generate_consumers

    engine = db.make_engine(Settings(database_url=database_url))
    try:
        migrate.upgrade(engine)
        with db.write_tx(engine) as conn:
            return master.load_consumers(conn, generate_consumers(n, seed=seed))
    finally:
        engine.dispose()


def enroll(api: str, code: str, enrollment_code: str, client: httpx.Client | None = None) -> str:
    """Exchange an enrollment code for the counter's bearer token over HTTP."""
    c = client or httpx.Client(timeout=30)
    try:
        r = c.post(f"{api}/enroll", json={"counter_code": code, "enrollment_code": enrollment_code})
        r.raise_for_status()
        return str(r.json()["token"])
    finally:
        if client is None:
            c.close()


class LiveServer:
    def __init__(self, database_url: str, *, host: str = "127.0.0.1", subprocess: bool = False,
                 workers: int = 1, settings: dict[str, Any] | None = None, log_level: str = "WARNING",
                 demo: bool = True, env: dict[str, str] | None = None, port: int = 0,
                 serve_args: tuple[str, ...] = ()) -> None:
        self.database_url = database_url
        self.host = host
        self.use_subprocess = subprocess
        self.workers = workers
        self.settings = settings or {}
        self.log_level = log_level
        # subprocess only: demo mode (no secrets needed), extra environment, fixed port, more flags
        self.demo = demo
        self.env = env or {}
        self.port = port
        self.serve_args = serve_args
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._proc: Any = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.url}/api/v1"

    def start(self) -> LiveServer:
        engine = db.make_engine(Settings(database_url=self.database_url))
        migrate.upgrade(engine)
        engine.dispose()
        if self.use_subprocess:
            if self.settings:
                raise ValueError("settings apply to the in-thread server only")
            self._start_process()
        else:
            self._start_thread()
        return self

    def _start_thread(self) -> None:
        import uvicorn

        from central_server import serving
        from central_server.app import create_app

        settings = Settings(database_url=self.database_url, migrate_on_start=False, **self.settings)
        app = create_app(settings)
        sock = socket.socket()
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        # the options `central-server serve` runs with (limits, no proxy headers unless trusted)
        config = uvicorn.Config(app, log_config=None, access_log=False, log_level=self.log_level.lower(),
                                **serving.uvicorn_options(settings))
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True,
                                        name=f"live-server-{self.port}")
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the live server did not start")
            time.sleep(0.02)

    def _start_process(self) -> None:
        self.port = self.port or free_port(self.host)
        env = {**os.environ, "PYTHONPATH": str(REPO), **self.env}
        cmd = [sys.executable, "-m", "central_server", "serve", "--database-url", self.database_url,
               "--host", self.host, "--port", str(self.port), "--workers", str(self.workers),
               "--log-level", self.log_level, *(["--demo"] if self.demo else []), *self.serve_args]
        self._proc = subprocess.Popen(cmd, env=env, cwd=str(REPO))
        deadline = time.monotonic() + 60
        while True:
            if self._proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self._proc.returncode}")
            try:
                if httpx.get(f"{self.api}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the server did not answer /health within 60 s")
            time.sleep(0.1)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            if self._thread is not None:
                self._thread.join(timeout=30)
            self._server = None
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
