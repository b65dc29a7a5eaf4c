"""Push: the outbox goes to the server oldest first, in batches, and each record is marked from
the server's answer for that very record. One bad record never blocks the ones behind it: a batch
the server refuses as a whole is split until the record at fault stands alone, and that record
is taken out of the queue (kept, shown to the supervisor, never dropped)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from counter_app.services.clock import Clock, iso
from counter_app.storage import outbox
from counter_app.storage.store import Store, set_kv
from counter_app.sync.client import ServerClient
from counter_app.sync.errors import BatchTooLarge, ClientBug, ServerFailure, SyncFailure

DEFAULT_BATCH = 500  # docs/PROTOCOL.md: the counter sends batches of 500
POISON_LIMIT = 3  # a record alone answered 500 this many times while the server is healthy
RECORD_FAULTS = (400, 422)  # answers that can be about what one record holds


@dataclass(slots=True)
class PushReport:
    sent: int = 0
    requests: int = 0
    marked: dict[str, int] = field(default_factory=dict)
    requeued: tuple[int, int] = (0, 0)
    confirmed: int = 0
    refused: list[str] = field(default_factory=list)  # record ids taken out as invalid locally

    def add(self, counts: dict[str, int]) -> None:
        for k, v in counts.items():
            self.marked[k] = self.marked.get(k, 0) + v


class Pusher:
    """Sends the outbox. Not thread-safe: the engine's one worker thread owns it."""

    def __init__(self, store: Store, client: ServerClient, clock: Clock, *, batch_size: int = DEFAULT_BATCH,
                 on_status: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.store = store
        self.client = client
        self.clock = clock
        self.max_batch = batch_size
        self.batch_size = batch_size
        self.on_status = on_status
        self._server_errors: dict[str, int] = {}  # record id -> 500s while sent alone

    def push_all(self, *, max_requests: int | None = None) -> PushReport:
        """Send pending records until none are left; raises SyncFailure when the server cannot be
        used (the records stay pending)."""
        report = PushReport()
        while max_requests is None or report.requests < max_requests:
            with self.store.db.read() as conn:
                rows = outbox.pending_batch(conn, self.batch_size)
            if not rows:
                break
            report.requests += 1
            try:
                answer = self.client.push([r.wire() for r in rows])
            except BatchTooLarge:
                if self.batch_size > 1:
                    self.batch_size = max(1, len(rows) // 2)
                    continue
                self._refuse(rows[0], "413 for a single record", report)
                continue
            except ClientBug as e:
                if e.http_status not in RECORD_FAULTS:
                    self._note(rows, e)
                    raise  # 404, 405...: a wrong address or a server bug, never a record's fault
                # the server refused the request as a whole: find the record at fault
                if len(rows) > 1:
                    self.batch_size = max(1, len(rows) // 2)
                    continue
                self.client.health()  # refuse a record only when the server is ours and up
                self._refuse(rows[0], e.detail or "refused", report)
                continue
            except ServerFailure as e:
                self._note(rows, e)
                if e.http_status == 500:
                    self._isolate(rows, e, report)
                raise
            except SyncFailure as e:
                self._note(rows, e)
                raise
            report.sent += len(rows)
            progressed = self._apply(rows, answer.results, answer.status, report)
            self._server_errors.clear()
            if self.batch_size < self.max_batch:
                self.batch_size = min(self.max_batch, self.batch_size * 2)
            if not progressed:
                raise ServerFailure("sync.bad_answer", detail="the server answered none of the records sent")
        return report

    def _apply(self, rows: list[outbox.OutboxRow], results: list[dict[str, Any]], status: dict[str, Any],
               report: PushReport) -> bool:
        now = iso(self.clock())
        sent = {r.record_id for r in rows}
        with self.store.db.write() as conn:
            counts = outbox.mark_results(conn, results, sent, now)
            missing = sent - {str(r.get("record_id")) for r in results}
            if missing:
                outbox.note_failure(conn, sorted(missing), "no answer for this record")
            set_kv(conn, "sync_last_push_ok_at", now)
            if status:
                apply_status(conn, status, now, report)
        report.add(counts)
        if status and self.on_status is not None:
            self.on_status(status)
        return sum(v for k, v in counts.items() if k != "unknown") > 0

    def _note(self, rows: list[outbox.OutboxRow], e: SyncFailure) -> None:
        try:
            with self.store.db.write() as conn:
                outbox.note_failure(conn, [r.record_id for r in rows], f"{e.kind}: {e.detail}")
        except Exception:  # the note is for people; never let it hide the real failure
            pass

    def _isolate(self, rows: list[outbox.OutboxRow], e: ServerFailure, report: PushReport) -> None:
        """A 500: maybe one record makes the server fail (ERPNext's 'one stuck invoice blocks the
        queue'). Send smaller batches next time; a record that fails alone again and again while
        the server answers its health check is taken out of the queue."""
        if len(rows) > 1:
            self.batch_size = max(1, len(rows) // 2)
            return
        rid = rows[0].record_id
        self._server_errors[rid] = self._server_errors.get(rid, 0) + 1
        if self._server_errors[rid] < POISON_LIMIT:
            return
        try:
            self.client.health()
        except SyncFailure:
            return  # the server itself is unwell: not this record's fault
        self._refuse(rows[0], f"the server fails on this record alone ({e.detail})", report)
        self._server_errors.pop(rid, None)

    def _refuse(self, row: outbox.OutboxRow, why: str, report: PushReport) -> None:
        with self.store.db.write() as conn:
            outbox.set_invalid_locally(conn, row.record_id, why, iso(self.clock()))
        report.refused.append(row.record_id)
        self.batch_size = min(self.max_batch, max(self.batch_size, 1) * 2)


def apply_status(conn: Any, status: dict[str, Any], at: str, report: PushReport | None = None) -> None:
    """Compare with the server's counter status (in the caller's write transaction): re-queue what
    a restored server lost, confirm what it proves it holds, remember its period state."""
    try:
        hw = int(status["high_water_seq"])
        mx = int(status["max_seq"])
        gaps = [list(g) for g in status.get("gaps") or []]
    except (KeyError, TypeError, ValueError):
        return
    requeued = outbox.requeue_lost(conn, hw, mx, gaps)
    confirmed = outbox.confirm_by_chain(conn, hw, str(status.get("chain_head_hash") or ""),
                                        bool(status.get("chain_ok")), at)
    if report is not None:
        report.requeued = (report.requeued[0] + requeued[0], report.requeued[1] + requeued[1])
        report.confirmed += confirmed
    period = status.get("period")
    if isinstance(period, dict) and period.get("state") in ("open", "closing"):
        set_kv(conn, "server_period_state", str(period["state"]))
    set_kv(conn, "server_status", json.dumps(
        {k: status.get(k) for k in ("high_water_seq", "max_seq", "receipts", "total_paise", "chain_ok")}
        | {"at": at}))
