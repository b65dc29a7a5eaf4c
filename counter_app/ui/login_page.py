"""Log in (user name and PIN; a locked user is told for how long) and choose the language."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from counter_app.services.collection import Session
from counter_app.ui.context import UiContext
from counter_app.ui.i18n import LANGUAGE_NAMES, LANGUAGES
from counter_app.ui.ops import BusyPage, Op
from counter_app.ui.widgets import AlertLabel, Retranslates, add_row, centred_column, line_edit, set_label


class LoginPage(BusyPage, Retranslates, QWidget):
    logged_in = Signal(object)  # Session

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle = QLabel(self)
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.user = line_edit("user", self, max_length=32)
        self.pin = line_edit("pin", self, password=True, max_length=12)
        self.lang = QComboBox(self)
        self.lang.setObjectName("language")
        for code in LANGUAGES:
            self.lang.addItem(LANGUAGE_NAMES[code], code)
        self.lang.setCurrentIndex(LANGUAGES.index(ctx.language.code))
        self.login_button = QPushButton(self)
        self.login_button.setObjectName("primary")
        self.alert = AlertLabel(self)
        self.user_label, self.pin_label, self.lang_label = QLabel(self), QLabel(self), QLabel(self)

        form = QFormLayout()
        add_row(form, self.user_label, self.user)
        add_row(form, self.pin_label, self.pin)
        add_row(form, self.lang_label, self.lang)
        centred_column(self, self.title, self.subtitle, 16, form, self.login_button, self.alert)

        self.user.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.submit)
        self.login_button.clicked.connect(self.submit)
        self.lang.currentIndexChanged.connect(self._language_chosen)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("KESCO cash counter"))
        code = self.ctx.counter_code or "-"
        self.subtitle.setText(self.tr("Counter %1").replace("%1", f"{code} {self.ctx.counter_name}".strip()))
        set_label(self.user_label, self.user, self.tr("&User name"))
        set_label(self.pin_label, self.pin, self.tr("&PIN"))
        set_label(self.lang_label, self.lang, self.tr("&Language"))
        self.login_button.setText(self.tr("Log in (Enter)"))
        self.login_button.setAccessibleName(self.tr("Log in"))

    def reset(self) -> None:
        self.user.clear()
        self.pin.clear()
        self.alert.clear_message()
        self.user.setFocus()

    def _language_chosen(self, index: int) -> None:
        code = self.lang.itemData(index)
        if code and code != self.ctx.language.code:
            self.ctx.language.set(str(code))

    def submit(self) -> None:
        if self.busy:
            return
        username, pin = self.user.text().strip(), self.pin.text()
        if not username or not pin:
            self.alert.error(self.tr("Enter your user name and PIN."))
            (self.user if not username else self.pin).setFocus()
            return
        Op(self, lambda: self.ctx.service.login(username, pin), disable=(self.login_button,),
           note=self.tr("Checking...")).success(self._done).failure(self.failed).run()

    def _done(self, session: Session) -> None:
        self.pin.clear()
        self.alert.clear_message()
        self.logged_in.emit(session)

    def failed(self, _e: BaseException) -> None:
        self.pin.clear()
        self.pin.setFocus()
