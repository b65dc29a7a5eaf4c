"""The day's deposit (supervisor's desk, "Deposit" tab): the pay-in slip as a record. For a
business day it starts from what the day holds: the cash the shift closes counted plus what
pickups put in the safe, by denomination, and the day's cheques and DDs (a multi-account cheque is
one line listing its receipts), all ticked. The supervisor types the bank, branch, slip number and
deposit date, corrects the count if the bag differs, unticks what does not go, and F9 records the
Deposit (sent to the central server through the outbox) and prints the pay-in slip."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.printing.cash_slips import print_deposit_slip
from counter_app.printing.receipt_doc import display_date
from counter_app.services.cash import CashService, DepositDraft, DepositLine
from counter_app.ui.context import UiContext
from counter_app.ui.day_close_common import default_today, run_report_job, typed_date
from counter_app.ui.denomination_grid import DenominationGrid
from counter_app.ui.instrument_ticks import instrument_kinds, tick_item, ticked_keys
from counter_app.ui.ops import BusyPage, Changes, Op
from counter_app.ui.report_errors import PAYIN_SLIP
from counter_app.ui.widgets import AlertLabel, Retranslates, add_row, line_edit, set_label
from kesco_protocol.money import format_inr
from kesco_protocol.records import Deposit


class DepositPage(BusyPage, Retranslates, QWidget):
    draft_shown = Signal(object)  # DepositDraft
    deposit_recorded = Signal(object)  # Deposit
    print_finished = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cash = CashService(ctx.service)
        self.draft: DepositDraft | None = None
        self.recorded: Deposit | None = None
        self.recorded_counts: dict[str, int] = {}
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.l_day = QLabel(self)
        self.day_edit = line_edit("depositDay", self, max_length=10)
        self.day_edit.setMaximumWidth(180)
        self.show_button = QPushButton(self)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(24)
        top.addWidget(self.l_day)
        top.addWidget(self.day_edit)
        top.addWidget(self.show_button)
        top.addStretch(1)
        self.l_day.setBuddy(self.day_edit)

        self.slip_box = QGroupBox(self)
        form = QFormLayout(self.slip_box)
        self.bank = line_edit("depositBank", self.slip_box, max_length=80)
        self.branch = line_edit("depositBranch", self.slip_box, max_length=80)
        self.slip_no = line_edit("depositSlipNo", self.slip_box, max_length=20)
        self.deposit_date = line_edit("depositDate", self.slip_box, max_length=10)
        self.l_bank, self.l_branch, self.l_slip, self.l_on = (QLabel(self.slip_box) for _ in range(4))
        for label, edit in ((self.l_bank, self.bank), (self.l_branch, self.branch), (self.l_slip, self.slip_no),
                            (self.l_on, self.deposit_date)):
            add_row(form, label, edit)
        self.grid = DenominationGrid(self.cash.denominations, "deposit", self)
        self.inst_box = QGroupBox(self)
        self.inst_list = QListWidget(self.inst_box)
        self.inst_list.setObjectName("depositInstruments")
        self.inst_list.setMinimumHeight(90)
        ib = QVBoxLayout(self.inst_box)
        ib.addWidget(self.inst_list, 1)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("due")
        self.total_label.setWordWrap(True)
        self.note_label = QLabel(self)
        self.note_label.setWordWrap(True)
        self.note_label.setObjectName("warning")
        self.note_label.hide()
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("primary")
        self.print_button = QPushButton(self)
        self.print_button.hide()
        self.alert = AlertLabel(self)

        # the count on the left, the slip's fields, its cheques and the total on the right: all of it
        # on one 1366x768 screen
        left = QVBoxLayout()
        left.addWidget(self.grid)
        left.addWidget(self.total_label)
        left.addWidget(self.note_label)
        left.addWidget(self.save_button)
        left.addWidget(self.print_button)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.slip_box)
        right.addWidget(self.inst_box, 1)
        middle = QHBoxLayout()
        middle.addLayout(left, 1)
        middle.addLayout(right, 1)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.hint)
        box.addLayout(middle)
        box.addWidget(self.alert)  # under the figures, on the screen without scrolling at 1366x768
        box.addStretch(1)

        self.day_edit.returnPressed.connect(self.show_day)
        self.show_button.clicked.connect(self.show_day)
        self.bank.returnPressed.connect(self.branch.setFocus)
        self.branch.returnPressed.connect(self.slip_no.setFocus)
        self.slip_no.returnPressed.connect(self.deposit_date.setFocus)
        self.deposit_date.returnPressed.connect(lambda: self.grid.first().setFocus())
        self.grid.last_entered.connect(self.inst_list.setFocus)
        self.grid.changed.connect(self._total)
        self.inst_list.itemChanged.connect(lambda _item: self._total())
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_slip)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Bank deposit (pay-in slip)"))
        self.hint.setText(self.tr("The day's cash and its cheques and DDs as they go to the bank. The count starts "
                                  "from the shift closes and the pickups to the safe; correct it if the bag differs, "
                                  "untick a cheque or DD that does not go (Space). F9 records the deposit and prints "
                                  "the pay-in slip."))
        set_label(self.l_day, self.day_edit, self.tr("Collection da&te (DD-MM-YYYY)"))
        self.show_button.setText(self.tr("Show (Enter)"))
        self.slip_box.setTitle(self.tr("Pay-in slip"))
        set_label(self.l_bank, self.bank, self.tr("Ban&k"))
        set_label(self.l_branch, self.branch, self.tr("B&ranch"))
        set_label(self.l_slip, self.slip_no, self.tr("Slip &number"))
        set_label(self.l_on, self.deposit_date, self.tr("Deposit d&ate (DD-MM-YYYY)"))
        self.grid.retranslate(self.tr("Cash deposited"), self.tr("Cash: %1"))
        self.inst_box.setTitle(self.tr("Cheques and DDs in the deposit"))
        self.inst_list.setAccessibleName(self.tr("Cheques and DDs in the deposit"))
        self.save_button.setText(self.tr("Record the deposit and print the pay-in slip (F9)"))
        self.print_button.setText(self.tr("Print the pay-in slip again (Ctrl+P)"))
        if self.draft is not None:
            self._fill_lines(self.draft.lines, set(self.ticked_keys()))
            self._note(self.draft)
        self._total()

    # ------------------------------------------------------------------ the day's draft
    def reset(self) -> None:
        default_today(self.ctx, self.day_edit, self.deposit_date)
        self.show_day()
        self.day_edit.setFocus()
        self.day_edit.selectAll()

    def show_day(self) -> None:
        day = typed_date(self, self.day_edit)
        if day is None:
            return
        self.alert.clear_message()
        cash = self.cash
        Op(self, lambda: cash.deposit_draft(day), exclusive=False).success(self._got_draft).run()

    def _got_draft(self, draft: DepositDraft) -> None:
        self.draft, self.recorded, self.recorded_counts = draft, None, {}
        self.grid.set_counts(draft.counts)
        self.grid.set_enabled(True)
        self._fill_lines(draft.lines, {ln.receipt_ids for ln in draft.lines})
        self._note(draft)
        self.save_button.setEnabled(True)
        self.print_button.hide()
        self._total()
        self.draft_shown.emit(draft)

    def _note(self, draft: DepositDraft) -> None:
        notes = []
        if draft.picked_up_to_bank_paise:
            notes.append(self.tr("Pickups that went straight to the bank (%1) are not in this count.")
                         .replace("%1", format_inr(draft.picked_up_to_bank_paise)))
        if draft.already:
            notes.append(self.tr("Already recorded for this day: %1.").replace(
                "%1", ", ".join(f"{d.slip_no} ({format_inr(d.amount_paise)})" for d in draft.already)))
        self.note_label.setText(" ".join(notes))
        self.note_label.setVisible(bool(notes))

    def _fill_lines(self, lines: list[DepositLine], ticked: set[tuple[str, ...]]) -> None:
        self.inst_list.blockSignals(True)
        self.inst_list.clear()
        kinds = instrument_kinds()
        for ln in lines:
            self.inst_list.addItem(tick_item(f"{kinds.get(ln.mode, ln.mode)} {ln.number}, {ln.bank}: "
                                             f"{format_inr(ln.amount_paise)}\n{', '.join(ln.receipt_nos)}",
                                             ln.receipt_ids, ln.receipt_ids in ticked))
        if not lines:
            self.inst_list.addItem(QListWidgetItem(self.tr("No cheque or DD on this day.")))
        self.inst_list.blockSignals(False)

    def ticked_keys(self) -> list[tuple[str, ...]]:
        return [tuple(key) for key in ticked_keys(self.inst_list)]

    def ticked_lines(self) -> list[DepositLine]:
        keys = set(self.ticked_keys())
        return [ln for ln in (self.draft.lines if self.draft else []) if ln.receipt_ids in keys]

    def _total(self) -> None:
        cash = self.grid.total_paise()
        inst = sum(ln.amount_paise for ln in self.ticked_lines())
        self.total_label.setText(self.tr("Deposit: cash %1 + cheques/DDs %2 = %3").replace("%1", format_inr(cash))
                                 .replace("%2", format_inr(inst)).replace("%3", format_inr(cash + inst)))

    # ------------------------------------------------------------------ recording and the slip
    def f9(self) -> None:
        if self.recorded is None:
            self.save()

    def save(self) -> None:
        session, draft = self.ctx.session, self.draft
        if self.busy or session is None or draft is None or self.recorded is not None:
            return
        on = typed_date(self, self.deposit_date)
        if on is None:
            return
        texts, lines = self.grid.texts(), self.ticked_lines()
        bank, branch, slip = self.bank.text(), self.branch.text(), self.slip_no.text()
        cash, day = self.cash, draft.business_date

        def done(d: Deposit) -> None:
            self.recorded, self.recorded_counts = d, cash.parse_counts(texts)
            self.grid.set_enabled(False)
            self.save_button.setEnabled(False)
            self.print_button.show()
            self.alert.ok(lambda: self.tr("Deposit %1 of %2 recorded.").replace("%1", d.slip_no)
                          .replace("%2", format_inr(d.amount_paise)))
            self.deposit_recorded.emit(d)
            self.print_slip()

        Op(self, lambda: cash.record_deposit(session, day, bank, branch, slip, on, texts, lines),
           disable=(self.save_button,), changes=Changes(cash=True, outbox=True)).success(done).run()

    def print_slip(self) -> None:
        d, ctx, draft = self.recorded, self.ctx, self.draft
        if d is None or draft is None:
            return
        counts = dict(self.recorded_counts)
        nos = {rid: no for ln in draft.lines for rid, no in zip(ln.receipt_ids, ln.receipt_nos, strict=True)}
        run_report_job(self, lambda: print_deposit_slip(ctx.printer, d, counts, nos, ctx.counter.config,
                                                        counter_name=ctx.counter_name),
                       self.tr("Printing..."),
                       lambda: self.tr("Deposit %1 recorded and the pay-in slip printed (%2, %3).")
                       .replace("%1", d.slip_no).replace("%2", format_inr(d.amount_paise))
                       .replace("%3", display_date(d.deposit_date)), PAYIN_SLIP)
