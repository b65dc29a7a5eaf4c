"""A scripted walk through the window with real keystrokes, saving a screenshot of each screen:
what `counter-app demo` does on a machine without a display, and what scripts/screenshots.py uses
for the README's pictures."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from counter_app.ui.main_window import MainWindow
from kesco_demo.consumers import account_no_for_index

SIZE = (1280, 800)


def wait_until(pred: Callable[[], bool], timeout_s: float = 10.0) -> None:
    end = time.monotonic() + timeout_s
    while not pred():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there in time")
        QCoreApplication.processEvents()
        time.sleep(0.005)


def settle(ms: int = 150) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.005)


def type_into(w: QWidget, text: str, enter: bool = False) -> None:
    QTest.keyClicks(w, text)
    if enter:
        QTest.keyClick(w, Qt.Key.Key_Return)


class Tour:
    def __init__(self, window: MainWindow, out_dir: Path) -> None:
        self.w = window
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.saved: list[Path] = []

    def shot(self, name: str) -> Path:
        settle()
        path = self.out / f"{name}-{self.w.ctx.language.code}.png"
        self.w.grab().save(str(path))
        self.saved.append(path)
        return path

    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(self.w.focusWidget() or self.w, key, modifier)

    def run(self, lang: str, *, clerk: tuple[str, str] = ("clerk1", "1111"),
            supervisor: tuple[str, str] = ("super1", "9999"), first_index: int = 0) -> list[Path]:
        """Log in, open the shift, take a cash and a cheque payment, search by name, show the
        shift's receipts and a void awaiting approval; a screenshot of each screen."""
        w, ctx = self.w, self.w.ctx
        w.resize(*SIZE)
        w.show()
        if ctx.language.code != lang:
            w.toggle_language()
        if ctx.session is not None:
            w.log_out()
        lp = w.login_page
        self.shot("01-login")
        type_into(lp.user, clerk[0], enter=True)
        type_into(lp.pin, clerk[1], enter=True)
        wait_until(lambda: ctx.session is not None and w.stack.currentWidget() in (w.shift_page, w.collect_page))
        if w.stack.currentWidget() is w.shift_page:
            settle()
            w.shift_page.float_edit.selectAll()
            type_into(w.shift_page.float_edit, "2000")
            self.shot("02-open-shift")
            QTest.keyClick(w.shift_page.float_edit, Qt.Key.Key_Return)
            wait_until(lambda: w.stack.currentWidget() is w.collect_page)
        cp = w.collect_page
        self.shot("03-collect")
        # Cash, the amount due: account number, Enter, F9.
        type_into(cp.account, account_no_for_index(first_index + 3), enter=True)
        wait_until(lambda: cp.card.view is not None)
        self.shot("04-consumer-card")
        before = cp.last_receipt
        QTest.keyClick(w, Qt.Key.Key_F9)
        wait_until(lambda: cp.last_receipt is not before and not ctx.runner.busy)
        self.shot("05-receipt-saved")
        # Search by name (the first name and the start of the surname), then a cheque payment.
        words = ctx.service.lookup(account_no_for_index(first_index + 4)).consumer.name.split()
        type_into(cp.account, " ".join([words[0], words[-1][:4]]) if len(words) > 1 else words[0])
        wait_until(lambda: cp.results.isVisible())
        self.shot("06-search")
        QTest.keyClick(cp.account, Qt.Key.Key_Return)
        wait_until(lambda: cp.card.view is not None)
        f = cp.form
        f.mode.setCurrentIndex(1)
        today = ctx.service.clock().date()
        type_into(f.number, "123456")
        type_into(f.inst_date, today.strftime("%d-%m-%Y"))
        type_into(f.bank, "State Bank of India")
        type_into(f.ifsc, "SBIN0001234")
        self.shot("07-cheque")
        QTest.keyClick(w, Qt.Key.Key_F9)
        wait_until(lambda: cp.card.view is None and not ctx.runner.busy)
        # A bad amount: refused with a visible message, nothing stored.
        type_into(cp.account, account_no_for_index(first_index + 5), enter=True)
        wait_until(lambda: cp.card.view is not None)
        f.amount.selectAll()
        type_into(f.amount, "12,50")
        QTest.keyClick(w, Qt.Key.Key_F9)
        self.shot("08-bad-amount")
        QTest.keyClick(w, Qt.Key.Key_Escape)
        # The shift's receipts, and a void waiting for the supervisor.
        QTest.keyClick(w, Qt.Key.Key_F4)
        rp = w.receipts_page
        wait_until(lambda: rp.model.rowCount() > 0 and not ctx.runner.busy)
        self.shot("09-shift-receipts")
        rp.table.setFocus()
        QTest.keyClick(rp.table, Qt.Key.Key_Delete)
        type_into(rp.reason, "Wrong account keyed")
        type_into(rp.supervisor, supervisor[0])
        type_into(rp.supervisor_pin, supervisor[1])
        self.shot("10-void-approval")
        QTest.keyClick(rp.supervisor_pin, Qt.Key.Key_Return)
        wait_until(lambda: not rp.void_box.isVisible() and not ctx.runner.busy)
        settle(400)
        self.shot("11-voided")
        QTest.keyClick(w, Qt.Key.Key_Escape)
        return self.saved
