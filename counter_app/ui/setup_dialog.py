"""First-run setup for IT: counter code, where the counter is, the central server's address and the
one-time enrollment code. Everything is done by counter_app.ops.setup.apply_setup (the token goes
to the OS keyring through the sync engine); the dialog only collects, shows errors and runs the work
off the GUI thread (enrollment is a network call)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app.config import Config
from counter_app.domain.errors import CounterError
from counter_app.ops.setup import SetupResult, apply_setup
from counter_app.ui.tasks import TaskRunner
from counter_app.ui.widgets import AlertLabel, Retranslates


class SetupDialog(Retranslates, QDialog):
    """Modal; `result_value` holds the SetupResult after acceptance."""

    def __init__(self, data_dir: Path, *, lang: str = "en", tokens: Any = None,
                 parent: QWidget | None = None, setup: Callable[..., SetupResult] = apply_setup,
                 runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupDialog")
        self.data_dir = Path(data_dir)
        self.lang = lang
        self.tokens = tokens
        self._setup = setup
        self.result_value: SetupResult | None = None
        cfg = Config.load(self.data_dir)

        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.code = self._edit("counterCode", cfg.counter_code, 16)
        self.name = self._edit("counterName", cfg.counter_name, 80)
        self.server = self._edit("serverUrl", cfg.server_url, 300)
        self.enrollment = self._edit("enrollmentCode", "", 200)
        self.enrollment.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = AlertLabel(self)  # the window's one message line (it has no style sheet yet: colour here)
        self.error.setStyleSheet("color: #b00020; font-weight: bold;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.labels = [QLabel(self) for _ in range(4)]
        form = QFormLayout()
        for label, field in zip(self.labels, (self.code, self.name, self.server, self.enrollment), strict=True):
            label.setBuddy(field)
            form.addRow(label, field)
        box = QVBoxLayout(self)
        box.addWidget(self.intro)
        box.addLayout(form)
        box.addWidget(self.error)
        box.addWidget(self.buttons)
        # The window's task runner when there is one; before the window exists (first start-up) a
        # runner of the same kind, owned by the dialog.
        self.runner = runner if runner is not None else TaskRunner(self, max_threads=1)
        self.retranslate()
        self.setMinimumWidth(560)

    def _edit(self, name: str, value: str, max_length: int) -> QLineEdit:
        e = QLineEdit(value, self)
        e.setObjectName(name)
        e.setMaxLength(max_length)
        return e

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Counter setup (IT)"))
        self.intro.setText(self.tr(
            "Set up this counter once. The counter code is printed on every receipt and cannot change "
            "after the first receipt. The enrollment code comes from headquarters and works only once; "
            "the token it gives is kept in this Windows user's credential store, not in a file."))
        texts = (self.tr("&Counter code (e.g. K07)"), self.tr("Counter &location"),
                 self.tr("Central &server address"), self.tr("&Enrollment code"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.server.setPlaceholderText("https://")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Set up"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))

    def _submit(self) -> None:
        self.error.clear_message()
        self._busy(True)
        code, name = self.code.text(), self.name.text().strip()
        server, enrollment = self.server.text(), self.enrollment.text()

        def work() -> SetupResult:
            return self._setup(self.data_dir, code, server, enrollment, counter_name=name, tokens=self.tokens)

        self.runner.submit(work, self._done, self._failed)

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        if isinstance(error, CounterError):
            self.error.error(error.message(self.lang))
        else:  # IT reads this: the exception's name and text say what to look at
            self.error.error(self.tr("Setup failed: %1").replace("%1", f"{type(error).__name__}: {error}"))

    def _done(self, result: SetupResult) -> None:
        self._busy(False)
        self.result_value = result
        self.accept()

    def _busy(self, busy: bool) -> None:
        for w in (self.code, self.name, self.server, self.enrollment, self.buttons):
            w.setEnabled(not busy)
        self.setCursor(Qt.CursorShape.WaitCursor if busy else Qt.CursorShape.ArrowCursor)


def run_setup_if_needed(data_dir: Path, *, lang: str = "en", parent: QWidget | None = None) -> bool:
    """For the window's start-up: show the dialog when the counter is not set up. False when IT
    cancelled (the app should then exit)."""
    from counter_app.ops.setup import needs_setup

    if not needs_setup(data_dir):
        return True
    dialog = SetupDialog(data_dir, lang=lang, parent=parent)
    return dialog.exec() == QDialog.DialogCode.Accepted
