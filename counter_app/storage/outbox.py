"""The outbox: every record the counter must deliver to the central server, in the order it was
made. Rows are never deleted and their payload never changes (triggers of 0001); only the
delivery state moves: pending -> synced | parked | conflict | invalid, and back to pending when
the server turns out to have lost what it had (restored from a backup).

A row is marked from the server's answer for that very record, never from a batch's overall
success; the one exception is a receipt whose place in the hash chain the server's status
proves it holds (see confirm_by_chain)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from counter_app.storage.db import raw
from kesco_protocol.records import RecordState

PENDING, SYNCED, PARKED, CONFLICT, INVALID = (RecordState.PENDING, RecordState.SYNCED, RecordState.PARKED,
                                              RecordState.CONFLICT, RecordState.INVALID)
PROBLEM_STATES = (CONFLICT, INVALID)
# what the server's per-record status turns into locally
_LOCAL_STATE: dict[str, str] = {RecordState.ACCEPTED: SYNCED, RecordState.DUPLICATE: SYNCED, RecordState.PARKED: PARKED,
                                 RecordState.CONFLICT: CONFLICT, RecordState.INVALID: INVALID}


@dataclass(frozen=True, slots=True)
class OutboxRow:
    outbox_id: int
    record_id: str
    kind: str
    payload: str  # canonical JSON, exactly as committed with the record
    attempts: int

    def wire(self) -> dict[str, Any]:
        """One element of the request's "records" list."""
        return {"kind": self.kind, "record_id": self.record_id, "payload": json.loads(self.payload)}


def pending_batch(conn: Connection, limit: int, after_id: int = 0) -> list[OutboxRow]:
    """Up to `limit` pending records, oldest first, after outbox_id `after_id`."""
    rows = conn.execute(
        text("SELECT outbox_id, record_id, kind, payload, attempts FROM outbox "
             "WHERE state = 'pending' AND outbox_id > :a ORDER BY outbox_id LIMIT :n"),
        {"a": after_id, "n": limit},
    ).all()
    return [OutboxRow(int(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4])) for r in rows]


def mark_results(conn: Connection, results: list[dict[str, Any]], sent_ids: set[str], at: str) -> dict[str, int]:
    """Apply the server's per-record answers. Only records that were in the request and are
    still pending move; an unknown status leaves the record pending (and is counted as 'unknown').
    Returns how many records went to each local state."""
    counts: dict[str, int] = {}
    params: list[dict[str, Any]] = []
    for res in results:
        rid = res.get("record_id")
        if not isinstance(rid, str) or rid not in sent_ids:
            counts["unknown"] = counts.get("unknown", 0) + 1
            continue
        state = _LOCAL_STATE.get(str(res.get("status")))
        if state is None:
            counts["unknown"] = counts.get("unknown", 0) + 1
            continue
        detail = res.get("detail")
        params.append({"rid": rid, "state": state, "at": at, "status": res.get("status"),
                       "detail": None if detail is None else json.dumps(detail, ensure_ascii=False)[:4000]})
        counts[state] = counts.get(state, 0) + 1
    if params:
        conn.execute(
            text("UPDATE outbox SET state = :state, synced_at = :at, attempts = attempts + 1, last_error = NULL, "
                 "server_detail = CASE WHEN :detail IS NULL THEN :status ELSE :status || ': ' || :detail END "
                 "WHERE record_id = :rid AND state = 'pending'"),
            params,
        )
    return counts


def note_failure(conn: Connection, record_ids: list[str], error: str) -> None:
    """Count a failed attempt on records that stay pending."""
    if record_ids:
        conn.execute(
            text("UPDATE outbox SET attempts = attempts + 1, last_error = :e WHERE record_id = :rid "
                 "AND state = 'pending'"),
            [{"rid": rid, "e": error[:500]} for rid in record_ids],
        )


def set_invalid_locally(conn: Connection, record_id: str, error: str, at: str) -> None:
    """A record the server refuses on its own every time (a 4xx, or a 500 on just this record while
    the server is otherwise healthy): taken out of the queue so it blocks nobody, kept for the
    supervisor, who can put it back with requeue()."""
    conn.execute(
        text("UPDATE outbox SET state = 'invalid', last_error = :e, synced_at = :at, "
             "server_detail = 'refused by the server: ' || :e WHERE record_id = :rid AND state = 'pending'"),
        {"rid": record_id, "e": error[:500], "at": at},
    )


def requeue(conn: Connection, record_id: str) -> bool:
    """A supervisor sends a conflict/invalid record again (after the cause was fixed)."""
    n = conn.execute(
        text("UPDATE outbox SET state = 'pending', last_error = NULL WHERE record_id = :rid "
             "AND state IN ('conflict', 'invalid')"),
        {"rid": record_id},
    ).rowcount
    return bool(n)


@dataclass(frozen=True, slots=True)
class OutboxSummary:
    """What is waiting to go to the central server, counted in this one place for the status bar,
    the day-close screen, `status --json`, the sync engine, backups and the doctor. Synced records
    are never counted: they pile up for years."""

    pending: int = 0
    oldest_pending_at: str | None = None
    conflicts: int = 0  # the server holds another payload for the same record
    parked: int = 0  # delivered, held in suspense on the server for review
    invalid: int = 0  # refused as unreadable
    last_synced_at: str | None = None
    # pending records by kind ("receipt", "shift_close", "day_close", ...), so a screen can say
    # "3 receipts and 1 shift close waiting"
    pending_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def problems(self) -> int:
        """Records the server did not simply accept: conflicts, parked and invalid ones."""
        return self.conflicts + self.parked + self.invalid

    def by_state(self) -> dict[str, int]:
        return {PENDING: self.pending, PARKED: self.parked, CONFLICT: self.conflicts, INVALID: self.invalid}


def summary(conn: Connection | sqlite3.Connection) -> OutboxSummary:
    """The outbox summary, on a SQLAlchemy connection or a plain sqlite3 one (the doctor and the
    backup tools read files without SQLAlchemy)."""
    con = _dbapi(conn)
    # Every query walks the (state, outbox_id) index: synced rows are never scanned.
    by_state: dict[str, int] = {}
    kinds: dict[str, int] = {}
    for state, kind, n in con.execute(
            "SELECT state, kind, COUNT(*) FROM outbox WHERE state IN ('pending', 'parked', 'conflict', 'invalid') "
            "GROUP BY state, kind ORDER BY state, kind"):
        by_state[str(state)] = by_state.get(str(state), 0) + int(n)
        if state == PENDING:
            kinds[str(kind)] = int(n)
    oldest = con.execute("SELECT created_at FROM outbox WHERE state = 'pending' ORDER BY outbox_id LIMIT 1").fetchone()
    last = con.execute("SELECT synced_at FROM outbox WHERE state = 'synced' ORDER BY outbox_id DESC LIMIT 1").fetchone()
    return OutboxSummary(
        pending=by_state.get(PENDING, 0), oldest_pending_at=None if oldest is None else str(oldest[0]),
        conflicts=by_state.get(CONFLICT, 0), parked=by_state.get(PARKED, 0), invalid=by_state.get(INVALID, 0),
        last_synced_at=None if last is None or last[0] is None else str(last[0]), pending_by_kind=kinds)


def synced_count(conn: Connection | sqlite3.Connection) -> int:
    """Records the server has acknowledged (`status --json` and the doctor; walks every synced row)."""
    return int(_dbapi(conn).execute("SELECT COUNT(*) FROM outbox WHERE state = 'synced'").fetchone()[0])


def _dbapi(conn: Connection | sqlite3.Connection) -> sqlite3.Connection:
    return conn if isinstance(conn, sqlite3.Connection) else raw(conn)


def resend_day_close(conn: Connection, day_close_id: str, receipt_ids: list[str]) -> int:
    """Queue a day close again, with the day's receipts the server refused or found conflicting
    (the server answers a re-sent day close with its current count). Returns receipts re-queued."""
    con = raw(conn)
    requeued = con.executemany(
        "UPDATE outbox SET state = 'pending', last_error = 'sent again with the day close' "
        "WHERE record_id = ? AND kind = 'receipt' AND state IN ('conflict', 'invalid')",
        [(r,) for r in receipt_ids]).rowcount
    con.execute("UPDATE outbox SET state = 'pending', last_error = 'sent again for the current answer' "
                "WHERE record_id = ? AND state <> 'pending'", (day_close_id,))
    return max(0, int(requeued))


def problems(conn: Connection, limit: int = 200) -> list[dict[str, Any]]:
    """Records the supervisor must look at: conflicts, invalid, parked (newest first)."""
    rows = conn.execute(
        text("SELECT record_id, kind, state, attempts, created_at, synced_at, last_error, server_detail "
             "FROM outbox WHERE state IN ('conflict', 'invalid', 'parked') ORDER BY outbox_id DESC LIMIT :n"),
        {"n": limit},
    ).mappings().all()
    return [dict(r) for r in rows]


def all_pending(conn: Connection) -> list[OutboxRow]:
    """Every unsynced record, oldest first (for the sealed export file)."""
    return pending_batch(conn, limit=-1)


# --- comparing with the server's counter status -----------------------------------------------

def requeue_lost(conn: Connection, high_water_seq: int, max_seq: int, gaps: list[list[int]]) -> tuple[int, int]:
    """The server lacks receipts this counter has marked delivered (it was restored from a
    backup): put them back in the queue. Also re-queues every delivered non-receipt record made
    after the newest receipt the server still holds, since the server cannot tell us about those.
    Returns (receipts, other records) re-queued."""
    ranges = [(int(g[0]), int(g[1])) for g in gaps if len(g) == 2]
    # only where the server says it lacks something: its gaps and above its highest sequence
    # (normally nothing but the records still pending here, so this stays cheap)
    lost: list[int] = []
    for lo, hi in [*ranges, (max_seq + 1, 2**62)]:
        if hi < lo or hi <= high_water_seq:
            continue
        lost += [int(r[0]) for r in conn.execute(
            text("SELECT o.outbox_id FROM receipts r JOIN outbox o ON o.record_id = r.receipt_id "
                 "WHERE r.seq BETWEEN :lo AND :hi AND o.state IN ('synced', 'parked')"),
            {"lo": max(lo, high_water_seq + 1), "hi": hi},
        ).all()]
    if not lost:
        return 0, 0
    conn.execute(
        text("UPDATE outbox SET state = 'pending', last_error = 'the server lost it (restored from a backup)' "
             "WHERE outbox_id = :o AND state IN ('synced', 'parked')"),
        [{"o": o} for o in lost],
    )
    # the newest receipt (by queue position) that the server still holds
    kept = conn.execute(
        text("SELECT MAX(o.outbox_id) FROM receipts r JOIN outbox o ON o.record_id = r.receipt_id "
             "WHERE o.state IN ('synced', 'parked') AND r.seq <= :mx"),
        {"mx": max_seq},
    ).scalar()
    others = conn.execute(
        text("UPDATE outbox SET state = 'pending', last_error = 'the server may have lost it (restored from a backup)' "
             "WHERE kind <> 'receipt' AND state IN ('synced', 'parked') AND outbox_id > :k"),
        {"k": int(kept or 0)},
    ).rowcount
    return len(lost), int(others)


def confirm_by_chain(conn: Connection, high_water_seq: int, chain_head_hash: str, chain_ok: bool,
                     at: str) -> int:
    """Receipts still pending here that the server's status proves it holds: its verified chain
    reaches seq `high_water_seq` with our very hash there, so every receipt up to it is ours byte
    for byte (each hash covers the one before). This is how the counter learns that records
    imported from a USB export arrived. Returns how many were marked."""
    if not chain_ok or high_water_seq <= 0:
        return 0
    # the oldest pending receipt has the lowest pending sequence (the outbox is in issue order):
    # when it is above the server's mark, as after every normal push, there is nothing to confirm
    oldest = conn.execute(text(
        "SELECT r.seq FROM outbox o JOIN receipts r ON r.receipt_id = o.record_id "
        "WHERE o.state = 'pending' AND o.kind = 'receipt' ORDER BY o.outbox_id LIMIT 1")).scalar()
    if oldest is None or int(oldest) > high_water_seq:
        return 0
    ours = conn.execute(text("SELECT hash FROM receipts WHERE seq = :s"), {"s": high_water_seq}).scalar()
    if ours is None or str(ours) != chain_head_hash:
        return 0
    return int(conn.execute(
        text("UPDATE outbox SET state = 'synced', server_detail = 'confirmed by the server''s chain head', "
             "synced_at = COALESCE(synced_at, :at) WHERE state = 'pending' AND kind = 'receipt' AND record_id IN "
             "(SELECT receipt_id FROM receipts WHERE seq <= :hw)"),
        {"hw": high_water_seq, "at": at},
    ).rowcount)
