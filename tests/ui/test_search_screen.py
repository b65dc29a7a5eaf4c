"""Issue 12 items 7 and 8 on the collect screen, by keystrokes: a search that finds nothing says what
was searched (never "No consumer with account AND"); the end of a mobile number finds the
consumer; the result list shows whole rows with the amount due and the mobile; a house number
puts that house first."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from counter_app.ui.main_window import MainWindow
from kesco_protocol.money import format_inr
from tests.ui.conftest import account, open_shift


@pytest.mark.parametrize("typed", ["ANDQ", '"', "*", "क", "Ramesh-Kumar!!, House no. 12, Gali 7, Kanpur"])
def test_nothing_found_says_what_was_searched(qtbot: Any, window: MainWindow, typed: str) -> None:
    w = window
    open_shift(qtbot, w)
    cp = w.collect_page
    for ch in typed:  # as a keyboard (or an input method, for Devanagari) types it
        QApplication.sendEvent(cp.account, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch))
    assert cp.account.text() == typed
    qtbot.keyClick(cp.account, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cp.alert.kind == "error" and not w.ctx.runner.busy, timeout=10_000)
    text = cp.alert.text()
    assert "Nothing found for" in text and typed[:40] in text and "matches" in text
    assert "No consumer with account" not in text and "10 digits" not in text
    assert cp.account.hasFocus()


def _with(w: MainWindow, pred: Any) -> Any:
    return next(c for c in (w.ctx.service.lookup(account(i)).consumer for i in range(3, 400)) if pred(c))


def test_the_end_of_a_mobile_number_finds_the_consumer(qtbot: Any, window: MainWindow) -> None:
    w = window
    open_shift(qtbot, w)
    target = _with(w, lambda c: bool(c.mobile))
    cp = w.collect_page
    end = target.mobile[-6:]
    qtbot.keyClicks(cp.account, end)
    qtbot.waitUntil(lambda: cp.results.isVisible(), timeout=10_000)
    assert target.account_no in [c.account_no for c in cp.results_model.consumers]
    assert all(c.mobile and c.mobile.endswith(end) for c in cp.results_model.consumers)
    # Enter on digits never picks from the list by itself (it could be a mistyped account)...
    qtbot.keyClick(cp.account, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cp.alert.kind != "" and not w.ctx.runner.busy, timeout=10_000)
    assert "press Down" in cp.alert.text() and cp.card.account_no is None
    # ...Down and Enter do.
    row = [c.account_no for c in cp.results_model.consumers].index(target.account_no)
    qtbot.keyClick(cp.account, Qt.Key.Key_Down)
    for _ in range(row):
        qtbot.keyClick(cp.results, Qt.Key.Key_Down)
    qtbot.keyClick(cp.results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cp.card.account_no == target.account_no, timeout=10_000)


def test_results_show_whole_rows_with_the_amount_due_and_the_mobile(qtbot: Any, window: MainWindow) -> None:
    w = window
    w.resize(1366, 768)
    open_shift(qtbot, w)
    cp = w.collect_page
    qtbot.keyClicks(cp.account, "nagar")
    qtbot.waitUntil(lambda: cp.results.isVisible() and cp.results_model.rowCount() >= 6, timeout=10_000)
    qtbot.wait(50)
    view = cp.results.viewport().rect()
    shown = [i for i in range(cp.results_model.rowCount())
             if cp.results.visualRect(cp.results_model.index(i, 0)).intersects(view)]
    assert len(shown) >= 5
    for i in shown:  # nothing half shown
        r: QRect = cp.results.visualRect(cp.results_model.index(i, 0))
        assert view.contains(r), (i, r, view)
    c = cp.results_model.consumers[0]
    line = cp.results_model.data(cp.results_model.index(0, 0))
    assert c.account_no in line and format_inr(c.amount_due_paise) in line
    if c.mobile:
        assert c.mobile in line


def test_a_house_number_puts_that_house_first(qtbot: Any, window: MainWindow) -> None:
    w = window
    open_shift(qtbot, w)
    svc = w.ctx.service

    def buried(c: Any) -> bool:
        """A house whose numbers, as plain words, find other houses first (a 1/25 behind 25/7)."""
        if re.match(r"\d+/\d+, ", c.address) is None:
            return False
        house = c.address.split(",")[0]
        plain = svc.search(" ".join(house.split("/")) + " " + c.locality.split()[0], 20)
        return bool(plain) and not plain[0].address.startswith(house + ",")

    target = _with(w, buried)
    house = target.address.split(",")[0]
    query = f"{house} {target.locality.split()[0]}"
    cp = w.collect_page
    qtbot.keyClicks(cp.account, query)
    qtbot.waitUntil(lambda: cp.results.isVisible(), timeout=10_000)
    first = cp.results_model.consumers[0]
    assert first.address.startswith(house + ","), (query, [c.address for c in cp.results_model.consumers[:5]])
