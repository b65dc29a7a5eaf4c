"""A counter's state as one dictionary: for `status --json`, the doctor and headquarters."""

from __future__ import annotations

from typing import Any

from counter_app.storage import consumers as consumers_repo
from counter_app.storage import outbox as outbox_repo
from counter_app.storage import receipts as receipts_repo
from counter_app.storage.store import get_kv, get_meta
from counter_app.sync.review import sync_summary


def counter_status(c: Any) -> dict[str, Any]:
    with c.store.db.read() as conn:
        seq, head = receipts_repo.chain_head(conn)
        waiting = outbox_repo.summary(conn)
        return {
            "counter_code": get_meta(conn, "counter_code"),
            "data_dir": str(c.data_dir),
            "database": str(c.store.path),
            "receipts": seq,
            "chain_head": head,
            "consumers": consumers_repo.count(conn),
            "consumers_as_of": get_kv(conn, "consumers_as_of"),
            "outbox": {**waiting.by_state(), outbox_repo.SYNCED: outbox_repo.synced_count(conn)},
            "pending": waiting.pending,
            "pending_by_kind": waiting.pending_by_kind,
            "oldest_pending_at": waiting.oldest_pending_at,
            "server_period_state": get_kv(conn, "server_period_state"),
            "sync": sync_summary(conn),
            # the ledger's second copy as this process keeps it (storage/mirror.py)
            "mirror": c.mirror_status().to_dict() if hasattr(c, "mirror_status") else None,
        }
