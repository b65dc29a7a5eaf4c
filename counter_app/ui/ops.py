"""The one way a screen does slow work or changes data (after Anki's `aqt.operations`):

    Op(page, run=lambda: svc.issue_receipt(session, payment), changes=Changes(receipts=True)) \\
        .success(page.show_saved).run()

runs `run` on the one task runner, keeps the page busy meanwhile (its buttons disabled, a second
Enter ignored: the Horizon lesson), shows any error translated on the page's message line, and
after a success emits one `Changes` value on the window's `ChangeHub`, which the pages, the status
bar and the sync bridge subscribe to. No page refreshes another by hand."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from counter_app.domain.errors import CounterError

T = TypeVar("T")

# Pages that have an Op running. Weak, so a page that is deleted mid-op does not linger here.
_busy: weakref.WeakSet[object] = weakref.WeakSet()


@dataclass(frozen=True, slots=True)
class Changes:
    """What an operation changed, so each subscriber refreshes only what it shows."""

    receipts: bool = False  # a receipt, void or dishonour was written
    shift: bool = False  # a shift was opened or closed
    outbox: bool = False  # something new waits to be sent to the central server
    day_close: bool = False  # a day close was made or re-sent
    consumers: bool = False  # the consumer data changed
    printed: bool = False  # paper (or a PDF) came out
    cash: bool = False  # cash left a drawer (a pickup) or went to the bank (a deposit)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


NOTHING = Changes()


class ChangeHub(QObject):
    """The one `changed(Changes)` signal of the window, on the GUI thread."""

    changed = Signal(object)

    def publish(self, changes: Changes) -> None:
        if changes:
            self.changed.emit(changes)


class BusyPage:
    """Mixin for a page whose Ops run one at a time: `busy` is true while one of them runs."""

    @property
    def busy(self) -> bool:
        return self in _busy


def is_busy(page: object) -> bool:
    return page in _busy


def error_text(ctx: Any, e: BaseException) -> str:
    """Every error the window shows, in the current language: a core error by its message key,
    anything else as the translated "something went wrong, nothing was changed" line (never the
    exception's raw English, which is in the log)."""
    if isinstance(e, CounterError):
        return str(ctx.language.message(e))
    return str(ctx.language.message("error.unexpected"))


class Op(Generic[T]):
    """One piece of work for a page (`parent` has `.ctx` and usually `.alert`, the message line).

    `disable`: widgets switched off while it runs. `exclusive` (default): refused while another
    exclusive Op of the same page runs. `changes`: emitted after success (a function of the result,
    when what changed depends on it). `note`: said on the message line while it runs."""

    def __init__(self, parent: Any, run: Callable[[], T], *, changes: Changes | Callable[[T], Changes] = NOTHING,
                 disable: tuple[QWidget, ...] = (), note: str | None = None, exclusive: bool = True,
                 show_error: bool = True, channel: str | None = None) -> None:
        self._parent = parent
        self._run = run
        self._changes = changes
        self._disable = disable
        self._note = note
        self._exclusive = exclusive
        self._show_error = show_error
        self._channel = channel
        self._success: Callable[[T], Any] | None = None
        self._failure: Callable[[BaseException], Any] | None = None

    def success(self, cb: Callable[[T], Any] | None) -> Op[T]:
        self._success = cb
        return self

    def failure(self, cb: Callable[[BaseException], Any] | None) -> Op[T]:
        """Called after the error is shown (for focus, or to tell a waiting caller)."""
        self._failure = cb
        return self

    def run(self) -> bool:
        """Start it; False (and nothing happens) when the page is already busy."""
        parent = self._parent
        if self._exclusive and is_busy(parent):
            return False
        if self._exclusive:
            _busy.add(parent)
        for w in self._disable:
            w.setEnabled(False)
        alert = getattr(parent, "alert", None)
        if self._note is not None and alert is not None:
            alert.note(self._note)
        runner = parent.ctx.runner
        if self._channel is not None:
            runner.latest(self._channel, self._run, self._done, self._failed)
        else:
            runner.submit(self._run, self._done, self._failed)
        return True

    def _finish(self) -> None:
        if self._exclusive:
            _busy.discard(self._parent)
        for w in self._disable:
            w.setEnabled(True)

    def _done(self, result: T) -> None:
        self._finish()
        try:
            if self._success is not None:
                self._success(result)
        finally:
            changes = self._changes(result) if callable(self._changes) else self._changes
            self._parent.ctx.changes.publish(changes)

    def _failed(self, e: BaseException) -> None:
        self._finish()
        alert = getattr(self._parent, "alert", None)
        if self._show_error and alert is not None:
            alert.error(error_text(self._parent.ctx, e))
        if self._failure is not None:
            self._failure(e)
