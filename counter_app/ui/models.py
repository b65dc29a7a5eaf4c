"""Qt item models for the window's lists (testable without a window): search results, and the
shift's receipts with their cancelled state."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from counter_app.domain.consumer import Consumer
from counter_app.printing.receipt_doc import display_datetime
from kesco_protocol import vocabulary
from kesco_protocol.money import format_inr
from kesco_protocol.records import Receipt

_Index = QModelIndex | QPersistentModelIndex
ConsumerRole = Qt.ItemDataRole.UserRole + 1
ReceiptRole = Qt.ItemDataRole.UserRole + 2


class SearchResultsModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self.consumers: list[Consumer] = []

    def set_results(self, consumers: list[Consumer] | tuple[Consumer, ...]) -> None:
        self.beginResetModel()
        self.consumers = list(consumers)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.consumers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.consumers):
            return None
        c = self.consumers[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            # What tells two "Ram Kumar"s apart at a glance: the address, the account, the amount
            # due and the mobile the consumer can say aloud.
            due = QCoreApplication.translate("SearchResultsModel", "due %1").replace(
                "%1", format_inr(c.amount_due_paise))
            parts = [f"{c.name}  ({c.relation_name})", c.address, c.account_no, due]
            if c.mobile:
                parts.append(QCoreApplication.translate("SearchResultsModel", "mobile %1").replace("%1", c.mobile))
            return "  —  ".join(parts)
        if role == ConsumerRole:
            return c
        return None


class ShiftReceiptsModel(QAbstractTableModel):
    """The open shift's receipts, newest first. Column titles come from the page (translated)."""

    COLUMNS = ("receipt_no", "time", "account", "name", "amount", "mode", "state")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[Receipt, str | None]] = []
        self.headers: list[str] = list(self.COLUMNS)
        self.mode_names: dict[str, str] = {}
        self.cancelled_text = vocabulary.receipt_state("cancelled").en
        # issue 16: reversed / dishonoured receipts by id, and the words for those states and for
        # a cheque or DD not yet realised (set by the page, translated)
        self.states: dict[str, str] = {}
        self.state_texts: dict[str, str] = {k: t.en for k, t in vocabulary.RECEIPT_STATES.items()}

    def set_rows(self, rows: list[tuple[Receipt, str | None]], states: dict[str, str] | None = None) -> None:
        self.beginResetModel()
        self.rows = list(reversed(rows))
        self.states = dict(states or {})
        self.endResetModel()

    def state_text(self, r: Receipt, void_id: str | None) -> str:
        if void_id:
            return self.cancelled_text
        state = self.states.get(r.receipt_id)
        if state:
            return self.state_texts.get(state, state)
        if r.mode in ("cheque", "dd"):
            return self.state_texts.get("unrealised", "")
        return ""

    def set_texts(self, headers: list[str], mode_names: dict[str, str], cancelled: str) -> None:
        self.headers, self.mode_names, self.cancelled_text = headers, mode_names, cancelled
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.COLUMNS) - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r, void_id = self.rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == ReceiptRole:
            return r
        if role == Qt.ItemDataRole.TextAlignmentRole and col == "amount":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        return {
            "receipt_no": r.receipt_no,
            "time": display_datetime(r.issued_at)[-5:],
            "account": r.account_no,
            "name": r.consumer_name,
            "amount": format_inr(r.amount_paise),
            "mode": self.mode_names.get(r.mode, r.mode),
            "state": self.state_text(r, void_id),
        }[col]

    def totals(self) -> tuple[int, int, int]:
        """(receipts not cancelled, their total paise, of which cash)."""
        live = [r for r, v in self.rows if v is None]
        return len(live), sum(r.amount_paise for r in live), sum(r.amount_paise for r in live if r.mode == "cash")

    def receipt_at(self, row: int) -> tuple[Receipt, str | None] | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None
