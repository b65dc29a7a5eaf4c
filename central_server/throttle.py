"""Tries per key in a sliding window, in this process's memory: the enrolment endpoint's limits
per client address and per counter code (docs/DEPLOY.md, "Request limits"). Checked before
anything is written, so a flood of guesses never reaches the database's write lock.

Per process: with N workers an address gets N times the tries at most, still far too few to guess
a 16-character code (32^16 values) in the seven days that one is valid."""

from __future__ import annotations

import threading
import time
from collections import deque

WINDOW_S = 60.0
MAX_KEYS = 50_000  # addresses remembered at most; the oldest are forgotten first


class SlidingLimit:
    def __init__(self, limit: int, window_s: float = WINDOW_S) -> None:
        self.limit = limit
        self.window_s = window_s
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """Count one try for `key`; 0 when it may go ahead, else the seconds until it may."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= MAX_KEYS:
                    self._hits.pop(next(iter(self._hits)))
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(0.001, hits[0] + self.window_s - now)
            hits.append(now)
            return 0.0

    def give_back(self, key: str) -> None:
        """Forget the last try of `key` (it succeeded: only failures should use up the limit)."""
        with self._lock:
            hits = self._hits.get(key)
            if hits:
                hits.pop()


class EnrolmentLimits:
    def __init__(self, per_address: int, per_counter: int) -> None:
        self.by_address = SlidingLimit(per_address)
        self.by_counter = SlidingLimit(per_counter)

    def take(self, address: str, counter_code: str) -> int:
        """Seconds to wait (0: go ahead). A try refused by one limit is not counted by the other."""
        wait = self.by_address.take(address)
        if wait:
            return int(wait + 0.999)
        wait = self.by_counter.take(counter_code)
        if wait:
            self.by_address.give_back(address)
            return int(wait + 0.999)
        return 0

    def succeeded(self, address: str, counter_code: str) -> None:
        self.by_address.give_back(address)
        self.by_counter.give_back(counter_code)
