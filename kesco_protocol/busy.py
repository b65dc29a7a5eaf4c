"""The records endpoint's busy answer (central_server/push_gate.py): `503` with this detail and a
`Retry-After`, given before the body is read when the server is storing as many pushes as it
takes at once. The counter tells it from a month-end closing and from a server fault by the
detail, and simply comes back after Retry-After (counter_app/sync/client.py).

Retry-After counts whole seconds (RFC 9110), too coarse for an appointment: slots free every
tenth of a second or so, and counters told "2" come back in clumps at whole seconds, find the
slots taken, and go to the back of the line while the slots stand idle between the clumps. So the
busy answer also says the appointment in milliseconds (`RETRY_AFTER_MS`); a counter that reads it
comes back then, without adding jitter of its own (the server has spread the appointments)."""

from __future__ import annotations

BUSY_DETAIL = "the server is busy storing other counters' records; retry after Retry-After"
RETRY_AFTER_MS = "Kesco-Retry-After-Ms"
MAX_RETRY_AFTER_MS = 3_600_000  # an hour, as for Retry-After


def is_busy(detail: str) -> bool:
    """True for the busy answer's detail (as the counter's client reads it: maybe prefixed)."""
    return BUSY_DETAIL in detail


def parse_retry_after_ms(value: str | None) -> float | None:
    """The appointment in seconds, from the header's whole milliseconds; None if absent or not
    1 to 7 digits (anything else is ignored: the counter then goes by Retry-After)."""
    if value is None:
        return None
    value = value.strip()
    if not (0 < len(value) <= 7 and value.isascii() and value.isdigit()):
        return None
    return min(int(value), MAX_RETRY_AFTER_MS) / 1000
