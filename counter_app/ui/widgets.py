"""Small widgets every screen uses: the message line (error / done / note, said in words as well
as colour), labelled fields with accessible names, the read-only table, and the window's style sheet."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

STYLE_SHEET = """
QWidget { font-size: 13pt; }
QLineEdit, QComboBox, QPushButton { min-height: 34px; }
QLineEdit#account { font-size: 18pt; }
QLineEdit#amount { font-size: 20pt; font-weight: bold; }
QLabel#title { font-size: 18pt; font-weight: bold; }
QLabel#consumerName { font-size: 17pt; font-weight: bold; }
QLabel#due { font-size: 17pt; font-weight: bold; }
QLabel#words { color: #333; }
QLabel#warning { background: #fff3cd; color: #5c4400; border: 1px solid #b38600; padding: 4px; }
QLabel#alert[kind="error"] { background: #fde7e9; color: #8a0010; border: 2px solid #b00020; }
QLabel#alert[kind="ok"] { background: #e6f4ea; color: #0d4d1c; border: 2px solid #1b5e20; }
QLabel#alert[kind="note"] { background: #e8f0fe; color: #0b3570; border: 2px solid #0b4f8a; }
QPushButton#primary { font-weight: bold; background: #0b4f8a; color: white; padding: 4px 16px; }
QPushButton#primary:disabled { background: #7f9fbf; }
QFrame#card { border: 1px solid #9aa5b1; border-radius: 4px; background: #fbfcfd; }
QStatusBar QLabel { font-size: 12pt; padding: 0 8px; border-right: 1px solid #9aa5b1; }
QTableView, QListView { font-size: 13pt; }
"""


class Retranslates:
    """Mixin for a widget that sets its texts in `retranslate()`: Qt's LanguageChange event (F12, or
    a language chosen at login) calls it, so no widget writes its own changeEvent for that."""

    def retranslate(self) -> None:
        raise NotImplementedError

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(e)  # type: ignore[misc]


class AlertLabel(QLabel):
    """One line (or a few) telling the clerk what just happened. The kind is in the words too
    ("Error:", "Done:"), so nothing depends on seeing the colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alert")
        self.setWordWrap(True)
        # The room around the text is a contents margin, not style-sheet padding: QLabel's height
        # for a width leaves padding out, so a crowded screen squeezed the line until its text was cut.
        self.setContentsMargins(8, 5, 8, 5)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = ""
        self.body = ""
        # The text as a function of the language, when the caller gave one: F12 then says the
        # message on screen again in the other language, not only its "Done:".
        self._source: Callable[[], str] | None = None
        self.hide()

    def _show(self, kind: str, text: str | Callable[[], str]) -> None:
        self._source = text if callable(text) else None
        text = text() if callable(text) else text
        self.kind, self.body = kind, text
        self.setProperty("kind", kind)
        prefix = {"error": self.tr("Error:"), "ok": self.tr("Done:"), "note": self.tr("Note:")}[kind]
        self.setText(f"{prefix} {text}")
        self.setAccessibleName(self.text())
        self.style().unpolish(self)
        self.style().polish(self)
        parent = self.parentWidget()
        width = max(self.width(), (parent.width() - 24) if parent is not None else 0, 200)
        self.setMinimumHeight(self.heightForWidth(width))
        self.show()

    def error(self, text: str | Callable[[], str]) -> None:
        self._show("error", text)

    def ok(self, text: str | Callable[[], str]) -> None:
        self._show("ok", text)

    def note(self, text: str | Callable[[], str]) -> None:
        self._show("note", text)

    def clear_message(self) -> None:
        self.kind, self.body, self._source = "", "", None
        self.setText("")
        self.setMinimumHeight(0)
        self.hide()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange and self.kind:
            self._show(self.kind, self._source or self.body)
        super().changeEvent(e)


def line_edit(object_name: str, parent: QWidget | None = None, *, password: bool = False,
              max_length: int = 100) -> QLineEdit:
    e = QLineEdit(parent)
    e.setObjectName(object_name)
    e.setMaxLength(max_length)
    if password:
        e.setEchoMode(QLineEdit.EchoMode.Password)
    return e


def add_row(form: QFormLayout, label: QLabel, field: QWidget) -> None:
    """A labelled row whose label is the field's buddy (Alt+letter) and accessible name."""
    label.setBuddy(field)
    form.addRow(label, field)


def set_label(label: QLabel, field: QWidget, text: str) -> None:
    label.setText(text)
    field.setAccessibleName(text.replace("&", ""))


def centred_column(page: QWidget, *items: QWidget | QLayout | int) -> QVBoxLayout:
    """The sign-in and shift pages' layout: one column, the middle half of the page wide, holding
    `items` from the top (a widget, a layout, or an int for that many pixels of space)."""
    box = QVBoxLayout()
    for item in items:
        if isinstance(item, int):
            box.addSpacing(item)
        elif isinstance(item, QLayout):
            box.addLayout(item)
        else:
            box.addWidget(item)
    box.addStretch(1)
    outer = QHBoxLayout(page)
    outer.addStretch(1)
    outer.addLayout(box, 2)
    outer.addStretch(1)
    return box


def fit_stack_to_current(stack: QStackedWidget) -> None:
    """Size a stack to the page on screen: Qt makes a stack as tall as its tallest page, hidden
    ones included, which made short pages scroll (the window's pages, the consumer card's)."""
    current = stack.currentWidget()
    for i in range(stack.count()):
        page = stack.widget(i)
        if page is None:
            continue
        policy = QSizePolicy.Policy.Preferred if page is current else QSizePolicy.Policy.Ignored
        page.setSizePolicy(policy, policy)
        page.updateGeometry()


def table_view(model: QAbstractItemModel, name: str, parent: QWidget, *, single: bool = False) -> QTableView:
    """A read-only table: whole rows selected (one at a time when `single`), no row numbers,
    columns as wide as their contents and the last one taking the rest."""
    t = QTableView(parent)
    t.setObjectName(name)
    t.setModel(model)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t
