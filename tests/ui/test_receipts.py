"""The shift's receipts: void with a supervisor's approval on the same screen, reprints that say
DUPLICATE, and a printer failure that never loses a receipt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from counter_app.printing.printers import PdfPrinter
from counter_app.ui.main_window import MainWindow
from tests.conftest import CLERK, SUPERVISOR
from tests.ui.conftest import FailingPrinter, account, find_consumer, open_shift, pdf_text, wait_printed


def pay_due(qtbot: Any, w: MainWindow, acct: str) -> None:
    n = len(w.ctx.printed)
    find_consumer(qtbot, w, acct)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, n + 1)


def to_receipts(qtbot: Any, w: MainWindow, rows: int) -> None:
    qtbot.keyClick(w, Qt.Key.Key_F4)
    rp = w.receipts_page
    qtbot.waitUntil(lambda: rp.model.rowCount() == rows and not w.ctx.runner.busy, timeout=10_000)
    assert rp.table.hasFocus()


def approve_void(qtbot: Any, w: MainWindow, reason: str, sup: tuple[str, str]) -> None:
    rp = w.receipts_page
    qtbot.keyClick(rp.table, Qt.Key.Key_Delete)
    assert rp.void_box.isVisible() and rp.reason.hasFocus()
    qtbot.keyClicks(rp.reason, reason)
    qtbot.keyClick(rp.reason, Qt.Key.Key_Return)
    qtbot.keyClicks(rp.supervisor, sup[0])
    qtbot.keyClick(rp.supervisor, Qt.Key.Key_Return)
    qtbot.keyClicks(rp.supervisor_pin, sup[1])
    qtbot.keyClick(rp.supervisor_pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not rp.busy and not w.ctx.runner.busy, timeout=10_000)


def test_void_needs_a_supervisor_on_the_same_screen(qtbot: Any, window: MainWindow) -> None:
    w = window
    open_shift(qtbot, w)
    pay_due(qtbot, w, account(3))
    pay_due(qtbot, w, account(4))
    to_receipts(qtbot, w, 2)
    rp = w.receipts_page
    newest = rp.selected()
    assert newest is not None and newest[0].account_no == account(4)

    # A wrong PIN, and a clerk as "approver": refused, nothing stored, the box stays for a retry.
    approve_void(qtbot, w, "Wrong account keyed", (SUPERVISOR[0], "0000"))
    assert rp.alert.kind == "error" and rp.void_box.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_Escape)  # closes the approval box only
    assert not rp.void_box.isVisible() and w.stack.currentWidget() is rp
    approve_void(qtbot, w, "Wrong account keyed", CLERK)
    assert "supervisor" in rp.alert.text().lower()
    assert all(v is None for _r, v in w.ctx.service.shift_receipts(w.ctx.shift_id or ""))

    qtbot.keyClick(w, Qt.Key.Key_Escape)
    approve_void(qtbot, w, "Wrong account keyed", SUPERVISOR)
    qtbot.waitUntil(lambda: any(p.endswith("-CANCELLED.pdf") for p in w.ctx.printed), timeout=10_000)
    rows = dict((r.account_no, v) for r, v in w.ctx.service.shift_receipts(w.ctx.shift_id or ""))
    assert rows[account(4)] is not None and rows[account(3)] is None
    qtbot.waitUntil(lambda: rp.model.rows[0][1] is not None, timeout=10_000)
    assert rp.model.data(rp.model.index(0, 6)) == "CANCELLED"
    assert rp.model.totals()[0] == 1
    slip = pdf_text(next(p for p in w.ctx.printed if p.endswith("-CANCELLED.pdf")))
    assert "CANCELLATION SLIP" in slip and newest[0].receipt_no in slip and "super1" in slip
    # A cancelled receipt cannot be cancelled twice.
    rp.table.selectRow(0)
    qtbot.keyClick(rp.table, Qt.Key.Key_Delete)
    assert rp.alert.kind == "error" and not rp.void_box.isVisible()


def test_reprint_says_duplicate_with_its_number(qtbot: Any, window: MainWindow) -> None:
    w = window
    open_shift(qtbot, w)
    pay_due(qtbot, w, account(5))
    original = pdf_text(w.ctx.printed[-1])
    assert "DUPLICATE" not in original
    qtbot.keyClick(w, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # from the collect screen
    wait_printed(qtbot, w, 2)
    first = pdf_text(w.ctx.printed[-1])
    assert "DUPLICATE" in first and "Reprint no. 1" in first
    to_receipts(qtbot, w, 1)
    qtbot.keyClick(w, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # from the list
    wait_printed(qtbot, w, 3)
    second = pdf_text(w.ctx.printed[-1])
    assert "DUPLICATE" in second and "Reprint no. 2" in second
    assert "printed again" in w.receipts_page.alert.text()


def test_failed_print_keeps_the_receipt_and_prints_the_original_later(
        qtbot: Any, make_window: Any, pdf_dir: Path) -> None:
    failing = FailingPrinter()
    w = make_window(printer=failing)
    open_shift(qtbot, w)
    find_consumer(qtbot, w, account(3))  # has an amount due
    qtbot.keyClick(w, Qt.Key.Key_F9)
    cp = w.collect_page
    qtbot.waitUntil(lambda: failing.calls == 1 and not w.ctx.runner.busy, timeout=10_000)
    assert cp.alert.kind == "error" and "NOT printed" in cp.alert.text() and "Ctrl+P" in cp.alert.text()
    [(r, void)] = w.ctx.service.shift_receipts(w.ctx.shift_id or "")
    assert void is None and w.ctx.service.verify()["ok"]
    # The printer is fixed; the first copy that comes out is the original, not a duplicate.
    w.ctx.printer = PdfPrinter(pdf_dir)
    qtbot.keyClick(w, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    wait_printed(qtbot, w, 1)
    text = pdf_text(w.ctx.printed[-1])
    assert r.receipt_no in text and "DUPLICATE" not in text
    # Negative control: once a copy came out, the next one is a duplicate.
    qtbot.keyClick(w, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    wait_printed(qtbot, w, 2)
    assert "DUPLICATE" in pdf_text(w.ctx.printed[-1])
