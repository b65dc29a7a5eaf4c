"""The operations state read and written in the database: what each counter reported with its
last push, the backups the operator recorded, and the whole-server state the /metrics collector
and the HQ board show (sync lag, pending age, alarms, parked records, postings not in billing).

A fixed handful of queries whatever the number of counters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from central_server import period as period_mod
from central_server.counters import _aware
from central_server.models import alarms, counters, receipts, records
from central_server.ops_models import backups, counter_sync_reports


@dataclass(frozen=True, slots=True)
class CounterState:
    code: str
    last_seen: datetime | None
    receipts: int
    missing: int
    pending_age_s: int | None


@dataclass(slots=True)
class ServerState:
    counters: list[CounterState] = field(default_factory=list)
    alarms: dict[str, int] = field(default_factory=dict)
    parked: dict[str, int] = field(default_factory=dict)
    postings_unbilled: int = 0
    closing: bool = False
    last_backup: datetime | None = None


# --- the push report ------------------------------------------------------------------------------

def _issued(payload: Any) -> datetime | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("issued_at"), str):
        return None
    try:
        at = datetime.fromisoformat(payload["issued_at"])
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def note_push(conn: Connection, code: str, kinds: Sequence[str], payloads: Sequence[Any], now: datetime) -> None:
    """Replace the counter's push report (inside the push's transaction, after the counter row
    was locked by the ingest, so two pushes of one counter cannot interleave here)."""
    issued = [at for kind, p in zip(kinds, payloads, strict=False) if kind == "receipt"
              for at in [_issued(p)] if at is not None]
    oldest = min(issued) if issued else None
    values = {"reported_at": now, "batch_records": len(kinds),
              "oldest_issued_at": oldest.isoformat() if oldest else None,
              "oldest_pending_age_s": max(0, int((now - oldest).total_seconds())) if oldest else 0}
    c = counter_sync_reports.c
    if conn.execute(update(counter_sync_reports).where(c.counter_code == code).values(**values)).rowcount == 0:
        conn.execute(insert(counter_sync_reports).values(counter_code=code, **values))


# --- backups --------------------------------------------------------------------------------------

def record_backup(conn: Connection, taken_at: datetime, note: str) -> None:
    if taken_at.tzinfo is None:
        raise ValueError("the backup time needs an offset (e.g. 2026-12-01T02:00:00+05:30)")
    if taken_at > datetime.now(UTC):
        raise ValueError("the backup time is in the future")
    conn.execute(insert(backups).values(taken_at=taken_at, note=note.strip()[:200],
                                        recorded_at=datetime.now(UTC)))


def last_backup(conn: Connection) -> dict[str, Any] | None:
    row = conn.execute(select(backups.c.taken_at, backups.c.note).order_by(backups.c.taken_at.desc())
                       .limit(1)).first()
    if row is None:
        return None
    at = _aware(row.taken_at)
    return {"taken_at": at.isoformat() if at else None, "note": row.note, "at": at}


# --- postings not yet in billing ------------------------------------------------------------------

def postings_unbilled(conn: Connection) -> int:
    """Postings not yet posted in the billing system (central_server/billing/board.py decides)."""
    from central_server.billing import board

    return board.unposted_count(conn)


# --- the whole state ------------------------------------------------------------------------------

def read_state(conn: Connection) -> ServerState:
    st = ServerState()
    c, r = counters.c, counter_sync_reports.c
    rows = conn.execute(
        select(c.code, c.last_seen_at, c.receipt_count, c.high_water_seq, c.max_seq, r.oldest_pending_age_s)
        .select_from(counters.outerjoin(counter_sync_reports, r.counter_code == c.code))
        .where(c.revoked_at.is_(None), c.token_hash.is_not(None)).order_by(c.code)).all()
    st.counters = [CounterState(row.code, _aware(row.last_seen_at), int(row.receipt_count),
                                max(0, int(row.max_seq) - int(row.high_water_seq)),
                                None if row.oldest_pending_age_s is None else int(row.oldest_pending_age_s))
                   for row in rows]
    st.alarms = {k: int(n) for k, n in conn.execute(
        select(alarms.c.kind, func.count()).where(alarms.c.resolved_at.is_(None)).group_by(alarms.c.kind))}
    st.parked = {"receipt": int(conn.execute(select(func.count()).select_from(receipts)
                                             .where(receipts.c.parked_reason.is_not(None))).scalar_one())}
    # as the review queue (reports.parked) counts them
    for kind, n in conn.execute(select(records.c.kind, func.count()).where(records.c.parked_reason.is_not(None))
                                .group_by(records.c.kind)):
        st.parked[kind] = int(n)
    st.postings_unbilled = postings_unbilled(conn)
    st.closing = period_mod.current(conn).closing
    b = last_backup(conn)
    st.last_backup = b["at"] if b else None
    return st
