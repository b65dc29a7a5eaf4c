"""The Qt binding must not corrupt reference counts: PySide6 6.12.0 on Python 3.11 released a
reference to True on every signal emit() and to None on every call of a void method, so a window
crashed ("deallocating None") after a few thousand events. Pinned to 6.11.3; this keeps it so."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QLabel


class _Emitter(QObject):
    sig = Signal(object)


class _Model(QAbstractListModel):
    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 3

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return None


def _counts() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


def test_emit_and_void_calls_keep_reference_counts(qapp: Any) -> None:
    e, m, label = _Emitter(), _Model(), QLabel()
    seen: list[object] = []
    e.sig.connect(seen.append)
    before = _counts()
    for _ in range(500):
        e.sig.emit(1)
        label.setText("x")
        qapp.processEvents()
        m.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    after = _counts()
    # Immortal objects (Python 3.12+) hide such bugs; on 3.11 a leak shows as -500 or more.
    assert all(abs(a - b) < 50 for a, b in zip(after, before, strict=True)), (before, after)
