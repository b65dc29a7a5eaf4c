"""The end of the day, walked through with real keystrokes after the collection tour: the clerk's
blind count and the variance with a supervisor's approval (in English, then in Hindi on a second
shift), and the supervisor's day close with the central server's answer. scripts/screenshots.py
saves a picture of each screen for the README."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from counter_app.ui.main_window import MainWindow
from kesco_demo.consumers import account_no_for_index
from kesco_demo.tour import Tour, settle, type_into, wait_until

SERVER_WAIT_S = 60


def _pieces(paise: int, denominations: list[tuple[str, int]]) -> dict[str, int]:
    left, out = paise // 100 * 100, {}
    for key, value in denominations:
        if key.startswith("C") and ("N" + key[1:], value) in denominations:
            continue  # a note of the same value takes it
        out[key], left = divmod(left, value)
    return {k: n for k, n in out.items() if n}


class ClosingTour:
    def __init__(self, window: MainWindow, out_dir: Path) -> None:
        self.w = window
        self.tour = Tour(window, out_dir)

    @property
    def saved(self) -> list[Path]:
        return self.tour.saved

    def _language(self, lang: str) -> None:
        if self.w.ctx.language.code != lang:
            self.w.toggle_language()
            settle()

    def _log_in(self, user: tuple[str, str]) -> None:
        w = self.w
        if w.ctx.session is not None:
            w.log_out()
        type_into(w.login_page.user, user[0], enter=True)
        type_into(w.login_page.pin, user[1], enter=True)
        wait_until(lambda: w.ctx.session is not None and w.stack.currentWidget() in (w.shift_page, w.collect_page))

    def _expected(self) -> int:
        ctx = self.w.ctx
        shift = ctx.service.get_shift(ctx.shift_id or "")
        cash = sum(r.amount_paise for r, void in ctx.service.shift_receipts(shift.shift_id)
                   if r.mode == "cash" and void is None)
        return shift.opening_float_paise + cash

    def shift_close(self, lang: str, *, short_paise: int, clerk: tuple[str, str] = ("clerk1", "1111"),
                    supervisor: tuple[str, str] = ("super1", "9999"), first_index: int = 20) -> None:
        """Log the clerk in (opening a shift with one payment if none is open) and close the shift
        `short_paise` short, ticking the first cheque only."""
        w, ctx = self.w, self.w.ctx
        self._language(lang)
        self._log_in(clerk)
        if w.stack.currentWidget() is w.shift_page:
            w.shift_page.float_edit.selectAll()
            type_into(w.shift_page.float_edit, "1500", enter=True)
            wait_until(lambda: w.stack.currentWidget() is w.collect_page)
            cp = w.collect_page
            i = first_index
            while not ctx.service.lookup(account_no_for_index(i)).consumer.amount_due_paise:
                i += 1  # a consumer with something to pay: the amount due is already in the field
            type_into(cp.account, account_no_for_index(i), enter=True)
            wait_until(lambda: cp.card.view is not None)
            before = cp.last_receipt
            QTest.keyClick(w, Qt.Key.Key_F9)
            wait_until(lambda: cp.last_receipt is not before and not ctx.runner.busy)
        QTest.keyClick(w, Qt.Key.Key_F6)
        page = w.closing_page
        wait_until(lambda: w.stack.currentWidget() is page and not ctx.runner.busy)
        counts = _pieces(self._expected() - short_paise, list(page.closing.denominations))
        for key, _value in page.closing.denominations:
            field = page.count_edits[key]
            if counts.get(key):
                QTest.keyClicks(field, str(counts[key]))
            QTest.keyClick(field, Qt.Key.Key_Return)
        if page.inst_list.count():
            QTest.keyClick(page.inst_list, Qt.Key.Key_Space)
        self.tour.shot("12-shift-close-count")
        QTest.keyClick(w, Qt.Key.Key_F9)
        wait_until(lambda: page.preview is not None and not ctx.runner.busy)
        if page.remark.isVisible():
            type_into(page.remark, "Counted twice; the difference is explained to the supervisor")
        if page.supervisor.isVisible():
            type_into(page.supervisor, supervisor[0])
            type_into(page.supervisor_pin, supervisor[1])
        self.tour.shot("13-shift-close-variance")
        QTest.keyClick(w, Qt.Key.Key_F9)
        wait_until(lambda: page.closed is not None and not ctx.runner.busy)
        settle(300)
        QTest.keyClick(page.logout_button, Qt.Key.Key_Return)

    def day_close(self, supervisor: tuple[str, str] = ("super1", "9999")) -> None:
        """The supervisor closes the day and waits for the server's answer; a shot in English and
        one in Hindi; the Z-report printed (to the counter's printer, a PDF folder in the demo)."""
        w, ctx = self.w, self.w.ctx
        self._language("en")
        self._log_in(supervisor)
        QTest.keyClick(w, Qt.Key.Key_F7)
        page = w.supervisor_page.day_close
        wait_until(lambda: page.report is not None and not ctx.runner.busy)
        if page.close_button.isEnabled():
            QTest.keyClick(w, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
            wait_until(lambda: page.confirm.isVisible())  # the day close asks once: F9 answers
            settle(200)
            self.tour.shot("14-day-close-question")
            QTest.keyClick(w, Qt.Key.Key_F9)
            wait_until(lambda: page.status is not None, timeout_s=SERVER_WAIT_S)
            if ctx.sync.engine is not None:  # connected: the server's answer comes back
                wait_until(lambda: page.status is not None and page.status.sync_state != "pending",
                           timeout_s=SERVER_WAIT_S)
        wait_until(lambda: not ctx.runner.busy and not page.poll_timer.isActive(), timeout_s=SERVER_WAIT_S)
        settle(400)
        self.tour.shot("14-day-close")
        self._language("hi")
        settle(300)
        self.tour.shot("14-day-close")
        QTest.keyClick(w, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
        wait_until(lambda: not ctx.runner.busy)

    def run(self) -> list[Path]:
        self.shift_close("en", short_paise=350_00)
        self.shift_close("hi", short_paise=20_00, first_index=21)
        self.day_close()
        return self.saved
