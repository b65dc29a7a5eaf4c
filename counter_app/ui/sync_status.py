"""How sync state reaches the window: ONE adapter, `SyncBridge`, turns the sync engine's callbacks
(any thread, any rate) into a rate-limited Qt signal on the GUI thread carrying a `SyncState`
snapshot. `StatusView` is what the status bar shows, computed from a snapshot and the clock.

Sources feeding the bridge:
- the sync engine (`bridge.attach(engine)`: add_listener + the current state);
- without an engine (not enrolled, or sync not started), `bridge.poll_local(...)` reads the local
  outbox through the desk service every few seconds, so pending receipts always show."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from counter_app.sync.state import Link, SnapshotProgress, SyncState

Level = str  # "ok" | "amber" | "red"


class SyncEngineLike(Protocol):
    def add_listener(self, callback: Callable[[SyncState], None]) -> Callable[[], None]: ...
    def state(self) -> SyncState: ...
    def sync_now(self) -> None: ...
    def refresh(self) -> SyncState: ...


@dataclass(frozen=True, slots=True)
class StatusView:
    """The status bar's content, independent of Qt and language (the widget translates)."""

    link: str  # Link value
    pending: int
    oldest_age_min: int | None
    level: Level  # colour of the pending part AND a word in its text
    problems: int
    last_sync_at: str | None
    consumers_as_of: str | None
    progress: tuple[int, int] | None  # (rows done, rows total) while the consumer data downloads
    error_key: str | None
    error_params: dict[str, Any]
    pending_by_kind: dict[str, int] = field(default_factory=dict)  # {"receipt": 3, "shift_close": 1}
    mirror_key: str | None = None  # the ledger's second copy is not keeping up (message key)
    mirror_params: dict[str, Any] = field(default_factory=dict)


def status_view(st: SyncState, now: datetime, amber_min: int, red_min: int) -> StatusView:
    age_min: int | None = None
    if st.oldest_pending_at and st.pending:
        try:
            age_min = max(0, int((now - datetime.fromisoformat(st.oldest_pending_at)).total_seconds() // 60))
        except ValueError:
            age_min = None
    level = "ok"
    if age_min is not None and age_min >= red_min:
        level = "red"
    elif age_min is not None and age_min >= amber_min:
        level = "amber"
    if st.link == Link.AUTH_ERROR and st.pending:
        level = "red"
    last = max((t for t in (st.last_push_ok_at, st.last_pull_ok_at) if t), default=None)
    snap: SnapshotProgress = st.snapshot
    progress = (snap.rows_done, snap.rows_total) if snap.running else None
    err = st.last_error
    return StatusView(
        link=Link(st.link).value, pending=st.pending, oldest_age_min=age_min, level=level,
        problems=st.problems, last_sync_at=last, consumers_as_of=st.consumers_as_of, progress=progress,
        error_key=err.key if err and st.link != Link.ONLINE else None,
        error_params=dict(err.params) if err else {}, pending_by_kind=dict(st.pending_by_kind),
        mirror_key=st.mirror_key, mirror_params=dict(st.mirror_params),
    )


class SyncBridge(QObject):
    """Callbacks in, `changed(SyncState)` out: at most one emission per `interval_ms`, always the
    newest state (a burst of 1,000 engine events repaints the status bar a few times, not 1,000)."""

    changed = Signal(object)
    _poke = Signal()

    def __init__(self, parent: QObject | None = None, interval_ms: int = 250) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._latest: SyncState = SyncState(link=Link.UNCONFIGURED)
        self._emitted: SyncState | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._emit)
        self._poke.connect(self._schedule)  # queued to the GUI thread when poked from another
        self._engine: SyncEngineLike | None = None
        self._remove: Callable[[], None] | None = None
        self._poll_timer: QTimer | None = None
        self._poll_fn: Callable[[], None] | None = None
        self._submit: Callable[..., Any] | None = None
        self.emissions = 0

    # --- in: any thread --------------------------------------------------------------------------
    def on_state(self, st: SyncState) -> None:
        """The engine's listener (called on the engine's thread)."""
        with self._lock:
            self._latest = st
        self._poke.emit()

    def update(self, **changes: Any) -> None:
        with self._lock:
            self._latest = replace(self._latest, **changes)
        self._poke.emit()

    @property
    def state(self) -> SyncState:
        with self._lock:
            return self._latest

    # --- sources ---------------------------------------------------------------------------------
    @property
    def engine(self) -> SyncEngineLike | None:
        return self._engine

    def attach(self, engine: SyncEngineLike) -> None:
        self.detach()
        if self._poll_timer is not None:
            self._poll_timer.stop()  # the engine reports the outbox from now on
        self._poll_fn = None
        self._engine = engine
        self._remove = engine.add_listener(self.on_state)
        self.on_state(engine.state())

    def detach(self) -> None:
        if self._remove is not None:
            self._remove()
        self._remove = None
        self._engine = None

    def poll_local(self, fetch: Callable[[], None], interval_ms: int = 5000) -> None:
        """Without an engine: call `fetch()` now and every interval (it submits the outbox read to
        the task runner and calls `update(...)` with what it found)."""
        self._poll_fn = fetch
        if self._poll_timer is None:
            self._poll_timer = QTimer(self)
            self._poll_timer.timeout.connect(fetch)
        self._poll_timer.start(interval_ms)
        fetch()

    def use_runner(self, submit: Callable[..., Any]) -> None:
        """Where the bridge's own slow work (the engine's refresh and push) runs: the task runner."""
        self._submit = submit

    @Slot(object)
    def on_changes(self, changes: Any) -> None:
        """The window's `changed(Changes)`: when the outbox grew (a receipt, void, dishonour or day
        close was committed), count again now and push at once if we can."""
        if not getattr(changes, "outbox", False):
            return
        if self._engine is not None and self._submit is not None:
            engine = self._engine
            self._submit(lambda: _refresh_and_push(engine), None, lambda e: None)
        elif self._poll_fn is not None:
            self._poll_fn()

    def stop(self) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
        self.detach()

    # --- out: GUI thread -------------------------------------------------------------------------
    @Slot()
    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _emit(self) -> None:
        st = self.state
        if st == self._emitted:
            return
        self._emitted = st
        self.emissions += 1
        self.changed.emit(st)

    def flush(self) -> None:
        """Emit the newest state now (tests, and the first paint)."""
        self._timer.stop()
        self._emit()


def _refresh_and_push(engine: SyncEngineLike) -> None:
    try:
        engine.refresh()
        engine.sync_now()
    except Exception:  # noqa: BLE001 - a status refresh must never hurt a committed receipt
        pass
