"""Pieces of each note and coin with the line totals and the total running, for the shift close,
the pickup and the deposit screens (the same denominations, the same Enter-to-the-next keys). The
fields take any text: a count that is not a number is refused by the service with a message naming
the denomination, instead of keys silently not typing (the shift close's blind count adds a
digits-only validator)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLineEdit, QWidget

from counter_app.ui.widgets import line_edit
from kesco_protocol.digits import to_ascii_digits
from kesco_protocol.money import format_inr

MAX_DIGITS = 6

# One translation context for the names of notes and coins, so a denomination reads the same on
# every cash screen.
CONTEXT = "Denominations"
NOTES = QT_TRANSLATE_NOOP("Denominations", "₹%1 notes")
COINS = QT_TRANSLATE_NOOP("Denominations", "₹%1 coins")
PIECES = QT_TRANSLATE_NOOP("Denominations", "Pieces of %1")


def _t(text: object) -> str:
    return QCoreApplication.translate(CONTEXT, str(text))


def denomination_text(key: str) -> str:
    """`N500` -> "₹500 notes", `C2` -> "₹2 coins", in the current language; an unknown key as it is."""
    rupees = key[1:]
    if key.startswith("N"):
        return _t(NOTES).replace("%1", rupees)
    if key.startswith("C"):
        return _t(COINS).replace("%1", rupees)
    return key


def name_denominations(labels: Mapping[str, QLabel], edits: Mapping[str, QLineEdit]) -> None:
    """Each denomination's label and its count field's accessible name, in the current language."""
    for key, label in labels.items():
        text = denomination_text(key)
        label.setText(text)
        edits[key].setAccessibleName(_t(PIECES).replace("%1", text))


class DenominationGrid(QGroupBox):
    last_entered = Signal()  # Enter on the last field
    changed = Signal()

    def __init__(self, denominations: Sequence[tuple[str, int]], name: str, parent: QWidget | None = None, *,
                 columns: int = 2) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.values = dict(denominations)
        grid = QGridLayout(self)
        grid.setVerticalSpacing(2)
        self.edits: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}
        self.line_totals: dict[str, QLabel] = {}
        # two columns (notes, then coins) keep the grid, the slip's fields and the buttons on one
        # 1366x768 screen; the order of the fields (Enter, Tab) is still top to bottom, left to right
        per_column = -(-len(denominations) // max(1, columns))
        for i, (key, _value) in enumerate(denominations):
            row, col = i % per_column, 3 * (i // per_column)
            label = QLabel(self)
            edit = line_edit(f"{name}_{key}", self, max_length=MAX_DIGITS)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setMaximumWidth(90)
            total = QLabel(self)
            total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            total.setMinimumWidth(110)
            label.setBuddy(edit)
            if col:
                label.setIndent(20)  # a gap after the notes' totals, which ran into the coin labels
            grid.addWidget(label, row, col)
            grid.addWidget(edit, row, col + 1)
            grid.addWidget(total, row, col + 2)
            self.edits[key], self.labels[key], self.line_totals[key] = edit, label, total
            edit.textEdited.connect(self._recount)
            edit.installEventFilter(self)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("due")
        grid.addWidget(self.total_label, per_column, 0, 1, 3 * max(1, columns))
        edits = list(self.edits.values())
        for a, b in zip(edits, edits[1:], strict=False):
            QWidget.setTabOrder(a, b)
        self.total_text = "%1"
        self.retranslate()

    def retranslate(self, title: str = "", total_text: str = "") -> None:
        if title:
            self.setTitle(title)
        if total_text:
            self.total_text = total_text
        name_denominations(self.labels, self.edits)
        self._recount()

    def texts(self) -> dict[str, str]:
        """What was typed in each field (the service parses and checks it)."""
        return {k: e.text() for k, e in self.edits.items() if e.text().strip()}

    def counts(self) -> dict[str, int]:
        """The fields that hold a number (for the running total only)."""
        out = {}
        for k, e in self.edits.items():
            s = to_ascii_digits(e.text()).strip()
            if s.isascii() and s.isdigit():
                out[k] = int(s)
        return out

    def total_paise(self) -> int:
        return sum(self.values[k] * n for k, n in self.counts().items())

    def set_counts(self, counts: Mapping[str, int]) -> None:
        for k, e in self.edits.items():
            n = int(counts.get(k, 0))
            e.setText(str(n) if n else "")
        self._recount()

    def clear(self) -> None:
        self.set_counts({})

    def set_enabled(self, on: bool) -> None:
        for e in self.edits.values():
            e.setEnabled(on)

    def first(self) -> QLineEdit:
        return next(iter(self.edits.values()))

    def _recount(self, *_: Any) -> None:
        counts = self.counts()
        for key, label in self.line_totals.items():
            n = counts.get(key, 0)
            label.setText(format_inr(self.values[key] * n) if n else "")
        self.total_label.setText(self.total_text.replace("%1", format_inr(self.total_paise())))
        self.changed.emit()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            edits = list(self.edits.values())
            if obj in edits:
                i = edits.index(obj)
                if i + 1 < len(edits):
                    edits[i + 1].setFocus()
                    edits[i + 1].selectAll()
                else:
                    self.last_entered.emit()
                return True
        return super().eventFilter(obj, event)
