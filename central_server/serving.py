"""How the server is served: the uvicorn settings that `central-server serve` and the test and
benchmark servers share (concurrency limit, keep-alive, header size, no proxy headers unless a
proxy is trusted), and an HTTP protocol that closes a connection whose request line and headers
do not arrive in time (uvicorn itself waits for them forever: a slow-loris would keep its
connection, and with it a place under the concurrency limit)."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.supervisors.multiprocess import Multiprocess, Process

from central_server.config import Settings

log = logging.getLogger("central_server.serving")


class TimedH11Protocol(H11Protocol):
    """h11 with a deadline for each request's line and headers, counted from the first byte of a
    request (or from the connection for the first one)."""

    header_timeout_s: float = float(os.environ.get("CENTRAL_HEADER_TIMEOUT_S", "10"))

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._waiting_cycle: Any = None
        self._arm()

    def _arm(self) -> None:
        self._waiting_cycle = self.cycle
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and (self.cycle is None or self.cycle.response_complete):
            self._arm()  # the next request on a kept-alive connection begins
        super().data_received(data)
        if self._header_timer is not None and self.cycle is not self._waiting_cycle:
            self._disarm()  # the headers are in: a request cycle started

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.cycle is self._waiting_cycle and not self.transport.is_closing():
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def protocol_for(settings: Settings) -> type[TimedH11Protocol]:
    """The protocol class with this server's header timeout (a subclass: uvicorn makes one
    protocol object per connection from the class alone)."""
    if settings.header_timeout_s == TimedH11Protocol.header_timeout_s:
        return TimedH11Protocol
    return type("TimedH11Protocol", (TimedH11Protocol,), {"header_timeout_s": settings.header_timeout_s})


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for uvicorn.run / uvicorn.Config."""
    return {
        "http": protocol_for(settings),
        "limit_concurrency": settings.limit_concurrency,
        "timeout_keep_alive": settings.timeout_keep_alive_s,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        # forwarded headers are read by central_server.proxy, and only from trusted proxies
        "proxy_headers": False,
        "server_header": False,
    }


def export_env(settings: Settings) -> None:
    """Hand the settings that worker processes read from the environment (uvicorn with several
    workers builds the app in each through `app_from_env`) to them."""
    os.environ.update({
        "CENTRAL_DATABASE_URL": settings.database_url,
        "CENTRAL_MAX_RECORDS_BODY": str(settings.max_records_body),
        "CENTRAL_HEADER_TIMEOUT_S": str(settings.header_timeout_s),
        "CENTRAL_BODY_IDLE_TIMEOUT_S": str(settings.body_idle_timeout_s),
        "CENTRAL_BODY_TOTAL_TIMEOUT_S": str(settings.body_total_timeout_s),
        "CENTRAL_TOKEN_CACHE_S": str(settings.token_cache_s),
        "CENTRAL_TRUSTED_PROXIES": ",".join(settings.trusted_proxies),
        "CENTRAL_COOKIE_SECURE": "auto" if settings.cookie_secure is None else str(settings.cookie_secure).lower(),
    })


# --- several workers: one listening socket each --------------------------------------------------

def reuse_port_sockets(host: str, port: int, count: int, backlog: int = 2048) -> list[socket.socket] | None:
    """`count` sockets bound to the same address with SO_REUSEPORT, one for each worker; None
    where the system has no SO_REUSEPORT (Windows), and the workers then share one socket."""
    if not hasattr(socket, "SO_REUSEPORT") or sys.platform == "win32":
        return None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    socks: list[socket.socket] = []
    try:
        for _ in range(count):
            s = socket.socket(family, socket.SOCK_STREAM)
            socks.append(s)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            s.bind((host, port))
            s.listen(backlog)  # connections queue for a worker that is still starting
            s.set_inheritable(True)
    except OSError:
        for s in socks:
            s.close()
        raise
    return socks


class BalancedMultiprocess(Multiprocess):
    """uvicorn's supervisor of worker processes (health checks, replacing a dead worker, restarts
    on SIGHUP), with a listening socket of its own for each worker instead of one they share.

    Why: on a shared socket the first worker to wake accepts every connection waiting (asyncio
    takes up to its backlog at once), and a counter's keep-alive connection stays where it was
    accepted. Measured with 8 counters pushing at once (bench_scale.py): all 8 connections in one
    worker, that worker's interpreter at 90 % of a core and the other idle, so the server did
    the work of one process. With SO_REUSEPORT the kernel spreads new connections over the
    sockets by their addresses (tests/deploy/test_workers.py)."""

    def __init__(self, config: Config, per_worker: list[socket.socket]) -> None:
        super().__init__(config, sockets=per_worker[:1])
        self.per_worker = per_worker
        self.processes_num = len(per_worker)

    def _process(self, idx: int) -> Process:
        return Process(self.config, [self.per_worker[idx]])

    def init_processes(self) -> None:
        for idx in range(self.processes_num):
            process = self._process(idx)
            process.start()
            self.processes.append(process)

    def restart_all(self) -> None:
        """Each worker replaced in turn, its replacement serving (on the same socket) before the
        old one is stopped, as uvicorn does."""
        for idx, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._process(idx)
            new.start()
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                if not self.should_exit.is_set():
                    log.error("new worker [%s] was not ready in time; keeping [%s]", new.pid, old.pid)
                return
            old.terminate()
            old.join()
            self.processes[idx] = new

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for idx, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # hung: killed; dead: reaped
            process.join()
            if process.exitcode == STARTUP_FAILURE:  # would fail the same way every time
                log.error("worker [%s] failed to start; stopping", process.pid)
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            log.info("worker [%s] died; starting another on its socket", process.pid)
            replacement = self._process(idx)
            replacement.start()
            self.processes[idx] = replacement

    def handle_ttin(self) -> None:
        log.warning("SIGTTIN ignored: the number of workers is fixed by --workers (one socket each)")

    def handle_ttou(self) -> None:
        log.warning("SIGTTOU ignored: the number of workers is fixed by --workers (one socket each)")


def run_workers(app: str, host: str, port: int, workers: int, **options: Any) -> None:
    """`uvicorn.run(app, workers=n, ...)`, with one SO_REUSEPORT socket a worker where the system
    has it (BalancedMultiprocess says why), else uvicorn's own shared socket."""
    config = Config(app, host=host, port=port, workers=workers, **options)
    socks = reuse_port_sockets(host, port, workers, config.backlog)
    if socks is None:
        uvicorn.run(app, host=host, port=port, workers=workers, **options)
        return
    try:
        BalancedMultiprocess(config, socks).run()
    except KeyboardInterrupt:
        pass
    finally:
        for s in socks:
            s.close()
