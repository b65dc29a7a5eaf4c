"""Issue 12 item 6: every screen at 1366×768 and 1280×720 (the counters' monitors), in English and
Hindi, with the longest message on its message line: every page of the window and every tab of
its pages (found by walking the window, so a new page is checked without editing this test), the
collect screen in its fullest states, and the setup dialog. Nothing lies outside the window or
under the status bar, the page never needs scrolling, no button or label is cut.

Set KESCO_SCREEN_SHOTS to a folder to keep a PNG of every state checked (to look at the result)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)

from counter_app.domain.messages import MESSAGES
from counter_app.ui.main_window import MainWindow
from counter_app.ui.setup_dialog import SetupDialog
from counter_app.ui.widgets import AlertLabel
from kesco_protocol.money import format_plain
from kesco_protocol.part_payment import UP_DEFAULT
from tests.conftest import SUPERVISOR
from tests.ui.conftest import account, find_consumer, log_in, wait_printed

SIZES = [(1366, 768), (1280, 720)]
ALT = Qt.KeyboardModifier.AltModifier


def longest_message(lang: str) -> str:
    """The longest text the core can put on a message line, in the window's language, with a
    printer failure's hint after it (the longest the collect screen builds)."""
    i = 0 if lang == "en" else 1
    # the command line's own messages (backup, doctor) never reach the window
    text = max((m[i] for k, m in MESSAGES.items() if k.split(".")[0] not in ("cli", "doctor", "ops")), key=len)
    tail = " Press Ctrl+P to print it again." if lang == "en" else " फिर से छापने के लिए Ctrl+P दबाएँ।"
    return re.sub(r"\{\w+\}", "0001234", text) + tail


def in_window(w: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(w, QPoint(0, 0)), widget.size())


def in_inner_scroll(widget: QWidget, outer: QWidget) -> bool:
    """Inside a list's, table's or panel's own scrolling area (its rows may lie beyond its edge)."""
    p = widget.parentWidget()
    while p is not None and p is not outer:
        owner = p.parentWidget()
        if isinstance(owner, QAbstractScrollArea) and owner is not outer and p is owner.viewport():
            return True
        p = owner
    return False


def cut(widget: QWidget) -> str | None:
    """Why a button or a label shows less than its text, or None."""
    if isinstance(widget, QAbstractButton):
        # the least size a layout may give it (the style sheet's min-height, else its text's size)
        hint = widget.minimumSizeHint()
        least = QSize(widget.minimumWidth() or hint.width(), widget.minimumHeight() or hint.height())
        if widget.width() < least.width() or widget.height() < least.height():
            return f"smaller than its text ({widget.size()} < {least})"
        seen = widget.visibleRegion().boundingRect().size()
        if seen != widget.size():
            return f"only {seen} of {widget.size()} on screen"
    elif isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
        if widget.wordWrap():
            need = widget.heightForWidth(widget.width())
            if widget.height() < need:
                return f"wrapped text needs {need} px, has {widget.height()}"
        elif widget.width() < widget.minimumSizeHint().width() or widget.height() < widget.minimumSizeHint().height():
            return f"text needs {widget.minimumSizeHint()}, has {widget.size()}"
    return None


class Walk:
    """Checks the window in one state after another, collecting what is wrong."""

    def __init__(self, qtbot: Any, w: MainWindow, size: tuple[int, int], lang: str) -> None:
        self.qtbot, self.w, self.size, self.lang = qtbot, w, QSize(*size), lang
        self.bad: list[str] = []
        self.seen: set[int] = set()  # the pages and tabs checked (by id)
        self.shots = os.environ.get("KESCO_SCREEN_SHOTS")

    def idle(self) -> None:
        w = self.w
        self.qtbot.waitUntil(lambda: not w.ctx.runner.busy, timeout=10_000)
        QApplication.processEvents()

    def message(self) -> None:
        """The longest message on every message line now on screen."""
        for alert in self.w.findChildren(AlertLabel):
            if alert.parentWidget() is not None and alert.parentWidget().isVisible():
                alert.error(longest_message(self.lang))

    def check(self, where: str) -> None:
        self.idle()
        self.message()
        QApplication.processEvents()
        w = self.w
        page = w.stack.currentWidget()
        self.seen.add(id(page))
        for tabs in page.findChildren(QTabWidget):
            if tabs.isVisible():
                self.seen.add(id(tabs.currentWidget()))
        if self.shots:
            shot = Path(self.shots) / f"{self.size.width()}x{self.size.height()}-{self.lang}-{len(self.seen):02d}-" \
                f"{re.sub(r'[^a-z0-9]+', '-', where.lower())}.png"
            w.grab().save(str(shot))
        where = f"{where} ({self.size.width()}×{self.size.height()} {self.lang})"
        if w.size() != self.size:
            self.bad.append(f"{where}: the window is {w.size()}")
        bar = w.statusBar()
        whole = QRect(QPoint(0, 0), w.size())
        if not whole.contains(in_window(w, bar)) or bar.height() < bar.minimumSizeHint().height() \
                or bar.visibleRegion().boundingRect().size() != bar.size():
            self.bad.append(f"{where}: status bar {in_window(w, bar)} in {w.size()}")
        scroll = w.page_scroll
        if scroll.verticalScrollBar().maximum() > 0:
            self.bad.append(f"{where}: the page scrolls by {scroll.verticalScrollBar().maximum()} px")
        room = QRect(0, 0, w.width(), bar.y())  # above the status bar
        for widget in w.centralWidget().findChildren(QWidget):
            if not widget.isVisible() or in_inner_scroll(widget, scroll) or isinstance(widget.parentWidget(), QLineEdit):
                continue
            text = widget.text() if isinstance(widget, (QLabel, QAbstractButton)) else ""
            name = f"{type(widget).__name__} {widget.objectName()!r} {text!r:.60}"
            r = in_window(w, widget)
            if not room.contains(r):
                self.bad.append(f"{where}: {name} at {r} lies outside {room}")
            why = cut(widget)
            if why:
                self.bad.append(f"{where}: {name} {why}")
        for label in bar.findChildren(QLabel):
            why = cut(label) if label.isVisible() else None
            if why:
                self.bad.append(f"{where}: status bar {label.text()!r:.60} {why}")

    def every_page(self) -> None:
        """Every page in the window's stack and every tab in it, the ones not yet checked too."""
        w = self.w
        for i in range(w.stack.count()):
            page = w.stack.widget(i)
            if id(page) not in self.seen:
                w.stack.setCurrentWidget(page)
                reset = getattr(page, "reset", None)
                if callable(reset):
                    reset()
                self.check(type(page).__name__)
            for tabs in page.findChildren(QTabWidget):
                for t in range(tabs.count()):
                    if id(tabs.widget(t)) not in self.seen:
                        w.stack.setCurrentWidget(page)
                        tabs.setCurrentIndex(t)
                        self.check(f"{type(page).__name__} / {type(tabs.widget(t)).__name__}")
        missing = [type(w.stack.widget(i)).__name__ for i in range(w.stack.count())
                   if id(w.stack.widget(i)) not in self.seen]
        assert missing == [], missing


def open_shift_as_supervisor(qtbot: Any, w: MainWindow) -> None:
    """A supervisor with a shift sees every header button (the widest header)."""
    log_in(qtbot, w, SUPERVISOR)
    assert w.stack.currentWidget() is w.shift_page
    w.shift_page.float_edit.selectAll()
    qtbot.keyClicks(w.shift_page.float_edit, "2000")
    qtbot.keyClick(w.shift_page.float_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.collect_page, timeout=10_000)


def domestic_due(w: MainWindow) -> str:
    """An account whose least part payment is above the floor (so a small amount is refused)."""
    for i in range(3, 800):
        v = w.ctx.service.lookup(account(i))
        if v.consumer.category == "DOM" and v.amount_due_paise > 4000_00 and not v.recent \
                and v.consumer.status == "active":
            return account(i)
    raise AssertionError("no such account in the demo data")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["en", "hi"])
def test_every_screen_fits_whole_with_the_longest_message(
        qtbot: Any, make_window: Any, size: tuple[int, int], lang: str) -> None:
    w: MainWindow = make_window(lang=lang)
    w.resize(*size)
    qtbot.waitUntil(lambda: w.size() == QSize(*size), timeout=5000)
    walk = Walk(qtbot, w, size, lang)
    walk.check("login")
    log_in(qtbot, w, SUPERVISOR)
    walk.check("open shift")
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    w.log_out()
    open_shift_as_supervisor(qtbot, w)
    cp = w.collect_page

    # search results (the most rows), then the consumer with every panel: the last receipt, the
    # second-payment warning, the least part payment refused with the supervisor's fields
    qtbot.keyClicks(cp.account, "nagar")
    qtbot.waitUntil(lambda: cp.results.isVisible(), timeout=10_000)
    walk.check("collect with results")
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    acct = domestic_due(w)
    find_consumer(qtbot, w, acct)
    cp.form.amount.selectAll()  # the least part payment first: the fast path takes it
    qtbot.keyClicks(cp.form.amount, format_plain(UP_DEFAULT.required_paise("DOM", w.ctx.service.lookup(acct)
                                                                           .amount_due_paise)))
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    find_consumer(qtbot, w, acct)  # again: the first receipt is named; ₹100 is below the least part
    cp.form.amount.selectAll()
    qtbot.keyClicks(cp.form.amount, "100")
    qtbot.waitUntil(lambda: cp.guard.isVisible() and cp.part.isVisible(), timeout=5000)
    walk.check("collect with the card, the warning and the part payment")
    qtbot.keyClick(w, Qt.Key.Key_Escape)

    qtbot.keyClick(w, Qt.Key.Key_G, ALT)  # one cheque for several accounts
    g = cp.group
    qtbot.waitUntil(g.isVisible, timeout=5000)
    for i in (5, 6, 7):
        g.line_account.setFocus()
        qtbot.keyClicks(g.line_account, account(i))
        qtbot.keyClick(g.line_account, Qt.Key.Key_Return)
        qtbot.keyClicks(g.line_amount, "100")
        qtbot.keyClick(g.line_amount, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda i=i: len(g.lines) == i - 4, timeout=10_000)
    walk.check("collect, one cheque for several accounts")
    qtbot.keyClick(w, Qt.Key.Key_G, ALT)

    qtbot.keyClick(w, Qt.Key.Key_F4)
    rp = w.receipts_page
    qtbot.waitUntil(lambda: rp.model.rowCount() == 1, timeout=10_000)
    walk.check("receipts")
    qtbot.keyClick(rp.table, Qt.Key.Key_Delete)
    assert rp.void_box.isVisible()
    walk.check("receipts, a cancellation asked")
    qtbot.keyClick(w, Qt.Key.Key_Escape)

    qtbot.keyClick(w, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.pickup_page, timeout=5000)
    walk.check("cash pickup")
    qtbot.keyClick(w, Qt.Key.Key_Escape)

    qtbot.keyClick(w, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.supervisor_page, timeout=5000)
    walk.check("day close")
    page = w.supervisor_page.day_close
    qtbot.waitUntil(lambda: page.report is not None, timeout=10_000)
    page.confirm.ask(page.report, page.date_edit.text())  # the question with its figures (a shift is open)
    walk.check("day close with the question")
    qtbot.keyClick(w, Qt.Key.Key_Escape)  # not closed
    qtbot.keyClick(w, Qt.Key.Key_Escape)

    qtbot.keyClick(w, Qt.Key.Key_F6)
    closing = w.closing_page
    qtbot.waitUntil(lambda: w.stack.currentWidget() is closing, timeout=5000)
    walk.check("shift close, the count")
    qtbot.keyClick(w, Qt.Key.Key_F9)  # nothing counted: short by everything, a remark asked
    qtbot.waitUntil(lambda: closing.preview is not None and not w.ctx.runner.busy, timeout=10_000)
    walk.check("shift close, counted against expected")
    qtbot.keyClicks(closing.remark, "counted for the screen test")
    qtbot.keyClicks(closing.supervisor, SUPERVISOR[0])
    qtbot.keyClicks(closing.supervisor_pin, SUPERVISOR[1])
    qtbot.keyClick(closing.supervisor_pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closing.closed is not None and not w.ctx.runner.busy, timeout=10_000)
    walk.check("shift closed")

    walk.every_page()
    assert walk.bad == [], "\n".join(walk.bad)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["en", "hi"])
def test_the_setup_dialog_fits_with_a_long_error(qtbot: Any, qapp: Any, tmp_path: Path, size: tuple[int, int],
                                                 lang: str) -> None:
    from counter_app.ui.i18n import Language

    language = Language(lang)
    try:
        d = SetupDialog(tmp_path, lang=lang)
        qtbot.addWidget(d)
        d.show()
        d.error.error(longest_message(lang))
        QApplication.processEvents()
        d.resize(d.sizeHint())
        QApplication.processEvents()
        assert d.width() <= size[0] and d.height() <= size[1] - 60, d.size()  # a task bar's room
        bad = [f"{type(x).__name__} {why}" for x in d.findChildren(QWidget) if x.isVisible() and (why := cut(x))]
        assert bad == []
    finally:
        language.set("en")
