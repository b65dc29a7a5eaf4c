"""The day close asked once, on the day-close screen itself: what will be closed (receipts, net and
gross, cancelled), F9 to close, Esc to go back. Not a modal box: Enter, pressed out of habit,
neither opens nor confirms it. And the words for where a closed day is (saved here; sent, or
waiting because the counter is offline)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.services.closes import DayReport
from counter_app.sync.state import SyncState
from kesco_protocol.money import format_inr


class DayCloseConfirm(QFrame):
    confirmed = Signal()
    cancelled = Signal()
    asking_changed = Signal(bool)  # the question came (True) or went (False)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dayCloseConfirm")
        self.setFrameShape(QFrame.Shape.Box)
        self.setStyleSheet("#dayCloseConfirm { border: 3px solid #b00020; background: #fff8e1; }")
        self.report: DayReport | None = None
        self.day_text = ""
        self.question = QLabel(self)
        self.question.setObjectName("dayCloseQuestion")
        self.question.setWordWrap(True)
        self.yes_button = QPushButton(self)
        self.yes_button.setObjectName("primary")
        self.no_button = QPushButton(self)
        for b in (self.yes_button, self.no_button):
            b.setAutoDefault(False)  # Enter on a focused button must not close a day
        row = QHBoxLayout()
        row.addWidget(self.yes_button)
        row.addWidget(self.no_button)
        row.addStretch(1)
        box = QVBoxLayout(self)
        box.addWidget(self.question)
        box.addLayout(row)
        self.yes_button.clicked.connect(self.confirmed.emit)
        self.no_button.clicked.connect(self.cancelled.emit)
        self.hide()
        self.retranslate()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(e)

    def retranslate(self) -> None:
        self.yes_button.setText(self.tr("Yes, close the day (F9)"))
        self.no_button.setText(self.tr("Go back (Esc)"))
        if self.report is not None:
            self.question.setText(self._question(self.report))

    def ask(self, report: DayReport, day_text: str) -> None:
        self.report, self.day_text = report, day_text
        self.retranslate()
        self.show()
        self.asking_changed.emit(True)

    def dismiss(self) -> None:
        self.report = None
        self.hide()
        self.asking_changed.emit(False)

    @property
    def asking(self) -> bool:
        return self.report is not None and not self.isHidden()

    def _question(self, r: DayReport) -> str:
        return self.tr("Close the day %1 at this counter? %2 receipts: net %3 (gross %4, %5 cancelled for %6). "
                       "Nothing more can be collected on this day afterwards. Press F9 to close the day, "
                       "Esc to go back.") \
            .replace("%1", self.day_text).replace("%2", str(r.receipt_count)) \
            .replace("%3", format_inr(r.net_total_paise)).replace("%4", format_inr(r.total_paise)) \
            .replace("%5", str(r.void_count)).replace("%6", format_inr(r.void_total_paise))

    def closed_text(self, r: DayReport, day_text: str, sync: SyncState, has_engine: bool) -> str:
        """After the close: the figures the report shows, and the truth about where the close is."""
        saved = self.tr("Day %1 closed and saved at this counter: %2 receipts, net %3 (gross %4, %5 cancelled).") \
            .replace("%1", day_text).replace("%2", str(r.receipt_count)) \
            .replace("%3", format_inr(r.net_total_paise)).replace("%4", format_inr(r.total_paise)) \
            .replace("%5", str(r.void_count))
        link = sync.link.value if hasattr(sync.link, "value") else str(sync.link)
        if not has_engine or link == "unconfigured":
            where = self.tr("It is waiting to be sent: this counter is not connected to the central server now.")
        elif link == "online":
            where = self.tr("Sending it to the central server...")
        else:
            where = self.tr("It is waiting to be sent: this counter is OFFLINE. It goes when the connection "
                            "is back.")
        return f"{saved} {where}"
