"""Admission control of record pushes, before the body (off by default: `max_concurrent_pushes` = 0;
docs/SCALE.md says what it measured): at most `slots` pushes are read, parsed and stored at once
per server process. A push that finds no slot within `wait_s` is answered `503`
busy with a `Retry-After` *before a byte of its body is read or parsed*; the counter keeps its
records in its outbox and comes back then (counter_app/sync/client.py reads it as `Busy`: not
closing, not an error for the clerk).

Why before the body (docs/SCALE.md, "Admission control"): when hundreds of counters upload at once,
a push's wall time is the queue. Bounding the pushes in service bounds the time of each admitted
push; the rest wait at their counters instead of inside the server, where 440 bodies of 350 KB
would otherwise be read and parsed concurrently on two cores.

The Retry-After is adaptive. The gate keeps the counters it turned away and has not yet served
(they are authenticated before they reach it, so strangers add nobody), and the time a slot is
held (a moving average). The turned-away counters need about `waiting x service / slots` seconds
of this process's slots: Retry-After is spread uniformly over that window, so they come back at
about the rate the slots free up, instead of all in the next second; it is capped (`retry_cap_s`)
and shrinks as they are served. uvicorn (h11) discards the unread body of a busy answer and keeps
the connection (tests/server/test_push_gate.py checks httpx and requests with a 1 MB body)."""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from prometheus_client import Counter, Gauge

from central_server.metrics import EVENTS
from kesco_protocol.busy import BUSY_DETAIL

__all__ = ["BUSY_DETAIL", "Busy", "PushGate"]
# a push's slot hold time before anything is measured: upload, parse and store of a 500-record batch
FIRST_SERVICE_S = 0.3
EWMA = 0.2  # weight of the newest service time
MAX_TRACKED = 20_000  # counters remembered as waiting (a state's worth; bounds the memory)

SHED = Counter("kesco_push_shed", "Record pushes answered 503 busy by the admission gate, before their body",
               registry=EVENTS)
WINDOW = Gauge("kesco_push_retry_window_seconds", "Window over which busy answers spread their Retry-After",
               multiprocess_mode="livemax", registry=EVENTS)
IN_SERVICE = Gauge("kesco_push_in_service", "Record pushes holding an admission slot",
                   multiprocess_mode="livesum", registry=EVENTS)


class Busy(Exception):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(BUSY_DETAIL)
        self.retry_after_s = retry_after_s


class PushGate:
    def __init__(self, slots: int, wait_s: float, retry_cap_s: float = 30.0, *,
                 clock: Callable[[], float] = time.monotonic, rng: random.Random | None = None) -> None:
        self.slots = slots  # 0: no limit
        self.wait_s = max(0.0, wait_s)
        self.retry_cap_s = max(1.0, retry_cap_s)
        self.clock = clock
        self.rng = rng or random.Random()  # noqa: S311 - spreading retries, not a secret
        self.service_s = FIRST_SERVICE_S
        self.shed = 0  # pushes answered busy by this process
        self._waiting: dict[str, float] = {}  # counter -> when it was last turned away
        self._sem: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        # one per event loop: a test client may run the app in a new loop each time
        loop = asyncio.get_running_loop()
        if self._sem is None or self._loop is not loop:
            self._sem, self._loop = asyncio.Semaphore(self.slots), loop
        return self._sem

    def waiting(self) -> int:
        """Counters turned away and not served since (forgotten once older than the cap: gone)."""
        horizon = self.clock() - self.retry_cap_s - self.wait_s - 1.0
        for code in [c for c, at in self._waiting.items() if at < horizon]:
            del self._waiting[code]
        return len(self._waiting)

    def window_s(self) -> float:
        """Seconds the counters turned away need of this process's slots (1 .. retry_cap_s)."""
        need = self.waiting() * self.service_s / max(1, self.slots)
        return min(self.retry_cap_s, max(1.0, need))

    def turn_away(self, who: str) -> Busy:
        if len(self._waiting) >= MAX_TRACKED and who not in self._waiting:
            self._waiting.pop(next(iter(self._waiting)))
        self._waiting.pop(who, None)
        self._waiting[who] = self.clock()  # re-inserted: the dict stays oldest first
        self.shed += 1
        SHED.inc()
        window = self.window_s()
        WINDOW.set(window)
        return Busy(self.rng.randint(1, math.ceil(window)))

    def served(self, who: str, held_s: float) -> None:
        self._waiting.pop(who, None)
        self.service_s += EWMA * (max(0.0, held_s) - self.service_s)

    @asynccontextmanager
    async def slot(self, who: str) -> AsyncIterator[None]:
        """Hold one slot while the body is read and stored; Busy if none frees within wait_s."""
        if self.slots <= 0:
            yield
            return
        sem = self._semaphore()
        if not sem.locked():
            await sem.acquire()  # a free slot: at once (wait_for with no time left would refuse it)
        else:
            try:
                await asyncio.wait_for(sem.acquire(), timeout=self.wait_s)
            except TimeoutError:
                raise self.turn_away(who) from None
        started = self.clock()
        IN_SERVICE.inc()
        try:
            yield
        finally:
            IN_SERVICE.dec()
            sem.release()
            self.served(who, self.clock() - started)
