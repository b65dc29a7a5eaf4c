"""Counter tokens verified lately, kept a few seconds in this process's memory, so that a burst
of requests with one token (a counter's batches, or an abuser with a stolen token sending junk)
costs one database lookup instead of one per request, and no worker-thread hop at all.

Revocation: `counters.revoke`, `reissue` and `enroll` call `changed_in()`, which empties every
cache of this process at once and again when their transaction commits (the tests' servers, and
any revocation the server makes itself). One made by another process (`central-server counters
revoke`, another worker) is seen when the entry expires: `Settings.token_cache_s`, 2 s by
default, 0 to look every request's token up.
Only tokens that the database confirmed are kept (an unknown token is looked up each time: no
guess can fill the cache), keyed by the token's SHA-256 as the database keeps it, and at most
MAX_ENTRIES of them."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, event
from starlette.concurrency import run_in_threadpool

MAX_ENTRIES = 1024  # a few hundred counters at most; the oldest entry goes first

V = TypeVar("V")

_generation = 0
_lock = threading.Lock()


def changed() -> None:
    """A token stopped (or started) meaning what it meant: forget every cached token now."""
    global _generation
    with _lock:
        _generation += 1


def changed_in(conn: Connection) -> None:
    """`changed()` now and again when `conn`'s transaction commits: a lookup that ran between
    the two read the token as it was before the commit, and must not be kept."""
    changed()
    event.listen(conn, "commit", lambda _conn: changed(), once=True)


def generation() -> int:
    """Take this before a lookup and hand it to `put`: a `changed()` in between wins."""
    return _generation


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    value: V
    expires: float
    generation: int


class TokenCache(Generic[V]):
    def __init__(self, ttl_s: float, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[str, _Entry[V]] = {}

    def get(self, token_hash: str, now: float | None = None) -> V | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        now = time.monotonic() if now is None else now
        if entry.expires <= now or entry.generation != _generation:
            self._entries.pop(token_hash, None)
            return None
        return entry.value

    def put(self, token_hash: str, value: V, looked_up_at: int, now: float | None = None) -> None:
        """Keep what the database said about `token_hash`; `looked_up_at` is `generation()` as
        it was before the lookup (a result that a revocation overtook is not kept)."""
        if self.ttl_s <= 0 or looked_up_at != _generation:
            return
        now = time.monotonic() if now is None else now
        if token_hash not in self._entries and len(self._entries) >= self.max_entries:
            self._entries.pop(next(iter(self._entries)))
        self._entries[token_hash] = _Entry(value, now + self.ttl_s, looked_up_at)

    def forget(self, token_hash: str) -> None:
        self._entries.pop(token_hash, None)


K = TypeVar("K")


class Coalesced(Generic[K, V]):
    """Lookups that wait at the same time, answered by one query (on the event loop; the query
    runs in a worker thread). The first lookup starts at once; those that arrive while it runs
    wait for the next query, which takes all of them (at most `max_keys`). Every counter comes
    back at once after the month-end closing or a restart, each token new to this process: one
    lookup each took a worker thread and a connection each, and the first admitted pushes queued
    behind a few hundred of them (docs/SCALE.md, "2026-12-02, evening").

    `fetch(keys)` returns what it found as a dict; a key it does not return is None (unknown). An
    exception it raises is raised to every lookup of that query, and the next query is tried
    afresh."""

    def __init__(self, fetch: Callable[[list[K]], dict[K, V]], max_keys: int = 500) -> None:
        self._fetch = fetch
        self.max_keys = max_keys
        self._waiting: dict[K, list[asyncio.Future[V | None]]] = {}
        self._task: asyncio.Task[None] | None = None

    async def get(self, key: K) -> V | None:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[V | None] = loop.create_future()
        self._waiting.setdefault(key, []).append(fut)
        task = self._task
        # a task of a loop that is gone (a test client's) cannot answer this one
        if task is None or task.done() or task.get_loop() is not loop:
            self._task = loop.create_task(self._drain())
        return await fut

    async def _drain(self) -> None:
        try:
            while self._waiting:
                keys = list(itertools.islice(self._waiting, self.max_keys))
                futures = {k: self._waiting.pop(k) for k in keys}
                try:
                    found = await run_in_threadpool(self._fetch, keys)
                except Exception as e:  # noqa: BLE001 - handed to each waiting lookup
                    _settle(futures, error=e)
                    continue
                except BaseException as e:  # cancelled (the server stops): nobody is left waiting
                    _settle(futures, error=e)
                    raise
                _settle(futures, found=found)
        finally:
            if asyncio.current_task() is self._task:
                self._task = None
            if self._waiting:  # left by a cancellation: fail them rather than leave them hanging
                waiting, self._waiting = self._waiting, {}
                _settle(waiting, error=RuntimeError("the lookup was stopped"))


def _settle(futures: dict[Any, list[asyncio.Future[Any]]], *, found: dict[Any, Any] | None = None,
            error: BaseException | None = None) -> None:
    for key, waiting in futures.items():
        for f in waiting:
            if f.done():  # its request went away (the client disconnected)
                continue
            if isinstance(error, asyncio.CancelledError):
                f.cancel()
            elif error is not None:
                f.set_exception(error)
            else:
                f.set_result((found or {}).get(key))
