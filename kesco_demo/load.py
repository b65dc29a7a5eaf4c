"""Filling a counter's consumer cache with generated demo consumers (the same ones the demo server
holds). A real counter fills it from the server's snapshot and change feed (counter_app.sync.pull);
the product imports this only inside the demo and smoke commands."""

from __future__ import annotations

from itertools import islice

from counter_app.services.clock import iso, system_clock
from counter_app.storage import cache as cache_kv
from counter_app.storage import consumers as consumers_repo
from counter_app.storage.store import Store
from kesco_demo.consumers import generate_consumers

BATCH = 20_000


def load_demo_consumers(store: Store, n: int, *, seed: int = 2026) -> int:
    """Fill the cache with n generated consumers (the same ones the demo server holds), in batches
    so that receipt issuing is never blocked for long."""
    it = generate_consumers(n, seed=seed)
    total = 0
    while True:
        batch = list(islice(it, BATCH))
        if not batch:
            break
        with store.cache.write() as conn:
            total += consumers_repo.upsert_many(conn, batch)
    with store.cache.write() as conn:
        cache_kv.put(conn, "consumers_as_of", iso(system_clock()))
        cache_kv.put(conn, "consumers_source", "demo")
    return total
