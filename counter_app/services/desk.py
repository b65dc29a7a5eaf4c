"""What the counter window needs beyond CollectionService: search results as the clerk types, the local
outbox summary for the status bar, and a receipt's print history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from counter_app.domain.consumer import Consumer
from counter_app.services.collection import CollectionService
from counter_app.storage import receipts as receipts_repo
from counter_app.storage.store import get_kv


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    consumers: tuple[Consumer, ...]
    more: bool  # more matches than shown: type more of the name


@dataclass(frozen=True, slots=True)
class OutboxSummary:
    """The local part of the status bar: what is waiting to go to the central server."""

    pending: int
    oldest_pending_at: str | None
    problems: int  # conflict, parked or invalid records the server answered
    last_synced_at: str | None
    consumers_as_of: str | None
    server_period_state: str | None


def search_consumers(service: CollectionService, query: str, limit: int = 20) -> SearchResult:
    """What the result list shows for the text typed so far: the service's search (every word a
    prefix; name matches first), and whether more consumers match than are shown."""
    found = service.search(query, limit + 1)
    return SearchResult(query, tuple(found[:limit]), len(found) > limit)


def outbox_summary(service: CollectionService) -> OutboxSummary:
    with service.db.read() as conn:
        # Every query walks the (state, outbox_id) index: synced rows pile up for years and are
        # never counted here.
        counts: dict[str, int] = dict(conn.execute(text(
            "SELECT state, COUNT(*) FROM outbox WHERE state IN ('pending','conflict','parked','invalid') "
            "GROUP BY state")).all())
        oldest = conn.execute(
            text("SELECT created_at FROM outbox WHERE state='pending' ORDER BY outbox_id LIMIT 1")
        ).scalar()
        last = conn.execute(
            text("SELECT synced_at FROM outbox WHERE state='synced' ORDER BY outbox_id DESC LIMIT 1")
        ).scalar()
        return OutboxSummary(
            pending=int(counts.get("pending", 0)),
            oldest_pending_at=None if oldest is None else str(oldest),
            problems=sum(int(counts.get(k, 0)) for k in ("conflict", "parked", "invalid")),
            last_synced_at=None if last is None else str(last),
            consumers_as_of=get_kv(conn, "consumers_as_of"),
            server_period_state=get_kv(conn, "server_period_state"),
        )


def print_count(service: CollectionService, receipt_id: str) -> int:
    """How many times a receipt came out of a printer (failed prints not counted): 0 means the
    next print is still the original, not a DUPLICATE."""
    with service.db.read() as conn:
        return receipts_repo.count_audit(conn, "print", receipt_id)
