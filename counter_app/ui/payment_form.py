"""The payment: amount (the amount due by default; partial, advance and no-bill payments allowed)
with the amount in words as it is typed, the mode with its own fields, and for cash the money
handed over and the change. Everything is checked here before the service is asked to commit."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QStackedWidget, QVBoxLayout, QWidget

from counter_app.domain.errors import CounterError, ValidationError
from counter_app.domain.receipt import Instrument
from counter_app.domain.rounding import cash_round_off
from counter_app.services.collection import Payment
from counter_app.ui.i18n import Language, say
from counter_app.ui.widgets import Retranslates, add_row, line_edit, set_label
from kesco_protocol import vocabulary
from kesco_protocol.money import format_inr, format_plain, parse_amount
from kesco_protocol.records import Mode

MODES = (Mode.CASH, Mode.CHEQUE, Mode.DD, Mode.UPI, Mode.CARD)
_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")


class FieldError(Exception):
    """A refused entry and the field to put the cursor back in."""

    def __init__(self, error: CounterError, field: QWidget) -> None:
        super().__init__(error.key)
        self.error = error
        self.field = field


def parse_cheque_date(text: str) -> str:
    """DD-MM-YYYY (or / or . between, or 8 digits) -> ISO date; ValidationError otherwise."""
    s = text.strip().translate(_DIGITS)
    m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", s) or re.fullmatch(r"(\d{2})(\d{2})(\d{4})", s)
    if m is None:
        raise ValidationError("instrument.date_invalid")
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
    except ValueError:
        raise ValidationError("instrument.date_invalid") from None


class PaymentForm(Retranslates, QWidget):
    changed = Signal()

    def __init__(self, language: Language, max_paise: int, parent: QWidget | None = None, *,
                 cash_rounding: str = "none") -> None:
        super().__init__(parent)
        self.language = language
        self.max_paise = max_paise
        self.cash_rounding = cash_rounding
        self.due_paise: int | None = None
        self.amount = line_edit("amount", self, max_length=40)
        self.words_en = QLabel(self)
        self.words_hi = QLabel(self)
        for w in (self.words_en, self.words_hi):
            w.setObjectName("words")
            w.setWordWrap(True)
        self.mode = QComboBox(self)
        self.mode.setObjectName("mode")
        for m in MODES:
            self.mode.addItem("", m.value)
        self.pages = QStackedWidget(self)
        # cash
        self.tendered = line_edit("tendered", self, max_length=40)
        self.change = QLabel(self)
        self.change.setObjectName("change")
        # cash is taken to the rupee: what to take and the round-off (hidden when there is none)
        self.to_take = QLabel(self)
        self.to_take.setObjectName("cashToTake")
        self.to_take.hide()
        # cheque / DD
        self.number = line_edit("instrumentNumber", self, max_length=6)
        self.inst_date = line_edit("instrumentDate", self, max_length=10)
        self.inst_date.setPlaceholderText(self.tr("DD-MM-YYYY"))
        self.bank = line_edit("bank", self, max_length=80)
        self.ifsc = line_edit("ifsc", self, max_length=11)
        # UPI / card
        self.reference = line_edit("reference", self, max_length=40)

        self.l_amount, self.l_mode, self.l_tendered, self.l_change = (QLabel(self) for _ in range(4))
        self.l_number, self.l_date, self.l_bank, self.l_ifsc, self.l_ref = (QLabel(self) for _ in range(5))
        cash, inst, ref = QWidget(self), QWidget(self), QWidget(self)
        f = QFormLayout(cash)
        f.addRow(self.to_take)
        add_row(f, self.l_tendered, self.tendered)
        f.addRow(self.l_change, self.change)
        f = QFormLayout(inst)
        for lab, fld in ((self.l_number, self.number), (self.l_date, self.inst_date), (self.l_bank, self.bank),
                         (self.l_ifsc, self.ifsc)):
            add_row(f, lab, fld)
        f = QFormLayout(ref)
        add_row(f, self.l_ref, self.reference)
        for page in (cash, inst, ref):
            lay = page.layout()
            assert lay is not None
            lay.setContentsMargins(0, 0, 0, 0)
            self.pages.addWidget(page)
        top = QFormLayout()
        add_row(top, self.l_amount, self.amount)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.words_en)
        box.addWidget(self.words_hi)
        mode_form = QFormLayout()
        add_row(mode_form, self.l_mode, self.mode)
        box.addLayout(mode_form)
        box.addWidget(self.pages)
        box.addStretch(1)

        self.amount.textChanged.connect(self._amount_changed)
        self.tendered.textChanged.connect(self._update_change)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.retranslate()
        self.clear()

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        set_label(self.l_amount, self.amount, self.tr("&Amount (₹)"))
        set_label(self.l_mode, self.mode, self.tr("&Mode"))
        names = {m: say(t) for m, t in vocabulary.MODES.items()}
        dd = vocabulary.MODES[Mode.DD]
        names[Mode.DD] = f"{say(dd)} ({say(dd, short=True)})"  # the clerk may know it by either
        for i, m in enumerate(MODES):
            self.mode.setItemText(i, names[m])
        set_label(self.l_tendered, self.tendered, self.tr("Cash &handed over (₹)"))
        self.tendered.setPlaceholderText(self.tr("same as the amount"))
        self.l_change.setText(self.tr("Change to return"))
        set_label(self.l_number, self.number, self.tr("Cheque/DD &number"))
        set_label(self.l_date, self.inst_date, self.tr("&Date on it"))
        set_label(self.l_bank, self.bank, self.tr("&Bank"))
        set_label(self.l_ifsc, self.ifsc, self.tr("&IFSC or MICR"))
        set_label(self.l_ref, self.reference, self.tr("Transaction &reference"))
        self._amount_changed(self.amount.text())
        self._update_change()

    # ------------------------------------------------------------------ state
    def clear(self) -> None:
        self.due_paise = None
        for e in (self.amount, self.tendered, self.number, self.inst_date, self.bank, self.ifsc, self.reference):
            e.clear()
        self.mode.setCurrentIndex(0)
        self._amount_changed("")

    def set_due(self, due_paise: int | None) -> None:
        """A consumer was chosen: the amount defaults to what is due (editable)."""
        self.clear()
        self.due_paise = due_paise
        if due_paise and due_paise > 0:
            self.amount.setText(format_plain(due_paise))
        self.amount.selectAll()

    @property
    def current_mode(self) -> Mode:
        return Mode(self.mode.currentData())

    def _mode_changed(self, _index: int) -> None:
        m = self.current_mode
        self.pages.setCurrentIndex(0 if m is Mode.CASH else 1 if m.is_instrument else 2)
        self._update_change()
        self.changed.emit()

    def _amount_changed(self, text: str) -> None:
        if not text.strip():
            self.words_en.setText(self.tr("Type the amount received."))
            self.words_hi.setText("")
        else:
            from counter_app.domain.words import amount_in_words_en, amount_in_words_hi

            try:
                paise = parse_amount(text, max_paise=self.max_paise)
                self.words_en.setText(amount_in_words_en(paise))
                self.words_hi.setText(amount_in_words_hi(paise))
            except CounterError as e:
                self.words_en.setText(self.tr("Not yet a valid amount: %1").replace("%1", self.language.message(e)))
                self.words_hi.setText("")
        self._update_change()
        self.changed.emit()

    def amount_paise(self) -> int | None:
        """The amount typed, or None while it is not a valid amount."""
        try:
            return parse_amount(self.amount.text(), max_paise=self.max_paise)
        except CounterError:
            return None

    def _update_change(self, *_: object) -> None:
        try:
            amount = parse_amount(self.amount.text(), max_paise=self.max_paise)
        except CounterError:
            self.change.setText("-")
            self.to_take.hide()
            return
        round_off = cash_round_off(amount, self.cash_rounding) if self.current_mode is Mode.CASH else 0
        if round_off:
            self.to_take.setText(self.language.message(
                "payment.cash_to_take", cash=format_inr(amount + round_off),
                round_off=("+" if round_off > 0 else "−") + format_inr(abs(round_off))))
        self.to_take.setVisible(bool(round_off))
        amount += round_off  # the change is counted from the cash taken
        text = self.tendered.text().strip()
        if not text:
            self.change.setText(format_inr(0))
            return
        try:
            tendered = parse_amount(text, max_paise=None)
        except CounterError:
            self.change.setText("-")
            return
        if tendered < amount:
            self.change.setText(self.tr("short by %1").replace("%1", format_inr(amount - tendered)))
        else:
            self.change.setText(format_inr(tendered - amount))

    # ------------------------------------------------------------------ the payment
    def payment(self, account_no: str, consumer_name: str | None = None) -> Payment:
        """The payment as entered; raises FieldError (nothing stored) when something is wrong."""
        try:
            amount = parse_amount(self.amount.text(), max_paise=self.max_paise)
        except CounterError as e:
            raise FieldError(e, self.amount) from None
        mode = self.current_mode
        instrument: Instrument | None = None
        tendered: int | None = None
        if mode is Mode.CASH and self.tendered.text().strip():
            try:
                tendered = parse_amount(self.tendered.text(), max_paise=None)
            except CounterError as e:
                raise FieldError(e, self.tendered) from None
        elif mode.is_instrument:
            number = self.number.text().strip().translate(_DIGITS)
            if not re.fullmatch(r"\d{6}", number):
                raise FieldError(ValidationError("instrument.number_invalid"), self.number)
            try:
                when = parse_cheque_date(self.inst_date.text())
            except CounterError as e:
                raise FieldError(e, self.inst_date) from None
            if not self.bank.text().strip():
                raise FieldError(ValidationError("instrument.bank_required"), self.bank)
            instrument = Instrument(number=number, date=when, bank=self.bank.text().strip(),
                                    ifsc=self.ifsc.text().strip().upper())
        elif mode.needs_reference:
            instrument = Instrument(reference=self.reference.text().strip())
        return Payment(account_no, amount, mode, instrument, tendered, consumer_name)

    def field_for(self, key: str) -> QLineEdit:
        """Where to put the cursor for an error the service raised."""
        if key.startswith("amount.tendered"):
            return self.tendered
        if key.startswith("amount."):
            return self.amount
        if key in ("instrument.date_invalid", "instrument.stale", "instrument.post_dated"):
            return self.inst_date
        if key == "instrument.ifsc_invalid":
            return self.ifsc
        if key == "instrument.bank_required":
            return self.bank
        if key == "instrument.number_invalid":
            return self.number
        if key.startswith("receipt.reference"):
            return self.reference
        return self.amount
