"""A second payment of the same bill, and an amount far above the amount due, driven with
keystrokes: the counter applies its own receipt to the amount due at once, names the receipt just
made (number, time, amount), and F9 saves nothing until the clerk ticks "Yes, take this payment"
with Alt+Y. The fast path (account, Enter, F9) stays as it was for everything else."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from counter_app.ui.main_window import MainWindow
from kesco_protocol.money import format_inr, format_plain
from tests.support.part_payment import NO_MINIMUM, give_counter_policy
from tests.ui.conftest import account, find_consumer, open_shift, wait_printed


def receipts(w: MainWindow) -> list[Any]:
    assert w.ctx.shift_id is not None
    return [r for r, _void in w.ctx.service.shift_receipts(w.ctx.shift_id)]


def _due_account(w: MainWindow, *, paise: bool = False, start: int = 3) -> tuple[str, int]:
    for i in range(start, 400):
        v = w.ctx.service.lookup(account(i))
        due = v.amount_due_paise
        if due > 100_00 and not v.recent and v.consumer.status == "active" and (due % 100 != 0) == paise:
            return account(i), due
    raise AssertionError("no such account in the demo data")


def _press(qtbot: Any, w: MainWindow, key: Qt.Key, mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(w.focusWidget() or w, key, mod)


def test_after_paying_in_full_a_second_lookup_shows_nothing_due_and_the_fast_path_saves_nothing(
        qtbot: Any, window: MainWindow) -> None:
    w = window
    cp = w.collect_page
    open_shift(qtbot, w)
    acct, due = _due_account(w)
    find_consumer(qtbot, w, acct)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    [first] = receipts(w)

    find_consumer(qtbot, w, acct)  # the same bill again: the consumer came back, or a second scan
    assert cp.form.amount.text() == ""  # nothing due any more: no amount offered
    assert cp.card.values["due"].text() == format_inr(0)
    assert cp.guard.isVisible()
    warning = cp.guard.text.text()
    for part in (first.receipt_no, format_inr(due), first.issued_datetime.strftime("%d-%m-%Y %H:%M")):
        assert part in warning
    qtbot.keyClick(cp.form.amount, Qt.Key.Key_Return)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.keyClicks(cp.form.amount, format_plain(due))  # the clerk types the bill amount again
    qtbot.keyClick(w, Qt.Key.Key_F9)
    w.ctx.runner.wait_idle()
    assert len(receipts(w)) == 1
    assert cp.alert.kind == "error" and "Alt+Y" in cp.alert.text()
    assert cp.guard.confirmed.hasFocus()

    _press(qtbot, w, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)  # deliberately: yes, a second payment
    qtbot.waitUntil(cp.guard.confirmed.isChecked, timeout=2_000)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 2)
    assert [r.amount_paise for r in receipts(w)] == [due, due]


def test_a_part_payment_leaves_the_rest_offered_and_needs_the_tick(qtbot: Any, window: MainWindow) -> None:
    w = window
    cp = w.collect_page
    # about the second payment's tick, not the least part payment (tests/ui/test_part_payment.py):
    # a utility that sets none
    give_counter_policy(w.ctx.service, NO_MINIMUM)
    open_shift(qtbot, w)
    acct, due = _due_account(w)
    find_consumer(qtbot, w, acct)
    cp.form.amount.selectAll()
    qtbot.keyClicks(cp.form.amount, "100")
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    find_consumer(qtbot, w, acct)
    assert cp.form.amount.text() == format_plain(due - 100_00)
    assert cp.guard.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_F9)
    w.ctx.runner.wait_idle()
    assert len(receipts(w)) == 1


def test_an_amount_far_above_the_due_warns_and_needs_the_tick(qtbot: Any, window: MainWindow) -> None:
    w = window
    cp = w.collect_page
    open_shift(qtbot, w)
    acct, due = _due_account(w)
    find_consumer(qtbot, w, acct)
    assert not cp.guard.isVisible()  # nothing unusual: the fast path
    cp.form.amount.selectAll()
    qtbot.keyClicks(cp.form.amount, str(due))  # 97300 typed for ₹973.00: the point forgotten
    assert cp.guard.isVisible() and "far above" in cp.guard.text.text()
    assert format_inr(due) in cp.guard.text.text()
    qtbot.keyClick(w, Qt.Key.Key_F9)
    w.ctx.runner.wait_idle()
    assert receipts(w) == [] and cp.alert.kind == "error"
    # correcting the amount takes the warning away, and F9 saves at once
    cp.form.amount.selectAll()
    qtbot.keyClicks(cp.form.amount, format_plain(due * 2))
    assert not cp.guard.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    assert [r.amount_paise for r in receipts(w)] == [due * 2]


def test_the_fast_path_is_unchanged_for_a_first_payment(qtbot: Any, window: MainWindow) -> None:
    """Negative control: account, Enter, F9 on an account not paid recently saves at once."""
    w = window
    open_shift(qtbot, w)
    acct, due = _due_account(w)
    find_consumer(qtbot, w, acct)
    assert not w.collect_page.guard.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    assert [r.amount_paise for r in receipts(w)] == [due]


def test_cash_with_paise_is_taken_to_the_rupee(qtbot: Any, window: MainWindow) -> None:
    w = window
    cp = w.collect_page
    open_shift(qtbot, w)
    acct, due = _due_account(w, paise=True)
    find_consumer(qtbot, w, acct)
    rounded = (due + 50) // 100 * 100
    assert cp.form.to_take.isVisible() and format_inr(rounded) in cp.form.to_take.text()
    qtbot.keyClicks(cp.form.tendered, format_plain(rounded + 100_00))
    assert cp.form.change.text() == format_inr(100_00)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    [r] = receipts(w)
    assert (r.amount_paise, r.cash_paise, r.change_paise) == (due, rounded, 100_00)


def test_in_hindi_the_warning_names_the_receipt_and_alt_y_still_confirms(qtbot: Any, make_window: Any) -> None:
    w = make_window(lang="hi")
    cp = w.collect_page
    open_shift(qtbot, w)
    acct, due = _due_account(w)
    find_consumer(qtbot, w, acct)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    [first] = receipts(w)
    find_consumer(qtbot, w, acct)
    assert first.receipt_no in cp.guard.text.text() and "रसीद" in cp.guard.text.text()
    assert cp.guard.confirmed.text().startswith("हाँ")
    qtbot.keyClicks(cp.form.amount, "100")
    qtbot.keyClick(w, Qt.Key.Key_F9)
    w.ctx.runner.wait_idle()
    assert len(receipts(w)) == 1 and "Alt+Y" in cp.alert.text()
    _press(qtbot, w, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(cp.guard.confirmed.isChecked, timeout=2_000)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 2)
    assert [r.amount_paise for r in receipts(w)] == [due, 100_00]
