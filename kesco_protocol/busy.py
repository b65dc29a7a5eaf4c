"""The records endpoint's busy answer (central_server/push_gate.py): `503` with this detail and a
`Retry-After`, given before the body is read when the server is storing as many pushes as it
takes at once. The counter tells it from a month-end closing and from a server fault by the
detail, and simply comes back after Retry-After (counter_app/sync/client.py)."""

from __future__ import annotations

BUSY_DETAIL = "the server is busy storing other counters' records; retry after Retry-After"


def is_busy(detail: str) -> bool:
    """True for the busy answer's detail (as the counter's client reads it: maybe prefixed)."""
    return BUSY_DETAIL in detail
