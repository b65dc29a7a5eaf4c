"""Deterministic simulation of one counter and the central server, driven by a seed.

The real counter store and service, the real SyncEngine and ServerClient (requests), and the
real FastAPI server app on its own SQLite file, joined by an in-process transport (a requests
adapter that calls the ASGI app) which injects faults exactly where the plan says: before the
server sees a request, or after it committed and before the counter hears (reset, timeout,
truncated answer, the counter process killed). An own scheduler interleaves issuing receipts,
dishonours and voids, sync cycles, counter crashes, server restarts, a server restored from an
older backup, and month-end close/open (both modes). Everything random comes from the seed.
"""

from __future__ import annotations

import asyncio
import io
import random
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests
import urllib3
from requests.adapters import BaseAdapter

from central_server import counters as counters_mod
from central_server import db as sdb
from central_server import master
from central_server import period as period_mod
from central_server.app import create_app
from central_server.config import Settings
from counter_app.app import open_counter
from counter_app.domain.demo_data import generate_consumers
from counter_app.domain.receipt import Instrument, Mode
from counter_app.services.clock import IST
from counter_app.services.counter import Payment, Session
from counter_app.sync.client import ServerClient
from counter_app.sync.engine import SyncEngine
from counter_app.sync.state import Link
from tests.conftest import CLERK, SUPERVISOR, make_counter
from tests.sync.invariants import LocalView, ServerView, check_consistent, check_delivered, check_safe

CODE = "S1"
N_CONSUMERS = 200
HOST = "http://sim.invalid"
FAULTS_BEFORE = ("offline", "timeout_before", "http500", "http503")
FAULTS_AFTER = ("reset_after", "timeout_after", "truncate", "crash_after")
FAULTS = FAULTS_BEFORE + FAULTS_AFTER


class SimCrash(BaseException):
    """The counter process dies here (BaseException: nothing in the engine may catch it)."""


# --- templates: made once per test session, copied per seed -------------------------------------

@dataclass
class Templates:
    root: Path
    counter_dir: Path
    server_db: Path
    token: str
    accounts: list[str]


def make_templates(root: Path | None = None) -> Templates:
    base = Path(tempfile.mkdtemp(prefix="sim-tpl-", dir=_fast_tmp())) if root is None else root
    start = datetime(2026, 11, 28, 10, 0, tzinfo=IST)
    c = make_counter(base / "counter", consumers=N_CONSUMERS, code=CODE, clock=lambda: start)
    clerk = c.service.login(*CLERK)
    c.service.open_shift(clerk, 1000_00)
    c.close()
    server_db = base / "server.sqlite3"
    app = create_app(Settings(database_url=f"sqlite:///{server_db}"))
    eng = app.state.engine
    with sdb.write_tx(eng) as conn:
        master.load_consumers(conn, generate_consumers(N_CONSUMERS))
        enrollment = counters_mod.add(conn, CODE, "Simulated counter")
    with sdb.write_tx(eng) as conn:
        token = counters_mod.enroll(conn, CODE, enrollment).token  # type: ignore[union-attr]
    eng.dispose()
    accounts = [r[0] for r in generate_consumers(N_CONSUMERS)]
    return Templates(base, base / "counter", server_db, token, accounts)


def _fast_tmp() -> str | None:
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() else None


# --- the in-process server and transport ---------------------------------------------------------

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


# --- one seed ------------------------------------------------------------------------------------

class World:
    def __init__(self, seed: int, tpl: Templates, *, client_cls: type[ServerClient] = ServerClient,
                 engine_hook: Any = None) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.tpl = tpl
        self.dir = Path(tempfile.mkdtemp(prefix=f"sim-{seed}-", dir=_fast_tmp()))
        shutil.copytree(tpl.counter_dir, self.dir / "counter")
        shutil.copy(tpl.server_db, self.dir / "server.sqlite3")
        self.server = Server(self.dir / "server.sqlite3")
        self.backup: Path | None = None
        self.server_down = False
        self.plan = FaultPlan(random.Random(seed * 7919 + 1))
        self.requests = 0
        self.now = datetime(2026, 11, 28, 10, 0, tzinfo=IST)
        self.mono = 0.0
        self.client_cls = client_cls
        self.engine_hook = engine_hook
        self.counter: Any = None
        self.engine: SyncEngine | None = None
        self.stale = False  # the server lost data since the counter last compared
        self.log: list[str] = []
        self.cheques: list[str] = []
        self.voidable: list[str] = []
        self.open_counter()

    # clocks the test moves
    def clock(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    def open_counter(self) -> None:
        self.counter = open_counter(self.dir / "counter", clock=self.clock)
        session = requests.Session()
        session.mount(HOST, SimAdapter(self))
        client = self.client_cls(HOST, CODE, self.tpl.token, session=session, connect_timeout=1, read_timeout=2)
        self.engine = SyncEngine(self.counter, client, clock=self.clock, monotonic=self.monotonic,
                                 rng=random.Random(self.seed), pull=False, status_interval_s=0.0)
        if self.engine_hook is not None:
            self.engine_hook(self.engine)

    def crash_counter(self) -> None:
        self.log.append("counter crash")
        self.counter.close()
        self.open_counter()

    def views(self, verify: bool = False) -> tuple[LocalView, ServerView]:
        return LocalView.read(self.counter, verify=verify), ServerView.read(self.server.engine, CODE)

    # --- the actions the scheduler picks from ---
    def issue(self) -> None:
        clerk = Session(CLERK[0], "Test Clerk", "clerk")
        for _ in range(self.rng.randint(1, 4)):
            self.now += timedelta(seconds=self.rng.randint(5, 90))
            acct = self.rng.choice(self.tpl.accounts)
            amount = self.rng.randrange(10_00, 20_000_00)
            if self.rng.random() < 0.15:
                inst = Instrument(number=f"{self.rng.randrange(10**6):06d}",
                                  date=(self.now.date() - timedelta(days=2)).isoformat(),
                                  bank="State Bank of India", ifsc="SBIN0001234")
                r = self.counter.service.issue_receipt(clerk, Payment(acct, amount, Mode.CHEQUE, inst))
                self.cheques.append(r.receipt_id)
            else:
                r = self.counter.service.issue_receipt(clerk, Payment(acct, amount))
                self.voidable.append(r.receipt_id)
        self.log.append("issue")

    def dishonour(self) -> None:
        if self.cheques:
            rid = self.cheques.pop(self.rng.randrange(len(self.cheques)))
            sup = Session(SUPERVISOR[0], "Test Supervisor", "supervisor")
            self.counter.service.record_dishonour(sup, rid, "insufficient funds")
            self.log.append("dishonour")

    def void(self) -> None:
        if self.voidable:
            rid = self.voidable.pop(self.rng.randrange(len(self.voidable)))
            clerk = Session(CLERK[0], "Test Clerk", "clerk")
            self.counter.service.void_receipt(clerk, rid, "keyed wrong account", *SUPERVISOR)
            self.log.append("void")

    def sync(self, p_fault: float) -> bool:
        """One engine cycle with faults drawn at probability p_fault per request. True when it
        ran clean (no fault injected, the counter compared with the server's status)."""
        assert self.engine is not None
        self.plan.p = p_fault
        self.plan.injected = []
        self.mono += 30.0
        try:
            st = self.engine.run_once(force=True)
        except SimCrash:
            self.log.append(f"sync crashed {self.plan.injected}")
            self.plan.p = 0.0
            self.crash_counter()
            return False
        finally:
            self.plan.p = 0.0
        clean = not self.plan.injected and not self.server_down and (
            st.last_error is None or st.link is Link.CLOSING)
        self.log.append(f"sync {self.plan.injected or ''} -> {st.link.value}")
        if clean:
            self.stale = False
        return clean

    def server_restart(self) -> None:
        self.server.restart()
        self.log.append("server restart")

    def take_backup(self) -> None:
        self.backup = self.dir / "server-backup.sqlite3"
        self.server.backup_to(self.backup)
        self.log.append("server backup")

    def restore_backup(self) -> None:
        if self.backup is not None:
            self.server.restore_from(self.backup)
            self.stale = True
            self.log.append("server restored from backup")

    def period(self) -> None:
        choice = self.rng.choice(("open", "closing", "legacy"))
        self.server.set_period("open" if choice == "open" else "closing", legacy=choice == "legacy")
        self.log.append(f"period {choice}")

    # --- checks ---
    def check(self, consistent: bool) -> None:
        local, server = self.views()
        check_safe(local, server)
        if consistent and not self.stale:
            check_consistent(local, server)

    def heal(self) -> int:
        """Faults stop, the period opens, the server restarts: everything must arrive within a
        bounded number of cycles. Returns the cycles used."""
        self.server_down = False
        self.server.set_period("open")
        self.server.restart()
        with self.counter.store.db.read() as conn:
            pending = int(conn.exec_driver_sql("SELECT COUNT(*) FROM outbox").scalar_one())
        bound = 3 + pending // 500
        for n in range(1, bound + 1):
            self.sync(0.0)
            local, server = self.views(verify=True)
            if all(s != "pending" for s in local.states.values()):
                check_delivered(local, server)
                return n
        local, server = self.views(verify=True)
        check_delivered(local, server)
        raise AssertionError(f"not delivered within {bound} clean cycles")

    def close(self) -> None:
        try:
            self.counter.close()
        finally:
            self.server.close()
            shutil.rmtree(self.dir, ignore_errors=True)


ACTIONS = (("issue", 30), ("sync", 30), ("crash", 6), ("server_restart", 4), ("backup", 5), ("restore", 4),
           ("period", 6), ("outage", 4), ("dishonour", 3), ("void", 1))


def run_seed(seed: int, tpl: Templates, **world_kw: Any) -> World:
    """Play one seed to the end; raises (with the seed's event log) on a broken invariant."""
    w = World(seed, tpl, **world_kw)
    try:
        names = [a for a, _ in ACTIONS]
        weights = [wt for _, wt in ACTIONS]
        for _ in range(w.rng.randint(10, 24)):
            action = w.rng.choices(names, weights)[0]
            consistent = False
            if action == "issue":
                w.issue()
            elif action == "sync":
                consistent = w.sync(w.rng.choice((0.0, 0.0, 0.3, 0.6, 1.0)))
            elif action == "crash":
                w.crash_counter()
            elif action == "server_restart":
                w.server_restart()
            elif action == "backup":
                w.take_backup()
            elif action == "restore":
                w.restore_backup()
            elif action == "period":
                w.period()
            elif action == "outage":
                w.server_down = not w.server_down
                w.log.append(f"server {'down' if w.server_down else 'up'}")
            elif action == "dishonour":
                w.dishonour()
            elif action == "void":
                w.void()
            w.check(consistent)
        w.heal()
        return w
    except BaseException as e:
        log = " | ".join(w.log[-40:])
        w.close()
        raise type(e)(f"seed {seed}: {e}\n  events: {log}\n  replay: KESCO_SIM_SEED={seed} "
                      f".venv/bin/python -m pytest tests/sync/test_simulation.py -k replay -x") from e


def summary(w: World) -> dict[str, Any]:
    local, _ = w.views()
    return {"receipts": len(local.receipts), "requests": w.requests, "events": len(w.log)}


def seed_list(default: int, env_value: str | None) -> list[int]:
    n = int(env_value) if env_value else default
    return list(range(1, n + 1))


def _sqlite_copy(src: Path, dest: Path) -> None:
    s = sqlite3.connect(src)
    d = sqlite3.connect(dest)
    try:
        s.backup(d)
    finally:
        d.close()
        s.close()


