"""A counter's state as one dictionary: for `status --json`, the doctor and headquarters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from counter_app.storage import consumers as consumers_repo
from counter_app.storage import receipts as receipts_repo
from counter_app.storage.store import get_kv, get_meta
from counter_app.sync.review import sync_summary


def counter_status(c: Any) -> dict[str, Any]:
    with c.store.db.read() as conn:
        seq, head = receipts_repo.chain_head(conn)
        outbox = dict(conn.execute(text("SELECT state, COUNT(*) FROM outbox GROUP BY state")).all())
        oldest = conn.execute(
            text("SELECT MIN(created_at) FROM outbox WHERE state='pending'")
        ).scalar()
        return {
            "counter_code": get_meta(conn, "counter_code"),
            "data_dir": str(c.data_dir),
            "database": str(c.store.path),
            "receipts": seq,
            "chain_head": head,
            "consumers": consumers_repo.count(conn),
            "consumers_as_of": get_kv(conn, "consumers_as_of"),
            "outbox": {k: int(v) for k, v in outbox.items()},
            "pending": int(outbox.get("pending", 0)),
            "oldest_pending_at": oldest,
            "server_period_state": get_kv(conn, "server_period_state"),
            "sync": sync_summary(conn),
        }
