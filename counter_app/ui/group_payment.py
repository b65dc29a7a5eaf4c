"""One cheque or DD for several accounts, on the collect screen (Alt+G): the clerk enters the
instrument (cheque or DD, number, date, bank, IFSC, the amount written on it), then builds the list
of accounts by keyboard (account number, Enter, amount, Enter; Del removes the chosen line) while
the running sum and the difference show. F9 issues one receipt per account in one transaction
(services/group_payment.py), prints each receipt and a covering slip listing them."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import CounterError, ValidationError
from counter_app.domain.receipt import Instrument
from counter_app.printing.covering_slip import CoveringSlip, print_covering_slip
from counter_app.printing.printers import PrintError
from counter_app.services.collection import ConsumerView, Session
from counter_app.services.dues import cautions
from counter_app.services.group_payment import GroupLine, GroupPayment, GroupPaymentRequest, issue_group
from counter_app.ui.close_models import TextTableModel
from counter_app.ui.context import UiContext
from counter_app.ui.i18n import say
from counter_app.ui.ops import BusyPage, Changes, Op, error_text
from counter_app.ui.part_payment_box import PartPaymentBox
from counter_app.ui.payment_form import parse_cheque_date
from counter_app.ui.payment_guard import PaymentGuard
from counter_app.ui.print_jobs import print_job
from counter_app.ui.widgets import AlertLabel, Retranslates, add_row, line_edit, set_label, table_view
from kesco_protocol import vocabulary
from kesco_protocol.money import format_inr, parse_amount
from kesco_protocol.records import Mode, Receipt

_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")


def print_group_job(ctx: UiContext, session: Session, receipts: tuple[Receipt, ...], *, again: bool) -> list[str]:
    """On a worker: every receipt of the payment (original, or DUPLICATE when printed before),
    then the covering slip. Returns the files written (PDF printers)."""
    outs = [p.output for r in receipts if (p := print_job(ctx, session, r, again=again)).output]
    cfg = ctx.counter.config
    slip = CoveringSlip(receipts, cfg.utility_name_en, cfg.utility_name_hi, ctx.counter_name, int(again))
    try:
        out = print_covering_slip(ctx.printer, slip, cfg.receipt_layout)
    except PrintError:
        raise
    except Exception as e:  # noqa: BLE001 - a driver's surprise is still only a failed print
        raise PrintError("print.failed", detail=str(e)[:120]) from e
    if out:
        ctx.printed.append(out)
        outs.append(out)
    return outs


class LineGuard(PaymentGuard):
    """The single payment's second look (ui/payment_guard.py) for one line of the group: the same
    reasons and the same Alt+Y tick, headed by the account it is about (a list has several)."""

    account = ""

    def _render(self) -> None:
        super()._render()
        if self.cautions:
            self.text.setText(self.language.message("group.line_check", account=self.account) + "\n"
                              + self.text.text())


class GroupPaymentPanel(BusyPage, Retranslates, QWidget):
    committed = Signal(object)  # GroupPayment
    print_finished = Signal(object)  # list of outputs | BaseException
    line_added = Signal(int)  # lines now in the list

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.max_paise = ctx.service.config.max_receipt_paise
        self.lines: list[tuple[ConsumerView, int]] = []
        self.last: GroupPayment | None = None
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.mode = QComboBox(self)
        self.mode.setObjectName("groupMode")
        for m in (Mode.CHEQUE, Mode.DD):
            self.mode.addItem("", m.value)
        self.number = line_edit("groupNumber", self, max_length=6)
        self.inst_date = line_edit("groupDate", self, max_length=10)
        self.bank = line_edit("groupBank", self, max_length=80)
        self.ifsc = line_edit("groupIfsc", self, max_length=11)
        self.total = line_edit("groupTotal", self, max_length=40)
        self.line_account = line_edit("groupAccount", self, max_length=20)
        self.line_amount = line_edit("groupAmount", self, max_length=40)
        self.labels = {k: QLabel(self) for k in ("mode", "number", "date", "bank", "ifsc", "total", "account",
                                                 "amount")}
        self.model = TextTableModel(4, right=(3,))
        self.table = table_view(self.model, "groupLines", self)
        self.sum_label = QLabel(self)
        self.sum_label.setObjectName("groupSum")
        self.keys_label = QLabel(self)
        self.keys_label.setWordWrap(True)
        self.alert = AlertLabel(self)
        # issue 12 item 1 for each account of the group: a line that may be a mistake (paid a few
        # hours ago, or far above its due) joins the list only with the deliberate tick
        self.guard = LineGuard(ctx.language, ctx.service.config, self)
        self.pending: tuple[str, int] | None = None  # the (account, amount) the guard is about
        # the service refuses a line below its account's least part payment (issue 15): the
        # supervisor's name and PIN are then taken here, as on the single payment's screen, and
        # sent with the whole payment
        self.part = PartPaymentBox(ctx.language, self)

        inst = QGridLayout()
        pairs = (("mode", self.mode), ("number", self.number), ("date", self.inst_date), ("bank", self.bank),
                 ("ifsc", self.ifsc), ("total", self.total))
        for i, (key, field) in enumerate(pairs):
            self.labels[key].setBuddy(field)
            inst.addWidget(self.labels[key], i // 3, (i % 3) * 2)
            inst.addWidget(field, i // 3, (i % 3) * 2 + 1)
        entry = QFormLayout()
        add_row(entry, self.labels["account"], self.line_account)
        add_row(entry, self.labels["amount"], self.line_amount)
        side = QVBoxLayout()
        side.addLayout(entry)
        side.addWidget(self.sum_label)
        side.addWidget(self.guard)
        side.addWidget(self.part)
        side.addWidget(self.keys_label)
        side.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.table, 3)
        middle.addLayout(side, 2)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.title)
        # the message under the title: after F9 the cursor is back at the top for the next payer,
        # and what was saved (every receipt number) must be where the clerk looks
        box.addWidget(self.alert)
        box.addLayout(inst)
        box.addLayout(middle, 1)

        # Enter moves on through the instrument to the list, as on paper: field after field.
        chain = (self.number, self.inst_date, self.bank, self.ifsc, self.total, self.line_account)
        for here, nxt in zip(chain, chain[1:], strict=False):
            here.returnPressed.connect(nxt.setFocus)
        self.line_account.returnPressed.connect(self._account_entered)
        self.line_amount.returnPressed.connect(self.add_line)
        self.total.textChanged.connect(lambda _t: self._show_sum())
        self.line_account.textChanged.connect(lambda _t: self._drop_pending())
        self.line_amount.textChanged.connect(lambda _t: self._amount_edited())
        self.guard.confirmed.toggled.connect(self._confirmed_toggled)
        self.mode.installEventFilter(self)
        self.table.installEventFilter(self)
        self.retranslate()

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        self.title.setText(self.tr("One cheque or DD for several accounts"))
        names = {"mode": self.tr("Mode"), "number": self.tr("Cheque/DD number"), "date": self.tr("Date on it"),
                 "bank": self.tr("Bank"), "ifsc": self.tr("IFSC or MICR"), "total": self.tr("Amount on it (₹)"),
                 "account": self.tr("Account no."), "amount": self.tr("Amount for it (₹)")}
        fields: dict[str, QWidget] = {"mode": self.mode, "number": self.number, "date": self.inst_date,
                                      "bank": self.bank, "ifsc": self.ifsc, "total": self.total,
                                      "account": self.line_account, "amount": self.line_amount}
        for key, text in names.items():
            set_label(self.labels[key], fields[key], text)
        self.inst_date.setPlaceholderText(self.tr("DD-MM-YYYY"))
        for i, m in enumerate((Mode.CHEQUE, Mode.DD)):
            self.mode.setItemText(i, say(vocabulary.MODES[m]))
        self.model.set_headers([self.tr("Account"), self.tr("Name"), self.tr("Category"), self.tr("Amount")])
        self.table.setAccessibleName(self.tr("Accounts paid by this cheque or DD: Del removes the chosen one"))
        self.keys_label.setText(self.tr("Account number, Enter, amount, Enter adds a line. Del removes the chosen "
                                        "line. F9 saves one receipt per account and prints them with a covering "
                                        "slip. Esc goes back to one account."))
        self._fill()

    # ------------------------------------------------------------------ state
    def reset(self) -> None:
        """A new payer: everything empty, the cursor on the cheque number."""
        self.lines = []
        for e in (self.number, self.inst_date, self.bank, self.ifsc, self.total, self.line_account,
                  self.line_amount):
            e.clear()
        self.mode.setCurrentIndex(0)
        self._drop_pending()
        self.part.clear()
        self._fill()
        self.number.setFocus()

    def lines_sum(self) -> int:
        return sum(amount for _v, amount in self.lines)

    def total_paise(self) -> int | None:
        try:
            return parse_amount(self.total.text(), max_paise=None)
        except CounterError:
            return None

    def _fill(self) -> None:
        rows = [[v.consumer.account_no, v.consumer.name, say(vocabulary.category(v.consumer.category), short=True),
                 format_inr(amount)] for v, amount in self.lines]
        self.model.set_rows(rows, list(range(len(rows))))
        self._show_sum()

    def _show_sum(self) -> None:
        total, got = self.total_paise(), self.lines_sum()
        text = self.tr("%1 accounts, sum %2").replace("%1", str(len(self.lines))).replace("%2", format_inr(got))
        if total is None:
            text += " | " + self.tr("type the amount on the cheque/DD")
        elif total == got:
            text += " | " + self.tr("equals the cheque/DD: ready (F9)")
        else:
            text += " | " + self.tr("cheque/DD %1, difference %2").replace("%1", format_inr(total)) \
                .replace("%2", format_inr(abs(total - got)))
        self.sum_label.setText(text)
        self.sum_label.setAccessibleName(text)

    # ------------------------------------------------------------------ the list
    def _account_entered(self) -> None:
        if self.line_account.text().strip():
            self.line_amount.setFocus()
            self.line_amount.selectAll()

    def add_line(self) -> None:
        text = self.line_account.text().strip()
        if not text:
            self.line_account.setFocus()
            return
        try:
            amount = parse_amount(self.line_amount.text(), max_paise=self.max_paise)
        except CounterError as e:
            self.alert.error(self.ctx.language.message(e))
            self.line_amount.setFocus()
            self.line_amount.selectAll()
            return
        digits = re.sub(r"[\s-]", "", text.translate(_DIGITS))
        if any(v.consumer.account_no == digits for v, _a in self.lines):
            self.alert.error(self.ctx.language.message("group.duplicate_account", account=digits))
            self.line_account.setFocus()
            self.line_account.selectAll()
            return
        service = self.ctx.service

        def found(view: ConsumerView) -> None:
            if any(v.consumer.account_no == view.consumer.account_no for v, _a in self.lines):
                self.alert.error(self.ctx.language.message("group.duplicate_account",
                                                           account=view.consumer.account_no))
                return
            acct = view.consumer.account_no
            reasons = cautions(list(view.recent), view.amount_due_paise, amount, service.config)
            if reasons and not (self.pending == (acct, amount) and self.guard.confirmed.isChecked()):
                # named, and kept out of the list until the clerk ticks Alt+Y or changes the amount
                self.pending = (acct, amount)
                self.guard.account = acct
                self.guard.set_consumer(list(view.recent), view.amount_due_paise)
                self.guard.amount_changed(amount)
                self.alert.error(self.ctx.language.message("payment.confirm_needed"))
                self.guard.confirmed.setFocus()
                return
            self._drop_pending()
            self.lines.append((view, amount))
            self._fill()
            self.alert.clear_message()
            self.line_account.clear()
            self.line_amount.clear()
            self.line_account.setFocus()
            self.line_added.emit(len(self.lines))

        Op(self, lambda: service.lookup(digits), exclusive=False).success(found) \
            .failure(lambda _e: self._focus(self.line_account)).run()

    def _drop_pending(self) -> None:
        self.pending = None
        self.guard.clear()

    def _amount_edited(self) -> None:
        """A new amount for the line the guard is about: judged again (a correction may take the
        reason away; a new reason needs a new tick)."""
        if self.pending is None:
            return
        try:
            amount = parse_amount(self.line_amount.text(), max_paise=self.max_paise)
        except CounterError:
            return
        self.pending = (self.pending[0], amount)
        self.guard.amount_changed(amount)
        if not self.guard.cautions:
            self._drop_pending()

    def _confirmed_toggled(self, on: bool) -> None:
        if on and self.pending is not None:
            self.add_line()  # the tick is the clerk's yes: the line joins (looked up once more)

    @staticmethod
    def _focus(field: QLineEdit) -> None:
        field.setFocus()
        field.selectAll()

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return
        row = rows[0].row()
        del self.lines[row]
        self.part.clear()  # the approval was asked for the list as it was
        self._fill()
        if self.lines:
            self.table.selectRow(min(row, len(self.lines) - 1))
        else:
            self.line_account.setFocus()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and obj is self.table and event.key() == Qt.Key.Key_Delete:
            event.accept()  # Del in the list is this list's (the window's Del cancels a receipt)
            return True
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if obj is self.table and event.key() == Qt.Key.Key_Delete:
                self.remove_selected()
                return True
            if obj is self.mode and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.number.setFocus()
                return True
        return super().eventFilter(obj, event)

    # ------------------------------------------------------------------ saving
    def _fail(self, error: CounterError, field: QLineEdit) -> None:
        self.alert.error(self.ctx.language.message(error))
        field.setFocus()
        field.selectAll()

    def request(self) -> GroupPaymentRequest | None:
        """The payment as entered, or None (a message shown, the cursor in the field) when not."""
        number = self.number.text().strip().translate(_DIGITS)
        if not re.fullmatch(r"\d{6}", number):
            self._fail(ValidationError("instrument.number_invalid"), self.number)
            return None
        try:
            when = parse_cheque_date(self.inst_date.text())
        except CounterError as e:
            self._fail(e, self.inst_date)
            return None
        if not self.bank.text().strip():
            self._fail(ValidationError("instrument.bank_required"), self.bank)
            return None
        try:
            total = parse_amount(self.total.text(), max_paise=None)
        except CounterError as e:
            self._fail(e, self.total)
            return None
        inst = Instrument(number=number, date=when, bank=self.bank.text().strip(), ifsc=self.ifsc.text().strip().upper())
        lines = tuple(GroupLine(v.consumer.account_no, amount) for v, amount in self.lines)
        if self.part.blocks and self.part.short is not None:
            self.alert.error(self.ctx.language.message("part_payment.needs_supervisor", **self.part.short.params))
            (self.part.supervisor_pin if self.part.supervisor.text().strip() else self.part.supervisor).setFocus()
            return None
        return GroupPaymentRequest(Mode(self.mode.currentData()), inst, total, lines,
                                   part_payment_approval=self.part.approval() if self.part.isVisible() else None)

    def confirm(self) -> None:
        if self.busy:
            return  # a second F9 while the first is being saved must never make a second set
        session = self.ctx.session
        req = self.request()
        if session is None or req is None:
            return
        service = self.ctx.service
        Op(self, lambda: issue_group(service, session, req), note=self.tr("Saving..."),
           changes=Changes(receipts=True, outbox=True)).success(self._committed).failure(self._refused).run()

    def _refused(self, e: BaseException) -> None:
        key = getattr(e, "key", "")
        if key == "part_payment.refused":
            self._ask_supervisor(str(getattr(e, "params", {}).get("account", "")))
            return
        if key in ("auth.failed", "auth.locked", "auth.supervisor_required") and self.part.isVisible():
            self.part.refused()  # the supervisor's PIN again
            return
        field = {"instrument.ifsc_invalid": self.ifsc, "instrument.stale": self.inst_date,
                 "instrument.post_dated": self.inst_date, "group.sum_mismatch": self.total,
                 "group.no_accounts": self.line_account}.get(key)
        if field is not None:
            field.setFocus()
            field.selectAll()

    def _ask_supervisor(self, account: str) -> None:
        """The line of `account` is below its least part payment: the supervisor's box for it."""
        for view, amount in self.lines:
            if view.consumer.account_no == account:
                self.part.set_consumer(view.part_payment_rule, view.amount_due_paise)
                self.part.amount_changed(amount)
                break
        if self.part.isVisible():
            self.part.supervisor.setFocus()

    def _committed(self, g: GroupPayment) -> None:
        self.last = g
        nos = ", ".join(r.receipt_no for r in g.receipts)
        self.alert.ok(lambda: self.tr("%1 receipts saved for cheque/DD %2 (%3): %4. Printing them and the covering "
                                      "slip...").replace("%1", str(len(g.receipts)))
                      .replace("%2", str(g.instrument.get("number", ""))).replace("%3", format_inr(g.total_paise))
                      .replace("%4", nos))
        self.committed.emit(g)
        self.reset()
        self._print(g, again=False)

    def _print(self, g: GroupPayment, *, again: bool) -> None:
        session = self.ctx.session
        if session is None:
            return
        ctx = self.ctx
        Op(self, lambda: print_group_job(ctx, session, g.receipts, again=again), exclusive=False, show_error=False,
           changes=Changes(printed=True)).success(lambda outs: self._printed(g, outs)) \
            .failure(self._print_failed).run()

    def _printed(self, g: GroupPayment, outs: list[str]) -> None:
        first, last = g.receipts[0].receipt_no, g.receipts[-1].receipt_no
        self.alert.ok(lambda: self.tr("Receipts %1 to %2 and the covering slip printed.").replace("%1", first)
                      .replace("%2", last))
        self.print_finished.emit(outs)

    def _print_failed(self, e: BaseException) -> None:
        self.alert.error(error_text(self.ctx, e) + " " + self.tr("Press Ctrl+P to print them again."))
        self.print_finished.emit(e)

    def print_again(self) -> None:
        if self.last is not None:
            self.alert.note(self.tr("Printing..."))
            self._print(self.last, again=True)
