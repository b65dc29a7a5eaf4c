"""Qt's text layout and painting run on the GUI thread only: a worker that prints hands the render
to the GUI thread and waits for it.

Why. Laying out text takes Qt's font database lock, and Qt may call back into Python while it
holds it: a message handler written in Python (pytest-qt installs one; a log bridge would be
another) is called for the "OpenType support missing" warning that a Hindi line logs as it falls
back from Noto Sans to Noto Sans Devanagari, and the callback needs the interpreter's lock (the
GIL). The GUI thread, meanwhile, holds the GIL while it sets a label's text, which measures the
text and waits for the font lock. Each waits for the other: the window froze in the middle of a
print (found in CI, reproduced in tests/printing/test_print_gui_thread.py). With the render on the GUI
thread no other thread takes the font lock, so there is nothing to wait for.

What it costs: a receipt renders in about 12 ms, a 600-row A4 report in about 0.2 s (measured);
the worker still does the database work, the HTML and the QR code, and waits without the GIL.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

T = TypeVar("T")

WAIT_STEP_S = 0.2  # how often a waiting worker looks whether the application is going away


class _Call(Generic[T]):
    __slots__ = ("fn", "done", "result", "error")

    def __init__(self, fn: Callable[[], T]) -> None:
        self.fn = fn
        self.done = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.fn()
        except BaseException as e:  # noqa: BLE001 - handed back to the waiting worker
            self.error = e
        finally:
            self.done.set()


class _Relay(QObject):
    """Lives on the GUI thread; `wake` is queued to it, and it runs every call waiting."""

    wake = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.calls: queue.SimpleQueue[_Call[object]] = queue.SimpleQueue()
        self.wake.connect(self.drain, Qt.ConnectionType.QueuedConnection)

    @Slot()
    def drain(self) -> None:
        while True:
            try:
                call = self.calls.get_nowait()
            except queue.Empty:
                return
            call.run()


_relay: _Relay | None = None
_relay_lock = threading.Lock()


def _get_relay(app: QCoreApplication) -> _Relay:
    global _relay
    with _relay_lock:
        if _relay is None or _relay.thread() is not app.thread():
            relay = _Relay()
            relay.moveToThread(app.thread())
            _relay = relay
        return _relay


def on_gui_thread_now() -> bool:
    """True where Qt's text work may run now: the GUI thread, or anywhere without an application
    (a command-line tool renders on its only thread)."""
    app = QCoreApplication.instance()
    return app is None or QThread.currentThread() is app.thread()


def on_gui_thread(fn: Callable[[], T]) -> T:
    """Run fn on the GUI thread and return its result (or raise its exception). Called on the GUI
    thread it simply runs fn. A worker waits, without the GIL, until the GUI thread's event loop
    (or `run_pending`, e.g. while the window waits for its workers at closing) has run it."""
    if on_gui_thread_now():
        return fn()
    app = QCoreApplication.instance()
    assert app is not None
    call: _Call[T] = _Call(fn)
    relay = _get_relay(app)
    relay.calls.put(call)  # type: ignore[arg-type]
    relay.wake.emit()
    while not call.done.wait(WAIT_STEP_S):
        if QCoreApplication.instance() is None or QCoreApplication.closingDown():
            raise RuntimeError("the application closed before the document was rendered")
    if call.error is not None:
        raise call.error
    return call.result  # type: ignore[return-value]


def run_pending() -> None:
    """Run, here on the GUI thread, every render a worker is waiting for: for code on the GUI
    thread that blocks on its workers (TaskRunner.wait_idle) and so runs no event loop."""
    relay = _relay
    if relay is not None and on_gui_thread_now():
        relay.drain()
