"""Admission of record pushes: at most `max_concurrent_pushes` batches are stored at once per
server process; a push that finds no slot within `push_wait_s` is answered `503` busy with a
`Retry-After` of one to three seconds (spread, so that hundreds of counters do not come back in
the same second).

Why: at month-end reopening every counter sends its backlog at once. Without a gate each worker
takes them all, every transaction slows the others, and a batch waits tens of seconds for its
answer: past the counter's timeout it is sent again, and the server does the work twice. With
it, a push that is taken is answered in well under a second, the disk and CPU stay busy with a
few transactions, and the rest wait at the counter, where their records are safe in the outbox
(the counter honours Retry-After: counter_app/sync/client.py)."""

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
        self.slots = max(1, slots)
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
