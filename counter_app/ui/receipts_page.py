"""The shift's receipts: reprint one (it says DUPLICATE), or cancel (void) one with a reason and a
supervisor's approval given on this same screen; a cancellation slip is printed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui.context import UiContext
from counter_app.ui.i18n import say
from counter_app.ui.models import ShiftReceiptsModel
from counter_app.ui.ops import BusyPage, Changes, Op
from counter_app.ui.print_jobs import Printed, print_op, void_slip_job
from counter_app.ui.widgets import AlertLabel, Retranslates, add_row, line_edit, set_label
from kesco_protocol import vocabulary
from kesco_protocol.money import format_inr
from kesco_protocol.records import Receipt, Void


class ReceiptsPage(BusyPage, Retranslates, QWidget):
    voided = Signal(object)  # Void
    print_finished = Signal(object)  # Printed | str | BaseException

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.totals = QLabel(self)
        self.model = ShiftReceiptsModel()
        self.table = QTableView(self)
        self.table.setObjectName("receipts")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.reprint_button = QPushButton(self)
        self.void_button = QPushButton(self)
        self.back_button = QPushButton(self)

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
        self._select_after: str | None = None
        ctx.changes.changed.connect(self._changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Receipts of this shift"))
        self.reprint_button.setText(self.tr("Print again (Ctrl+P)"))
        self.void_button.setText(self.tr("Cancel receipt (Del)"))
        self.back_button.setText(self.tr("Back to collect (Esc)"))
        self.void_box.setTitle(self.tr("Cancel a receipt: supervisor's approval"))
        set_label(self.l_reason, self.reason, self.tr("&Reason"))
        set_label(self.l_sup, self.supervisor, self.tr("&Supervisor"))
        set_label(self.l_pin, self.supervisor_pin, self.tr("Supervisor's &PIN"))
        self.approve_button.setText(self.tr("Approve and cancel the receipt (Enter)"))
        self.table.setAccessibleName(self.tr("Receipts of this shift"))
        self.model.set_texts(
            [self.tr("Receipt no."), self.tr("Time"), self.tr("Account"), self.tr("Name"), self.tr("Amount"),
             self.tr("Mode"), self.tr("State")],
            {k: say(t, short=True) for k, t in vocabulary.MODES.items()},
            say(vocabulary.receipt_state("cancelled")),
        )
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
        shift_id = self.ctx.shift_id
        if shift_id is None:
            self.model.set_rows([])
            return

        def done(rows: list[tuple[Receipt, str | None]]) -> None:
            self.model.set_rows(rows)
            self._show_totals()
            if self.model.rowCount():
                row = 0
                if then_select:
                    row = next((i for i, (r, _) in enumerate(self.model.rows) if r.receipt_no == then_select), 0)
                self.table.selectRow(row)
            self.table.setFocus()

        Op(self, lambda: self.ctx.service.shift_receipts(shift_id), exclusive=False).success(done).run()

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
        self.alert.clear_message()
        self._describe_void_target()
        self.reason.clear()
        self.supervisor.clear()
        self.supervisor_pin.clear()
        self.void_box.show()
        self.reason.setFocus()

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
            (self.reason if key == "receipt.reason_required" else self.supervisor_pin).setFocus()

        Op(self, lambda: self.ctx.service.void_receipt(session, receipt.receipt_id, reason, sup, pin),
           disable=(self.approve_button,), changes=Changes(receipts=True, outbox=True)) \
            .success(done).failure(failed).run()
