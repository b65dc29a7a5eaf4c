"""The shift's receipts: reprint one (it says DUPLICATE), or cancel (void) one with a reason and a
supervisor's approval given on this same screen; a cancellation slip is printed. A receipt of
another shift or day is found by its number (Ctrl+F); it can no longer be cancelled, so the same box
asks for a supervisor's reversal instead (issue 16, services/reversals.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.printing.receipt_doc import display_date
from counter_app.services.collection import Session
from counter_app.services.reversals import receipt_state, reverse_receipt, shift_receipts_with_states
from counter_app.ui.context import UiContext
from counter_app.ui.i18n import say
from counter_app.ui.models import ShiftReceiptsModel
from counter_app.ui.ops import BusyPage, Changes, Op, error_text
from counter_app.ui.print_jobs import Printed, print_op, void_slip_job
from counter_app.ui.widgets import AlertLabel, Retranslates, add_row, line_edit, set_label, table_view
from kesco_protocol import vocabulary
from kesco_protocol.money import format_inr
from kesco_protocol.records import Receipt, Reversal, Void


class ReceiptsPage(BusyPage, Retranslates, QWidget):
    voided = Signal(object)  # Void
    reversed_ = Signal(object)  # Reversal
    print_finished = Signal(object)  # Printed | str | BaseException

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.totals = QLabel(self)
        self.model = ShiftReceiptsModel()
        self.table = table_view(self.model, "receipts", self, single=True)
        self.reprint_button = QPushButton(self)
        self.void_button = QPushButton(self)
        self.back_button = QPushButton(self)
        self.l_find = QLabel(self)
        self.find_edit = line_edit("receiptFind", self, max_length=40)
        self.found: tuple[Receipt, str | None] | None = None  # a receipt of another shift or day, on screen
        self.reversal_mode = False  # the box asks for a reversal, not a void

        self.void_box = QGroupBox(self)
        self.void_receipt_label = QLabel(self.void_box)
        self.void_receipt_label.setWordWrap(True)
        self.reason = line_edit("voidReason", self.void_box, max_length=200)
        self.supervisor = line_edit("supervisor", self.void_box, max_length=32)
        self.supervisor_pin = line_edit("supervisorPin", self.void_box, password=True, max_length=12)
        self.approve_button = QPushButton(self.void_box)
        self.approve_button.setObjectName("primary")
        self.l_reason, self.l_sup, self.l_pin = QLabel(self), QLabel(self), QLabel(self)
        form = QFormLayout(self.void_box)
        form.addRow(self.void_receipt_label)
        add_row(form, self.l_reason, self.reason)
        add_row(form, self.l_sup, self.supervisor)
        add_row(form, self.l_pin, self.supervisor_pin)
        form.addRow(self.approve_button)
        self.void_box.hide()
        self.alert = AlertLabel(self)

        buttons = QHBoxLayout()
        for b in (self.reprint_button, self.void_button, self.back_button):
            buttons.addWidget(b)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.totals)
        find = QFormLayout()
        add_row(find, self.l_find, self.find_edit)
        box.addLayout(find)
        box.addWidget(self.table, 3)
        box.addLayout(buttons)
        box.addWidget(self.void_box)
        box.addWidget(self.alert)

        self.reprint_button.clicked.connect(self.reprint_selected)
        self.void_button.clicked.connect(self.start_void)
        self.reason.returnPressed.connect(self.supervisor.setFocus)
        self.supervisor.returnPressed.connect(self.supervisor_pin.setFocus)
        self.supervisor_pin.returnPressed.connect(self.approve_void)
        self.approve_button.clicked.connect(self.approve_void)
        self.find_edit.returnPressed.connect(self.find_receipt)
        find_key = QShortcut(QKeySequence("Ctrl+F"), self)
        find_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find_key.activated.connect(self._to_find)
        self._select_after: str | None = None
        ctx.changes.changed.connect(self._changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Receipts of this shift") if self.found is None
                           else self.tr("Receipt %1").replace("%1", self.found[0].receipt_no))
        self.reprint_button.setText(self.tr("Print again (Ctrl+P)"))
        self.void_button.setText(self.tr("Cancel receipt (Del)"))
        self.back_button.setText(self.tr("Back to collect (Esc)"))
        set_label(self.l_find, self.find_edit, self.tr("Receipt of another shift or day: its number, Enter (Ctrl+F)"))
        self.void_box.setTitle(self.tr("Reverse a receipt: supervisor's approval") if self.reversal_mode
                               else self.tr("Cancel a receipt: supervisor's approval"))
        set_label(self.l_reason, self.reason, self.tr("&Reason"))
        set_label(self.l_sup, self.supervisor, self.tr("&Supervisor"))
        set_label(self.l_pin, self.supervisor_pin, self.tr("Supervisor's &PIN"))
        self.approve_button.setText(self.tr("Approve the reversal (Enter)") if self.reversal_mode
                                    else self.tr("Approve and cancel the receipt (Enter)"))
        self.table.setAccessibleName(self.tr("Receipts of this shift"))
        self.model.set_texts(
            [self.tr("Receipt no."), self.tr("Time"), self.tr("Account"), self.tr("Name"), self.tr("Amount"),
             self.tr("Mode"), self.tr("State")],
            {k: say(t, short=True) for k, t in vocabulary.MODES.items()},
            say(vocabulary.receipt_state("cancelled")),
        )
        self.model.state_texts = {k: say(t) for k, t in vocabulary.RECEIPT_STATES.items()}
        self._show_totals()
        if self.void_box.isVisible():
            self._describe_void_target()

    def _show_totals(self) -> None:
        n, total, cash = self.model.totals()
        self.totals.setText(self.tr("%1 receipts, %2 collected (cash %3)").replace("%1", str(n))
                            .replace("%2", format_inr(total)).replace("%3", format_inr(cash)))

    # ------------------------------------------------------------------ data
    def _changed(self, changes: Changes) -> None:
        """Receipts changed (here or on another page): the list on screen is read again."""
        if changes.receipts and self.isVisible():
            select, self._select_after = self._select_after, None
            self.refresh(then_select=select)

    def refresh(self, then_select: str | None = None) -> None:
        if self.found is not None:
            self.find_receipt(self.found[0].receipt_no)
            return
        shift_id = self.ctx.shift_id
        if shift_id is None:
            self.model.set_rows([])
            return

        def done(got: tuple[list[tuple[Receipt, str | None]], dict[str, str]]) -> None:
            rows, states = got
            self.model.set_rows(rows, states)
            self._show_totals()
            if self.model.rowCount():
                row = 0
                if then_select:
                    row = next((i for i, (r, _) in enumerate(self.model.rows) if r.receipt_no == then_select), 0)
                self.table.selectRow(row)
            self.table.setFocus()

        service = self.ctx.service
        Op(self, lambda: shift_receipts_with_states(service, shift_id), exclusive=False).success(done).run()

    def find_receipt(self, key: str | None = None) -> None:
        """A receipt by its number, of any shift or day: the list shows it alone (Esc, or an empty
        field and Enter, brings the shift's list back)."""
        text = (key or self.find_edit.text()).strip()
        if not text:
            self.found = None
            self.refresh()
            return
        service = self.ctx.service

        def done(got: tuple[Receipt, str | None]) -> None:
            r, state = got
            self.found = (r, "void" if state == "cancelled" else None)
            self.model.set_rows([self.found], {r.receipt_id: state} if state and state != "cancelled" else {})
            self.retranslate()
            self.table.selectRow(0)
            self.table.setFocus()

        Op(self, lambda: receipt_state(service, text), exclusive=False).success(done) \
            .failure(lambda _e: self._to_find()).run()

    def _to_find(self) -> None:
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def leave_found(self) -> bool:
        """Esc on a found receipt: back to the shift's list."""
        if self.found is None:
            return False
        self.found = None
        self.find_edit.clear()
        self.retranslate()
        self.refresh()
        return True

    def selected(self) -> tuple[Receipt, str | None] | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.receipt_at(rows[0].row()) if rows else None

    # ------------------------------------------------------------------ reprint
    def reprint_selected(self) -> None:
        sel = self.selected()
        if sel is None:
            self.alert.error(self.tr("Choose a receipt in the list first."))
            return
        op = print_op(self, sel[0], again=True)
        if op is not None:
            self.alert.note(self.tr("Printing..."))
            op.success(self._printed).failure(self.print_finished.emit).run()

    def _printed(self, p: Printed) -> None:
        if p.reprint_no:
            self.alert.ok(self.tr("Receipt %1 printed again (DUPLICATE, reprint %2).").replace("%1", p.receipt_no)
                          .replace("%2", str(p.reprint_no)))
        else:
            self.alert.ok(self.tr("Receipt %1 saved and printed.").replace("%1", p.receipt_no))
        self.print_finished.emit(p)

    # ------------------------------------------------------------------ void
    def _describe_void_target(self) -> None:
        sel = self.selected()
        if sel is not None:
            r = sel[0]
            self.void_receipt_label.setText(self.tr("Receipt %1, account %2, %3").replace("%1", r.receipt_no)
                                            .replace("%2", r.account_no).replace("%3", format_inr(r.amount_paise)))

    def start_void(self) -> None:
        sel = self.selected()
        if sel is None:
            self.alert.error(self.tr("Choose a receipt in the list first."))
            return
        if sel[1] is not None:
            self.alert.error(self.ctx.language.message("receipt.already_voided", receipt=sel[0].receipt_no))
            return
        state = self.model.states.get(sel[0].receipt_id)
        if state in ("reversed", "dishonoured"):
            key = "receipt.already_reversed" if state == "reversed" else "receipt.already_dishonoured_no"
            self.alert.error(self.ctx.language.message(key, receipt=sel[0].receipt_no))
            return
        r = sel[0]
        today = self.ctx.service.clock().date().isoformat()
        # the rule (issue 16): a void only on the receipt's own day in the open shift; the service
        # says so too, this only spares the supervisor a PIN typed for a void that cannot be
        self._set_mode(r.shift_id != self.ctx.shift_id or r.business_date != today)
        if self.reversal_mode:
            self.alert.note(self.ctx.language.message("receipt.reversal_needed", receipt=r.receipt_no,
                                                      date=display_date(r.business_date)))
        else:
            self.alert.clear_message()
        self._describe_void_target()
        self.reason.clear()
        self.supervisor.clear()
        self.supervisor_pin.clear()
        self.void_box.show()
        self.reason.setFocus()

    def _set_mode(self, reversal: bool) -> None:
        self.reversal_mode = reversal
        self.retranslate()

    def cancel_void(self) -> bool:
        if self.void_box.isVisible():
            self.void_box.hide()
            self.table.setFocus()
            return True
        return False

    def approve_void(self) -> None:
        sel = self.selected()
        session = self.ctx.session
        if self.busy or sel is None or session is None:
            return
        receipt = sel[0]
        reason, sup, pin = self.reason.text(), self.supervisor.text().strip(), self.supervisor_pin.text()
        if self.reversal_mode:
            self._approve_reversal(session, receipt, reason, sup, pin)
            return

        def done(v: Void) -> None:
            self.void_box.hide()
            self.alert.ok(self.tr("Receipt %1 cancelled, approved by %2. Printing the cancellation slip...")
                          .replace("%1", v.receipt_no).replace("%2", v.approved_by))
            self.voided.emit(v)
            self._select_after = v.receipt_no  # the refresh on Changes(receipts) keeps it selected
            Op(self, lambda: void_slip_job(self.ctx, v), exclusive=False, changes=Changes(printed=True)) \
                .success(self.print_finished.emit).failure(self.print_finished.emit).run()

        def failed(e: BaseException) -> None:
            self.supervisor_pin.clear()
            key = getattr(e, "key", "")
            if key in ("shift.closed", "receipt.reversal_needed"):
                # refused as a void: what remains is the supervisor's reversal, in the same box
                self._set_mode(True)
                self.alert.error(error_text(self.ctx, e) + " " + self.ctx.language.message(
                    "receipt.reversal_needed", receipt=receipt.receipt_no, date=display_date(receipt.business_date)))
            (self.reason if key == "receipt.reason_required" else self.supervisor_pin).setFocus()

        Op(self, lambda: self.ctx.service.void_receipt(session, receipt.receipt_id, reason, sup, pin),
           disable=(self.approve_button,), changes=Changes(receipts=True, outbox=True)) \
            .success(done).failure(failed).run()

    def _approve_reversal(self, session: Session, receipt: Receipt, reason: str, sup: str, pin: str) -> None:
        service = self.ctx.service

        def done(rv: Reversal) -> None:
            self.void_box.hide()
            self._set_mode(False)
            self.alert.ok(self.tr("Receipt %1 reversed (%2), approved by %3; the reversal is dated %4 and goes to "
                                  "the central server.").replace("%1", rv.receipt_no)
                          .replace("%2", format_inr(rv.amount_paise)).replace("%3", rv.approved_by)
                          .replace("%4", display_date(rv.business_date)))
            self.reversed_.emit(rv)

        def failed(e: BaseException) -> None:
            self.supervisor_pin.clear()
            (self.reason if getattr(e, "key", "") == "receipt.reason_required" else self.supervisor_pin).setFocus()

        Op(self, lambda: reverse_receipt(service, session, receipt.receipt_id, reason, sup, pin),
           disable=(self.approve_button,), changes=Changes(receipts=True, outbox=True)) \
            .success(done).failure(failed).run()
