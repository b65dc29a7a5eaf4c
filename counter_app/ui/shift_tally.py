"""The running count and total of the clerk's shift on the collect screen (clerks are asked for it
all day), read on the task runner after every receipt or cancellation; and which receipts of the
shift are cancelled, so the "last receipt" line can say so."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QLabel, QWidget

from counter_app.ui.context import UiContext
from counter_app.ui.ops import Changes, Op
from kesco_protocol.money import format_inr


@dataclass(frozen=True, slots=True)
class Tally:
    shift_id: str
    receipts: int  # not cancelled
    net_paise: int
    cancelled: int
    cancelled_ids: frozenset[str]


def shift_tally(ctx: UiContext, shift_id: str) -> Tally:
    """On a worker: the shift's receipts, live and cancelled."""
    rows = ctx.service.shift_receipts(shift_id)
    live = [r for r, void in rows if void is None]
    gone = frozenset(r.receipt_id for r, void in rows if void is not None)
    return Tally(shift_id, len(live), sum(r.amount_paise for r in live), len(gone), gone)


class ShiftTallyLabel(QLabel):
    loaded = Signal(object)  # Tally

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shiftTally")
        self.ctx = ctx
        self.tally: Tally | None = None
        ctx.changes.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        if changes.receipts or changes.shift:
            self.refresh()

    def refresh(self) -> None:
        shift_id = self.ctx.shift_id
        if shift_id is None:
            self.tally = None
            self._render()
            return
        Op(self, lambda: shift_tally(self.ctx, shift_id), channel="shift_tally", exclusive=False,
           show_error=False).success(self._got).run()

    def _got(self, t: Tally) -> None:
        if t.shift_id != self.ctx.shift_id:
            return
        self.tally = t
        self._render()
        self.loaded.emit(t)

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(e)

    def _render(self) -> None:
        t = self.tally
        if t is None:
            self.setText("")
            return
        text = self.tr("This shift: %1 receipts, %2").replace("%1", str(t.receipts)) \
            .replace("%2", format_inr(t.net_paise))
        if t.cancelled:
            text += " " + self.tr("(%1 cancelled, not counted)").replace("%1", str(t.cancelled))
        self.setText(text)
        self.setAccessibleName(text)
