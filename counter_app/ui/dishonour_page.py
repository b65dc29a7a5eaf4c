"""Cheque dishonour (supervisor): the bank returned a cheque or DD. Find it among the cheques/DDs
received on a day (by its number, the account or the receipt number), give the reason from the
bank's memo, and record it: a new record that reverses the payment, sent to the central server,
which puts it on the consumer's account. A cheque or DD that paid several accounts (issue 16) is
shown whole whichever of its receipts is chosen, and its dishonour reverses every one of them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.printing.receipt_doc import display_date
from counter_app.services.closes import CloseService
from counter_app.services.group_payment import dishonour_instrument
from counter_app.ui.close_models import TextTableModel
from counter_app.ui.context import UiContext
from counter_app.ui.day_close_common import default_today, names, typed_date
from counter_app.ui.i18n import say
from counter_app.ui.ops import BusyPage, Changes, Op
from counter_app.ui.widgets import AlertLabel, Retranslates, add_row, line_edit, set_label, table_view
from kesco_protocol import vocabulary
from kesco_protocol.money import format_inr
from kesco_protocol.records import Dishonour


class DishonourPage(BusyPage, Retranslates, QWidget):
    found = Signal(int)  # rows shown
    recorded = Signal(object)  # Dishonour

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.closing = CloseService(ctx.service)
        self.lines: list[Any] = []
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.l_date, self.l_find = QLabel(self), QLabel(self)
        self.date_edit = line_edit("dishonourDate", self, max_length=10)
        self.find_edit = line_edit("dishonourFind", self, max_length=40)
        self.date_edit.setMaximumWidth(180)
        form = QFormLayout()
        add_row(form, self.l_date, self.date_edit)
        add_row(form, self.l_find, self.find_edit)
        self.model = TextTableModel(7, right=(5,))
        self.table = table_view(self.model, "cheques", self)
        self.record_box = QGroupBox(self)
        self.target = QLabel(self.record_box)
        self.target.setWordWrap(True)
        self.target.setObjectName("consumerName")
        self.reason = line_edit("dishonourReason", self.record_box, max_length=200)
        self.l_reason = QLabel(self)
        self.record_button = QPushButton(self.record_box)
        self.record_button.setObjectName("primary")
        rf = QFormLayout(self.record_box)
        rf.addRow(self.target)
        add_row(rf, self.l_reason, self.reason)
        rf.addRow(self.record_button)
        self.record_box.hide()
        self.alert = AlertLabel(self)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.hint)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        box.addLayout(top)
        box.addWidget(self.table, 1)
        box.addWidget(self.record_box)
        box.addWidget(self.alert)
        self.date_edit.returnPressed.connect(lambda: self.search())
        self.find_edit.returnPressed.connect(lambda: self.search())
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _i: self.choose())
        self.reason.returnPressed.connect(self.record)
        self.record_button.clicked.connect(self.record)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Cheque or DD dishonoured"))
        self.hint.setText(self.tr("The bank returned a cheque or DD: find it, press Enter on it, write the reason "
                                  "from the bank's memo and record it. The payment is reversed on the "
                                  "consumer's account."))
        set_label(self.l_date, self.date_edit, self.tr("Receipt da&te (DD-MM-YYYY)"))
        set_label(self.l_find, self.find_edit, self.tr("Cheque/DD no., account or receipt no. (&F)"))
        self.model.set_headers([self.tr("Receipt no."), self.tr("Mode"), self.tr("Number"), self.tr("Bank"),
                                self.tr("Account"), self.tr("Amount"), self.tr("State")])
        self.table.setAccessibleName(self.tr("Cheques and DDs received"))
        self.record_box.setTitle(self.tr("Record the dishonour"))
        set_label(self.l_reason, self.reason, self.tr("&Reason (from the bank's memo)"))
        self.record_button.setText(self.tr("Record the dishonour (Enter)"))
        self._fill()

    def reset(self) -> None:
        default_today(self.ctx, self.date_edit)
        self.record_box.hide()
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def search(self, *, keep_message: bool = False) -> None:
        day = typed_date(self, self.date_edit)
        if day is None:
            return
        if not keep_message:
            self.alert.clear_message()
        self.record_box.hide()
        closing = self.closing

        def done(lines: list[Any]) -> None:
            self.lines = lines
            self._fill()
            if self.model.rowCount():
                self.table.selectRow(0)
                self.table.setFocus()
            elif not keep_message:
                self.alert.note(self.tr("No cheque or DD matches on that day."))
            self.found.emit(self.model.rowCount())

        Op(self, lambda: [ln for ln in closing.day_report(day).lines if ln.mode in ("cheque", "dd")],
           exclusive=False).success(done).run()

    def _fill(self) -> None:
        modes, _ = names(self)
        q = self.find_edit.text().strip().lower()
        rows, payloads = [], []
        for ln in self.lines:
            inst = getattr(ln, "instrument", None) or {}
            hay = " ".join((ln.receipt_no, ln.account_no, str(inst.get("number", "")))).lower()
            if q and q not in hay:
                continue
            state = (say(vocabulary.receipt_state("dishonoured")) if ln.dishonoured
                     else say(vocabulary.receipt_state("cancelled")) if ln.voided else "")
            rows.append([ln.receipt_no, modes.get(ln.mode, ln.mode), str(inst.get("number", "")),
                         f"{inst.get('bank', '')} {display_date(inst.get('date'))}", ln.account_no,
                         format_inr(ln.amount_paise), state])
            payloads.append(ln)
        self.model.set_rows(rows, payloads)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.choose()
            return True
        return super().eventFilter(obj, event)

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.payload(rows[0].row()) if rows else None

    def choose(self) -> None:
        ln = self.selected()
        if ln is None:
            return
        if ln.dishonoured or ln.voided:
            self.alert.error(self.ctx.language.message(
                "receipt.already_dishonoured" if ln.dishonoured else "receipt.already_voided",
                receipt=ln.receipt_no))
            return
        self.alert.clear_message()
        group = self.group_of(ln)
        if len(group) > 1:
            inst = ln.instrument or {}
            live = [g for g in group if not (g.dishonoured or g.voided)]
            head = self.tr("Cheque/DD %1 paid %2 accounts, %3. Its dishonour reverses every receipt of it:") \
                .replace("%1", str(inst.get("number", ""))).replace("%2", str(len(group))) \
                .replace("%3", format_inr(sum(g.amount_paise for g in group)))
            self.target.setText(head + "\n" + "\n".join(
                f"{g.receipt_no}  {g.account_no}  {g.consumer_name}  {format_inr(g.amount_paise)}" for g in live))
        else:
            self.target.setText(self.tr("Receipt %1, account %2, %3: %4")
                                .replace("%1", ln.receipt_no).replace("%2", ln.account_no)
                                .replace("%3", ln.consumer_name)
                                .replace("%4", format_inr(ln.amount_paise)))
        self.reason.clear()
        self.record_box.show()
        self.reason.setFocus()

    def group_of(self, ln: Any) -> list[Any]:
        """The receipts of the day paid by the same instrument (a group is issued in one
        transaction, so on one day): just `ln` for a single-account payment."""
        gid = (ln.instrument or {}).get("group_id")
        if not gid:
            return [ln]
        return [x for x in self.lines if (x.instrument or {}).get("group_id") == gid]

    def cancel(self) -> bool:
        if self.record_box.isVisible():
            self.record_box.hide()
            self.table.setFocus()
            return True
        return False

    def record(self) -> None:
        ln, session = self.selected(), self.ctx.session
        if self.busy or ln is None or session is None or not self.record_box.isVisible():
            return
        reason = self.reason.text()
        rid = ln.receipt_id

        def done(made: list[Dishonour]) -> None:
            self.record_box.hide()
            d = made[0]
            if len(made) == 1:
                self.alert.ok(self.tr("Dishonour of receipt %1 (%2) recorded; it goes to the central server, which "
                                      "reverses the payment on account %3.").replace("%1", d.receipt_no)
                              .replace("%2", format_inr(d.amount_paise)).replace("%3", d.account_no))
            else:
                self.alert.ok(self.tr("Dishonour recorded for all %1 receipts of the cheque/DD (%2): %3; they go to "
                                      "the central server, which reverses each payment.")
                              .replace("%1", str(len(made))).replace("%2", format_inr(sum(x.amount_paise for x in made)))
                              .replace("%3", ", ".join(x.receipt_no for x in made)))
            for x in made:
                self.recorded.emit(x)
            self.search(keep_message=True)

        service = self.ctx.service
        Op(self, lambda: dishonour_instrument(service, session, rid, reason), disable=(self.record_button,),
           changes=Changes(receipts=True, outbox=True)).success(done).failure(lambda _e: self.reason.setFocus()).run()
