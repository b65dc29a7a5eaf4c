"""The consumer card: who is paying and what they owe, "balances as of" when the cached data was
current, and warnings the clerk must see (already paid today, disconnected, a cheque bounced)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.printing.receipt_doc import display_date, display_datetime
from counter_app.services.collection import ConsumerView
from counter_app.ui.i18n import Language, say
from counter_app.ui.widgets import fit_stack_to_current, line_edit
from kesco_protocol import vocabulary
from kesco_protocol.money import format_inr


class ConsumerCard(QFrame):
    def __init__(self, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.language = language
        self.view: ConsumerView | None = None
        self.unknown_account: str | None = None  # an account not in the cache (collect anyway)
        # Three pages, so that showing a consumer switches one page instead of showing and hiding
        # twenty labels (which cost more than the lookup itself).
        self.pages = QStackedWidget(self)
        self.placeholder = QLabel()
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        details = QWidget()
        self.name = QLabel(details)
        self.name.setObjectName("consumerName")
        self.name.setWordWrap(True)
        self.relation = QLabel(details)
        self.address = QLabel(details)
        self.address.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setVerticalSpacing(2)
        self.keys: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        # Two figures a row (the bill and the amount due a row each): at 1280×720 the card, the
        # second-payment warning and the payment all stand above the fold.
        places = {"account": (0, 0, 1), "category": (0, 2, 1), "meter": (1, 0, 1), "last_payment": (1, 2, 1),
                  "bill": (2, 0, 3), "bill_amount": (3, 0, 1), "arrears": (3, 2, 1), "due": (4, 0, 3)}
        for key, (row, col, span) in places.items():
            k, v = QLabel(details), QLabel(details)
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.keys[key], self.values[key] = k, v
            self.grid.addWidget(k, row, col, Qt.AlignmentFlag.AlignVCenter)
            self.grid.addWidget(v, row, col + 1, 1, span, Qt.AlignmentFlag.AlignVCenter)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(3, 1)
        self.values["due"].setObjectName("due")
        self.as_of = QLabel(details)
        self.warnings = QLabel(details)
        self.warnings.setObjectName("warning")
        self.warnings.setWordWrap(True)
        box = QVBoxLayout(details)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(3)
        for w in (self.name, self.relation, self.address):
            box.addWidget(w)
        box.addLayout(self.grid)
        box.addWidget(self.as_of)
        box.addWidget(self.warnings)
        box.addStretch(1)
        unknown = QWidget()
        self.unknown_label = QLabel(unknown)
        self.unknown_label.setWordWrap(True)
        self.unknown_name: QLineEdit = line_edit("unknownName", unknown, max_length=80)
        ubox = QVBoxLayout(unknown)
        ubox.setContentsMargins(0, 0, 0, 0)
        ubox.addWidget(self.unknown_label)
        ubox.addWidget(self.unknown_name)
        ubox.addStretch(1)
        for page in (self.placeholder, details, unknown):
            self.pages.addWidget(page)
        self.details_page, self.unknown_page = details, unknown
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)  # the frame's own room, kept small at 1280×720
        outer.addWidget(self.pages)
        self.pages.currentChanged.connect(self._size_to_current_page)
        self.show_consumer(None)

    def _size_to_current_page(self, _index: int = 0) -> None:
        """The empty card's one line must not keep the consumer's rows' height (it pushed the
        search results' screen off the bottom)."""
        fit_stack_to_current(self.pages)

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            if self.unknown_account:
                self.show_unknown(self.unknown_account)
            else:
                self.show_consumer(self.view)
        super().changeEvent(e)

    def _category(self, code: str) -> str:
        return say(vocabulary.category(code))

    def show_consumer(self, view: ConsumerView | None) -> None:
        self.view = view
        self.unknown_account = None
        if view is None:
            self.pages.setCurrentWidget(self.placeholder)
            self.placeholder.setText(self.tr("Type or scan the account number from the bill and press Enter, "
                                             "or type a name, address or mobile number to search."))
            self.setAccessibleName(self.tr("No consumer chosen"))
            return
        c = view.consumer
        self.name.setText(c.name)
        self.relation.setText(c.relation_name)
        self.address.setText(c.address)
        labels = {
            "account": self.tr("Account no."), "category": self.tr("Category"), "meter": self.tr("Meter no."),
            "bill": self.tr("Last bill"), "bill_amount": self.tr("Bill amount"),
            "arrears": self.tr("Arrears in bill"), "last_payment": self.tr("Last payment"),
            "due": self.tr("Amount due"),
        }
        for key, text in labels.items():
            self.keys[key].setText(text)
        self.values["account"].setText(c.account_no)
        self.values["category"].setText(self._category(c.category))
        self.values["meter"].setText(c.meter_no or "-")
        if c.last_bill_no:
            self.values["bill"].setText(self.tr("%1 of %2, due %3").replace("%1", c.last_bill_no)
                                        .replace("%2", display_date(c.last_bill_date))
                                        .replace("%3", display_date(c.last_bill_due_date)))
        else:
            self.values["bill"].setText(self.tr("no bill yet"))
        self.values["bill_amount"].setText(format_inr(c.last_bill_amount_paise))
        self.values["arrears"].setText(format_inr(c.arrears_paise))
        if c.last_payment_date:
            self.values["last_payment"].setText(self.tr("%1 on %2").replace("%1", format_inr(c.last_payment_paise or 0))
                                                .replace("%2", display_date(c.last_payment_date)))
        else:
            self.values["last_payment"].setText("-")
        balance = view.balance_paise  # this counter's own receipts applied at once
        if balance < 0:
            self.values["due"].setText(self.tr("nothing (advance of %1)").replace("%1", format_inr(-balance)))
        else:
            self.values["due"].setText(format_inr(balance))
        as_of = display_datetime(view.balances_as_of) if view.balances_as_of else self.tr("unknown")
        self.as_of.setText(self.tr("Balances as of %1").replace("%1", as_of))
        warns = [self.language.message(k) for k in view.warnings]
        if view.paid_today_paise:
            warns[0] += " (" + format_inr(view.paid_today_paise) + ")"
        self.warnings.setText("\n".join(self.tr("WARNING: %1").replace("%1", w) for w in warns))
        self.warnings.setVisible(bool(warns))
        self.pages.setCurrentWidget(self.details_page)
        self.setAccessibleName(self.tr("Consumer %1, account %2").replace("%1", c.name).replace("%2", c.account_no))

    def show_unknown(self, account: str) -> None:
        """An account number that is not in the local data (a new connection, or data not yet
        downloaded): money is still taken, with the name from the bill."""
        self.show_consumer(None)
        self.unknown_account = account
        self.unknown_label.setText(self.tr("Account %1 is not in the local consumer data. To collect anyway, "
                                           "type the consumer's name from the bill:").replace("%1", account))
        self.unknown_name.setAccessibleName(self.tr("Consumer name from the bill"))
        self.pages.setCurrentWidget(self.unknown_page)

    @property
    def account_no(self) -> str | None:
        if self.view is not None:
            return self.view.consumer.account_no
        return self.unknown_account
