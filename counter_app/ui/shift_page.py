"""Open the shift: the clerk counts the cash in the drawer and enters it as the opening float."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QWidget

from counter_app.domain.errors import CounterError
from counter_app.ui.context import UiContext
from counter_app.ui.ops import BusyPage, Changes, Op, error_text
from counter_app.ui.widgets import AlertLabel, Retranslates, add_row, centred_column, line_edit, set_label
from kesco_protocol.money import format_inr, parse_amount


class ShiftPage(BusyPage, Retranslates, QWidget):
    """No open shift yet: count the opening cash float and open one."""

    shift_opened = Signal(object)  # ShiftRow
    day_close_requested = Signal()  # a supervisor who came only for the day close (F7)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.float_label = QLabel(self)
        self.float_edit = line_edit("amount", self, max_length=20)
        self.float_edit.setText("0")
        self.open_button = QPushButton(self)
        self.open_button.setObjectName("primary")
        self.day_close_button = QPushButton(self)
        self.day_close_button.setObjectName("dayCloseOffer")
        self.day_close_button.hide()
        self.alert = AlertLabel(self)
        form = QFormLayout()
        add_row(form, self.float_label, self.float_edit)
        centred_column(self, self.title, self.hint, form, self.open_button, self.day_close_button, self.alert)
        self.float_edit.returnPressed.connect(self.submit)
        self.open_button.clicked.connect(self.submit)
        self.day_close_button.clicked.connect(self.day_close_requested.emit)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Open your shift"))
        who = self.ctx.session.full_name if self.ctx.session else ""
        self.hint.setText(self.tr("%1, count the cash in the drawer and enter it as the opening float.")
                          .replace("%1", who))
        set_label(self.float_label, self.float_edit, self.tr("Opening &cash float (₹)"))
        self.open_button.setText(self.tr("Open shift (Enter)"))
        self.day_close_button.setText(self.tr("Only here for the day close? Day close (F7)"))
        s = self.ctx.session
        self.day_close_button.setVisible(s is not None and s.is_supervisor)

    def reset(self) -> None:
        self.float_edit.setText("0")
        self.float_edit.selectAll()
        self.alert.clear_message()
        self.retranslate()
        self.float_edit.setFocus()

    def submit(self) -> None:
        if self.busy or self.ctx.session is None:
            return
        try:
            paise = parse_amount(self.float_edit.text(), allow_zero=True,
                                 max_paise=self.ctx.service.config.max_receipt_paise)
        except CounterError as e:
            self.alert.error(error_text(self.ctx, e))
            self.float_edit.setFocus()
            return
        session = self.ctx.session

        def done(shift: object) -> None:
            self.alert.ok(self.tr("Shift opened with %1.").replace("%1", format_inr(paise)))
            self.shift_opened.emit(shift)

        Op(self, lambda: self.ctx.service.open_shift(session, paise), disable=(self.open_button,),
           changes=Changes(shift=True)).success(done).run()
