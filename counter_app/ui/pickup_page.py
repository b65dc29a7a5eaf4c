"""Cash pickup (F8) during an open shift: a supervisor takes cash out of the clerk's drawer. The
pieces of each note and coin taken, where the cash goes (the office safe or the bank), a remark,
and the supervisor's own name and PIN on this screen (as for a cancellation); F9 records it and
prints the pickup slip. The drawer's cash is shown before and after: it is what the shift close
will expect less."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.cash import DrawerCash
from counter_app.printing.cash_slips import print_pickup_slip
from counter_app.services.cash import CashService
from counter_app.ui.context import UiContext
from counter_app.ui.denomination_grid import DenominationGrid
from counter_app.ui.ops import BusyPage, Changes, Op, error_text
from counter_app.ui.report_errors import report_error_text
from counter_app.ui.widgets import AlertLabel, Retranslates, add_row, line_edit, set_label
from kesco_protocol.money import format_inr
from kesco_protocol.records import Pickup

PICKUP_SLIP = QT_TRANSLATE_NOOP("ReportErrors", "pickup slip")


class PickupPage(BusyPage, Retranslates, QWidget):
    pickup_recorded = Signal(object)  # Pickup
    print_finished = Signal(object)  # output path | None | BaseException
    drawer_shown = Signal(object)  # DrawerCash | None

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cash = CashService(ctx.service)
        self.drawer: DrawerCash | None = None
        self.recorded: Pickup | None = None
        self.recorded_counts: dict[str, int] = {}
        self.left_paise: int | None = None  # in the drawer right after the pickup (printed on the slip)
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.drawer_label = QLabel(self)
        self.drawer_label.setObjectName("due")
        self.grid = DenominationGrid(self.cash.denominations, "pickup", self)

        self.details = QGroupBox(self)
        form = QFormLayout(self.details)
        self.destination = QComboBox(self.details)
        self.destination.setObjectName("pickupDestination")
        self.destination.addItem("", "safe")
        self.destination.addItem("", "bank")
        self.remark = line_edit("pickupRemark", self.details, max_length=300)
        self.supervisor = line_edit("pickupSupervisor", self.details, max_length=32)
        self.supervisor_pin = line_edit("pickupSupervisorPin", self.details, password=True, max_length=12)
        self.l_dest, self.l_remark, self.l_sup, self.l_pin = (QLabel(self.details) for _ in range(4))
        add_row(form, self.l_dest, self.destination)
        add_row(form, self.l_remark, self.remark)
        add_row(form, self.l_sup, self.supervisor)
        add_row(form, self.l_pin, self.supervisor_pin)
        self.save_button = QPushButton(self.details)
        self.save_button.setObjectName("primary")
        self.print_button = QPushButton(self.details)
        self.back_button = QPushButton(self.details)
        for b in (self.save_button, self.print_button, self.back_button):
            b.setAutoDefault(True)
        form.addRow(self.save_button)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.back_button)
        form.addRow(row)
        self.print_button.hide()
        self.alert = AlertLabel(self)

        middle = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.grid)
        left.addStretch(1)
        middle.addLayout(left, 1)
        right = QVBoxLayout()
        right.addWidget(self.details)
        right.addStretch(1)
        middle.addLayout(right, 1)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.hint)
        box.addWidget(self.drawer_label)
        box.addLayout(middle)
        box.addWidget(self.alert)  # under the figures, on the screen without scrolling at 1366x768
        box.addStretch(1)

        self.grid.last_entered.connect(self.destination.setFocus)
        self.remark.returnPressed.connect(self.supervisor.setFocus)
        self.supervisor.returnPressed.connect(self.supervisor_pin.setFocus)
        self.supervisor_pin.returnPressed.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_slip)
        ctx.changes.changed.connect(self._changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Cash pickup: a supervisor takes cash from the drawer"))
        self.hint.setText(self.tr("Count what the supervisor takes: pieces of each note and coin (Enter: next). "
                                  "Choose where it goes, then the supervisor types their name and PIN. F9 records "
                                  "it and prints the pickup slip; the shift close will expect that much less."))
        self.grid.retranslate(self.tr("Cash taken out"), self.tr("Taken out: %1"))
        self.details.setTitle(self.tr("Pickup"))
        self.destination.setItemText(0, self.tr("Office safe"))
        self.destination.setItemText(1, self.tr("Bank (cash van)"))
        set_label(self.l_dest, self.destination, self.tr("&Goes to"))
        set_label(self.l_remark, self.remark, self.tr("&Remark (optional)"))
        set_label(self.l_sup, self.supervisor, self.tr("&Supervisor"))
        set_label(self.l_pin, self.supervisor_pin, self.tr("Supervisor's &PIN"))
        self.save_button.setText(self.tr("Record the pickup and print (F9)"))
        self.print_button.setText(self.tr("Print the slip again (Ctrl+P)"))
        self.back_button.setText(self.tr("Back to collection (Esc)"))
        self._show_drawer(self.drawer)

    def _show_drawer(self, d: DrawerCash | None) -> None:
        if d is None:
            self.drawer_label.setText("")
            return
        text = self.tr("Cash in the drawer now: %1").replace("%1", format_inr(d.in_drawer_paise))
        if d.picked_up_paise:
            text += "  " + self.tr("(picked up so far in this shift: %1)").replace("%1", format_inr(d.picked_up_paise))
        self.drawer_label.setText(text)

    def reset(self) -> None:
        self.recorded, self.recorded_counts, self.left_paise = None, {}, None
        self.grid.clear()
        self.grid.set_enabled(True)
        self.remark.clear()
        self.supervisor.clear()
        self.supervisor_pin.clear()
        self.destination.setCurrentIndex(0)
        self.save_button.setEnabled(True)
        self.print_button.hide()
        self.alert.clear_message()
        self.refresh()
        self.grid.first().setFocus()

    def refresh(self) -> None:
        session = self.ctx.session
        if session is None:
            return
        cash = self.cash
        Op(self, lambda: cash.drawer(session), exclusive=False, show_error=False, channel="pickup_drawer") \
            .success(self._got_drawer).run()

    def _got_drawer(self, d: DrawerCash | None) -> None:
        self.drawer = d
        self._show_drawer(d)
        self.drawer_shown.emit(d)

    def _changed(self, changes: Changes) -> None:
        if (changes.receipts or changes.cash) and self.isVisible():
            self.refresh()

    def f9(self) -> None:
        if self.recorded is None:
            self.save()

    def save(self) -> None:
        session = self.ctx.session
        if self.busy or session is None or self.recorded is not None:
            return
        texts = self.grid.texts()
        dest = str(self.destination.currentData())
        sup, pin, remark = self.supervisor.text().strip(), self.supervisor_pin.text(), self.remark.text()
        cash = self.cash

        def failed(e: BaseException) -> None:
            self.supervisor_pin.clear()
            key = getattr(e, "key", "")
            if key.startswith("auth."):
                self.supervisor_pin.setFocus()
            else:
                self.grid.first().setFocus()

        def done(got: tuple[Pickup, DrawerCash | None]) -> None:
            p, after = got
            self.recorded = p
            self.left_paise = None if after is None else after.in_drawer_paise
            self._got_drawer(after)
            self.recorded_counts = cash.parse_counts(texts)
            self.grid.set_enabled(False)
            self.save_button.setEnabled(False)
            self.print_button.show()
            self.supervisor_pin.clear()
            self.alert.ok(lambda: self.tr("Pickup of %1 recorded (taken by %2).").replace("%1", format_inr(p.amount_paise))
                          .replace("%2", p.taken_by))
            self.pickup_recorded.emit(p)
            self.print_slip()
            self.back_button.setFocus()

        def run() -> tuple[Pickup, DrawerCash | None]:
            return cash.record_pickup(session, texts, dest, sup, pin, remark), cash.drawer(session)

        Op(self, run, disable=(self.save_button,),
           changes=Changes(cash=True, outbox=True)).success(done).failure(failed).run()

    def print_slip(self) -> None:
        p, ctx = self.recorded, self.ctx
        if p is None:
            return
        counts, after = dict(self.recorded_counts), self.left_paise

        def job() -> str | None:
            out = print_pickup_slip(ctx.printer, p, counts, ctx.counter.config, counter_name=ctx.counter_name,
                                    in_drawer_after=after)
            if out:
                ctx.printed.append(out)
            return out

        def done(out: str | None) -> None:
            self.alert.ok(lambda: self.tr("Pickup of %1 recorded and the slip printed. One copy stays in the "
                                          "drawer, one goes with the cash.").replace("%1", format_inr(p.amount_paise)))
            self.print_finished.emit(out)

        def failed(e: BaseException) -> None:
            self.alert.error(lambda: report_error_text(e, PICKUP_SLIP, lambda x: error_text(ctx, x)))
            self.print_finished.emit(e)

        Op(self, job, exclusive=False, show_error=False, note=self.tr("Printing the pickup slip..."),
           changes=Changes(printed=True)).success(done).failure(failed).run()
