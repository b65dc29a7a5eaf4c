"""The operations layer (ui/ops.py) on a real window: one Op per page at a time, errors shown
translated on the page's message line (never the exception's raw English), and one Changes value
on ctx.changes after a success only."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtWidgets import QPushButton, QWidget

from counter_app.domain.errors import ValidationError
from counter_app.domain.messages import render
from counter_app.ui.main_window import MainWindow
from counter_app.ui.ops import BusyPage, Changes, Op
from counter_app.ui.widgets import AlertLabel


class Page(BusyPage, QWidget):
    def __init__(self, ctx: Any) -> None:
        super().__init__()
        self.ctx = ctx
        self.alert = AlertLabel(self)
        self.button = QPushButton(self)


def _collect(window: MainWindow) -> list[Changes]:
    seen: list[Changes] = []
    window.ctx.changes.changed.connect(seen.append)
    return seen


def test_a_second_submit_while_one_runs_is_refused(qtbot: Any, window: MainWindow) -> None:
    page, gate, runs = Page(window.ctx), threading.Event(), []
    qtbot.addWidget(page)
    seen = _collect(window)

    def work() -> int:
        runs.append(1)
        gate.wait(5)
        return 7

    got: list[int] = []
    assert Op(page, work, disable=(page.button,), changes=Changes(receipts=True)).success(got.append).run()
    assert page.busy and not page.button.isEnabled()
    assert not Op(page, work).run()  # the double Enter of a frozen screen makes nothing
    gate.set()
    qtbot.waitUntil(lambda: got == [7], timeout=10_000)
    assert runs == [1] and not page.busy and page.button.isEnabled()
    assert seen == [Changes(receipts=True)]


def test_an_unexpected_error_is_said_in_the_clerks_language_and_nothing_is_emitted(
        qtbot: Any, window: MainWindow) -> None:
    page = Page(window.ctx)
    qtbot.addWidget(page)
    seen = _collect(window)
    failed: list[BaseException] = []

    def boom() -> None:
        raise KeyError("internal detail nobody at the counter can act on")

    for lang in ("en", "hi"):
        window.ctx.language.set(lang)
        Op(page, boom, changes=Changes(receipts=True)).failure(failed.append).run()
        qtbot.waitUntil(lambda: page.alert.kind == "error" and not page.busy, timeout=10_000)
        assert page.alert.body == render("error.unexpected", lang)
        assert "internal detail" not in page.alert.text()
        page.alert.clear_message()
    assert len(failed) == 2 and seen == []


def test_a_core_error_shows_its_message_key(qtbot: Any, window: MainWindow) -> None:
    page = Page(window.ctx)
    qtbot.addWidget(page)

    def refuse() -> None:
        raise ValidationError("amount.zero")

    Op(page, refuse).run()
    qtbot.waitUntil(lambda: page.alert.kind == "error", timeout=10_000)
    assert page.alert.body == render("amount.zero", "en")
