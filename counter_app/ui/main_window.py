"""The counter window: log in, open the shift, collect, the shift's receipts; the header says who
works where, the status bar shows the sync state, and every action has a key."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.collection import Session
from counter_app.ui.collect_page import CollectPage
from counter_app.ui.context import UiContext
from counter_app.ui.login_page import LoginPage
from counter_app.ui.ops import Changes, Op
from counter_app.ui.pickup_page import PickupPage
from counter_app.ui.receipts_page import ReceiptsPage
from counter_app.ui.shift_close_page import ShiftClosePage
from counter_app.ui.shift_page import ShiftPage
from counter_app.ui.status_bar import CounterStatusBar
from counter_app.ui.supervisor_page import SupervisorPage
from counter_app.ui.widgets import STYLE_SHEET, Retranslates, fit_stack_to_current


class PageStack(QStackedWidget):
    """The pages; as tall as the page on screen only. Its size hint comes from the current page
    (the others are set to Ignored, which QStackedLayout skips), and it answers no height-for-width:
    inside the window's scroll area a height-for-width stack could oscillate for ever (the
    scrollbar comes and goes, the width with it, and the height with the width), freezing the
    window in relayout."""

    def hasHeightForWidth(self) -> bool:
        return False

    def heightForWidth(self, width: int) -> int:
        # The scroll area asks the stack's layout whether it has a height for width and then the
        # stack for that height. QStackedLayout answers the tallest page's *preferred* height,
        # hidden pages included (the shift close's grid made the login screen scroll), and a
        # preferred height counts every table at its full size hint. The page scrolls only when
        # its minimum does not fit; inside it, its layout still gives wrapped text its height.
        return -1


class MainWindow(Retranslates, QMainWindow):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("counterWindow")
        self.setWindowIcon(QIcon(":/kesco/icons/counter.svg"))
        self.setStyleSheet(STYLE_SHEET)
        self.login_page = LoginPage(ctx)
        self.shift_page = ShiftPage(ctx)
        self.collect_page = CollectPage(ctx)
        self.receipts_page = ReceiptsPage(ctx)
        self.closing_page = ShiftClosePage(ctx)
        self.supervisor_page = SupervisorPage(ctx)
        self.pickup_page = PickupPage(ctx)
        self.stack = PageStack()
        for page in (self.login_page, self.shift_page, self.collect_page, self.receipts_page, self.closing_page,
                     self.supervisor_page, self.pickup_page):
            self.stack.addWidget(page)

        self.header = QWidget()
        self.who = QLabel(self.header)
        self.collect_button = QPushButton(self.header)
        self.receipts_button = QPushButton(self.header)
        self.close_shift_button = QPushButton(self.header)
        self.pickup_button = QPushButton(self.header)
        self.supervisor_button = QPushButton(self.header)
        self.language_button = QPushButton(self.header)
        self.logout_button = QPushButton(self.header)
        bar = QHBoxLayout(self.header)
        bar.setContentsMargins(6, 2, 6, 2)
        # The counter's and the user's names wrap onto a second line rather than making the
        # window wider than a 1280-pixel screen next to seven buttons.
        self.who.setWordWrap(True)
        bar.addWidget(self.who, 1)
        for b in (self.collect_button, self.receipts_button, self.pickup_button, self.close_shift_button,
                  self.supervisor_button, self.language_button, self.logout_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys do this; Tab stays inside the page
            bar.addWidget(b)
        self.header.hide()
        central = QWidget()
        box = QVBoxLayout(central)
        box.setContentsMargins(4, 2, 4, 0)  # every pixel of height counts at 1280×720
        box.addWidget(self.header)
        # A page taller than the screen (a long message with the result list at 1366×768) scrolls
        # inside the window instead of making the window taller than the screen, which pushed
        # the status bar off the bottom.
        self.page_scroll = QScrollArea()
        self.page_scroll.setObjectName("pageScroll")
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.page_scroll.setWidget(self.stack)
        # A stack is as tall as its tallest page; only the page on screen may count, or the day
        # close's tables make the collect screen scroll.
        self.stack.currentChanged.connect(self._size_to_current_page)
        box.addWidget(self.page_scroll, 1)
        self.setCentralWidget(central)

        cfg = ctx.counter.config
        self.status = CounterStatusBar(ctx.language, ctx.service.clock, cfg.pending_amber_minutes,
                                       cfg.pending_red_minutes, self)
        self.setStatusBar(self.status)
        ctx.sync.changed.connect(self.status.show_state)
        self.status.show_state(ctx.sync.state)

        self.login_page.logged_in.connect(self._logged_in)
        self.shift_page.shift_opened.connect(self._shift_opened)
        self.shift_page.day_close_requested.connect(self.show_supervisor)
        self.collect_button.clicked.connect(self.show_collect)
        self.receipts_button.clicked.connect(self.show_receipts)
        self.close_shift_button.clicked.connect(self.show_close_shift)
        self.pickup_button.clicked.connect(self.show_pickup)
        self.pickup_page.back_button.clicked.connect(self.show_collect)
        ctx.changes.changed.connect(self._changes_for_cash)
        self.supervisor_button.clicked.connect(self.show_supervisor)
        self.closing_page.shift_closed.connect(self._shift_closed)
        self.closing_page.log_out_requested.connect(self.log_out)
        self.language_button.clicked.connect(self.toggle_language)
        self.logout_button.clicked.connect(self.log_out)
        self.receipts_page.back_button.clicked.connect(self.show_collect)
        self._shortcuts()
        self.retranslate()
        self.stack.setCurrentWidget(self.login_page)
        self._size_to_current_page()
        self.login_page.reset()
        Op(self, ctx.load_identity, exclusive=False).success(self._identity).run()

    def _size_to_current_page(self, _index: int = 0) -> None:
        fit_stack_to_current(self.stack)

    def _identity(self, identity: tuple[str, str]) -> None:
        self.ctx.counter_code, self.ctx.counter_name = identity
        self.retranslate()
        self.login_page.retranslate()

    def _shortcuts(self) -> None:
        def key(seq: QKeySequence | str | QKeySequence.StandardKey, slot: object) -> None:
            s = QShortcut(QKeySequence(seq), self)
            s.setContext(Qt.ShortcutContext.WindowShortcut)
            s.activated.connect(slot)

        key("F2", self._f2)
        key("F9", self._confirm)
        key("Ctrl+Return", self._confirm)
        key(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Enter), self._confirm)
        key("Esc", self._escape)
        key("F3", self.show_collect)
        key("F4", self.show_receipts)
        key("F6", self.show_close_shift)
        key("F7", self.show_supervisor)
        key("F8", self.show_pickup)
        key("F12", self.toggle_language)
        key("Ctrl+P", self._print_again)
        key("Del", self._delete)

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        code = self.ctx.counter_code
        self.setWindowTitle(self.tr("KESCO cash counter %1").replace("%1", f"{code} {self.ctx.counter_name}".strip()))
        self.collect_button.setText(self.tr("Collect (F3)"))
        self.receipts_button.setText(self.tr("Shift receipts (F4)"))
        self.close_shift_button.setText(self.tr("Close shift (F6)"))
        self.pickup_button.setText(self.tr("Cash pickup (F8)"))
        self.supervisor_button.setText(self.tr("Day close (F7)"))
        # The button names the other language in that language, so a clerk who cannot read the
        # current one still finds it.
        self.language_button.setText("हिन्दी (F12)" if self.ctx.language.code == "en" else "English (F12)")
        self.language_button.setAccessibleName(self.tr("Switch language"))
        self.logout_button.setText(self.tr("Log out"))
        s = self.ctx.session
        if s is not None:
            role = {"clerk": self.tr("clerk"), "supervisor": self.tr("supervisor"),
                    "admin": self.tr("admin")}.get(s.role, s.role)
            self.who.setText(self.tr("Counter %1 | %2 (%3)").replace("%1", f"{code} {self.ctx.counter_name}".strip())
                             .replace("%2", s.full_name).replace("%3", role))

    # ------------------------------------------------------------------ flow
    def _logged_in(self, session: Session) -> None:
        self.ctx.session = session
        self.retranslate()
        self._header_buttons()
        if session.is_supervisor:
            self.header.show()  # a supervisor reaches the day close (F7) without opening a shift

        def have_shift(shift: Any) -> None:
            if shift is None:
                self.stack.setCurrentWidget(self.shift_page)
                self.shift_page.reset()
            else:
                self._shift_opened(shift)

        Op(self.login_page, lambda: self.ctx.service.current_shift(session)).success(have_shift) \
            .failure(self.login_page.failed).run()

    def _shift_opened(self, shift: Any) -> None:
        self.ctx.shift_id = shift.shift_id
        self.header.show()
        self._header_buttons()
        self.show_collect()
        self.refresh_cash()

    def _header_buttons(self) -> None:
        in_shift = self._in_shift()
        for b in (self.collect_button, self.receipts_button, self.close_shift_button, self.pickup_button):
            b.setVisible(in_shift)
        s = self.ctx.session
        self.supervisor_button.setVisible(s is not None and s.is_supervisor)

    def show_close_shift(self) -> None:
        if self._in_shift() and self.stack.currentWidget() is not self.closing_page:
            self.receipts_page.cancel_void()
            self.stack.setCurrentWidget(self.closing_page)
            self.closing_page.reset()

    def _shift_closed(self, _sc: Any) -> None:
        self.ctx.shift_id = None  # locked: nothing more is collected in it
        self._header_buttons()
        self.status.show_cash(None)

    def show_pickup(self) -> None:
        """F8: a supervisor takes cash out of this shift's drawer."""
        if self._in_shift() and self.stack.currentWidget() is not self.pickup_page:
            self.receipts_page.cancel_void()
            self.stack.setCurrentWidget(self.pickup_page)
            self.pickup_page.reset()

    def _changes_for_cash(self, changes: Changes) -> None:
        if changes.receipts or changes.cash or changes.shift:
            self.refresh_cash()

    def refresh_cash(self) -> None:
        """The drawer against the cash limits, for the status line (on the runner, never here)."""
        session = self.ctx.session
        if session is None or self.ctx.shift_id is None:
            self.status.show_cash(None)
            return
        cash = self.pickup_page.cash
        Op(self, lambda: cash.drawer(session), exclusive=False, show_error=False, channel="drawer_cash") \
            .success(self.status.show_cash).run()

    def show_supervisor(self) -> None:
        s = self.ctx.session
        if s is not None and s.is_supervisor and self.stack.currentWidget() is not self.supervisor_page \
                and self.stack.currentWidget() is not self.closing_page:
            self.stack.setCurrentWidget(self.supervisor_page)
            self.supervisor_page.reset()

    def _leave_supervisor(self) -> None:
        if self._in_shift():
            self.show_collect()
        else:
            self.stack.setCurrentWidget(self.shift_page)
            self.shift_page.reset()

    def _in_shift(self) -> bool:
        return self.ctx.session is not None and self.ctx.shift_id is not None

    def show_collect(self) -> None:
        if self._in_shift():
            self.receipts_page.cancel_void()
            self.stack.setCurrentWidget(self.collect_page)
            self.collect_page.focus_account()

    def show_receipts(self) -> None:
        if self._in_shift():
            self.stack.setCurrentWidget(self.receipts_page)
            self.receipts_page.alert.clear_message()
            self.receipts_page.refresh()

    def toggle_language(self) -> None:
        self.ctx.language.set("hi" if self.ctx.language.code == "en" else "en")
        i = self.login_page.lang.findData(self.ctx.language.code)
        self.login_page.lang.blockSignals(True)
        self.login_page.lang.setCurrentIndex(i)
        self.login_page.lang.blockSignals(False)

    def log_out(self) -> None:
        self.ctx.session = None
        self.ctx.shift_id = None
        self.status.show_cash(None)
        self.header.hide()
        self.collect_page.show_group(False)  # the next clerk starts on one account, with nothing typed
        self.collect_page.clear_consumer()
        self.collect_page.alert.clear_message()
        self.stack.setCurrentWidget(self.login_page)
        self.login_page.reset()

    def _f2(self) -> None:
        if self._in_shift():
            self.show_collect()

    def _confirm(self) -> None:
        if self.stack.currentWidget() is self.collect_page:
            self.collect_page.confirm()
        elif self.stack.currentWidget() is self.closing_page:
            self.closing_page.f9()
        elif self.stack.currentWidget() is self.supervisor_page:
            self.supervisor_page.f9()
        elif self.stack.currentWidget() is self.pickup_page:
            self.pickup_page.f9()

    def _escape(self) -> None:
        page = self.stack.currentWidget()
        if page is self.collect_page:
            self.collect_page.back_out()
        elif page is self.receipts_page and not self.receipts_page.cancel_void() \
                and not self.receipts_page.leave_found():
            self.show_collect()
        elif page is self.closing_page and self.closing_page.closed is None \
                and not self.closing_page.count_again():
            self.show_collect()
        elif page is self.supervisor_page and not self.supervisor_page.escape():
            self._leave_supervisor()
        elif page is self.pickup_page and not self.pickup_page.busy:
            self.show_collect()

    def _print_again(self) -> None:
        page = self.stack.currentWidget()
        if page is self.collect_page:
            self.collect_page.print_again()
        elif page is self.receipts_page:
            self.receipts_page.reprint_selected()
        elif page is self.closing_page:
            self.closing_page.print_report()
        elif page is self.supervisor_page:
            self.supervisor_page.print_current()
        elif page is self.pickup_page:
            self.pickup_page.print_slip()

    def _delete(self) -> None:
        if self.stack.currentWidget() is self.receipts_page:
            self.receipts_page.start_void()

    def closeEvent(self, e: QCloseEvent) -> None:
        self.ctx.sync.stop()
        self.ctx.runner.wait_idle(15_000)  # a receipt being saved or printed finishes first
        super().closeEvent(e)
