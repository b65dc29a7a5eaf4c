"""The least part payment on the collect screen: when the amount typed is below what the utility's
policy requires of this consumer's due, it says why in words (the minimum, the rule, the due) and
takes a supervisor's user name and PIN on the same screen; F9 then saves the receipt with the
supervisor named on it. Without them F9 saves nothing. The rule itself is
counter_app.domain.part_payment (pure); the PIN is checked by the service when the receipt is saved."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from counter_app.domain.part_payment import Shortfall, shortfall
from counter_app.ui.i18n import Language
from counter_app.ui.widgets import Retranslates, line_edit, set_label
from kesco_protocol.part_payment import Minimum


class PartPaymentBox(Retranslates, QFrame):
    def __init__(self, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("partPayment")
        self.language = language
        self.rule: Minimum | None = None
        self.due_paise: int | None = None
        self.short: Shortfall | None = None
        self.text = QLabel(self)
        self.text.setObjectName("warning")
        self.text.setWordWrap(True)
        self.l_sup, self.l_pin = QLabel(self), QLabel(self)
        self.supervisor = line_edit("partSupervisor", self, max_length=32)
        self.supervisor_pin = line_edit("partSupervisorPin", self, password=True, max_length=12)
        # the name and the PIN on one row: one line less on the collect screen at 1280×720
        row = QHBoxLayout()
        for label, field in ((self.l_sup, self.supervisor), (self.l_pin, self.supervisor_pin)):
            label.setBuddy(field)
            row.addWidget(label)
            row.addWidget(field, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.text)
        box.addLayout(row)
        self.supervisor.returnPressed.connect(self.supervisor_pin.setFocus)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        set_label(self.l_sup, self.supervisor, self.language.message("part_payment.supervisor"))
        set_label(self.l_pin, self.supervisor_pin, self.language.message("part_payment.pin"))
        self.text.setText("" if self.short is None else
                          self.language.message(self.short.key, **self.short.params))
        self.text.setAccessibleName(self.text.text())

    def set_consumer(self, rule: Minimum | None, due_paise: int | None) -> None:
        """A consumer was chosen (due None: an account not in the local data, never held up)."""
        self.rule, self.due_paise = rule, due_paise
        self.short = None
        self.supervisor.clear()
        self.supervisor_pin.clear()
        self.hide()

    def clear(self) -> None:
        self.set_consumer(None, None)

    def amount_changed(self, amount_paise: int | None) -> None:
        self.short = shortfall(self.rule, self.due_paise, amount_paise)
        if self.short is None:
            self.supervisor_pin.clear()  # an approval is for one amount below the minimum, not kept
        self.retranslate()
        self.setVisible(self.short is not None)

    @property
    def blocks(self) -> bool:
        """Below the minimum and no supervisor's name and PIN typed yet."""
        return self.short is not None and not (self.supervisor.text().strip() and self.supervisor_pin.text())

    def approval(self) -> tuple[str, str] | None:
        """(supervisor, PIN) for the service, when the amount is below the minimum."""
        if self.short is None:
            return None
        return self.supervisor.text().strip(), self.supervisor_pin.text()

    def refused(self) -> None:
        """The PIN was wrong (or not a supervisor's): type it again."""
        self.supervisor_pin.clear()
        self.supervisor_pin.setFocus()
