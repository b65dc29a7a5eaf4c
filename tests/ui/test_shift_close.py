"""Shift close on the real window, by keystrokes: a blind count (what was expected shows only after
F9), a short count that needs a remark, an excess above the limit that needs a supervisor on the
same screen (a clerk or a wrong PIN refused), the shift locked afterwards, the shift report printed."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit

from counter_app.domain.closes import DEFAULT_DENOMINATIONS
from counter_app.domain.errors import StateError
from counter_app.domain.words import amount_in_words_en, amount_in_words_hi
from counter_app.services.collection import Payment
from counter_app.ui.main_window import MainWindow
from kesco_protocol.money import format_inr
from kesco_protocol.records import Receipt
from tests.conftest import CLERK, SUPERVISOR
from tests.ui.conftest import account, find_consumer, log_in, open_shift, pdf_text, wait_printed

FLOAT = 2000_00


def pay_due(qtbot: Any, w: MainWindow, acct: str) -> Receipt:
    """The amount due, in cash: account number, Enter, F9."""
    n = len(w.ctx.printed)
    find_consumer(qtbot, w, acct)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, n + 1)
    r = w.collect_page.last_receipt
    assert r is not None and r.account_no == acct
    return r


def pieces(paise: int) -> dict[str, int]:
    """A count of notes and coins worth the rupees of `paise` (paise cannot be counted)."""
    left, out = paise // 100 * 100, {}
    for key, value in DEFAULT_DENOMINATIONS:
        if key.startswith("C") and dict(DEFAULT_DENOMINATIONS).get("N" + key[1:]) == value:
            continue  # a note of the same value takes it
        out[key], left = divmod(left, value)
    assert left == 0
    return {k: n for k, n in out.items() if n}


def worth(counts: dict[str, int]) -> int:
    values = dict(DEFAULT_DENOMINATIONS)
    return sum(values[k] * n for k, n in counts.items())


def type_count(qtbot: Any, w: MainWindow, counts: dict[str, int]) -> None:
    """Every field in order, Enter after each; a denomination not in the drawer is left empty."""
    cp = w.closing_page
    for key, _value in DEFAULT_DENOMINATIONS:
        field = cp.count_edits[key]
        assert field.hasFocus(), key
        if counts.get(key):
            qtbot.keyClicks(field, str(counts[key]))
        qtbot.keyClick(field, Qt.Key.Key_Return)


def to_close(qtbot: Any, w: MainWindow) -> None:
    qtbot.keyClick(w, Qt.Key.Key_F6)
    cp = w.closing_page
    qtbot.waitUntil(lambda: w.stack.currentWidget() is cp and not w.ctx.runner.busy, timeout=10_000)
    assert cp.count_edits["N500"].hasFocus()


def count_done(qtbot: Any, w: MainWindow) -> None:
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: w.closing_page.preview is not None and not w.ctx.runner.busy, timeout=10_000)


def on_screen(w: MainWindow) -> str:
    parts = [x.text() for x in w.findChildren(QLabel) + w.findChildren(QAbstractButton) if x.isVisible()]
    parts += [x.text() for x in w.findChildren(QLineEdit) if x.isVisible()]
    return "\n".join(parts)


def test_short_count_needs_a_remark_then_the_shift_is_locked(qtbot: Any, window: MainWindow) -> None:
    w = window
    open_shift(qtbot, w, "2000")
    paid = [pay_due(qtbot, w, account(i)) for i in (3, 4)]
    expected = FLOAT + sum(r.amount_paise for r in paid)  # all cash, none cancelled
    counts = pieces(expected - 50_00)  # one ₹50 note short (and the paise)
    counted = worth(counts)
    to_close(qtbot, w)
    cp = w.closing_page
    type_count(qtbot, w, counts)
    assert cp.counted_label.text() == f"Counted cash: {format_inr(counted)}"
    # Blind: the expected cash is nowhere on the screen while the clerk counts...
    assert format_inr(expected) not in on_screen(w)
    count_done(qtbot, w)
    # ...and is there once the count is done (the same check finding it: a negative control).
    assert format_inr(expected) in on_screen(w)
    short = expected - counted
    assert cp.variance_label.text() == f"SHORT by {format_inr(short)}"
    assert cp.words_label.text() == amount_in_words_en(short)
    assert cp.remark.isVisible() and cp.remark.hasFocus() and not cp.supervisor.isVisible()
    # No remark: refused, the shift stays open.
    qtbot.keyClick(cp.remark, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not w.ctx.runner.busy and not cp.busy, timeout=10_000)
    assert cp.alert.kind == "error" and "remark" in cp.alert.text() and cp.closed is None
    session = w.ctx.session
    assert session is not None and w.ctx.service.current_shift(session) is not None
    qtbot.keyClicks(cp.remark, "One 50 note given twice as change")
    qtbot.keyClick(cp.remark, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cp.closed is not None, timeout=10_000)
    wait_printed(qtbot, w, 3)
    sc = cp.closed
    assert sc is not None
    assert (sc.expected_cash_paise, sc.counted_cash_paise, sc.variance_paise) == (expected, counted, -short)
    assert sc.blind_count_paise == counted and sc.approved_by is None and sc.counts == counts
    report = pdf_text(w.ctx.printed[-1])
    for text in ("SHIFT CLOSE REPORT", f"SHORT by {format_inr(short)}", format_inr(expected).lstrip("₹"),
                 "One 50 note given twice as change", "clerk1"):
        assert text in report, text
    # Locked: nothing to collect in; the service refuses a receipt and a cancellation.
    assert not w.collect_button.isVisible() and not w.close_shift_button.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_F3)
    assert w.stack.currentWidget() is cp
    with pytest.raises(StateError) as e:
        w.ctx.service.issue_receipt(session, Payment(account(5), 100_00))
    assert e.value.key == "shift.none_open"
    with pytest.raises(StateError) as e:
        w.ctx.service.void_receipt(session, paid[0].receipt_no, "too late", *SUPERVISOR)
    assert e.value.key == "shift.closed"
    # Enter logs the clerk out; logging in again asks for a new shift, never the closed one.
    assert cp.logout_button.hasFocus()
    qtbot.keyClick(cp.logout_button, Qt.Key.Key_Return)
    assert w.stack.currentWidget() is w.login_page and w.ctx.session is None
    log_in(qtbot, w)
    assert w.stack.currentWidget() is w.shift_page


def test_excess_above_the_limit_needs_a_supervisor_on_the_same_screen(qtbot: Any, window: MainWindow) -> None:
    w = window
    open_shift(qtbot, w, "2000")
    paid = pay_due(qtbot, w, account(3))
    expected = FLOAT + paid.amount_paise
    counts = pieces(expected + 500_00)  # a consumer's ₹500 left in the drawer
    counted = worth(counts)
    excess = counted - expected
    assert excess > w.ctx.service.config.variance_approval_paise
    to_close(qtbot, w)
    cp = w.closing_page
    type_count(qtbot, w, counts)
    count_done(qtbot, w)
    assert cp.variance_label.text() == f"EXCESS by {format_inr(excess)}"
    assert cp.supervisor.isVisible() and cp.supervisor_pin.isVisible()
    assert "supervisor must approve" in cp.alert.text()

    def approve(user: str, pin: str) -> None:
        cp.remark.setFocus()
        cp.remark.selectAll()
        qtbot.keyClicks(cp.remark, "Consumer left Rs 500 at the window")
        qtbot.keyClick(cp.remark, Qt.Key.Key_Return)
        assert cp.supervisor.hasFocus()
        cp.supervisor.selectAll()
        qtbot.keyClicks(cp.supervisor, user)
        qtbot.keyClick(cp.supervisor, Qt.Key.Key_Return)
        qtbot.keyClicks(cp.supervisor_pin, pin)
        qtbot.keyClick(cp.supervisor_pin, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not cp.busy and not w.ctx.runner.busy, timeout=10_000)

    approve(*CLERK)  # a clerk cannot approve
    assert cp.closed is None and cp.alert.kind == "error" and "supervisor" in cp.alert.text().lower()
    assert cp.supervisor_pin.text() == "" and cp.supervisor_pin.hasFocus()
    approve(SUPERVISOR[0], "0000")  # a wrong PIN
    assert cp.closed is None and cp.alert.kind == "error" and "PIN" in cp.alert.text()
    approve(*SUPERVISOR)
    qtbot.waitUntil(lambda: cp.closed is not None, timeout=10_000)
    sc = cp.closed
    assert sc is not None and sc.approved_by == SUPERVISOR[0] and sc.variance_paise == excess
    wait_printed(qtbot, w, 2)
    report = pdf_text(w.ctx.printed[-1])
    assert f"EXCESS by {format_inr(excess)}" in report and "super1" in report


def test_cheque_not_ticked_is_named_and_count_again_keeps_the_first_count(
        qtbot: Any, window: MainWindow) -> None:
    from datetime import timedelta

    from counter_app.domain.receipt import Instrument
    from kesco_protocol.records import Mode

    w = window
    open_shift(qtbot, w, "0")
    session = w.ctx.session
    assert session is not None
    day = w.ctx.service.clock().date() - timedelta(days=1)
    cheques = [w.ctx.service.issue_receipt(session, Payment(account(i), 1500_00 + i, Mode.CHEQUE,
                                                            Instrument(number=f"40000{i}", date=day.isoformat(),
                                                                       bank="Bank of Baroda", ifsc="BARB0KANPUR")))
               for i in (6, 7)]
    to_close(qtbot, w)
    cp = w.closing_page
    qtbot.waitUntil(lambda: cp.inst_list.count() == 2, timeout=10_000)
    type_count(qtbot, w, {})
    assert cp.inst_list.hasFocus()  # Enter in the last count field goes to the cheques
    qtbot.keyClick(cp.inst_list, Qt.Key.Key_Space)  # the first one is in the drawer
    count_done(qtbot, w)
    assert cp.variance_label.text().startswith("No variance")
    assert cheques[1].receipt_no in cp.missing_label.text() and cheques[0].receipt_no not in cp.missing_label.text()
    assert cp.remark.isVisible()  # a missing cheque needs a remark even with the cash right
    # Esc: count again; the first (blind) count stays on record.
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    assert cp.preview is None and cp.count_edits["N500"].hasFocus() and cp.count_edits["N500"].isEnabled()
    type_count(qtbot, w, {"N10": 1})
    qtbot.keyClick(cp.inst_list, Qt.Key.Key_Down)
    qtbot.keyClick(cp.inst_list, Qt.Key.Key_Space)  # found the second one
    count_done(qtbot, w)
    assert cp.variance_label.text() == "EXCESS by ₹10.00" and not cp.missing_label.isVisible()
    qtbot.keyClicks(cp.remark, "Ten rupees found under the tray")
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: cp.closed is not None, timeout=10_000)
    sc = cp.closed
    assert sc is not None and sc.blind_count_paise == 0 and sc.counted_cash_paise == 10_00
    assert sc.instruments_missing == [] and all(i["ticked"] for i in sc.instruments)
    wait_printed(qtbot, w, 1)


def test_the_count_in_hindi_says_short_and_the_amount_in_hindi_words(qtbot: Any, make_window: Any) -> None:
    w = make_window(lang="hi")
    open_shift(qtbot, w, "1000")
    to_close(qtbot, w)
    cp = w.closing_page
    type_count(qtbot, w, {"N500": 1, "C2": 3})  # 506 of 1000
    count_done(qtbot, w)
    assert cp.variance_label.text().endswith("कम") and format_inr(494_00) in cp.variance_label.text()
    assert cp.words_label.text() == amount_in_words_hi(494_00)
    english_only = []
    for widget in w.findChildren(QLabel) + w.findChildren(QAbstractButton):
        text = widget.text().replace("&", "")
        if widget.isVisible() and text and not any("\u0900" <= ch <= "\u097f" for ch in text) \
                and len([ch for ch in text if ch.isascii() and ch.isalpha()]) > 3:
            english_only.append(text)
    assert [t for t in english_only if t not in ("English (F12)",)] == []


def test_the_notes_and_coins_read_hindi_on_the_shift_close_and_the_cash_grids(qtbot: Any, make_window: Any) -> None:
    """The shift close and the pickup/deposit grid name each denomination with one translation."""
    w = make_window(lang="hi")
    for labels, edits in ((w.closing_page.count_labels, w.closing_page.count_edits),
                          (w.pickup_page.grid.labels, w.pickup_page.grid.edits),
                          (w.supervisor_page.deposit.grid.labels, w.supervisor_page.deposit.grid.edits)):
        assert labels["N500"].text() == "₹500 के नोट"
        assert labels["C2"].text() == "₹2 के सिक्के"
        assert edits["N500"].accessibleName() == "₹500 के नोट के नग"
    w.toggle_language()  # F12: English again
    qtbot.waitUntil(lambda: w.closing_page.count_labels["N500"].text() == "₹500 notes", timeout=5000)
    assert w.pickup_page.grid.edits["C2"].accessibleName() == "Pieces of ₹2 coins"
