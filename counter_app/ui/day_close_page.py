"""Day close (supervisor): the day's report (every shift, totals by mode and by category, receipts,
cancelled ones with their reasons, reprints, variances, what the central server has acknowledged);
refused while a shift is open. "Close the day" records the day close, pushes it at once, and shows
the server's answer: confirmed, or the receipts it lacks by number. The Z-report, the bank pay-in
slip and the day's receipts as CSV come from here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.printing.receipt_doc import display_datetime
from counter_app.printing.reports import print_payin_slip, print_z_report, render_z_report_pdf
from counter_app.services.closes import CloseService, DayCloseStatus, DayReport
from counter_app.services.reports import write_receipts_csv
from counter_app.ui.close_models import TextTableModel
from counter_app.ui.context import UiContext
from counter_app.ui.day_close_common import (
    ask_save_path,
    default_today,
    names,
    run_report_job,
    typed_date,
    variance_text,
)
from counter_app.ui.day_close_confirm import DayCloseConfirm
from counter_app.ui.ops import BusyPage, Changes, Op
from counter_app.ui.report_errors import PAYIN_SLIP, Z_REPORT
from counter_app.ui.widgets import AlertLabel, Retranslates, line_edit, set_label, table_view
from kesco_protocol.money import format_inr
from kesco_protocol.records import DayClose

POLL_MS = 500
POLL_LIMIT = 120  # a minute of asking before the page says it is still waiting


class DayClosePage(BusyPage, Retranslates, QWidget):
    report_shown = Signal(object)  # DayReport
    day_closed = Signal(object)  # DayClose
    status_shown = Signal(object)  # the day close status (dict) or None
    print_finished = Signal(object)  # output path | None | BaseException
    exported = Signal(object)  # (path, rows) | BaseException

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.closing = CloseService(ctx.service)
        self.report: DayReport | None = None
        self.status: DayCloseStatus | None = None
        self.polls = 0
        self.closed_report: DayReport | None = None
        self.ask_save_path: Callable[[QWidget, str, str, str], str] = ask_save_path

        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.l_date = QLabel(self)
        self.date_edit = line_edit("dayCloseDate", self, max_length=10)
        self.show_button = QPushButton(self)
        self.date_edit.setMaximumWidth(180)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(24)
        top.addWidget(self.l_date)
        top.addWidget(self.date_edit)
        top.addWidget(self.show_button)
        top.addStretch(1)
        self.l_date.setBuddy(self.date_edit)

        self.figures = QGroupBox(self)
        grid = QGridLayout(self.figures)
        grid.setVerticalSpacing(2)
        self.fig_labels: dict[str, tuple[QLabel, QLabel]] = {}
        places = {"receipts": (0, 0), "gross": (0, 2), "cancelled": (0, 4), "net": (0, 6), "reprints": (1, 0),
                  "variance": (1, 2), "sync": (1, 4)}
        for key, (row, col) in places.items():
            name, value = QLabel(self.figures), QLabel(self.figures)
            value.setObjectName(f"fig_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if key in ("gross", "net"):
                name.setStyleSheet("font-weight: bold;")
                value.setStyleSheet("font-weight: bold;")
            grid.addWidget(name, row, col)
            grid.addWidget(value, row, col + 1, 1, 3 if key == "sync" else 1)
            self.fig_labels[key] = (name, value)
        for col in (1, 3, 5, 7):
            grid.setColumnStretch(col, 1)
        self.mode_model = TextTableModel(2, right=(1,))
        self.category_model = TextTableModel(2, right=(1,))
        self.shift_model = TextTableModel(7, right=(2, 3, 4))
        self.void_model = TextTableModel(5, right=(2,))
        self.mode_table = table_view(self.mode_model, "byMode", self)
        self.category_table = table_view(self.category_model, "byCategory", self)
        self.shift_table = table_view(self.shift_model, "shifts", self)
        self.void_table = table_view(self.void_model, "voids", self)
        self.l_modes, self.l_cats, self.l_shifts, self.l_voids = (QLabel(self) for _ in range(4))

        self.server_box = QGroupBox(self)
        self.server_label = QLabel(self.server_box)
        self.server_label.setObjectName("serverAnswer")
        self.server_label.setWordWrap(True)
        self.server_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.resend_button = QPushButton(self.server_box)
        sb = QHBoxLayout(self.server_box)
        sb.addWidget(self.server_label, 1)
        sb.addWidget(self.resend_button)
        self.resend_button.hide()

        self.close_button = QPushButton(self)
        self.close_button.setObjectName("primary")
        self.print_z_button = QPushButton(self)
        self.payin_button = QPushButton(self)
        self.save_z_button = QPushButton(self)
        self.csv_button = QPushButton(self)
        self.alert = AlertLabel(self)
        self.confirm = DayCloseConfirm(self)
        self.confirm.confirmed.connect(self.f9)
        self.confirm.cancelled.connect(self.cancel_close)

        middle = QHBoxLayout()
        columns: list[tuple[list[tuple[QLabel, QTableView]], int]] = [
            ([(self.l_modes, self.mode_table)], 2), ([(self.l_cats, self.category_table)], 2),
            ([(self.l_shifts, self.shift_table), (self.l_voids, self.void_table)], 5)]
        for pairs, stretch in columns:
            column_box = QVBoxLayout()
            for label, table in pairs:
                column_box.addWidget(label)
                column_box.addWidget(table, 1)
            middle.addLayout(column_box, stretch)
        self.action_row = QWidget(self)
        buttons = QHBoxLayout(self.action_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        for b in (self.close_button, self.print_z_button, self.payin_button, self.save_z_button, self.csv_button):
            buttons.addWidget(b)
        # While the question is on screen its own two buttons are the only answers: the other
        # actions and the server's (not yet given) answer make room for it at 1280×720.
        self.confirm.asking_changed.connect(self._asking)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.figures)
        box.addWidget(self.confirm)  # the question next to the figures it asks about, above the fold
        box.addLayout(middle, 1)
        box.addWidget(self.server_box)
        box.addWidget(self.action_row)
        box.addWidget(self.alert)

        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self._poll)
        self.date_edit.returnPressed.connect(lambda: self.show_day())
        self.show_button.clicked.connect(lambda: self.show_day())
        self.close_button.clicked.connect(self.close_day)
        self.resend_button.clicked.connect(self.resend)
        self.print_z_button.clicked.connect(self.print_z)
        self.payin_button.clicked.connect(self.print_payin)
        self.save_z_button.clicked.connect(self.save_z_pdf)
        self.csv_button.clicked.connect(self.export_csv)
        self._enable(False)
        ctx.changes.changed.connect(self._changed)
        self.retranslate()

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        self.title.setText(self.tr("Day close"))
        set_label(self.l_date, self.date_edit, self.tr("Business da&te (DD-MM-YYYY)"))
        self.show_button.setText(self.tr("Show (Enter)"))
        self.figures.setTitle(self.tr("The day at this counter"))
        texts = {"receipts": self.tr("Receipts (all)"), "gross": self.tr("Gross total"),
                 "cancelled": self.tr("Cancelled"), "net": self.tr("Net collection"), "reprints": self.tr("Reprints"),
                 "variance": self.tr("Cash variance"), "sync": self.tr("Central server")}
        for key, (name, value) in self.fig_labels.items():
            name.setText(texts[key])
            value.setAccessibleName(texts[key])
        self.l_modes.setText(self.tr("By mode of payment"))
        self.l_cats.setText(self.tr("By consumer category"))
        self.l_shifts.setText(self.tr("Shifts"))
        self.l_voids.setText(self.tr("Cancelled receipts"))
        self.mode_model.set_headers([self.tr("Mode"), self.tr("Amount")])
        self.category_model.set_headers([self.tr("Category"), self.tr("Amount")])
        self.shift_model.set_headers([self.tr("Clerk"), self.tr("Open/closed"), self.tr("Expected"), self.tr("Counted"),
                                      self.tr("Variance"), self.tr("Approved by"), self.tr("Remark")])
        self.void_model.set_headers([self.tr("Receipt no."), self.tr("Account"), self.tr("Amount"), self.tr("Reason"),
                                     self.tr("Approved by")])
        for t, text in ((self.mode_table, self.l_modes), (self.category_table, self.l_cats),
                        (self.shift_table, self.l_shifts), (self.void_table, self.l_voids)):
            t.setAccessibleName(text.text())
        self.server_box.setTitle(self.tr("Central server's confirmation"))
        self.resend_button.setText(self.tr("Send again"))
        self.close_button.setText(self.tr("&Close the day..."))
        self.print_z_button.setText(self.tr("Print &Z-report (Ctrl+P)"))
        self.payin_button.setText(self.tr("Print pay-&in slip"))
        self.save_z_button.setText(self.tr("&Save Z-report as PDF..."))
        self.csv_button.setText(self.tr("E&xport receipts as CSV..."))
        if self.report is not None:
            self._fill(self.report)
        self._show_status(self.status)

    def _enable(self, have_report: bool) -> None:
        for b in (self.print_z_button, self.payin_button, self.save_z_button, self.csv_button):
            b.setEnabled(have_report)
        r = self.report
        self.close_button.setEnabled(have_report and r is not None and not r.open_shifts and bool(r.shifts)
                                     and self.status is None and not self.busy)

    # ------------------------------------------------------------------ the report
    def reset(self) -> None:
        default_today(self.ctx, self.date_edit)
        self.show_day()
        self.date_edit.setFocus()
        self.date_edit.selectAll()

    def show_day(self, *, keep_message: bool = False) -> None:
        day = typed_date(self, self.date_edit)
        if day is None:
            return
        if not keep_message:
            self.alert.clear_message()
        closing = self.closing
        Op(self, lambda: (closing.day_report(day), closing.day_close_status(day)), exclusive=False) \
            .success(self._got_report).failure(self._failed).run()

    def _got_report(self, got: tuple[DayReport, DayCloseStatus | None]) -> None:
        rep, status = got
        self.report, self.status = rep, status
        self._fill(rep)
        self._show_status(status)
        self._enable(True)
        if rep.open_shifts:
            self.alert.error(self.ctx.language.message("close.shifts_open", shifts=", ".join(rep.open_shifts)))
        elif not rep.shifts and status is None:
            self.alert.note(self.ctx.language.message("close.nothing_to_close", date=self.date_edit.text().strip()))
        self.report_shown.emit(rep)

    def _fill(self, rep: DayReport) -> None:
        modes, cats = names(self)
        fig = {k: v for k, (_n, v) in self.fig_labels.items()}
        fig["receipts"].setText(str(rep.receipt_count))
        fig["gross"].setText(format_inr(rep.total_paise))
        fig["cancelled"].setText(self.tr("%1 (%2)").replace("%1", str(rep.void_count))
                                 .replace("%2", format_inr(rep.void_total_paise)))
        fig["net"].setText(format_inr(rep.net_total_paise))
        fig["reprints"].setText(str(rep.reprints))
        fig["variance"].setText(variance_text(self, rep.variance_total_paise))
        fig["sync"].setText(self.tr("%1 acknowledged, %2 waiting to be sent").replace("%1", str(rep.acknowledged))
                            .replace("%2", str(rep.pending)))
        self.mode_model.set_rows(
            [[modes.get(m, m), format_inr(p)] for m, p in sorted(rep.by_mode.items())]
            + [[self.tr("Net"), format_inr(rep.net_total_paise)]], bold_last=True)
        self.category_model.set_rows(
            [[cats.get(c, c), format_inr(p)] for c, p in sorted(rep.by_category.items())]
            + [[self.tr("Net"), format_inr(rep.net_total_paise)]], bold_last=True)
        closes = {c.shift_id: c for c in rep.shift_closes}
        rows = []
        for s in rep.shifts:
            c = closes.get(s.shift_id)
            opened = display_datetime(s.opened_at)[-5:]
            if c is None:
                rows.append([s.clerk, f"{opened} – " + self.tr("OPEN"), "", "", "", "", ""])
            else:
                rows.append([s.clerk, f"{opened} – {display_datetime(c.closed_at)[-5:]}",
                             format_inr(c.expected_cash_paise), format_inr(c.counted_cash_paise),
                             variance_text(self, c.variance_paise), c.approved_by or "", c.remark])
        self.shift_model.set_rows(rows)
        self.void_model.set_rows([[v.receipt_no, v.account_no, format_inr(v.amount_paise), v.void_reason or "",
                                   v.void_approved_by or ""] for v in rep.voids])

    def _failed(self, _e: BaseException) -> None:
        self._enable(self.report is not None)

    # ------------------------------------------------------------------ closing and the server's answer
    def close_day(self) -> None:
        """Alt+C: show what will be closed and ask once (F9 closes, Esc goes back)."""
        rep = self.report
        if self.busy or rep is None or not self.close_button.isEnabled():
            return
        self.alert.clear_message()
        self.confirm.ask(rep, self.date_edit.text().strip())

    def _asking(self, on: bool) -> None:
        self.action_row.setVisible(not on)
        self.server_box.setVisible(not on)

    def cancel_close(self) -> bool:
        """Esc while asked: nothing closed. False when nothing was being asked."""
        if not self.confirm.asking:
            return False
        self.confirm.dismiss()
        self.alert.note(self.tr("The day was not closed."))
        self.date_edit.setFocus()
        return True

    def f9(self) -> None:
        """F9 on the day-close screen: the answer to the question, and nothing without one."""
        session, rep = self.ctx.session, self.confirm.report
        if self.busy or session is None or rep is None or not self.confirm.asking:
            return
        self.confirm.dismiss()
        self.closed_report = rep
        day = rep.business_date
        Op(self, lambda: self.closing.close_day(session, day), note=self.tr("Closing the day..."),
           changes=Changes(day_close=True, outbox=True)).success(self._closed).failure(self._failed).run()
        self._enable(True)  # busy now: the close button stays off until the day's report is back

    def _closed(self, dc: DayClose) -> None:
        rep = self.closed_report or self.report
        if rep is not None:
            self.alert.ok(self.confirm.closed_text(rep, self.date_edit.text().strip(), self.ctx.sync.state,
                                                   self.ctx.sync.engine is not None))
        self.day_closed.emit(dc)
        self._wait_for_server()  # the day's figures are read again on Changes(day_close)

    def _changed(self, changes: Changes) -> None:
        if changes.day_close and self.isVisible() and self.report is not None:
            self.show_day(keep_message=True)

    def _wait_for_server(self) -> None:
        # The Op's Changes(outbox=True) has made the sync bridge refresh and push; now poll the answer.
        self.polls = 0
        self.poll_timer.start()

    def _poll(self) -> None:
        rep = self.report
        if rep is None:
            self.poll_timer.stop()
            return
        self.polls += 1
        day = rep.business_date
        Op(self, lambda: self.closing.day_close_status(day), channel="day_close_status", exclusive=False,
           show_error=False).success(self._polled).run()

    def _polled(self, status: DayCloseStatus | None) -> None:
        self._show_status(status)
        answered = status is not None and status.sync_state != "pending"
        if answered or self.polls >= POLL_LIMIT:
            self.poll_timer.stop()
            if answered and status is not None:
                if status.confirmed:
                    self.alert.ok(self.tr("The central server confirmed the day close."))
                else:
                    self.alert.error(self.tr("The central server's count differs from this counter's: see "
                                             "the receipts named above."))
            if answered and self.report is not None:
                self.show_day(keep_message=True)  # the acknowledged count moved too

    def _show_status(self, st: DayCloseStatus | None) -> None:
        self.status = st
        self.resend_button.hide()
        kind = "none"
        if st is None:
            text = self.tr("The day is not closed yet.")
        else:
            dc = st.day_close
            who = self.tr("Closed by %1 at %2.").replace("%1", dc.closed_by).replace("%2",
                                                                                       display_datetime(dc.closed_at))
            if st.confirmed:
                kind = "confirmed"
                text = who + " " + self.tr("CONFIRMED by the central server: %1 receipts, %2, the same as this "
                                           "counter.").replace("%1", str(st.server_count)) \
                    .replace("%2", format_inr(st.server_total_paise))
            elif st.answered:
                kind = "mismatch"
                missing = ", ".join(f"{no} ({self._state_word(st.missing_states.get(no, ''))})"
                                    for no in st.missing_receipts) or "-"
                text = who + " " + self.tr("MISMATCH: the central server holds %1 receipts, %2; this counter has "
                                           "%3 receipts, %4. Missing on the server: %5.") \
                    .replace("%1", str(st.server_count)) \
                    .replace("%2", format_inr(st.server_total_paise)) \
                    .replace("%3", str(dc.receipt_count)).replace("%4", format_inr(dc.total_paise)) \
                    .replace("%5", missing)
                self.resend_button.show()
            elif st.sync_state in ("conflict", "invalid"):
                kind = "mismatch"
                text = who + " " + self.tr("The central server did not take the day close. Call IT.")
            else:
                link = str(getattr(self.ctx.sync.state.link, "value", self.ctx.sync.state.link))
                if self.ctx.sync.engine and link == "online":
                    text = who + " " + self.tr("Waiting for the central server's answer...")
                elif self.ctx.sync.engine and link != "unconfigured":
                    text = who + " " + self.tr("Not sent yet: this counter is OFFLINE. It goes when the "
                                               "connection is back.")
                else:
                    text = who + " " + self.tr("Not sent yet: this counter is not connected to the central "
                                               "server now. It goes when the connection is back.")
        self.server_label.setText(text)
        self.server_label.setProperty("kind", kind)
        self.server_label.setAccessibleName(text)
        self.status_shown.emit(st)

    def _state_word(self, state: str) -> str:
        return {"pending": self.tr("not sent yet"), "synced": self.tr("sent, lost by the server"),
                "invalid": self.tr("refused by the server"), "conflict": self.tr("conflict")}.get(state, state)

    def resend(self) -> None:
        session, rep = self.ctx.session, self.report
        if session is None or rep is None:
            return
        day = rep.business_date

        def done(n: int) -> None:
            self.alert.note(self.tr("Sending the day close again (with %1 refused receipts)...").replace("%1", str(n)))
            self._wait_for_server()

        Op(self, lambda: self.closing.resend_day_close(session, day), exclusive=False,
           changes=Changes(day_close=True, outbox=True)).success(done).failure(self._failed).run()

    # ------------------------------------------------------------------ reports and export
    def _print(self, fn: Callable[[], str | None], what: Callable[[], str], document: object) -> None:
        run_report_job(self, fn, self.tr("Printing..."), what, document)

    def print_z(self) -> None:
        rep, st, ctx = self.report, self.status, self.ctx
        if rep is None:
            return
        dc = st.day_close if st else None
        self._print(lambda: print_z_report(ctx.printer, rep, ctx.counter.config, counter_name=ctx.counter_name,
                                           day_close=dc, server=st), lambda: self.tr("Z-report printed."), Z_REPORT)

    def print_payin(self) -> None:
        rep, ctx = self.report, self.ctx
        if rep is None:
            return
        self._print(lambda: print_payin_slip(ctx.printer, rep, ctx.counter.config, counter_name=ctx.counter_name),
                    lambda: self.tr("Pay-in slip printed."), PAYIN_SLIP)

    def save_z_pdf(self) -> None:
        rep, st, ctx = self.report, self.status, self.ctx
        if rep is None:
            return
        name = f"Z-report-{rep.counter_code}-{rep.business_date}.pdf"
        path = self.ask_save_path(self, self.tr("Save the Z-report"), str(ctx.data_dir / name), "PDF (*.pdf)")
        if not path:
            return
        dc = st.day_close if st else None
        self._print(lambda: str(render_z_report_pdf(rep, ctx.counter.config, Path(path), day_close=dc, server=st)),
                    lambda: self.tr("Z-report saved as %1.").replace("%1", path), Z_REPORT)

    def export_csv(self) -> None:
        rep, ctx = self.report, self.ctx
        if rep is None:
            return
        name = f"receipts-{rep.counter_code}-{rep.business_date}.csv"
        path = self.ask_save_path(self, self.tr("Export the day's receipts"), str(ctx.data_dir / name),
                                  "CSV (*.csv)")
        if not path:
            return
        day = rep.business_date

        def done(n: int) -> None:
            self.alert.ok(self.tr("%1 receipts written to %2.").replace("%1", str(n)).replace("%2", path))
            self.exported.emit((path, n))

        Op(self, lambda: write_receipts_csv(ctx.service, day, Path(path)), exclusive=False) \
            .success(done).failure(self.exported.emit).run()

