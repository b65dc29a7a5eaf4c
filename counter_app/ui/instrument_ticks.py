"""The list of cheques and DDs to tick, as the shift close (what is in the drawer) and the deposit
(what goes to the bank) both show it: one checkable row per instrument, carrying its key."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from counter_app.ui.i18n import say
from kesco_protocol import vocabulary


def instrument_kinds() -> dict[str, str]:
    """The short names of a cheque and a DD in the current language (the lists are narrow)."""
    return {k: say(vocabulary.MODES[k], short=True) for k in ("cheque", "dd")}


def tick_item(text: str, key: Any, ticked: bool) -> QListWidgetItem:
    """A checkable row that carries `key` (a receipt id, or a deposit line's receipt ids)."""
    item = QListWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, key)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
    return item


def ticked_keys(lst: QListWidget) -> list[Any]:
    """The keys of the ticked rows, in list order; a row without a key (a "none" line) is skipped."""
    out = []
    for i in range(lst.count()):
        item = lst.item(i)
        key = item.data(Qt.ItemDataRole.UserRole)
        if key and item.checkState() == Qt.CheckState.Checked:
            out.append(key)
    return out
