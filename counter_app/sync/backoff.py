"""When to try again after a failure: capped exponential backoff with jitter, or exactly what the
server's Retry-After asked for (plus a little jitter, so 44 counters do not return at once)."""

from __future__ import annotations

import random

APPOINTMENT_JITTER_S = 0.02


class Backoff:
    def __init__(self, base_s: float = 2.0, cap_s: float = 300.0, rng: random.Random | None = None) -> None:
        self.base_s = base_s
        self.cap_s = cap_s
        self.failures = 0
        self.rng = rng or random.Random()

    def reset(self) -> None:
        self.failures = 0

    def next_delay(self, retry_after: float | None = None, *, appointment: bool = False) -> float:
        """Seconds to wait after one more failure. An appointment (the busy answer's time to the
        millisecond) is kept as given, give or take 20 ms: the server spread the appointments
        itself, and 10 % of jitter on a 30-s wait would undo its order."""
        self.failures += 1
        if retry_after is not None and appointment:
            return retry_after + APPOINTMENT_JITTER_S * self.rng.random()
        if retry_after is not None:
            return retry_after * (1.0 + 0.1 * self.rng.random())
        ceiling = min(self.cap_s, self.base_s * float(2 ** min(self.failures - 1, 30)))
        # "equal jitter": never less than half the ceiling, so retries do not hammer the server
        return ceiling / 2 + self.rng.random() * ceiling / 2
