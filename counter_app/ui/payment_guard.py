"""The second look before a payment that may be a mistake: the account was paid a few hours ago
(the receipt is named: number, time, amount), or the amount is far above the amount due. It says
why in words (not colour alone) and F9 saves nothing until the clerk ticks "Yes, take this
payment" (Alt+Y): a deliberate act that the fast path (Enter, F9) never does by itself."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QCheckBox, QFrame, QLabel, QVBoxLayout, QWidget

from counter_app.config import Config
from counter_app.services.dues import Caution, RecentPayment, cautions
from counter_app.ui.i18n import Language


class PaymentGuard(QFrame):
    def __init__(self, language: Language, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paymentGuard")
        self.language = language
        self.config = config
        self.recent: list[RecentPayment] = []
        self.due_paise: int | None = None
        self.cautions: list[Caution] = []
        self.text = QLabel(self)
        self.text.setObjectName("warning")
        self.text.setWordWrap(True)
        self.confirmed = QCheckBox(self)
        self.confirmed.setObjectName("confirmSecondPayment")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.text)
        box.addWidget(self.confirmed)
        self.hide()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(e)

    def set_consumer(self, recent: list[RecentPayment], due_paise: int | None) -> None:
        """A consumer was chosen (due None: an account not in the local data)."""
        self.recent, self.due_paise = list(recent), due_paise
        self.cautions = []
        self.confirmed.setChecked(False)
        self.hide()

    def clear(self) -> None:
        self.set_consumer([], None)

    def amount_changed(self, amount_paise: int | None) -> None:
        """Re-judge for the amount now typed; a new reason needs a new tick."""
        now = cautions(self.recent, self.due_paise, amount_paise or 0, self.config)
        if [c.key for c in now] != [c.key for c in self.cautions]:
            self.confirmed.setChecked(False)
        self.cautions = now
        self._render()

    def _render(self) -> None:
        self.text.setText("\n".join(self.language.message(c.key, **c.params) for c in self.cautions))
        self.confirmed.setText(self.language.message("payment.confirm"))
        self.confirmed.setAccessibleName(self.confirmed.text().replace("&", ""))
        self.setVisible(bool(self.cautions))

    @property
    def blocks(self) -> bool:
        """The payment must not be saved yet: there is a reason and no tick."""
        return bool(self.cautions) and not self.confirmed.isChecked()
