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

import random
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from central_server import counters as counters_mod
from central_server import db as sdb
from central_server import master
from central_server.app import create_app
from central_server.config import Settings
from counter_app.app import open_application
from counter_app.config import Config
from counter_app.domain.receipt import Instrument
from counter_app.services.clock import IST
from counter_app.services.collection import Payment, Session
from counter_app.sync.client import ServerClient
from counter_app.sync.engine import SyncEngine
from counter_app.sync.state import Link
from kesco_demo.consumers import generate_consumers
from kesco_protocol.records import Mode
from tests.conftest import CLERK, SUPERVISOR, make_counter
from tests.sync.invariants import LocalView, ServerView, check_consistent, check_delivered, check_safe
from tests.sync.sim_transport import FaultPlan, Server, SimAdapter, SimCrash

CODE = "S1"
N_CONSUMERS = 200
HOST = "https://sim.invalid"


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
    # the simulated clock stands on 28 Nov 2026 whatever the server's real time (a clock days off
    # the server, which the counter would refuse to issue with: tests/services/test_clock_guard.py)
    cfg = Config.load(base / "counter")
    cfg.clock_max_skew_minutes = 0
    cfg.save(base / "counter")
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
        self.open_application()

    # clocks the test moves
    def clock(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    def open_application(self) -> None:
        self.counter = open_application(self.dir / "counter", clock=self.clock)
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
        self.open_application()

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
