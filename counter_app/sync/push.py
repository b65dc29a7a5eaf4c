"""Push: the outbox goes to the server oldest first, in batches, and each record is marked from
the server's answer for that very record. One bad record never blocks the ones behind it: a batch
the server refuses as a whole is split until the record at fault stands alone, and that record
is taken out of the queue (kept, shown to the supervisor, never dropped)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from counter_app.services import clock_guard
from counter_app.services.clock import Clock, iso
from counter_app.storage import outbox, part_payment
from counter_app.storage.store import Store, set_kv
from counter_app.sync.client import ServerClient
from counter_app.sync.errors import Busy, ClientBug, ServerFailure, SyncFailure

DEFAULT_BATCH = 500  # docs/PROTOCOL.md: the counter sends batches of 500
POISON_LIMIT = 3  # a record alone answered 500 this many times while the server is healthy
RECORD_FAULTS = (400, 413, 422)  # refusals that can be about what one record holds


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


@dataclass(eq=False)
class Pusher:
    """Sends the outbox. Not thread-safe: the engine's one worker thread owns it."""

    store: Store
    client: ServerClient
    clock: Clock
    _: KW_ONLY
    batch_size: int = DEFAULT_BATCH  # halved while a batch is refused, grown back to max_batch
    on_status: Callable[[dict[str, Any]], None] | None = None
    max_batch: int = field(init=False)
    _server_errors: dict[str, int] = field(init=False, default_factory=dict)  # record id -> failures sent alone
    _suspect: tuple[outbox.OutboxRow, SyncFailure] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.max_batch = self.batch_size

    def push_all(self, *, max_requests: int | None = None) -> PushReport:
        """Send pending records until none are left; raises SyncFailure when the server cannot be
        used (the records stay pending).

        A request the server refuses as a whole (400/413/422, or a 500) is split in halves until
        one record stands alone. That record becomes a *suspect* once it has failed alone (a 4xx
        once, a 500 three times); the record behind it is then sent alone as a probe. Only if the
        probe goes through is the suspect taken out of the queue (kept as invalid for the
        supervisor); if the probe fails too, the server refuses everything (a wrong version, a
        full disk) and nothing is taken out."""
        report = PushReport()
        while max_requests is None or report.requests < max_requests:
            suspect = self._suspect
            with self.store.db.read() as conn:
                if suspect is None:
                    rows = outbox.pending_batch(conn, self.batch_size)
                else:
                    rows = outbox.pending_batch(conn, 1, after_id=suspect[0].outbox_id)
            if not rows:
                if suspect is not None:  # nothing behind it to tell server from record: wait
                    self._suspect = None
                    raise suspect[1]
                break
            report.requests += 1
            try:
                answer = self.client.push([r.wire() for r in rows])
            except Busy:
                raise  # the server was full, nothing is wrong with these records: no note
            except (ClientBug, ServerFailure) as e:
                self._note(rows, e)
                record_fault = (isinstance(e, ClientBug) and e.http_status in RECORD_FAULTS) or (
                    isinstance(e, ServerFailure) and e.http_status == 500)
                if not record_fault:
                    raise  # 404, 405, 502, 503, an unreadable answer: never one record's fault
                if suspect is not None:  # the probe failed as well: the server, not the record
                    self._suspect = None
                    self._server_errors.clear()
                    raise
                if len(rows) > 1:  # split at once: a broken server costs a few quick requests
                    self.batch_size = max(1, len(rows) // 2)
                    continue
                rid = rows[0].record_id
                self._server_errors[rid] = self._server_errors.get(rid, 0) + 1
                limit = POISON_LIMIT if isinstance(e, ServerFailure) else 1
                if self._server_errors[rid] >= limit:
                    self._suspect = (rows[0], e)
                    continue
                raise
            except SyncFailure as e:
                self._note(rows, e)
                raise
            report.sent += len(rows)
            progressed = self._apply(rows, answer.results, answer.status, report)
            if suspect is not None:  # the record behind it went through: the suspect is at fault
                self._suspect = None
                self._refuse(suspect[0], _why(suspect[1]), report)
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

    def _refuse(self, row: outbox.OutboxRow, why: str, report: PushReport) -> None:
        with self.store.db.write() as conn:
            outbox.set_invalid_locally(conn, row.record_id, why, iso(self.clock()))
        report.refused.append(row.record_id)
        self.batch_size = min(self.max_batch, max(self.batch_size, 1) * 2)


def _why(e: SyncFailure) -> str:
    if isinstance(e, ServerFailure):
        return f"the server fails on this record alone ({e.detail})"
    return f"refused by the server ({e.detail})"


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
    clock_guard.remember_server_time(conn, status.get("server_time"), at)
    period = status.get("period")
    if isinstance(period, dict) and period.get("state") in ("open", "closing"):
        set_kv(conn, "server_period_state", str(period["state"]))
    part_payment.remember(conn, status.get("part_payment_policy"), at)
    set_kv(conn, "server_status", json.dumps(
        # chain_head_hash: the server's anchor, checked by verify and doctor (storage/anchors.py)
        {k: status.get(k) for k in ("high_water_seq", "max_seq", "receipts", "total_paise", "chain_ok",
                                    "chain_head_hash", "anchors")}
        | {"at": at}))
