"""Admission control of record pushes, before the body (`max_concurrent_pushes`, 2 a worker by
default, 0 for none; docs/SCALE.md says what it measured): at most `slots` pushes are read,
parsed and stored at once per server process. A push that finds no slot within `wait_s` is
answered `503` busy with a `Retry-After` *before a byte of its body is read or parsed*; the
counter keeps its records in its outbox and comes back then (counter_app/sync/client.py reads it
as `Busy`: not closing, not an error for the clerk).

Why before the body (docs/SCALE.md, "Admission control"): when hundreds of counters upload at once,
a push's wall time is the queue. Bounding the pushes in service bounds the time of each admitted
push; the rest wait at their counters instead of inside the server, where 440 bodies of 350 KB
would otherwise be read and parsed concurrently on two cores.

The Retry-After is an appointment. The gate knows how long a slot is held (the median of the last
pushes), so its slots free up about every `hold / slots` seconds; each counter turned away is
given the next free moment after the ones already given out, and comes back then. 400 counters turned away at
once are spread over 400 x hold / slots seconds at the rate the slots serve them, so the slots
never stand idle while counters sleep on a guess, and the last of them is not told to wait longer
than its turn. The appointments are capped (`retry_cap_s`); one that finds the slots still busy
waits `wait_s` for one and else gets the next appointment. uvicorn (h11) discards the unread body
of a busy answer and keeps the connection (tests/server/test_push_admission.py checks httpx and
requests with a 1 MB body)."""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from prometheus_client import Counter, Gauge

from central_server.metrics import EVENTS
from kesco_protocol.busy import BUSY_DETAIL, RETRY_AFTER_MS

__all__ = ["BUSY_DETAIL", "Busy", "PushGate"]
# a push's slot hold time before anything is measured: upload, parse and store of a 500-record batch
FIRST_SERVICE_S = 0.3
# the hold is the median of the last pushes: the first ones of a burst, whose uploads crowd in with
# hundreds of others, hold their slot for seconds, and a moving average of them told every counter
# turned away after them to come back at the cap while the slots stood idle (bench_scale)
RECENT = 31
MAX_TRACKED = 20_000  # appointments remembered (a state's worth of counters; bounds the memory)

SHED = Counter("kesco_push_shed", "Record pushes answered 503 busy by the admission gate, before their body",
               registry=EVENTS)
WINDOW = Gauge("kesco_push_retry_window_seconds", "How far ahead the last busy answer's appointment (Retry-After) lay",
               multiprocess_mode="livemax", registry=EVENTS)
IN_SERVICE = Gauge("kesco_push_in_service", "Record pushes holding an admission slot",
                   multiprocess_mode="livesum", registry=EVENTS)


class Busy(Exception):
    """Turned away: `retry_after_s` whole seconds for Retry-After, `wait_s` the appointment itself
    (sent in milliseconds as kesco_protocol.busy.RETRY_AFTER_MS)."""

    def __init__(self, retry_after_s: int, wait_s: float | None = None) -> None:
        super().__init__(BUSY_DETAIL)
        self.retry_after_s = retry_after_s
        self.wait_s = float(retry_after_s) if wait_s is None else wait_s

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s), RETRY_AFTER_MS: str(max(1, round(self.wait_s * 1000)))}


class PushGate:
    def __init__(self, slots: int, wait_s: float, retry_cap_s: float = 30.0, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.slots = slots  # 0: no limit
        self.wait_s = max(0.0, wait_s)
        self.retry_cap_s = max(1.0, retry_cap_s)
        self.clock = clock
        self.service_s = FIRST_SERVICE_S
        self.shed = 0  # pushes answered busy by this process
        self._next_at = 0.0  # the last appointment given out (clock time)
        self._appointments: dict[str, float] = {}  # counter -> its appointment, until it is served
        self._held: deque[float] = deque(maxlen=RECENT)
        self._sem: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        # one per event loop: a test client may run the app in a new loop each time
        loop = asyncio.get_running_loop()
        if self._sem is None or self._loop is not loop:
            self._sem, self._loop = asyncio.Semaphore(self.slots), loop
        return self._sem

    def horizon_s(self) -> float:
        """Seconds until the last appointment given out (0: none is pending)."""
        return max(0.0, self._next_at - self.clock())

    def turn_away(self, who: str) -> Busy:
        """The counter `who` found no slot: its appointment is the next free moment of the slots
        after those already given out (at most retry_cap_s from now). One that comes back before
        its appointment keeps it (told the time left), so a client that retries early takes no
        second turn from the others."""
        now = self.clock()
        due = self._appointments.get(who)
        if due is None or due <= now:
            self._next_at = min(max(self._next_at, now) + self.service_s / max(1, self.slots),
                                now + self.retry_cap_s)
            due = self._next_at
            self._appointments.pop(who, None)
            if len(self._appointments) >= MAX_TRACKED:
                self._forget(now)
            self._appointments[who] = due  # re-inserted: the dict stays in order of appointment
        self.shed += 1
        SHED.inc()
        wait = due - now
        WINDOW.set(wait)
        wait = min(max(wait, 0.0), self.retry_cap_s)
        return Busy(max(1, min(math.floor(self.retry_cap_s), math.ceil(wait - 1e-6))), wait)  # 0.2 x 5 is 1 s, not 2

    def _forget(self, now: float) -> None:
        """Appointments past due (their counters went away), else the earliest ones."""
        for code in [c for c, at in self._appointments.items() if at <= now]:
            del self._appointments[code]
        while len(self._appointments) >= MAX_TRACKED:
            self._appointments.pop(next(iter(self._appointments)))

    def served(self, who: str, held_s: float) -> None:
        self._appointments.pop(who, None)
        self._held.append(max(0.0, held_s))
        self.service_s = statistics.median(self._held)

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
