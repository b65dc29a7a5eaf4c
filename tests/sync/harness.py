"""Counters enrolled with a real central server on loopback (uvicorn, tests/support/live_server),
for the end-to-end, fault-proxy and month-end tests.

    env = LiveEnv(tmp_dir, database_url).start(consumers=300)
    k = env.counter("K07", via=proxy.url)   # a set-up counter, enrolled, its engine on `via`
    k.issue(20); k.engine.drain()
    env.check_delivered(k)
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from central_server import db as sdb
from central_server import master
from central_server.config import Settings
from counter_app.app import Application, open_application
from counter_app.config import Config
from counter_app.domain.receipt import Instrument
from counter_app.services.clock import IST
from counter_app.services.collection import Payment, Session
from counter_app.sync.engine import SyncEngine
from counter_app.sync.keyring_store import MemoryTokenStore
from counter_app.sync.setup import enroll, make_client
from kesco_demo.consumers import generate_consumers
from kesco_protocol.records import Mode, Receipt
from tests.conftest import CLERK, SUPERVISOR, make_counter
from tests.support.live_server import LiveServer, register_counter
from tests.sync.invariants import LocalView, ServerView, check_consistent, check_delivered, check_safe

TEMPLATE_CODE = "T0"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 10, 0, tzinfo=IST)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=250)
        return self.now


@dataclass
class CounterUnderTest:
    code: str
    counter: Application
    engine: SyncEngine
    rng: random.Random
    accounts: list[str]

    @property
    def service(self) -> Any:
        return self.counter.service

    def issue(self, n: int, *, cheque_every: int = 0) -> list[Receipt]:
        clerk = Session(CLERK[0], "Test Clerk", "clerk")
        out = []
        for i in range(n):
            acct = self.rng.choice(self.accounts)
            amount = self.rng.randrange(10_00, 9_000_00)
            if cheque_every and i % cheque_every == 0:
                inst = Instrument(number=f"{self.rng.randrange(10**6):06d}", date="2026-11-26",
                                  bank="State Bank of India", ifsc="SBIN0001234")
                out.append(self.service.issue_receipt(clerk, Payment(acct, amount, Mode.CHEQUE, inst)))
            else:
                out.append(self.service.issue_receipt(clerk, Payment(acct, amount)))
        return out

    def dishonour(self, r: Receipt) -> None:
        self.service.record_dishonour(Session(SUPERVISOR[0], "Test Supervisor", "supervisor"), r.receipt_id,
                                      "insufficient funds")

    def close(self) -> None:
        self.engine.stop()
        self.counter.close()


class LiveEnv:
    def __init__(self, root: Path, database_url: str) -> None:
        self.root = root
        self.database_url = database_url
        self.server: LiveServer | None = None
        self.tokens = MemoryTokenStore()
        self.template: Path | None = None
        self.accounts: list[str] = []
        self.counters: list[CounterUnderTest] = []
        self._engine: Any = None

    @property
    def server_engine(self) -> Any:
        if self._engine is None:
            self._engine = sdb.make_engine(Settings(database_url=self.database_url))
        return self._engine

    def start(self, consumers: int = 300, template_consumers: int | None = None,
              server_settings: dict[str, Any] | None = None) -> LiveEnv:
        self.server = LiveServer(self.database_url, settings=server_settings).start()
        with sdb.write_tx(self.server_engine) as conn:
            master.load_consumers(conn, generate_consumers(consumers))
        rows = list(generate_consumers(consumers))
        self.accounts = [r[0] for r in rows if r[8] == "active"]
        # one migrated counter store with users, consumers and an open shift, copied per counter
        tpl = self.root / "counter-template"
        clock = Clock()
        c = make_counter(tpl, consumers=consumers if template_consumers is None else template_consumers,
                         code=TEMPLATE_CODE, clock=clock)
        c.service.open_shift(c.service.login(*CLERK), 1000_00)
        c.close()
        # the counters' test clock stands on 28 Nov 2026 whatever the server's real time: a clock days
        # off the server, which the counter would rightly refuse to issue with (test_clock_guard)
        cfg = Config.load(tpl)
        cfg.clock_max_skew_minutes = 0
        cfg.save(tpl)
        self.template = tpl
        return self

    def counter(self, code: str, *, via: str | None = None, timeouts: tuple[float, float] = (1.0, 3.0),
                **engine_kw: Any) -> CounterUnderTest:
        assert self.server is not None and self.template is not None
        d = self.root / f"counter-{code}"
        shutil.copytree(self.template, d)
        for f in d.glob("counter.lock"):
            f.unlink()
        c = open_application(d, clock=Clock())
        c.service.initialise(code, f"Counter {code}")
        enrollment = register_counter(self.database_url, code)
        enroll(c, self.server.url, enrollment, tokens=self.tokens)
        if via is not None:
            # the same token, the address through the fault proxy
            self.tokens.set(via, code, self.tokens.get(self.server.url, code) or "")
            c.config.server_url = via
        client = make_client(c, tokens=self.tokens, timeouts=timeouts)
        opts: dict[str, Any] = {"pull": False, "poll_s": 0.2}
        opts.update(engine_kw)
        tc = CounterUnderTest(code, c, SyncEngine(c, client, **opts), random.Random(code), self.accounts)
        self.counters.append(tc)
        return tc

    def views(self, k: CounterUnderTest) -> tuple[LocalView, ServerView]:
        return LocalView.read(k.counter), ServerView.read(self.server_engine, k.code)

    def check_safe(self, k: CounterUnderTest) -> None:
        check_safe(*self.views(k))

    def check_consistent(self, k: CounterUnderTest) -> None:
        check_consistent(*self.views(k))

    def check_delivered(self, k: CounterUnderTest) -> None:
        check_delivered(*self.views(k))

    def stop(self) -> None:
        for k in self.counters:
            try:
                k.close()
            except Exception:
                pass
        if self.server is not None:
            self.server.stop()
        if self._engine is not None:
            self._engine.dispose()
