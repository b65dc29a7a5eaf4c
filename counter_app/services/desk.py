"""What the counter window needs beyond CounterService: search as the clerk types (bounded time on
5.3 lakh consumers), the local outbox summary for the status bar, and a receipt's print history."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import bindparam, text

from counter_app.domain.consumer import CONSUMER_FIELDS, Consumer
from counter_app.domain.errors import ValidationError
from counter_app.services.counter import CounterService
from counter_app.storage import consumers as consumers_repo
from counter_app.storage import receipts as receipts_repo
from counter_app.storage.store import get_kv

#: Above this many matches the FTS rank is not computed (ranking every match of a two-letter prefix
#: over 5.3 lakh names takes a third of a second); the clerk is asked to type more instead.
RANK_LIMIT = 500
_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_SELECT_BY_ROWID = text(
    f"SELECT {', '.join(CONSUMER_FIELDS)} FROM consumers WHERE rowid IN :ids"
).bindparams(bindparam("ids", expanding=True))


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


def search_consumers(service: CounterService, query: str, limit: int = 20) -> SearchResult:
    """Consumers whose name, relation name, address or locality has words starting with every word
    typed; ten or more digits look up an account, meter or mobile number."""
    q = query.strip()
    if len(q) > 100:
        raise ValidationError("consumer.query_too_long")
    digits = q.translate(_DIGITS).replace(" ", "")
    if (digits.isdigit() and len(digits) >= 10) or len(q) < 2:
        return SearchResult(query, tuple(service.search(q, limit)), False)
    fts = consumers_repo.fts_query(q)
    if fts is None:
        return SearchResult(query, (), False)
    with service.db.read() as conn:
        ids = [r[0] for r in conn.execute(
            text("SELECT rowid FROM consumers_fts WHERE consumers_fts MATCH :q LIMIT :n"),
            {"q": fts, "n": RANK_LIMIT + 1},
        ).all()]
        if len(ids) <= RANK_LIMIT:
            return SearchResult(query, tuple(consumers_repo.search(conn, q, limit)), False)
        rows = conn.execute(_SELECT_BY_ROWID, {"ids": ids}).all()
    found = [Consumer.from_row(tuple(r)) for r in rows]
    words = re.findall(r"[^\W_]+", q.lower())
    found.sort(key=lambda c: (not _name_matches(c.name, words), c.name))
    return SearchResult(query, tuple(found[:limit]), True)


def _name_matches(name: str, words: list[str]) -> bool:
    parts = name.lower().split()
    return all(any(p.startswith(w) for p in parts) for w in words)


def outbox_summary(service: CounterService) -> OutboxSummary:
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


def print_count(service: CounterService, receipt_id: str) -> int:
    """How many times a receipt came out of a printer (failed prints not counted): 0 means the
    next print is still the original, not a DUPLICATE."""
    with service.db.read() as conn:
        return receipts_repo.count_audit(conn, "print", receipt_id)
