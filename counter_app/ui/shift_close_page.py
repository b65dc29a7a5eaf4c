"""Shift close (F6), the clerk's blind count: pieces of each note and coin (Tab or Enter to the next,
the counted total running), the shift's cheques and DDs ticked off with Space; F9 "count done"
records the count and only then shows what the system expected and the variance, short or excess,
in figures and in words. A variance needs a remark; above the limit a supervisor approves on this
same screen. F9 again closes and locks the shift and prints the shift report."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.closes import InstrumentLine
from counter_app.printing.reports import print_shift_report
from counter_app.services.closes import ClosePreview, CloseService
from counter_app.ui.context import UiContext
from counter_app.ui.denomination_grid import DenominationGrid
from counter_app.ui.instrument_ticks import instrument_kinds, tick_item, ticked_keys
from counter_app.ui.ops import BusyPage, Changes, Op, error_text
from counter_app.ui.report_errors import SHIFT_REPORT, report_error_text
from counter_app.ui.widgets import AlertLabel, Retranslates, add_row, line_edit, set_label
from kesco_protocol.money import format_inr
from kesco_protocol.records import ShiftClose

MAX_DIGITS = 6
PAGE_STYLE = """
QLabel#variance { font-size: 18pt; font-weight: bold; padding: 6px; border: 2px solid #444; }
QLabel#variance[kind="short"] { background: #fde7e9; color: #8a0010; border-color: #b00020; }
QLabel#variance[kind="excess"] { background: #fff3cd; color: #5c4400; border-color: #b38600; }
QLabel#variance[kind="none"] { background: #e6f4ea; color: #0d4d1c; border-color: #1b5e20; }
"""


def amount_words(paise: int, lang: str) -> str:
    from counter_app.domain.words import amount_in_words_en, amount_in_words_hi

    try:
        return amount_in_words_hi(paise) if lang == "hi" else amount_in_words_en(paise)
    except (ValueError, TypeError):
        return ""


class ShiftClosePage(BusyPage, Retranslates, QWidget):
    previewed = Signal(object)  # ClosePreview
    shift_closed = Signal(object)  # ShiftClose
    print_finished = Signal(object)  # output path | BaseException
    log_out_requested = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.closing = CloseService(ctx.service)
        self.setStyleSheet(PAGE_STYLE)
        self.preview: ClosePreview | None = None
        self.closed: ShiftClose | None = None
        self.instruments: list[InstrumentLine] = []
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)

        # the pickup's and deposit's grid: the same denominations, names and Enter-to-the-next keys
        self.cash_box = DenominationGrid(self.closing.denominations, "count", self)
        for edit in self.cash_box.edits.values():  # the blind count takes digits only
            edit.setValidator(QIntValidator(0, 10**MAX_DIGITS - 1, edit))
        self.cash_box.last_entered.connect(self._count_entered)
        self.count_edits, self.count_labels = self.cash_box.edits, self.cash_box.labels
        self.counted_label = self.cash_box.total_label

        self.inst_box = QGroupBox(self)
        self.inst_hint = QLabel(self.inst_box)
        self.inst_hint.setWordWrap(True)
        self.inst_list = QListWidget(self.inst_box)
        self.inst_list.setObjectName("instruments")
        ib = QVBoxLayout(self.inst_box)
        ib.addWidget(self.inst_hint)
        ib.addWidget(self.inst_list, 1)
        self.done_button = QPushButton(self)
        self.done_button.setObjectName("primary")

        self.result_box = QGroupBox(self)
        self.expected_label = QLabel(self.result_box)
        self.counted_again_label = QLabel(self.result_box)
        self.picked_label = QLabel(self.result_box)  # pickups during the shift, when there were any
        self.picked_label.hide()
        self.variance_label = QLabel(self.result_box)
        self.variance_label.setObjectName("variance")
        self.variance_label.setWordWrap(True)
        self.words_label = QLabel(self.result_box)
        self.words_label.setObjectName("words")
        self.words_label.setWordWrap(True)
        self.missing_label = QLabel(self.result_box)
        self.missing_label.setObjectName("warning")
        self.missing_label.setWordWrap(True)
        self.remark = line_edit("closeRemark", self.result_box, max_length=300)
        self.supervisor = line_edit("closeSupervisor", self.result_box, max_length=32)
        self.supervisor_pin = line_edit("closeSupervisorPin", self.result_box, password=True, max_length=12)
        self.l_remark, self.l_sup, self.l_pin = QLabel(self), QLabel(self), QLabel(self)
        self.confirm_button = QPushButton(self.result_box)
        self.confirm_button.setObjectName("primary")
        self.recount_button = QPushButton(self.result_box)
        form = QFormLayout(self.result_box)
        form.addRow(self.expected_label)
        form.addRow(self.picked_label)
        form.addRow(self.counted_again_label)
        form.addRow(self.variance_label)
        form.addRow(self.words_label)
        form.addRow(self.missing_label)
        add_row(form, self.l_remark, self.remark)
        add_row(form, self.l_sup, self.supervisor)
        add_row(form, self.l_pin, self.supervisor_pin)
        rb = QHBoxLayout()
        rb.addWidget(self.confirm_button, 2)
        rb.addWidget(self.recount_button, 1)
        form.addRow(rb)
        self.result_box.hide()

        self.closed_label = QLabel(self)
        self.closed_label.setWordWrap(True)
        self.closed_label.setObjectName("consumerName")
        self.print_button = QPushButton(self)
        self.logout_button = QPushButton(self)
        self.logout_button.setObjectName("primary")
        buttons: tuple[QPushButton, ...] = (self.done_button, self.confirm_button, self.recount_button,
                                            self.print_button, self.logout_button)
        for button in buttons:
            button.setAutoDefault(True)  # Enter on a focused button presses it, as Space does
        self.alert = AlertLabel(self)

        left = QVBoxLayout()
        left.addWidget(self.cash_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.inst_box, 1)
        right.addWidget(self.done_button)
        right.addWidget(self.result_box, 2)
        middle = QHBoxLayout()
        middle.addLayout(left, 5)  # the two-column count needs a little more than half
        middle.addLayout(right, 4)
        after = QHBoxLayout()
        after.addWidget(self.closed_label, 1)
        after.addWidget(self.print_button)
        after.addWidget(self.logout_button)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.hint)
        box.addLayout(after)  # shown once the shift is closed, in the place of the count
        box.addLayout(middle, 1)
        box.addWidget(self.alert)
        for hidden in (self.closed_label, self.print_button, self.logout_button):
            hidden.hide()

        self.inst_list.installEventFilter(self)
        self.done_button.clicked.connect(self.count_done)
        self.confirm_button.clicked.connect(self.confirm_close)
        self.recount_button.clicked.connect(self.count_again)
        self.remark.returnPressed.connect(self._remark_entered)
        self.supervisor.returnPressed.connect(self.supervisor_pin.setFocus)
        self.supervisor_pin.returnPressed.connect(self.confirm_close)
        self.print_button.clicked.connect(self.print_report)
        self.logout_button.clicked.connect(self.log_out_requested.emit)
        self.retranslate()

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        if self.closed is None:
            self.title.setText(self.tr("Close your shift: count the cash"))
            self.hint.setText(self.tr("Count the cash in the drawer and type how many pieces of each note and coin "
                                      "(Tab or Enter: next). Tick each cheque and DD that is in the drawer (Space). "
                                      "The system shows what it expected only after you press F9, Count done."))
        else:
            self.title.setText(self.tr("Shift closed"))
            self.hint.setText(self.tr("The shift is locked: no receipt, cancellation or change can be made in it. "
                                      "Hand the cash, the cheques and DDs and the shift report to the supervisor."))
        self.cash_box.retranslate(self.tr("Cash in the drawer"), self.tr("Counted cash: %1"))
        self.inst_box.setTitle(self.tr("Cheques and DDs of this shift"))
        self.inst_hint.setText(self.tr("Up and Down to move, Space to tick the ones in the drawer."))
        self.inst_list.setAccessibleName(self.tr("Cheques and DDs of this shift"))
        self.done_button.setText(self.tr("Count done (F9)"))
        self.result_box.setTitle(self.tr("Counted against expected"))
        set_label(self.l_remark, self.remark, self.tr("&Remark"))
        set_label(self.l_sup, self.supervisor, self.tr("&Supervisor"))
        set_label(self.l_pin, self.supervisor_pin, self.tr("Supervisor's &PIN"))
        self.confirm_button.setText(self.tr("Close the shift and print (F9)"))
        self.recount_button.setText(self.tr("Count again (Esc)"))
        self.print_button.setText(self.tr("Print the report again (Ctrl+P)"))
        self.logout_button.setText(self.tr("Log out (Enter)"))
        self._fill_instruments(self.instruments)
        if self.preview is not None and self.closed is None:
            self._show_preview(self.preview)
        if self.closed is not None:
            self._show_closed(self.closed)

    # ------------------------------------------------------------------ the count
    def counts(self) -> dict[str, int]:
        return self.cash_box.counts()

    def ticked(self) -> list[str]:
        return [str(key) for key in ticked_keys(self.inst_list)]

    def _fill_instruments(self, lines: Sequence[InstrumentLine]) -> None:
        ticked = set(self.ticked())
        self.inst_list.clear()
        kinds = instrument_kinds()
        for ln in lines:
            self.inst_list.addItem(tick_item(f"{kinds.get(ln.mode, ln.mode)} {ln.number}: {format_inr(ln.amount_paise)}\n"
                                             f"{ln.bank}, {ln.receipt_no}", ln.receipt_id, ln.receipt_id in ticked))
        if not lines:
            self.inst_hint.setText(self.tr("No cheque or DD in this shift."))
        if self.inst_list.count():
            self.inst_list.setCurrentRow(0)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if obj is self.inst_list and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.alert.note(self.tr("Press F9 when the count is done."))
                return True
        return super().eventFilter(obj, event)

    def _count_entered(self) -> None:
        """Enter on the last count field: on to the cheques to tick, or the hint to press F9."""
        if self.inst_list.count():
            self.inst_list.setFocus()
        else:
            self.alert.note(self.tr("Press F9 when the count is done."))

    # ------------------------------------------------------------------ flow
    def reset(self) -> None:
        """A fresh count for the open shift."""
        self.preview, self.closed = None, None
        self.retranslate()
        self.cash_box.clear()
        self.cash_box.set_enabled(True)
        self.inst_list.setEnabled(True)
        self.result_box.hide()
        self._show_only(counting=True)
        self.done_button.setEnabled(True)
        self.alert.clear_message()
        self.remark.clear()
        self.supervisor.clear()
        self.supervisor_pin.clear()
        self.instruments = []
        self._fill_instruments([])
        session = self.ctx.session
        if session is not None:
            Op(self, lambda: self.closing.instruments_to_tick(session), exclusive=False) \
                .success(self._got_instruments).run()
        self.cash_box.first().setFocus()

    def _show_only(self, *, counting: bool) -> None:
        """The count (and its cheques) while counting; the closed shift's line and buttons after."""
        counting_widgets: tuple[QWidget, ...] = (self.cash_box, self.inst_box, self.done_button)
        closed_widgets: tuple[QWidget, ...] = (self.closed_label, self.print_button, self.logout_button)
        for widget in counting_widgets:
            widget.setVisible(counting)
        for widget in closed_widgets:
            widget.setVisible(not counting)

    def _got_instruments(self, lines: list[InstrumentLine]) -> None:
        self.instruments = lines
        self.inst_hint.setText(self.tr("Up and Down to move, Space to tick the ones in the drawer."))
        self._fill_instruments(lines)

    def f9(self) -> None:
        if self.closed is not None:
            return
        if self.preview is None:
            self.count_done()
        else:
            self.confirm_close()

    def count_done(self) -> None:
        session = self.ctx.session
        if self.busy or session is None or self.closed is not None:
            return
        counts, ticked = self.counts(), self.ticked()
        Op(self, lambda: self.closing.preview_shift_close(session, counts, ticked),
           disable=(self.done_button,)).success(self._show_preview).run()

    def _show_preview(self, p: ClosePreview) -> None:
        first = self.preview is None
        self.preview = p
        self.cash_box.set_enabled(False)
        self.inst_list.setEnabled(False)
        self.inst_box.hide()  # what is not ticked is named below; the result needs the room
        self.done_button.hide()
        self.result_box.show()
        self.expected_label.setText(self.tr("Expected cash (float + cash receipts − cancelled): %1")
                                    .replace("%1", format_inr(p.expected_cash_paise)))
        self.counted_again_label.setText(self.tr("Counted cash: %1").replace("%1", format_inr(p.counted_cash_paise)))
        self.picked_label.setText(self.tr("Picked up by supervisors during the shift (not expected in the drawer): %1")
                                  .replace("%1", format_inr(p.picked_up_paise)))
        self.picked_label.setVisible(p.picked_up_paise > 0)
        v = p.variance_paise
        if v < 0:
            text, kind = self.tr("SHORT by %1").replace("%1", format_inr(-v)), "short"
        elif v > 0:
            text, kind = self.tr("EXCESS by %1").replace("%1", format_inr(v)), "excess"
        else:
            text, kind = self.tr("No variance: the count equals what was expected."), "none"
        self.variance_label.setText(text)
        self.variance_label.setProperty("kind", kind)
        self.variance_label.style().unpolish(self.variance_label)
        self.variance_label.style().polish(self.variance_label)
        self.words_label.setText(amount_words(abs(v), self.ctx.language.code) if v else "")
        self.words_label.setVisible(bool(v))
        if p.instruments_missing:
            self.missing_label.setText(self.tr("Not ticked (not in the drawer): %1")
                                       .replace("%1", ", ".join(p.instruments_missing)))
        self.missing_label.setVisible(bool(p.instruments_missing))
        for w in (self.l_remark, self.remark):
            w.setVisible(p.needs_remark)
        for w in (self.l_sup, self.supervisor, self.l_pin, self.supervisor_pin):
            w.setVisible(p.needs_approval)
        if p.needs_approval:
            self.alert.note(self.tr("The variance is above %1: a supervisor must approve here.")
                            .replace("%1", format_inr(self.ctx.service.config.variance_approval_paise)))
        elif first:
            self.alert.clear_message()
        if first:
            (self.remark if p.needs_remark else self.confirm_button).setFocus()
            self.previewed.emit(p)

    def _remark_entered(self) -> None:
        if self.supervisor.isVisible():
            self.supervisor.setFocus()
        else:
            self.confirm_close()

    def count_again(self) -> bool:
        """Esc after the count: type the count again (the first count stays on record)."""
        if self.preview is None or self.closed is not None or self.busy:
            return False
        self.preview = None
        self.result_box.hide()
        self.inst_box.show()
        self.done_button.show()
        self.done_button.setEnabled(True)
        self.cash_box.set_enabled(True)
        self.inst_list.setEnabled(True)
        self.alert.note(self.tr("Count again. The first count stays on record."))
        self.cash_box.first().setFocus()
        return True

    def confirm_close(self) -> None:
        session = self.ctx.session
        if self.busy or session is None or self.preview is None or self.closed is not None:
            return
        counts, ticked, remark = self.counts(), self.ticked(), self.remark.text()
        sup = self.supervisor.text().strip() if self.preview.needs_approval else None
        pin = self.supervisor_pin.text() if self.preview.needs_approval else None

        def failed(e: BaseException) -> None:
            self.supervisor_pin.clear()
            key = getattr(e, "key", "")
            if key == "close.remark_required":
                self.remark.setFocus()
            elif self.supervisor.isVisible():
                self.supervisor_pin.setFocus()

        Op(self, lambda: self.closing.close_shift(session, counts, ticked, remark, sup, pin),
           disable=(self.confirm_button,), changes=Changes(shift=True, outbox=True)) \
            .success(self._closed).failure(failed).run()

    def _closed(self, sc: ShiftClose) -> None:
        self.closed = sc
        self.ctx.shift_id = None
        self.result_box.hide()
        self._show_only(counting=False)
        self.retranslate()
        self.logout_button.setFocus()
        self.shift_closed.emit(sc)
        self.print_report()

    def _show_closed(self, sc: ShiftClose) -> None:
        v = sc.variance_paise
        variance = (self.tr("SHORT by %1").replace("%1", format_inr(-v)) if v < 0 else
                    self.tr("EXCESS by %1").replace("%1", format_inr(v)) if v > 0 else self.tr("no variance"))
        self.closed_label.setText(self.tr("Shift closed and locked. Counted %1, expected %2: %3.")
                                  .replace("%1", format_inr(sc.counted_cash_paise))
                                  .replace("%2", format_inr(sc.expected_cash_paise)).replace("%3", variance))

    def print_report(self) -> None:
        sc, session = self.closed, self.ctx.session
        if sc is None:
            return
        ctx = self.ctx
        name = session.full_name if session is not None else ""

        def job() -> str | None:
            out = print_shift_report(ctx.printer, sc, ctx.counter.config, counter_name=ctx.counter_name,
                                     clerk_name=name)
            if out:
                ctx.printed.append(out)
            return out

        def done(out: str | None) -> None:
            self.alert.ok(lambda: self.tr("Shift report printed. Keep it with the cash."))
            self.print_finished.emit(out)

        def failed(e: BaseException) -> None:
            self.alert.error(lambda: report_error_text(e, SHIFT_REPORT, lambda x: error_text(ctx, x)))
            self.print_finished.emit(e)

        Op(self, job, exclusive=False, show_error=False, note=self.tr("Printing the shift report..."),
           changes=Changes(printed=True)).success(done).failure(failed).run()
