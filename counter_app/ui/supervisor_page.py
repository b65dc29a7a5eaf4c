"""The supervisor's desk (F7): day close, the day book, cheque dishonours and the bank deposit, one tab each
(Ctrl+Tab or Alt and the underlined letter to switch). Only supervisors get here."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from counter_app.ui.context import UiContext
from counter_app.ui.day_close_book import DayBookPage
from counter_app.ui.day_close_page import DayClosePage
from counter_app.ui.deposit_page import DepositPage
from counter_app.ui.dishonour_page import DishonourPage
from counter_app.ui.widgets import Retranslates


class SupervisorPage(Retranslates, QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.day_close = DayClosePage(ctx)
        self.day_book = DayBookPage(ctx)
        self.dishonour = DishonourPage(ctx)
        self.deposit = DepositPage(ctx)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("supervisorTabs")
        for page in (self.day_close, self.day_book, self.dishonour, self.deposit):
            self.tabs.addTab(page, "")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.tabs)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.tabs.setTabText(0, self.tr("&Day close"))
        self.tabs.setTabText(1, self.tr("Day &book"))
        self.tabs.setTabText(2, self.tr("Cheque dis&honour"))
        self.tabs.setTabText(3, self.tr("Dep&osit (pay-in slip)"))

    def reset(self) -> None:
        self.tabs.setCurrentWidget(self.day_close)
        self.day_close.reset()

    def _tab_changed(self, index: int) -> None:
        page = self.tabs.widget(index)
        if page is self.day_book:
            self.day_book.reset()
        elif page is self.dishonour:
            self.dishonour.reset()
        elif page is self.day_close:
            self.day_close.reset()
        elif page is self.deposit:
            self.deposit.reset()

    def escape(self) -> bool:
        """Esc inside the desk: close an open approval box; False when there was nothing to close."""
        page = self.tabs.currentWidget()
        if page is self.day_close:
            return self.day_close.cancel_close()
        return page is self.dishonour and self.dishonour.cancel()

    def f9(self) -> None:
        if self.tabs.currentWidget() is self.day_close:
            self.day_close.f9()
        elif self.tabs.currentWidget() is self.deposit:
            self.deposit.f9()

    def print_current(self) -> None:
        page = self.tabs.currentWidget()
        if page is self.day_close:
            self.day_close.print_z()
        elif page is self.day_book:
            self.day_book.print_book()
        elif page is self.deposit:
            self.deposit.print_slip()
