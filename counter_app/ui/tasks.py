"""The one task runner: slow work (login's PIN hashing, lookups, search, writes, printing) runs on a
thread pool and its result comes back on the GUI thread, so the window never freezes and a clerk
pressing Enter on a busy screen never queues a second payment behind the first."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from counter_app.printing.gui_thread import run_pending

log = logging.getLogger(__name__)

WAIT_STEP_MS = 20  # wait_idle looks for renders to run this often

Callback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class _Signals(QObject):
    # Emitted on the worker thread; the receiver lives on the GUI thread, so Qt queues the call.
    finished = Signal(int, bool, object)


class _Job(QRunnable):
    def __init__(self, job_id: int, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.job_id = job_id
        self.fn = fn
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
            ok = True
        except BaseException as e:  # noqa: BLE001 - every failure is handed to the GUI thread
            if not hasattr(e, "key"):
                log.error("task failed: %s", "".join(traceback.format_exception(e)))
            result, ok = e, False
        try:
            self.signals.finished.emit(self.job_id, ok, result)
        except RuntimeError:  # the window is gone (shutting down): nobody is waiting for this result
            log.debug("task %s finished after its runner was deleted", self.job_id)


class TaskRunner(QObject):
    """`submit(fn, on_done, on_error)`: fn runs on a worker; on_done(result) or on_error(exception)
    runs on the GUI thread. `latest(channel, ...)` keeps at most one job running per channel and
    only the newest waiting one (as-you-type search: stale queries are dropped, never queued)."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 3) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._signals = _Signals()
        self._signals.finished.connect(self._finished)
        self._callbacks: dict[int, tuple[Callback | None, ErrorCallback | None, str | None]] = {}
        self._next_id = 0
        self._lock = threading.Lock()
        self._running_channels: set[str] = set()
        self._waiting: dict[str, tuple[Callable[[], Any], Callback | None, ErrorCallback | None]] = {}

    def submit(self, fn: Callable[[], Any], on_done: Callback | None = None,
               on_error: ErrorCallback | None = None, *, channel: str | None = None) -> int:
        with self._lock:
            self._next_id += 1
            job_id = self._next_id
        self._callbacks[job_id] = (on_done, on_error, channel)
        self.pool.start(_Job(job_id, fn, self._signals))
        return job_id

    def latest(self, channel: str, fn: Callable[[], Any], on_done: Callback | None = None,
               on_error: ErrorCallback | None = None) -> None:
        if channel in self._running_channels:
            self._waiting[channel] = (fn, on_done, on_error)
            return
        self._running_channels.add(channel)
        self.submit(fn, on_done, on_error, channel=channel)

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def wait_idle(self, msecs: int = 10_000) -> bool:
        """For tests and shutdown: wait for the workers (callbacks still need the event loop). A
        worker that prints waits for the GUI thread to render (printing/gui_thread.py), so those
        renders run here while we wait; nothing else of the event loop does."""
        deadline = time.monotonic() + msecs / 1000
        while True:
            run_pending()
            left_ms = int((deadline - time.monotonic()) * 1000)
            if self.pool.waitForDone(max(0, min(left_ms, WAIT_STEP_MS))):
                return True
            if left_ms <= 0:
                return False

    @Slot(int, bool, object)
    def _finished(self, job_id: int, ok: bool, result: object) -> None:
        on_done, on_error, channel = self._callbacks.pop(job_id, (None, None, None))
        try:
            if ok:
                if on_done is not None:
                    on_done(result)
            elif on_error is not None:
                assert isinstance(result, BaseException)
                on_error(result)
            else:
                log.error("unhandled task error: %r", result)
        finally:
            if channel is not None:
                self._running_channels.discard(channel)
                waiting = self._waiting.pop(channel, None)
                if waiting is not None:
                    self.latest(channel, *waiting)
