"""Admission of record pushes, off by default (`max_concurrent_pushes` = 0). When set, at most
that many batches are stored at once per server process; a push that finds no slot within
`push_wait_s` is answered `503` busy with a `Retry-After` of one to three seconds (spread, so that
hundreds of counters do not come back in the same second), and the counter keeps its records in
its outbox and tries again (counter_app/sync/client.py reads it as a server failure, not closing).

What it does and does not do, measured with benchmarks/bench_scale.py (440 counters uploading
500-receipt batches at once on two cores): it bounds the transactions in flight, so a database
that slows with many concurrent writers keeps its pace; it does not shorten a push's wall time,
which is spent before the gate while hundreds of bodies share the CPU, and a push turned away has
already uploaded its body and sends it again. The slot is taken once the body is in, so a counter
on a slow link holds none while it uploads."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

BUSY_DETAIL = "the server is busy storing other counters' records; retry after Retry-After"


class Busy(Exception):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(BUSY_DETAIL)
        self.retry_after_s = retry_after_s


class PushGate:
    def __init__(self, slots: int, wait_s: float) -> None:
        self.slots = slots  # 0: no limit
        self.wait_s = max(0.0, wait_s)
        self._sem: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.shed = 0  # pushes answered busy by this process

    def _semaphore(self) -> asyncio.Semaphore:
        # one per event loop: a test client may run the app in a new loop each time
        loop = asyncio.get_running_loop()
        if self._sem is None or self._loop is not loop:
            self._sem, self._loop = asyncio.Semaphore(self.slots), loop
        return self._sem

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if self.slots <= 0:
            yield
            return
        sem = self._semaphore()
        try:
            await asyncio.wait_for(sem.acquire(), timeout=self.wait_s)
        except TimeoutError:
            self.shed += 1
            raise Busy(random.randint(1, 3)) from None  # noqa: S311 - spreading retries, not a secret
        try:
            yield
        finally:
            sem.release()
