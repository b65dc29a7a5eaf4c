"""The sync engine: one background thread that pushes the outbox, compares with the server's
counter status, and pulls the consumer master data, whatever the network and the server do.

Surface for the window and the CLI (no Qt here; callbacks come from the engine's thread, the UI
turns them into signals):

    engine = SyncEngine(counter, client)        # client=None: not enrolled (state says so)
    remove = engine.add_listener(on_state)      # on_state(SyncState), called on every change
    engine.start()                              # background thread
    engine.sync_now()                           # try now, even while backing off or after 401
    engine.state()                              # the latest SyncState, from any thread
    engine.stop()                               # finishes the call under way, then returns

`run_once()` does one full cycle in the caller's thread (for `counter-app sync --once`, tests and
the deterministic simulation)."""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from counter_app.domain.errors import CounterError, StorageError
from counter_app.services.clock import Clock, iso
from counter_app.storage import outbox
from counter_app.storage import receipts as receipts_repo
from counter_app.storage.store import get_kv, set_kv
from counter_app.sync import pull as pull_mod
from counter_app.sync.backoff import Backoff
from counter_app.sync.client import ServerClient
from counter_app.sync.errors import (
    AuthFailure,
    Busy,
    Closing,
    KeyringUnavailable,
    NotEnrolled,
    Offline,
    SyncFailure,
    WrongInstallation,
)
from counter_app.sync.pull import Puller
from counter_app.sync.push import DEFAULT_BATCH, Pusher, PushReport, apply_status
from counter_app.sync.state import Link, SnapshotProgress, SyncError, SyncState

log = logging.getLogger("counter_app.sync")
Listener = Callable[[SyncState], None]
PROGRESS_EVERY_S = 0.25
K_ANCHOR_REPORTED = "anchor_reported_seq"  # the last chain head the server acknowledged


class SyncEngine:
    def __init__(self, counter: Any, client: ServerClient | None, *, clock: Clock | None = None,
                 monotonic: Callable[[], float] = time.monotonic, rng: random.Random | None = None,
                 batch_size: int = DEFAULT_BATCH, poll_s: float = 2.0, status_interval_s: float = 60.0,
                 pull_interval_s: float | None = None, snapshot_page_rows: int = 100_000,
                 pull: bool = True) -> None:
        self.counter = counter
        self.store = counter.store
        self.client = client
        self.clock: Clock = clock or counter.service.clock
        self.monotonic = monotonic
        self.poll_s = poll_s
        self.status_interval_s = status_interval_s
        cfg = getattr(counter, "config", None)
        self.pull_interval_s = float(pull_interval_s if pull_interval_s is not None
                                     else getattr(cfg, "pull_interval_s", 300))
        self.pull_enabled = pull
        self.backoff = Backoff(rng=rng)
        self.pusher = Pusher(self.store, client, self.clock, batch_size=batch_size) if client else None
        self.puller = Puller(self.store, client, self.clock, page_rows=snapshot_page_rows,
                             on_progress=self._on_progress, should_stop=self._stopping) if client else None
        self.last_push: PushReport | None = None

        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._thread: threading.Thread | None = None
        self._worker: threading.Thread | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._kick = False
        self._next_due = 0.0
        self._status_at: float | None = None
        self._pull_at: float | None = None
        self._auth_blocked = False
        self._busy = False  # the last cycle was told busy: come back after its Retry-After
        self._last_progress_at = 0.0
        self._notified: dict[str, Any] | None = None
        self._persisted: str | None = None
        self._state = SyncState(link=Link.UNKNOWN if client else Link.UNCONFIGURED)
        self._state = self._with_counts(self._state)

    # --- public surface ---------------------------------------------------------------------------
    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Call `callback(state)` (from the engine's thread) whenever the state changes. Returns a
        function that removes it."""
        with self._lock:
            self._listeners.append(callback)

        def remove() -> None:
            with self._lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)

        return remove

    def state(self) -> SyncState:
        with self._lock:
            st = self._state
        return _aged(st, self.clock())

    def start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="sync-engine", daemon=True)
            self._worker = self._thread
            self._set(running=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the call under way (each call is bounded by the client's timeouts)."""
        self._stop.set()
        self._wake.set()
        t = self._thread
        if t is not None and t is not threading.current_thread():
            t.join(timeout)
        self._thread = None
        self._set(running=False, busy=False)

    def _stopping(self) -> bool:
        # only the background thread is being stopped; run_once() in a caller's thread goes on
        return self._stop.is_set() and threading.current_thread() is self._worker

    def sync_now(self) -> None:
        """Try at once: ends a backoff wait, and retries after an auth error (IT re-enrolled)."""
        with self._lock:
            self._kick = True
        self._wake.set()

    def refresh(self) -> SyncState:
        """Re-read the counts (pending, conflicts...) from the store and tell the listeners."""
        with self._lock:
            self._state = self._with_counts(self._state)
        self._notify()
        return self.state()

    # --- one cycle ----------------------------------------------------------------------------------
    def run_once(self, *, force: bool = False) -> SyncState:
        """Status (on start and now and then), push everything, then one pull step."""
        if self.client is None or self.pusher is None or self.puller is None:
            self._set(link=Link.UNCONFIGURED,
                      last_error=_error(NotEnrolled(detail="no server configured"), self.clock()))
            return self.state()
        if self._auth_blocked and not force:
            return self.state()
        self._set(busy=True)
        try:
            now = self.monotonic()
            wrong: WrongInstallation | None = None
            if self._status_at is None or now - self._status_at >= self.status_interval_s:
                try:
                    self._apply_status(self.client.status())
                except WrongInstallation as e:
                    # not the enrolled PC: still hand the server what was collected here (it holds
                    # it in suspense for a person and answers the same refusal), then stop
                    wrong = e
            try:
                report = self.pusher.push_all()
            except Closing:
                self._report_anchor()  # the server takes no records for now: it keeps the head
                raise
            if wrong is not None:
                raise wrong
            self.last_push = report
            if report.requests:
                self._status_at = self.monotonic()  # each answer carried the status
                if report.requeued != (0, 0):
                    log.warning("server lost records; re-queued", extra={"requeued": report.requeued})
                    self.pusher.push_all()
            self._report_anchor()
            snapshot_due = self.pull_enabled and not self.puller.snapshot_complete()
            if self.pull_enabled and (snapshot_due or self._pull_at is None
                                      or now - self._pull_at >= self.pull_interval_s):
                running = snapshot_due
                if running:
                    self._set(snapshot=self.puller.progress(running=True))
                self.puller.step()
                self._pull_at = self.monotonic()
                self._set(snapshot=self.puller.progress())
            self._succeeded()
        except SyncFailure as e:
            self._failed(e)
        except StorageError as e:
            # the local database refused (disk full, damaged): nothing was sent or marked wrongly
            self._set(last_error=_error(e, self.clock(), kind="storage"))
            self._schedule(self.backoff.next_delay())
        finally:
            self._set(busy=False)
            self.refresh()
            self._persist()
        return self.state()

    def drain(self, max_cycles: int = 50) -> SyncState:
        """Cycles until nothing is pending and the snapshot is complete, or a cycle fails (for
        `sync --once`)."""
        st = self.run_once(force=True)
        for _ in range(max_cycles):
            done = st.pending == 0 and (not self.pull_enabled or st.snapshot.complete)
            if done or st.link not in (Link.ONLINE, Link.CLOSING) or st.last_error is not None:
                break
            if self._busy:  # the server asked for a pause: honour it before the next cycle
                self._wake.wait(max(0.0, self._next_due - self.monotonic()))
                self._wake.clear()
            st = self.run_once(force=True)
        return st

    # --- internals ----------------------------------------------------------------------------------
    def _report_anchor(self) -> None:
        """When the server lacks receipts this counter holds (it refused them during closing, or
        parked the rest of a batch), hand it the chain head, once per head: a clerk who rewrites
        those receipts afterwards is caught when they arrive (issue 11 item 12). Best effort: a
        failure here never stops a sync cycle."""
        if self.client is None:
            return
        try:
            with self.store.db.read() as conn:
                seq, head = receipts_repo.chain_head(conn)
                reported = int(get_kv(conn, K_ANCHOR_REPORTED) or 0)
                status = json.loads(get_kv(conn, "server_status") or "{}")
            held = int(status.get("high_water_seq") or 0) if isinstance(status, dict) else 0
            if seq <= max(held, reported):
                return
            self.client.report_anchor(seq, head)
            with self.store.db.write() as conn:
                set_kv(conn, K_ANCHOR_REPORTED, str(seq))
        except (SyncFailure, CounterError, ValueError, TypeError) as e:
            log.info("chain head not reported: %s", e)

    def _apply_status(self, status: dict[str, Any]) -> None:
        now = iso(self.clock())
        report = PushReport()
        with self.store.db.write() as conn:
            apply_status(conn, status, now, report)
        if report.requeued != (0, 0):
            log.warning("server lost records; re-queued", extra={"requeued": report.requeued})
        self._status_at = self.monotonic()

    def _succeeded(self) -> None:
        self._busy = False
        self.backoff.reset()
        self._auth_blocked = False
        with self.store.db.read() as conn:
            period = get_kv(conn, "server_period_state")
        link = Link.CLOSING if period == "closing" else Link.ONLINE
        self._set(link=link, last_error=None, next_attempt_at=None, last_contact_at=iso(self.clock()))
        more_snapshot = self.pull_enabled and self.puller is not None and not self.puller.snapshot_complete()
        self._next_due = self.monotonic() + (0.0 if more_snapshot else self.poll_s)

    def _failed(self, e: SyncFailure) -> None:
        self._busy = isinstance(e, Busy)
        if isinstance(e, Busy):
            # the server answered and is fine, only full: stay online, show no error, come back
            # after its Retry-After (what was sent before stays sent, the rest stays pending)
            self._set(link=Link.ONLINE, last_error=None, last_contact_at=iso(self.clock()))
            self._schedule(self.backoff.next_delay(e.retry_after, appointment=e.appointment))
            log.info("server busy; next push in %.1f s", e.retry_after or 1.0)
            return
        err = _error(e, self.clock())
        if isinstance(e, (AuthFailure, NotEnrolled, KeyringUnavailable)):
            # keep everything, stop pushing, alert; only sync_now() (after re-enrolling) tries again
            self._auth_blocked = True
            link = Link.UNCONFIGURED if isinstance(e, (NotEnrolled, KeyringUnavailable)) else Link.AUTH_ERROR
            self._set(link=link, last_error=err, next_attempt_at=None)
            self._next_due = float("inf")
            log.error("sync stopped: %s", err.detail or err.key)
            return
        if isinstance(e, Closing):
            link = Link.CLOSING
            try:
                with self.store.db.write() as conn:
                    set_kv(conn, "server_period_state", "closing")
            except CounterError:
                pass
        elif isinstance(e, Offline):
            link = Link.OFFLINE
        else:
            link = Link.SERVER_ERROR
        self._set(link=link, last_error=err)
        self._schedule(self.backoff.next_delay(e.retry_after))
        log.info("sync failed (%s): %s", e.kind, e.detail)

    def _schedule(self, delay: float) -> None:
        self._next_due = self.monotonic() + delay
        self._set(next_attempt_at=iso(self.clock() + timedelta(seconds=delay)))

    def _loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                force, self._kick = self._kick, False
            if force or self.monotonic() >= self._next_due:
                try:
                    self.run_once(force=force)
                except Exception:  # never let the thread die: the counter must keep syncing
                    log.exception("sync cycle crashed")
                    self._schedule(self.backoff.next_delay())
            if self._stop.is_set():
                break
            wait = self._next_due - self.monotonic()
            if wait > 0:
                self._wake.wait(min(wait, self.poll_s))
                self._wake.clear()

    def _on_progress(self, p: SnapshotProgress) -> None:
        self._set(snapshot=p, notify=False)
        now = time.monotonic()
        if p.complete or now - self._last_progress_at >= PROGRESS_EVERY_S:
            self._last_progress_at = now
            self._notify()

    def _with_counts(self, st: SyncState) -> SyncState:
        try:
            with self.store.db.read() as conn:
                waiting = outbox.summary(conn)
                kv = _kv_many(conn, ("sync_last_push_ok_at", pull_mod.K_LAST_PULL, "server_period_state",
                                     "consumers_as_of", "server_status", pull_mod.K_COMPLETE,
                                     pull_mod.K_SNAP_TOTAL, pull_mod.K_SNAP_DONE))
        except CounterError:
            return st
        hw = None
        if kv["server_status"]:
            try:
                hw = int(json.loads(kv["server_status"])["high_water_seq"])
            except (ValueError, KeyError, TypeError):
                hw = None
        snap = st.snapshot
        if not snap.running:
            snap = SnapshotProgress(rows_done=int(kv[pull_mod.K_SNAP_DONE] or 0),
                                    rows_total=int(kv[pull_mod.K_SNAP_TOTAL] or 0),
                                    bytes_done=self.puller.bytes_done if self.puller is not None else 0,
                                    complete=kv[pull_mod.K_COMPLETE] == "complete")
        mirror_key, mirror_params = _mirror_words(self.counter)
        return replace(st, mirror_key=mirror_key, mirror_params=mirror_params,
                       pending=waiting.pending, conflicts=waiting.conflicts, parked=waiting.parked,
                       invalid=waiting.invalid, oldest_pending_at=waiting.oldest_pending_at,
                       pending_by_kind=waiting.pending_by_kind,
                       last_push_ok_at=kv["sync_last_push_ok_at"], last_pull_ok_at=kv[pull_mod.K_LAST_PULL],
                       server_period_state=kv["server_period_state"], consumers_as_of=kv["consumers_as_of"],
                       server_high_water_seq=hw, snapshot=snap)

    def _set(self, notify: bool = True, **changes: Any) -> None:
        with self._lock:
            self._state = replace(self._state, **changes)
        if notify:
            self._notify()

    def _notify(self) -> None:
        with self._lock:
            st = self._state
            key = st.to_dict()
            if key == self._notified:
                return
            self._notified = key
            listeners = list(self._listeners)
        aged = _aged(st, self.clock())
        for cb in listeners:
            try:
                cb(aged)
            except Exception:  # a broken listener must not stop the sync
                log.exception("sync listener failed")

    def _persist(self) -> None:
        """The part of the state another process (status --json, the doctor) wants, in kv."""
        st = self.state()
        d = {"link": st.link.value, "last_contact_at": st.last_contact_at, "next_attempt_at": st.next_attempt_at,
             "last_error": None if st.last_error is None else
             {"kind": st.last_error.kind, "key": st.last_error.key, "detail": st.last_error.detail,
              "at": st.last_error.at, "http_status": st.last_error.http_status}}
        text = json.dumps(d, sort_keys=True)
        if text == self._persisted:
            return
        try:
            with self.store.db.write() as conn:
                set_kv(conn, "sync_state", text)
            self._persisted = text
        except CounterError:
            pass


def _kv_many(conn: Any, keys: tuple[str, ...]) -> dict[str, str | None]:
    # the consumer cache's keys are read from its own file (attached to the ledger's connection)
    from counter_app.storage.store import get_kvs

    return get_kvs(conn, *keys)


def _error(e: CounterError, now: datetime, kind: str | None = None) -> SyncError:
    return SyncError(kind=kind or str(getattr(e, "kind", "server")), key=e.key, detail=str(getattr(e, "detail", "")),
                     at=iso(now), http_status=getattr(e, "http_status", None),
                     params={k: v for k, v in e.params.items() if k != "detail"})


def _aged(st: SyncState, now: datetime) -> SyncState:
    if st.oldest_pending_at is None:
        return replace(st, oldest_pending_age_s=None)
    try:
        age = (now - datetime.fromisoformat(st.oldest_pending_at)).total_seconds()
    except (ValueError, TypeError):
        return st
    return replace(st, oldest_pending_age_s=max(0.0, age))


def _mirror_words(counter: Any) -> tuple[str | None, dict[str, Any]]:
    """What the status line must say about the ledger's mirror (nothing while it keeps up)."""
    status = getattr(counter, "mirror_status", None)
    if not callable(status):
        return None, {}
    st = status()
    if st.ok:
        return None, {}
    return st.key, {"path": st.path, "behind": st.behind, "detail": st.detail[:200]}
