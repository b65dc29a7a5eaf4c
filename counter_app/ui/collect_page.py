"""The collect screen, what the clerk sees all day: one account field (F2) that takes a typed or
scanned account number, or a name/address/mobile to search; the consumer card; the payment; F9 or
Ctrl+Enter commits the receipt and then prints it; Esc backs out.

A cash payment of the amount due needs only: account number, Enter, F9."""

from __future__ import annotations

import re
import time
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import CounterError, NotFoundError
from counter_app.services.collection import ConsumerView
from counter_app.services.desk import SearchResult, search_consumers
from counter_app.ui.consumer_card import ConsumerCard
from counter_app.ui.context import UiContext
from counter_app.ui.group_payment import GroupPaymentPanel
from counter_app.ui.models import ConsumerRole, SearchResultsModel
from counter_app.ui.ops import BusyPage, Changes, Op, error_text
from counter_app.ui.part_payment_box import PartPaymentBox
from counter_app.ui.payment_form import FieldError, PaymentForm
from counter_app.ui.payment_guard import PaymentGuard
from counter_app.ui.print_jobs import Printed, print_op
from counter_app.ui.shift_tally import ShiftTallyLabel, Tally
from counter_app.ui.widgets import AlertLabel, Retranslates, add_row, line_edit, set_label
from kesco_protocol.money import format_inr
from kesco_protocol.records import Receipt

_ACCOUNT_LIKE = re.compile(r"^[\d०-९\s-]+$")
RESULT_ROWS = 6
_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")


def _mobile_end(text: str) -> bool:
    """4 to 9 digits: the end of a mobile number, searched as typed (10 digits is an account)."""
    digits = re.sub(r"[\s-]", "", text.translate(_DIGITS))
    return digits.isdigit() and 4 <= len(digits) <= 9


class CollectPage(BusyPage, Retranslates, QWidget):
    card_shown = Signal(object)  # ConsumerView | None (None: account not in the local data)
    results_shown = Signal(str)  # the query whose results are now on screen
    receipt_committed = Signal(object)  # Receipt
    print_finished = Signal(object)  # Printed | BaseException

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_receipt: Receipt | None = None
        self.account_label = QLabel(self)
        self.account = line_edit("account", self, max_length=100)
        self.account.setClearButtonEnabled(True)
        self.results_model = SearchResultsModel()
        self.results = QListView(self)
        self.results.setObjectName("results")
        self.results.setModel(self.results_model)
        self.results.setUniformItemSizes(True)
        self.results.hide()
        self.more_label = QLabel(self)
        self.more_label.hide()
        self.card = ConsumerCard(ctx.language, self)
        self.form = PaymentForm(ctx.language, ctx.service.config.max_receipt_paise, self,
                                cash_rounding=ctx.service.config.cash_rounding)
        self.guard = PaymentGuard(ctx.language, ctx.service.config, self)
        self.part = PartPaymentBox(ctx.language, self)  # below the least part payment: a supervisor
        self.confirm_button = QPushButton(self)
        self.confirm_button.setObjectName("primary")
        self.clear_button = QPushButton(self)
        self.alert = AlertLabel(self)
        self.last_label = QLabel(self)
        self.last_label.setObjectName("lastReceipt")
        # wraps rather than making the window wider than 1280 pixels next to three buttons
        self.last_label.setWordWrap(True)
        self.tally = ShiftTallyLabel(ctx, self)
        self.tally.loaded.connect(lambda _t: self._show_last())
        self.print_again_button = QPushButton(self)
        self.print_again_button.setEnabled(False)
        # one cheque or DD for several accounts (issue 16): its own panel in place of the single
        # account's card and form, Alt+G to switch
        self.group = GroupPaymentPanel(ctx, self)
        self.group.hide()
        self.group_button = QPushButton(self)
        self.group_button.setObjectName("groupButton")

        top = QFormLayout()
        add_row(top, self.account_label, self.account)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button, 2)
        buttons.addWidget(self.clear_button, 1)
        # The second-payment warning is about the account: under the card, so that the payment,
        # the least part payment and F9 stay together on the right at 1280×720.
        left = QVBoxLayout()
        left.addWidget(self.card, 1)
        left.addWidget(self.guard)
        right = QVBoxLayout()
        right.addWidget(self.form)
        right.addWidget(self.part)
        right.addLayout(buttons)  # F9 right under the amount, the fast path's one key
        right.addStretch(1)
        # The consumer and the payment make way for the search results while the clerk chooses
        # (no consumer is being paid then): six whole rows and the message line fit at 1280×720.
        self.consumer_area = QWidget(self)
        middle = QHBoxLayout(self.consumer_area)
        middle.setContentsMargins(0, 0, 0, 0)
        middle.addLayout(left, 1)
        middle.addLayout(right, 1)
        last = QHBoxLayout()
        last.addWidget(self.last_label, 1)
        last.addWidget(self.tally)
        last.addWidget(self.print_again_button)
        last.addWidget(self.group_button)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.results, 2)
        box.addWidget(self.more_label)
        # Room left over (the results list is as tall as its rows) goes here, not into a tall
        # message box; the consumer area, with its stretch, takes it when it is on screen.
        box.addStretch(0)
        box.addWidget(self.consumer_area, 3)
        box.addWidget(self.group, 0)
        self._box = box
        box.addWidget(self.alert)
        box.addLayout(last)

        self.account.textEdited.connect(self._typed)
        self.account.returnPressed.connect(self._enter)
        self.account.installEventFilter(self)
        self.results.installEventFilter(self)
        self.results.activated.connect(self._choose)
        self.confirm_button.clicked.connect(self.confirm)
        self.clear_button.clicked.connect(self.back_out)
        self.print_again_button.clicked.connect(self.print_again)
        self.group_button.clicked.connect(lambda: self.show_group(not self.group.isVisible()))
        self.card.unknown_name.returnPressed.connect(self.form.amount.setFocus)
        self.form.amount.returnPressed.connect(self.confirm_hint)
        self.form.changed.connect(lambda: self.guard.amount_changed(self.form.amount_paise()))
        self.form.changed.connect(lambda: self.part.amount_changed(self.form.amount_paise()))
        self.part.supervisor_pin.returnPressed.connect(self.confirm)
        for field in self.form.findChildren(QLineEdit):
            field.textEdited.connect(self._payment_edited)
        self._payment_enabled(False)
        self.retranslate()

    def _payment_enabled(self, on: bool) -> None:
        """The payment can only be typed once the consumer is known."""
        self.form.setEnabled(on)
        self.confirm_button.setEnabled(on and not self.busy)

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        set_label(self.account_label, self.account, self.tr("Account no. or search (F2)"))
        self.account.setPlaceholderText(self.tr("account number, or name / address / mobile"))
        self.results.setAccessibleName(self.tr("Search results: Up and Down to move, Enter to choose"))
        self.more_label.setText(self.tr("More consumers match: type more of the name or address."))
        self.confirm_button.setText(self.tr("Save and print receipt (F9)"))
        self.confirm_button.setAccessibleName(self.tr("Save and print receipt"))
        self.clear_button.setText(self.tr("Clear (Esc)"))
        self.print_again_button.setText(self.tr("Print again (Ctrl+P)"))
        self.group_button.setText(self.tr("One account (Alt+&G)") if self.group.isVisible()
                                  else self.tr("Several accounts, one cheque/DD (Alt+&G)"))
        self._show_last()

    def _show_last(self) -> None:
        r = self.last_receipt
        if r is None:
            self.last_label.setText(self.tr("No receipt yet in this session."))
        else:
            text = self.tr("Last receipt: %1, %2, account %3").replace("%1", r.receipt_no) \
                .replace("%2", format_inr(r.amount_paise)).replace("%3", r.account_no)
            t: Tally | None = self.tally.tally
            if t is not None and r.receipt_id in t.cancelled_ids:
                # A cancelled receipt must not pass for the last money taken.
                text = self.tr("CANCELLED:") + " " + text
            self.last_label.setText(text)
        self.last_label.setAccessibleName(self.last_label.text())

    def showEvent(self, e: QShowEvent) -> None:
        self.tally.refresh()
        super().showEvent(e)

    def _payment_edited(self, _text: str) -> None:
        """A refusal ("Enter an amount") is about what was typed: once the clerk types again it
        is stale, and a stale error next to a valid amount is misleading."""
        if self.alert.kind == "error":
            self.alert.clear_message()

    # ------------------------------------------------------------------ finding the consumer
    def focus_account(self) -> None:
        if self.group.isVisible():
            self.group.line_account.setFocus()  # F2 in the list being built: the next account
            return
        self.account.setFocus()
        self.account.selectAll()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if obj is self.account and key == Qt.Key.Key_Down and self.results_model.rowCount():
                self.results.setFocus()
                self.results.setCurrentIndex(self.results_model.index(0, 0))
                return True
            if obj is self.results and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._choose(self.results.currentIndex())
                return True
            if obj is self.results and key == Qt.Key.Key_Up and self.results.currentIndex().row() == 0:
                self.account.setFocus()
                return True
        return super().eventFilter(obj, event)

    def _typed(self, text: str) -> None:
        q = text.strip()
        if len(q) < 2 or (_ACCOUNT_LIKE.match(q) and not _mobile_end(q)):
            self._hide_results()
            return
        self.search_started = time.perf_counter()
        Op(self, lambda: search_consumers(self.ctx.service, q), channel="search", exclusive=False,
           show_error=False).success(self._results).failure(self._lookup_failed).run()

    def _results(self, result: SearchResult) -> None:
        if result.query.strip() != self.account.text().strip():
            return  # the clerk has typed on; a newer search is coming
        self.results_model.set_results(result.consumers)
        self._fit_results()
        self.results.setVisible(bool(result.consumers))
        self.consumer_area.setVisible(not result.consumers)
        self.more_label.setVisible(result.more)
        if result.consumers:
            self.results.setCurrentIndex(self.results_model.index(0, 0))
        else:
            self.alert.note(self._nothing_found(result.query.strip()))
        self.results_shown.emit(result.query)

    def _fit_results(self) -> None:
        """Whole rows only, up to RESULT_ROWS: a list that shows three and a half rows hides the
        fourth consumer's account, and one that grows with the matches pushes the card away."""
        n = min(self.results_model.rowCount(), RESULT_ROWS)
        if n:
            hint = self.results.sizeHintForRow(0)
            row = hint if hint > 0 else self.results.fontMetrics().height() + 4
            self.results.setFixedHeight(row * n + 2 * self.results.frameWidth())

    def _hide_results(self) -> None:
        self.results_model.set_results([])
        self.results.hide()
        self.more_label.hide()
        self.consumer_area.show()

    def _enter(self) -> None:
        text = self.account.text().strip()
        if not text:
            return
        if self.results.isVisible() and self.results_model.rowCount() and not _ACCOUNT_LIKE.match(text):
            self._choose(self.results.currentIndex() if self.results.currentIndex().isValid()
                         else self.results_model.index(0, 0))
            return
        self.lookup(text)

    def _choose(self, index: object) -> None:
        c = self.results_model.data(index, ConsumerRole) if index is not None else None  # type: ignore[arg-type]
        if c is None:
            return
        self._hide_results()
        self.account.setText(c.account_no)
        self.lookup(c.account_no)

    def lookup(self, text: str) -> None:
        self.alert.clear_message()
        self.lookup_started = time.perf_counter()
        Op(self, lambda: self.ctx.service.lookup(text), exclusive=False, show_error=False) \
            .success(self._show_consumer).failure(lambda e: self._lookup_failed(e, text)).run()

    def _show_consumer(self, view: ConsumerView) -> None:
        self._hide_results()
        self.card.show_consumer(view)
        self._payment_enabled(True)
        # the amount due with this counter's own receipts applied (a second look-up after a
        # payment shows what is left, not the bill again)
        self.guard.set_consumer(list(view.recent), view.amount_due_paise)
        self.part.set_consumer(view.part_payment_rule, view.amount_due_paise)
        self.form.set_due(view.amount_due_paise)
        self.form.amount.setFocus()
        self.form.amount.selectAll()
        self.card_shown.emit(view)

    def _nothing_found(self, text: str) -> str:
        """What was searched, and that nothing matched (never "no consumer with account AND")."""
        if _mobile_end(text):
            return self.tr("Nothing found for “%1”: no mobile number ends in these digits, and an account "
                           "number has 10 digits.").replace("%1", text)
        return self.tr("Nothing found for “%1”: no account, meter or mobile number, name or address "
                       "matches.").replace("%1", text)

    def _lookup_failed(self, e: BaseException, text: str = "") -> None:
        digits = re.sub(r"[\s-]", "", text)
        if isinstance(e, NotFoundError) and e.key == "consumer.not_found" and re.fullmatch(r"\d{10}", digits):
            self.card.show_unknown(digits)
            self._payment_enabled(True)
            self.guard.clear()
            self.part.clear()
            self.form.set_due(None)
            self.card.unknown_name.setFocus()
            self.card_shown.emit(None)
            return
        if text and isinstance(e, CounterError) and e.key in ("consumer.not_found", "consumer.bad_account"):
            shown = text if len(text) <= 40 else text[:40] + "…"
            if self.results.isVisible() and _mobile_end(text):
                self.alert.note(self.tr("An account number has 10 digits. Consumers whose mobile number ends "
                                        "in “%1” are listed: press Down to choose.").replace("%1", shown))
                return
            if not _ACCOUNT_LIKE.match(text) and len(text) <= 100:
                # Enter before the results came (or a meter number that is not one): the search
                # decides whether anything matches, so "nothing found" is true when it is said.
                Op(self, lambda: search_consumers(self.ctx.service, text), channel="search", exclusive=False,
                   show_error=False).success(lambda r: self._searched_on_enter(r, shown)) \
                    .failure(lambda _e: self.alert.error(lambda: self._nothing_found(shown))).run()
                return
            self.alert.error(lambda: self._nothing_found(shown))
        else:
            self.alert.error(error_text(self.ctx, e))
        self.focus_account()

    def _searched_on_enter(self, result: SearchResult, shown: str) -> None:
        if result.consumers and result.query.strip() == self.account.text().strip():
            self._results(result)
            self.results.setFocus()
            return
        self.alert.error(lambda: self._nothing_found(shown))
        self.focus_account()

    # ------------------------------------------------------------------ the payment
    def confirm_hint(self) -> None:
        """Enter in the amount field: the clerk may think it confirms; say how."""
        if self.card.account_no:
            self.alert.note(self.tr("Press F9 (or Ctrl+Enter) to save and print the receipt."))

    def show_group(self, on: bool) -> None:
        """Switch between one account (the card and the payment form) and one cheque or DD for
        several accounts (the group panel)."""
        if on:
            self.clear_consumer()
            self.alert.clear_message()
        for w in (self.account_label, self.account, self.card, self.form, self.confirm_button, self.clear_button):
            w.setVisible(not on)
        self.group.setVisible(on)
        # the space the single account's card and form had goes to the group panel's list
        self._box.setStretchFactor(self.consumer_area, 0 if on else 3)
        self._box.setStretchFactor(self.results, 0 if on else 2)
        self._box.setStretchFactor(self.group, 3 if on else 0)
        self.retranslate()
        if on:
            self.group.reset()
        else:
            self.focus_account()

    def confirm(self) -> None:
        if self.group.isVisible():
            self.group.confirm()
            return
        if self.busy:
            return  # a second F9 while the first is being saved must never make a second receipt
        session = self.ctx.session
        account = self.card.account_no
        if session is None or account is None:
            self.alert.error(self.ctx.language.message("ui.lookup_first"))
            self.focus_account()
            return
        name: str | None = None
        if self.card.unknown_account:
            name = self.card.unknown_name.text().strip()
            if not name:
                self.alert.error(self.ctx.language.message("ui.consumer_name_required"))
                self.card.unknown_name.setFocus()
                return
        try:
            payment = self.form.payment(account, name)
        except FieldError as fe:
            self.alert.error(self.ctx.language.message(fe.error))
            fe.field.setFocus()
            if hasattr(fe.field, "selectAll"):
                fe.field.selectAll()
            return
        if self.guard.blocks:
            # a payment that may be a mistake is never saved by the fast path alone
            self.alert.error(self.ctx.language.message("payment.confirm_needed"))
            self.guard.confirmed.setFocus()
            return
        if self.part.blocks and self.part.short is not None:
            # below the utility's least part payment: only with a supervisor's PIN, on this screen
            self.alert.error(self.ctx.language.message("part_payment.needs_supervisor", **self.part.short.params))
            (self.part.supervisor_pin if self.part.supervisor.text().strip() else self.part.supervisor).setFocus()
            return
        payment = replace(payment, part_payment_approval=self.part.approval())
        # The button comes back only on a refusal: after a save the form is cleared and disabled.
        self.confirm_button.setEnabled(False)
        Op(self, lambda: self.ctx.service.issue_receipt(session, payment), note=self.tr("Saving..."),
           changes=Changes(receipts=True, outbox=True)).success(self._committed).failure(self._refused).run()

    def _committed(self, r: Receipt) -> None:
        self.last_receipt = r
        self._show_last()
        self.print_again_button.setEnabled(True)
        self.alert.ok(lambda: self.tr("Receipt %1 saved: %2. Printing...").replace("%1", r.receipt_no)
                      .replace("%2", format_inr(r.amount_paise)) + self._change_text(r))
        self.clear_consumer()
        self.receipt_committed.emit(r)
        self._print(r, again=False)

    def _print(self, r: Receipt, *, again: bool) -> None:
        op = print_op(self, r, again=again, show_error=False)
        if op is not None:
            op.success(self._printed).failure(self._print_failed).run()

    def _refused(self, e: BaseException) -> None:
        self.confirm_button.setEnabled(True)
        if isinstance(e, CounterError) and e.key.startswith("auth.") and self.part.short is not None:
            self.part.refused()
            return
        if isinstance(e, CounterError):
            field = self.form.field_for(e.key)
            field.setFocus()
            field.selectAll()

    def _change_text(self, r: Receipt) -> str:
        """The change to hand back, repeated in the done line until the next consumer: the form
        that showed it is cleared on save, while the clerk is still counting the notes."""
        change = r.change_paise
        if not change:
            return ""
        return " " + self.tr("GIVE CHANGE: %1.").replace("%1", format_inr(change))

    def _printed(self, p: Printed) -> None:
        last = self.last_receipt
        mine = last if last is not None and last.receipt_no == p.receipt_no and not p.reprint_no else None

        def text() -> str:
            if p.reprint_no:
                return self.tr("Receipt %1 printed again (DUPLICATE, reprint %2).").replace("%1", p.receipt_no) \
                    .replace("%2", str(p.reprint_no))
            return self.tr("Receipt %1 saved and printed.").replace("%1", p.receipt_no) + \
                (self._change_text(mine) if mine is not None else "")
        self.alert.ok(text)
        self.print_finished.emit(p)

    def _print_failed(self, e: BaseException) -> None:
        self.alert.error(error_text(self.ctx, e) + " " + self.tr("Press Ctrl+P to print it again."))
        self.print_finished.emit(e)

    def print_again(self) -> None:
        if self.group.isVisible():
            self.group.print_again()
            return
        if self.last_receipt is not None:
            self.alert.note(self.tr("Printing..."))
            self._print(self.last_receipt, again=True)

    # ------------------------------------------------------------------ backing out
    def clear_consumer(self) -> None:
        self.card.show_consumer(None)
        self.guard.clear()
        self.part.clear()
        self.form.clear()
        self._payment_enabled(False)
        self.account.clear()
        self._hide_results()
        self.focus_account()

    def back_out(self) -> None:
        """Esc: close the result list, else drop the consumer and payment, else clear the field."""
        if self.group.isVisible():
            self.show_group(False)
        elif self.results.isVisible():
            self._hide_results()
            self.focus_account()
        elif self.card.account_no is not None:
            self.clear_consumer()
            self.alert.clear_message()
        else:
            self.account.clear()
            self.alert.clear_message()
            self.focus_account()
