"""The day book (supervisor): receipts, cancellations and collection by mode for each day of a date
range, with totals; printed or saved as PDF through the printing layer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.printing.receipt_doc import display_date
from counter_app.printing.reports import print_day_book, render_day_book_pdf
from counter_app.services.reports import DayBookRow, day_book
from counter_app.ui.close_models import TextTableModel
from counter_app.ui.context import UiContext
from counter_app.ui.day_close_common import ask_save_path, run_report_job, ui_date
from counter_app.ui.i18n import say
from counter_app.ui.ops import Op
from counter_app.ui.report_errors import DAY_BOOK
from counter_app.ui.widgets import AlertLabel, Retranslates, line_edit, set_label, table_view
from kesco_protocol import vocabulary
from kesco_protocol.money import format_inr


class DayBookPage(Retranslates, QWidget):
    shown = Signal(object)  # list[DayBookRow]
    print_finished = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[DayBookRow] = []
        self.range: tuple[str, str] | None = None
        self.ask_save_path: Callable[[QWidget, str, str, str], str] = ask_save_path
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.l_from, self.l_to = QLabel(self), QLabel(self)
        self.from_edit = line_edit("bookFrom", self, max_length=10)
        self.to_edit = line_edit("bookTo", self, max_length=10)
        self.show_button = QPushButton(self)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(24)
        for label, edit in ((self.l_from, self.from_edit), (self.l_to, self.to_edit)):
            label.setBuddy(edit)
            edit.setMaximumWidth(180)
            top.addWidget(label)
            top.addWidget(edit)
        top.addWidget(self.show_button)
        top.addStretch(1)
        self.model = TextTableModel(7, right=(1, 2, 3, 4, 5, 6))
        self.table = table_view(self.model, "dayBook", self)
        self.print_button = QPushButton(self)
        self.pdf_button = QPushButton(self)
        self.alert = AlertLabel(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.table, 1)
        box.addLayout(buttons)
        box.addWidget(self.alert)
        self.from_edit.returnPressed.connect(self.to_edit.setFocus)
        self.to_edit.returnPressed.connect(self.show_range)
        self.show_button.clicked.connect(self.show_range)
        self.print_button.clicked.connect(self.print_book)
        self.pdf_button.clicked.connect(self.save_pdf)
        self._enable()
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Day book"))
        set_label(self.l_from, self.from_edit, self.tr("&From (DD-MM-YYYY)"))
        set_label(self.l_to, self.to_edit, self.tr("&To (DD-MM-YYYY)"))
        self.show_button.setText(self.tr("Show (Enter)"))
        self.model.set_headers([self.tr("Date"), self.tr("Receipts"), self.tr("Cancelled"), say(vocabulary.MODES["cash"]),
                                self.tr("Cheque/DD"), self.tr("UPI/card"), self.tr("Net")])
        self.table.setAccessibleName(self.tr("Day book"))
        self.print_button.setText(self.tr("&Print the day book"))
        self.pdf_button.setText(self.tr("&Save as PDF..."))
        if self.range is not None:
            self._fill(self.rows)

    def _enable(self) -> None:
        self.print_button.setEnabled(self.range is not None)
        self.pdf_button.setEnabled(self.range is not None)

    def reset(self) -> None:
        """Opened: today's figures at once (the supervisor came for them); other dates by typing."""
        if not self.to_edit.text().strip():
            today = self.ctx.service.clock().date().strftime("%d-%m-%Y")
            self.from_edit.setText(today)
            self.to_edit.setText(today)
        self.show_range()
        self.from_edit.setFocus()
        self.from_edit.selectAll()

    def show_range(self) -> None:
        start, end = ui_date(self.from_edit.text()), ui_date(self.to_edit.text())
        if start is None or end is None:
            self.alert.error(self.ctx.language.message("close.bad_date"))
            (self.from_edit if start is None else self.to_edit).setFocus()
            return
        self.alert.clear_message()
        service = self.ctx.service

        def done(rows: list[DayBookRow]) -> None:
            self.rows, self.range = rows, (start, end)
            self._fill(rows)
            self._enable()
            self.shown.emit(rows)

        Op(self, lambda: day_book(service, start, end), exclusive=False).success(done).run()

    def _fill(self, rows: list[DayBookRow]) -> None:
        body = [[display_date(r.business_date), str(r.receipts), str(r.cancelled), format_inr(r.cash_paise),
                 format_inr(r.cheque_dd_paise), format_inr(r.digital_paise), format_inr(r.net_paise)] for r in rows]
        total = [self.tr("Total"), str(sum(r.receipts for r in rows)), str(sum(r.cancelled for r in rows)),
                 format_inr(sum(r.cash_paise for r in rows)), format_inr(sum(r.cheque_dd_paise for r in rows)),
                 format_inr(sum(r.digital_paise for r in rows)), format_inr(sum(r.net_paise for r in rows))]
        self.model.set_rows([*body, total], bold_last=True)
        if not rows:
            self.alert.note(self.tr("No receipts in these dates."))

    def _output(self, fn: Callable[[], str | None], what: Callable[[], str]) -> None:
        run_report_job(self, fn, self.tr("Printing..."), what, DAY_BOOK)

    def print_book(self) -> None:
        if self.range is None:
            return
        (start, end), rows, ctx = self.range, list(self.rows), self.ctx
        code = ctx.counter_code
        self._output(lambda: print_day_book(ctx.printer, rows, start, end, ctx.counter.config, code,
                                            counter_name=ctx.counter_name), lambda: self.tr("Day book printed."))

    def save_pdf(self) -> None:
        if self.range is None:
            return
        (start, end), rows, ctx = self.range, list(self.rows), self.ctx
        code = ctx.counter_code
        path = self.ask_save_path(self, self.tr("Save the day book"),
                                  str(ctx.data_dir / f"day-book-{code}-{start}-{end}.pdf"), "PDF (*.pdf)")
        if not path:
            return
        self._output(lambda: str(render_day_book_pdf(rows, start, end, ctx.counter.config, code, Path(path))),
                     lambda: self.tr("Day book saved as %1.").replace("%1", path))
