"""What every screen of the window shares: the counter's services, the language, the task runner,
the printer, the sync bridge and who is logged in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from counter_app.app import Application
from counter_app.printing.printers import ReceiptPrinter
from counter_app.services.collection import CollectionService, Session
from counter_app.ui.i18n import Language
from counter_app.ui.sync_status import SyncBridge
from counter_app.ui.tasks import TaskRunner


@dataclass
class UiContext:
    counter: Application
    language: Language
    runner: TaskRunner
    printer: ReceiptPrinter
    sync: SyncBridge
    session: Session | None = None
    shift_id: str | None = None
    printed: list[str] = field(default_factory=list)  # where printed output went (PDF paths), newest last

    @property
    def service(self) -> CollectionService:
        return self.counter.service

    @property
    def data_dir(self) -> Path:
        return self.counter.data_dir

    @property
    def counter_name(self) -> str:
        return self.counter.config.counter_name or (self.counter.store.get_meta("counter_name") or "")
