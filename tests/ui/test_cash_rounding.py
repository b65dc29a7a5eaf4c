"""A shift whose cash receipts have paise balances with the blind count, driven with keystrokes:
cash is taken to the rupee, so notes and coins can make the expected cash exactly (before, every
such shift was "short by" the paise and needed a remark)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from counter_app.ui.main_window import MainWindow
from tests.ui.conftest import account, open_shift, pdf_text, wait_printed
from tests.ui.test_shift_close import FLOAT, count_done, pay_due, pieces, to_close, type_count


def test_paise_receipts_then_an_exact_count_closes_without_a_remark(qtbot: Any, window: MainWindow) -> None:
    w = window
    open_shift(qtbot, w, "2000")
    with_paise = [a for a in (account(i) for i in range(3, 400))
                  if w.ctx.service.lookup(a).consumer.amount_due_paise % 100][:2]
    paid = [pay_due(qtbot, w, a) for a in with_paise]
    assert all(r.amount_paise % 100 for r in paid)
    # the clerk took each amount to the nearest rupee (50 paise up)
    in_drawer = FLOAT + sum((r.amount_paise + 50) // 100 * 100 for r in paid)
    to_close(qtbot, w)
    cp = w.closing_page
    type_count(qtbot, w, pieces(in_drawer))
    count_done(qtbot, w)
    assert cp.variance_label.text().startswith("No variance")
    assert not cp.remark.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: cp.closed is not None, timeout=10_000)
    sc = cp.closed
    assert sc is not None and sc.variance_paise == 0
    assert sc.round_off_paise == sum(r.round_off_paise for r in paid) == in_drawer - FLOAT - sum(
        r.amount_paise for r in paid)
    wait_printed(qtbot, w, 3)
    assert "Cash rounding" in pdf_text(w.ctx.printed[-1])
