"""The consumer rows a push pays into are locked (PostgreSQL: SELECT ... FOR UPDATE, then the one
bulk UPDATE; SQLite: the UPDATE) as the ingest's last statements, so a push holds them only for
its commit. Two counters paying into the same accounts wait for each other only that long: with
the lock taken halfway, every other statement of the batch (receipts' postings for billing, the
consumers' confirmations, alarms: a thousand rows for 500 receipts) ran while the rows were held,
and 440 counters at once queued behind one another (bench_scale, pg_stat_activity: 30 of 40
active backends waiting on `Lock transactionid` for the consumers)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from central_server import counters, db
from central_server.ingest import RecordIn, ingest_records
from tests.support.receipts import ReceiptChain, wires


def _statements_of_one_push(engine: Engine, accounts: list[str], n: int) -> list[str]:
    with db.write_tx(engine) as conn:
        counters.add(conn, "K31", "Counter K31")
    items = [RecordIn(w["kind"], w["record_id"], w["payload"])
             for w in wires(ReceiptChain("K31", accounts[:50], seed=3).take(n))]
    seen: list[str] = []
    with db.write_tx(engine) as conn:
        # every statement as the driver gets it (the ingest runs some on the driver's own cursor)
        raw = conn.connection.driver_connection
        if db.is_sqlite(conn):
            raw.set_trace_callback(lambda sql: seen.append(" ".join(sql.split())))
        else:
            import psycopg

            class Recording(psycopg.Cursor):  # type: ignore[type-arg]
                def execute(self, query: Any, *a: Any, **kw: Any) -> Any:
                    seen.append(" ".join(str(query).split()))
                    return super().execute(query, *a, **kw)

                def executemany(self, query: Any, *a: Any, **kw: Any) -> Any:
                    seen.append(" ".join(str(query).split()))
                    return super().executemany(query, *a, **kw)

            factory, raw.cursor_factory = raw.cursor_factory, Recording
        try:
            results = ingest_records(conn, "K31", items)
        finally:
            if db.is_sqlite(conn):
                raw.set_trace_callback(None)
            else:
                raw.cursor_factory = factory
    assert [r.status for r in results] == ["accepted"] * n
    return seen


def _locks(sql: str) -> bool:
    s = sql.upper()
    return s.startswith("UPDATE CONSUMERS") or (s.startswith("SELECT 1 FROM CONSUMERS") and "FOR UPDATE" in s)


def test_the_consumers_paid_into_are_locked_by_the_last_statements_of_the_ingest(engine: Engine,
                                                                                  accounts: list[str]) -> None:
    seen = _statements_of_one_push(engine, accounts, 40)
    first = next((i for i, s in enumerate(seen) if _locks(s)), None)
    assert first is not None, "no statement updated the consumers' balances"  # the control: it looks
    after = [s[:80] for s in seen[first:] if not _locks(s)]
    assert after == [], f"statements run while the consumers were held: {after}"
