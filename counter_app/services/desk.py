"""What the counter window needs beyond CollectionService: search results as the clerk types, the local
outbox summary for the status bar, and a receipt's print history."""

from __future__ import annotations

from dataclasses import dataclass, fields

from counter_app.domain.consumer import Consumer
from counter_app.services.collection import CollectionService
from counter_app.storage import outbox as outbox_repo
from counter_app.storage import receipts as receipts_repo
from counter_app.storage.outbox import OutboxSummary
from counter_app.storage.store import get_kv


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    consumers: tuple[Consumer, ...]
    more: bool  # more matches than shown: type more of the name


@dataclass(frozen=True, slots=True)
class StatusBarSummary(OutboxSummary):
    """The local part of the status bar: the outbox summary and what the server last said."""

    consumers_as_of: str | None = None
    server_period_state: str | None = None


def search_consumers(service: CollectionService, query: str, limit: int = 20) -> SearchResult:
    """What the result list shows for the text typed so far: the service's search (every word a
    prefix; name matches first), and whether more consumers match than are shown."""
    found = service.search(query, limit + 1)
    return SearchResult(query, tuple(found[:limit]), len(found) > limit)


def outbox_summary(service: CollectionService) -> StatusBarSummary:
    with service.db.read() as conn:
        waiting = outbox_repo.summary(conn)
        return StatusBarSummary(**{f.name: getattr(waiting, f.name) for f in fields(waiting)},
                                consumers_as_of=get_kv(conn, "consumers_as_of"),
                                server_period_state=get_kv(conn, "server_period_state"))


def print_count(service: CollectionService, receipt_id: str) -> int:
    """How many times a receipt came out of a printer (failed prints not counted): 0 means the
    next print is still the original, not a DUPLICATE."""
    with service.db.read() as conn:
        return receipts_repo.count_audit(conn, "print", receipt_id)
