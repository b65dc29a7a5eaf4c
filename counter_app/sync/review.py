"""What the supervisor sees of the sync: records the server did not simply accept (conflicts,
records refused as unreadable, receipts parked for review), and putting one back in the queue
once its cause is fixed. Services-level functions: the window calls these, never SQL."""

from __future__ import annotations

import json
from typing import Any

from counter_app.domain.errors import NotFoundError, PermissionDenied
from counter_app.services.clock import iso
from counter_app.storage import outbox
from counter_app.storage import receipts as receipts_repo


def sync_problems(counter: Any, limit: int = 200) -> list[dict[str, Any]]:
    """Newest first: record_id, kind, state (conflict | invalid | parked), attempts, created_at,
    synced_at, last_error, server_detail."""
    with counter.store.db.read() as conn:
        return outbox.problems(conn, limit)


def requeue_record(counter: Any, session: Any, record_id: str) -> None:
    """A supervisor sends a conflict or invalid record again. Audited."""
    if not getattr(session, "is_supervisor", False):
        raise PermissionDenied("auth.supervisor_required")
    with counter.store.db.write() as conn:
        if not outbox.requeue(conn, record_id):
            raise NotFoundError("sync.no_such_problem", record=record_id[:64])
        receipts_repo.audit(conn, iso(counter.service.clock()), session.username, "sync_requeue", record_id,
                            None)


def sync_summary(conn: Any) -> dict[str, Any]:
    """The sync part of `status --json` (read from kv; no network, no keyring)."""
    from counter_app.storage.store import get_kv

    def kv_json(key: str) -> Any:
        v = get_kv(conn, key)
        if v is None:
            return None
        try:
            return json.loads(v)
        except ValueError:
            return v

    state = kv_json("sync_state") or {}
    waiting = outbox.summary(conn)
    return {
        "link": state.get("link", "unknown"),
        "enrolled_at": get_kv(conn, "sync_enrolled_at"),
        "pending": waiting.pending,
        "pending_by_kind": waiting.pending_by_kind,
        "oldest_pending_at": waiting.oldest_pending_at,
        "conflicts": waiting.conflicts,
        "invalid": waiting.invalid,
        "parked": waiting.parked,
        "last_push_ok_at": get_kv(conn, "sync_last_push_ok_at"),
        "last_pull_ok_at": get_kv(conn, "sync_last_pull_ok_at"),
        "last_contact_at": state.get("last_contact_at"),
        "next_attempt_at": state.get("next_attempt_at"),
        "last_error": state.get("last_error"),
        "server": kv_json("server_status"),
        "server_period_state": get_kv(conn, "server_period_state"),
        "consumers_snapshot": get_kv(conn, "consumers_snapshot"),
        "consumers_version": get_kv(conn, "consumers_version"),
        "snapshot_rows_done": get_kv(conn, "snapshot_rows_done"),
        "snapshot_total": get_kv(conn, "snapshot_total"),
    }
