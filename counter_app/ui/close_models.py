"""A read-only table model for the closing screens' lists (totals by mode and category, shifts,
cancelled receipts, cheques, the day book): rows of ready-made text, amounts right-aligned, each row
able to carry the object it shows. Testable without a window."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

_Index = QModelIndex | QPersistentModelIndex
RowRole = Qt.ItemDataRole.UserRole + 10


class TextTableModel(QAbstractTableModel):
    def __init__(self, columns: int, right: Sequence[int] = ()) -> None:
        super().__init__()
        self.n_columns = columns
        self.right = set(right)
        self.headers: list[str] = [""] * columns
        self.rows: list[list[str]] = []
        self.payloads: list[Any] = []
        self.bold_last = False  # a totals row

    def set_headers(self, headers: Sequence[str]) -> None:
        self.headers = list(headers)[: self.n_columns]
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.n_columns - 1)

    def set_rows(self, rows: Sequence[Sequence[str]], payloads: Sequence[Any] | None = None, *,
                 bold_last: bool = False) -> None:
        self.beginResetModel()
        self.rows = [list(r) + [""] * (self.n_columns - len(r)) for r in rows]
        self.payloads = list(payloads) if payloads is not None else [None] * len(self.rows)
        self.bold_last = bold_last and bool(self.rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.n_columns

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if section < len(self.headers) else ""
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.bold_last and index.row() == len(self.rows) - 1:
            from PySide6.QtGui import QFont

            f = QFont()
            f.setBold(True)
            return f
        if role == RowRole:
            return self.payloads[index.row()]
        return None

    def payload(self, row: int) -> Any:
        return self.payloads[row] if 0 <= row < len(self.payloads) else None

    def column(self, col: int) -> list[str]:
        return [r[col] for r in self.rows]
