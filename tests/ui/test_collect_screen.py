"""Issue 12 items 5, 9 and 11 on the collect screen and the supervisor's desk, by keystrokes: the
shift's running count and total; a cancelled last receipt marked; the change repeated after the
save; no stale refusal next to a valid amount; F12 says the message on screen again; a report that
did not print is named as the report; a supervisor is offered the day close (F7) instead of only
"Open your shift"; the day book shows today's figures at once."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from counter_app.ui.main_window import MainWindow
from kesco_protocol.money import format_inr
from tests.conftest import SUPERVISOR
from tests.support.part_payment import NO_MINIMUM, give_counter_policy
from tests.ui.conftest import FailingPrinter, account, find_consumer, log_in, open_shift, wait_printed
from tests.ui.test_day_close import ALT, collect_a_day, to_desk
from tests.ui.test_receipts import approve_void, pay_due, to_receipts
from tests.ui.test_shift_close import count_done, to_close, type_count


def test_the_collect_screen_keeps_the_shift_tally_and_marks_a_cancelled_last_receipt(
        qtbot: Any, window: MainWindow) -> None:
    w = window
    open_shift(qtbot, w)
    cp = w.collect_page
    qtbot.waitUntil(lambda: cp.tally.isVisible() and "0 receipts" in cp.tally.text(), timeout=10_000)
    pay_due(qtbot, w, account(3))
    first = cp.last_receipt
    pay_due(qtbot, w, account(4))
    last = cp.last_receipt
    assert first is not None and last is not None
    both = format_inr(first.amount_paise + last.amount_paise)
    qtbot.waitUntil(lambda: cp.tally.text() == f"This shift: 2 receipts, {both}", timeout=10_000)
    assert "CANCELLED" not in cp.last_label.text()  # negative control
    # The newest receipt is cancelled on the receipts screen; back on collect (F3) it says so.
    to_receipts(qtbot, w, 2)
    approve_void(qtbot, w, "Wrong account keyed", SUPERVISOR)
    qtbot.keyClick(w, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: "cancelled" in cp.tally.text(), timeout=10_000)
    assert cp.tally.text().startswith(f"This shift: 1 receipts, {format_inr(first.amount_paise)}")
    assert cp.last_label.text().startswith("CANCELLED:") and last.receipt_no in cp.last_label.text()


def test_the_change_is_repeated_after_the_save_and_a_stale_refusal_goes(qtbot: Any, window: MainWindow) -> None:
    w = window
    give_counter_policy(w.ctx.service, NO_MINIMUM)  # ₹100 of a larger due: a part payment, allowed here
    open_shift(qtbot, w)
    cp = w.collect_page
    find_consumer(qtbot, w, account(5))
    f = cp.form
    f.amount.selectAll()
    qtbot.keyClick(f.amount, Qt.Key.Key_Delete)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: cp.alert.kind == "error", timeout=5000)
    assert "Enter an amount" in cp.alert.text()
    qtbot.keyClicks(f.amount, "100")
    assert cp.alert.kind != "error" and "Enter an amount" not in cp.alert.text()
    qtbot.keyClicks(f.tendered, "500")
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    qtbot.waitUntil(lambda: "printed" in cp.alert.text(), timeout=10_000)
    assert "GIVE CHANGE: ₹400.00" in cp.alert.text()  # the form that showed it is gone
    assert f.change.text() != "₹400.00"


def test_f12_says_the_message_on_screen_again_in_hindi(qtbot: Any, window: MainWindow) -> None:
    w = window
    page = to_desk(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_I, ALT)  # the pay-in slip
    wait_printed(qtbot, w, 1)
    qtbot.waitUntil(lambda: page.alert.kind == "ok", timeout=10_000)
    assert page.alert.text() == "Done: Pay-in slip printed."
    qtbot.keyClick(w, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: page.alert.text().startswith("हो गया:"), timeout=5000)  # LanguageChange is posted
    assert page.alert.text() == "हो गया: बैंक जमा पर्ची छप गई।"


def test_a_shift_report_that_did_not_print_is_not_called_a_receipt(qtbot: Any, make_window: Any) -> None:
    w: MainWindow = make_window(printer=FailingPrinter())
    open_shift(qtbot, w, "0")
    to_close(qtbot, w)
    type_count(qtbot, w, {})
    count_done(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    cp = w.closing_page
    qtbot.waitUntil(lambda: cp.closed is not None and cp.alert.kind == "error" and not w.ctx.runner.busy,
                    timeout=10_000)
    text = cp.alert.text()
    assert "shift report was NOT printed" in text and "receipt" not in text.lower()
    assert "Ctrl+P" in text


def test_a_supervisor_is_offered_the_day_close_and_the_day_book_shows_today(
        qtbot: Any, window: MainWindow, clock: Any) -> None:
    w = window
    issued, voided, _clerk = collect_a_day(w, n=8)
    log_in(qtbot, w, SUPERVISOR)
    sp = w.shift_page
    assert w.stack.currentWidget() is sp
    assert sp.day_close_button.isVisible() and "F7" in sp.day_close_button.text()
    qtbot.mouseClick(sp.day_close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.supervisor_page, timeout=5000)
    # The day book (Alt+B) shows today's figures without pressing Enter anywhere.
    qtbot.waitUntil(lambda: not w.ctx.runner.busy, timeout=10_000)
    qtbot.keyClick(w, Qt.Key.Key_B, ALT)
    book = w.supervisor_page.day_book
    qtbot.waitUntil(lambda: book.range is not None, timeout=10_000)
    day_row, total_row = book.model.rows
    assert day_row[0] == clock.now.strftime("%d-%m-%Y") and day_row[1] == str(len(issued))
    assert book.from_edit.hasFocus()


def test_a_clerk_is_not_offered_the_day_close(qtbot: Any, window: MainWindow) -> None:
    w = window
    log_in(qtbot, w)
    assert w.stack.currentWidget() is w.shift_page and not w.shift_page.day_close_button.isVisible()
