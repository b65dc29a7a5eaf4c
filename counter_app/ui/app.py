"""Starting the window: the Qt application (offscreen when there is no display), fonts, language,
the task runner, the printer, the sync bridge and its source, then the main window."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from PySide6.QtCore import QLoggingCategory, QTimer
from PySide6.QtWidgets import QApplication

from counter_app.app import Application
from counter_app.printing.printers import ReceiptPrinter, printer_from_setting
from counter_app.services.desk import StatusBarSummary, outbox_summary
from counter_app.sync.state import Link
from counter_app.ui.context import UiContext
from counter_app.ui.i18n import Language, setup_application_fonts
from counter_app.ui.main_window import MainWindow
from counter_app.ui.sync_status import SyncBridge, SyncEngineLike
from counter_app.ui.tasks import TaskRunner


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal")):
        return False
    if sys.platform.startswith(("win", "darwin")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The one QApplication; on a machine without a display it runs offscreen."""
    if not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # Qt says, once per run, that Noto Sans (first in the font list) has no Devanagari shaping tables;
    # that is expected (Noto Sans Devanagari, next in the list, does the Hindi) and only noise.
    QLoggingCategory.setFilterRules("qt.text.font.db.info=false")
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv or [sys.argv[0]]))
    app.setApplicationName("KESCO Counter")
    app.setOrganizationName("KESCO")
    setup_application_fonts(app)
    return app


def local_outbox_source(ctx: UiContext, link: Link) -> None:
    """Without a sync engine: read the outbox (on the task runner) into the bridge."""

    def done(s: StatusBarSummary) -> None:
        ctx.sync.update(link=link, pending=s.pending, pending_by_kind=dict(s.pending_by_kind),
                        oldest_pending_at=s.oldest_pending_at,
                        conflicts=s.problems, last_push_ok_at=s.last_synced_at,
                        consumers_as_of=s.consumers_as_of, server_period_state=s.server_period_state)

    ctx.runner.latest("outbox", lambda: outbox_summary(ctx.service), done, lambda e: None)


PREWARM_AFTER_MS = 300


def _prewarm() -> None:
    import PySide6.QtPrintSupport  # noqa: F401

    import counter_app.domain.words  # noqa: F401  (num2words and indic-numtowords)


def build_window(counter: Application, *, lang: str = "en", printer: ReceiptPrinter | None = None,
                 engine: SyncEngineLike | None = None, poll_ms: int = 5000) -> MainWindow:
    language = Language(lang)
    runner = TaskRunner()
    bridge = SyncBridge()
    if printer is None:
        printer = printer_from_setting(counter.config.printer, counter.data_dir)
    ctx = UiContext(counter, language, runner, printer, bridge)
    bridge.use_runner(runner.submit)
    ctx.changes.changed.connect(bridge.on_changes)
    window = MainWindow(ctx)
    runner.setParent(window)
    bridge.setParent(window)
    ctx.changes.setParent(window)
    # Load what the first payment and the first print need while the clerk logs in: after the
    # first paint, not during it (on a busy two-core PC the two fought for the same CPU).
    # bound to the runner: a window closed before the timer fires (a test, a quick quit) cancels it,
    # where a bare lambda would call into a deleted thread pool
    QTimer.singleShot(PREWARM_AFTER_MS, runner, lambda: runner.submit(_prewarm, None, lambda e: None))
    if engine is not None:
        bridge.attach(engine)
    else:
        link = Link.UNCONFIGURED if not counter.config.server_url else Link.UNKNOWN
        bridge.poll_local(lambda: local_outbox_source(ctx, link), poll_ms)
    return window
