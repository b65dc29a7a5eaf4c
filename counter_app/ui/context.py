"""What every screen of the window shares: the counter's services, the language, the task runner,
the printer, the sync bridge, the one "what changed" hub, the counter's identity and who is logged
in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from counter_app.app import Application
from counter_app.printing.printers import ReceiptPrinter
from counter_app.services.collection import CollectionService, Session
from counter_app.ui.i18n import Language
from counter_app.ui.ops import ChangeHub
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
    changes: ChangeHub = field(default_factory=ChangeHub)
    # Read once on a worker when the window starts (never from the GUI thread); "" until then.
    counter_code: str = ""
    counter_name: str = ""

    @property
    def service(self) -> CollectionService:
        return self.counter.service

    @property
    def data_dir(self) -> Path:
        return self.counter.data_dir

    def load_identity(self) -> tuple[str, str]:
        """On a worker: the counter's code and name from the store (the config's name wins)."""
        store = self.counter.store
        code = store.get_meta("counter_code") or ""
        name = self.counter.config.counter_name or (store.get_meta("counter_name") or "")
        return code, name
