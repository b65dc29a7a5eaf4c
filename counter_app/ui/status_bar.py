"""The status bar, always visible: link to the central server, pending receipts and the age of the
oldest (amber, then red, past the configured ages; the words say so too), last sync, consumer data
as of, and a progress bar while the consumer data downloads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QStyle, QWidget

from counter_app.domain.cash import DrawerCash
from counter_app.printing.receipt_doc import display_datetime
from counter_app.sync.state import SyncState
from counter_app.ui.i18n import Language
from counter_app.ui.pending_words import pending_words
from counter_app.ui.sync_status import StatusView, status_view

_LEVEL_STYLE = {
    "ok": "",
    "amber": "background:#ffbf00; color:#000; font-weight:bold; padding:0 6px;",
    "red": "background:#b00020; color:#fff; font-weight:bold; padding:0 6px;",
}
# Being online is the normal case and needs no badge; every state where receipts stay here is a
# strong badge with a warning sign in front, so it is seen without reading and without colour.
_BADGE = "font-weight:bold; padding:1px 8px; border:2px solid #000;"
_LINK_STYLE = {
    "online": "color:#1b5e20; padding:0 6px;",
    "offline": "background:#b00020; color:#fff; " + _BADGE,
    "closing": "background:#ffbf00; color:#000; " + _BADGE,
    "auth_error": "background:#b00020; color:#fff; " + _BADGE,
    "server_error": "background:#ffbf00; color:#000; " + _BADGE,
}
_WARN_LINKS = ("offline", "closing", "auth_error", "server_error")


class CounterStatusBar(QStatusBar):
    def __init__(self, language: Language, clock: Callable[[], datetime], amber_min: int, red_min: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.language = language
        self.clock = clock
        self.amber_min = amber_min
        self.red_min = red_min
        self.link_icon = QLabel(self)
        self.link_icon.setObjectName("linkIcon")
        self.link_icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(22, 22))
        self.link_icon.hide()
        self.link_label = QLabel(self)
        self.link_label.setObjectName("linkState")
        self.pending_label = QLabel(self)
        self.sync_label = QLabel(self)
        self.data_label = QLabel(self)
        # the ledger's second copy (mirror_dir) when it is missing, full or behind: a red badge
        self.mirror_label = QLabel(self)
        self.mirror_label.setObjectName("mirrorState")
        self.mirror_label.setWordWrap(False)
        self.mirror_label.hide()
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        # the cash limit (issue 16): only past the soft limit, as the drawer's sum is nobody else's business
        self.cash_label = QLabel(self)
        self.cash_label.setObjectName("cashLimit")
        self.cash_label.hide()
        self.drawer: DrawerCash | None = None
        for w in (self.link_icon, self.link_label, self.mirror_label, self.cash_label, self.pending_label, self.sync_label,
                  self.data_label):
            self.addWidget(w)
        self.addPermanentWidget(self.progress)
        self._state = SyncState()
        self.view: StatusView | None = None
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._render)  # ages grow while nothing else happens
        self._tick.start(30_000)
        self._render()

    def show_state(self, st: SyncState) -> None:
        self._state = st
        self._render()

    def show_cash(self, d: DrawerCash | None) -> None:
        """The open drawer against the cash limits (None: no shift open here)."""
        self.drawer = d
        self._render_cash()

    def _render_cash(self) -> None:
        from kesco_protocol.money import format_inr

        d = self.drawer
        if d is None or not d.over_soft and not d.over_hard:
            self.cash_label.hide()
            self.cash_label.setText("")
            return
        if d.over_hard:
            text = self.tr("CASH LIMIT: the drawer holds %1, above %2. No cash receipts until a supervisor's "
                           "pickup (F8).").replace("%1", format_inr(d.in_drawer_paise)) \
                .replace("%2", format_inr(d.hard_limit_paise))
            style = _LEVEL_STYLE["red"]
        else:
            text = self.tr("Cash in the drawer %1 is above the limit of %2: call a supervisor for a pickup (F8).") \
                .replace("%1", format_inr(d.in_drawer_paise)).replace("%2", format_inr(d.soft_limit_paise))
            style = _LEVEL_STYLE["amber"]
        self.cash_label.setText(text)
        self.cash_label.setAccessibleName(text)
        self.cash_label.setStyleSheet(style)
        self.cash_label.show()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._render()
            self._render_cash()
        super().changeEvent(e)

    def _link_text(self, link: str) -> str:
        return {
            "online": self.tr("Online"),
            "offline": self.tr("OFFLINE: receipts are kept here and sent later"),
            "closing": self.tr("Server closing the month: receipts are kept and sent later"),
            "auth_error": self.tr("SYNC STOPPED: this counter's key was refused; call IT"),
            "server_error": self.tr("Server problem: retrying"),
            "unconfigured": self.tr("Not connected to the central server"),
            "unknown": self.tr("Connecting..."),
        }.get(link, link)

    def _age_text(self, minutes: int) -> str:
        if minutes < 60:
            return self.tr("%1 min").replace("%1", str(minutes))
        if minutes < 48 * 60:
            return self.tr("%1 h %2 min").replace("%1", str(minutes // 60)).replace("%2", str(minutes % 60))
        return self.tr("%1 days").replace("%1", str(minutes // (24 * 60)))

    def _render(self) -> None:
        v = status_view(self._state, self.clock(), self.amber_min, self.red_min)
        self.view = v
        link = self._link_text(v.link)
        self.link_label.setText(link)
        self.link_label.setStyleSheet(_LINK_STYLE.get(v.link, "padding:0 6px;"))
        self.link_label.setAccessibleName(self.tr("Connection: %1").replace("%1", link))
        self.link_icon.setVisible(v.link in _WARN_LINKS)
        pending = pending_words(v.pending, v.pending_by_kind)
        if v.pending:
            if v.oldest_age_min is not None:
                pending += " " + self.tr("(oldest %1)").replace("%1", self._age_text(v.oldest_age_min))
            if v.level == "red":
                pending = self.tr("LATE") + ": " + pending
            elif v.level == "amber":
                pending = self.tr("WAITING") + ": " + pending
        if v.problems:
            pending += " " + self.tr("- %1 need a supervisor").replace("%1", str(v.problems))
        self.pending_label.setText(pending)
        self.pending_label.setAccessibleName(pending)
        self.pending_label.setStyleSheet(_LEVEL_STYLE[v.level])
        last = display_datetime(v.last_sync_at) if v.last_sync_at else self.tr("never")
        self.sync_label.setText(self.tr("Last sync: %1").replace("%1", last))
        as_of = display_datetime(v.consumers_as_of) if v.consumers_as_of else self.tr("none yet")
        self.data_label.setText(self.tr("Consumer data as of %1").replace("%1", as_of))
        # QStatusBar keeps a label at the width of its first text: "Pending receipts: 1 (oldest
        # 0 min)" was cut to "Pending receipts: 1 (old" at 1366×768 with half the bar empty.
        self.reformat()
        if v.error_key and v.link not in ("online", "unconfigured"):
            self.link_label.setToolTip(self.language.message(v.error_key, **v.error_params))
        else:
            self.link_label.setToolTip("")
        if v.mirror_key:
            words = self.language.message(v.mirror_key, **v.mirror_params)
            self.mirror_label.setText(words.split(":")[0] if ":" in words else words)
            self.mirror_label.setToolTip(words)
            self.mirror_label.setAccessibleName(words)
            self.mirror_label.setStyleSheet(_LINK_STYLE["offline"])
            self.mirror_label.show()
        else:
            self.mirror_label.hide()
        if v.progress is not None:
            done, total = v.progress
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(min(done, max(total, 1)))
            self.progress.setFormat(self.tr("Consumer data %p%"))
            self.progress.setAccessibleName(self.tr("Consumer data download"))
            self.progress.show()
        else:
            self.progress.hide()
