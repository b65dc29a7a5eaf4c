"""`counter-app gui` (also what `counter-app` with no command runs): the counter window, with the
sync engine running behind it when the counter is enrolled.

Starting quickly: the store's start-up integrity check reads the whole database file (half a second
with 5.3 lakh consumers). It runs first thing on a thread, on a bare sqlite3 connection, while the
main thread loads Qt; SQLite releases the interpreter lock while it reads, so the two overlap."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from pathlib import Path
from typing import Any

from counter_app.storage.dbfile import DB_FILENAME, quick_check

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    p = sub.add_parser("gui", help="open the counter window (the default)")
    p.add_argument("--no-sync", action="store_true", help="do not start the sync engine")
    p.set_defaults(func=cmd_gui)


def start_engine(counter: Any, **options: Any) -> Any:
    """The sync engine for an enrolled counter, started; None when not configured or when the
    keyring is unusable (the window then shows the local outbox and says it is not connected)."""
    if not counter.config.server_url:
        return None
    try:
        from counter_app.sync.setup import make_engine

        engine = make_engine(counter, **options)
    except Exception as e:  # noqa: BLE001 - collecting never depends on the network side
        log.warning("sync engine not started: %s", e)
        return None
    engine.start()
    return engine


def cmd_gui(args: argparse.Namespace) -> int:
    from counter_app.config import resolve_data_dir
    from counter_app.ops.setup import needs_setup

    data_dir = resolve_data_dir(args.data_dir)
    first_run = needs_setup(data_dir)
    opening = None if first_run else BackgroundOpen(data_dir)  # overlaps the store's check with Qt's loading
    from counter_app.ui.app import build_window, create_application, has_display

    if not has_display():
        print("There is no display. Run `counter-app demo` for an offscreen tour with screenshots.",
              file=sys.stderr)
        if opening is not None:
            opening.result().close()
        return 2
    app = create_application()
    if first_run:
        from counter_app.ui.setup_dialog import run_setup_if_needed

        if not run_setup_if_needed(data_dir, lang=args.lang):
            return 1
        opening = BackgroundOpen(data_dir)
    assert opening is not None
    with opening.result() as counter:
        lang = args.lang if args.lang != "en" else (counter.config.language or "en")
        engines: list[Any] = []
        try:
            window = build_window(counter, lang=lang)
            schedule_daily_backup(window, counter)
            window.showMaximized()
            if not args.no_sync:
                start_engine_later(window, counter, engines)
            return int(app.exec())
        finally:
            for engine in engines:
                engine.stop()


def start_engine_later(window: Any, counter: Any, engines: list[Any]) -> None:
    """The sync engine, started on the task runner once the login window is on screen: its imports
    (HTTP, the keyring and its backends) and the keyring's first answer were a good part of the
    start-up on a busy PC, and nothing on the login screen needs them. Until it runs, the status
    bar shows the local outbox."""
    from PySide6.QtCore import QTimer

    def started(engine: Any) -> None:
        if engine is not None:
            engines.append(engine)
            window.ctx.sync.attach(engine)

    # timers bound to the window's runner: they die with the window (a bare lambda outlives it and
    # calls into a deleted thread pool)
    QTimer.singleShot(0, window.ctx.runner, lambda: window.ctx.runner.submit(lambda: start_engine(counter), started,
                                                          lambda e: log.warning("sync engine: %s", e)))


BACKUP_CHECK_MS = 10 * 60 * 1000


def schedule_daily_backup(window: Any, counter: Any) -> Any:
    """The daily backup (SQLite's backup API, to the configured folder, rotated) ticks every ten
    minutes on the window's task runner, off the GUI thread; it runs once a day after 13:00."""
    from PySide6.QtCore import QTimer

    from counter_app.ops.scheduler import DailyBackup

    backup = DailyBackup(counter.data_dir, counter.config)
    timer = QTimer(window)
    timer.setInterval(BACKUP_CHECK_MS)
    timer.timeout.connect(lambda: window.ctx.runner.latest("daily-backup", backup.tick))
    timer.start()
    QTimer.singleShot(60_000, timer, lambda: window.ctx.runner.latest("daily-backup", backup.tick))
    return timer


# ------------------------------------------------------------------------------ fast start

class BackgroundOpen:
    """The counter, opened on a thread; `result()` waits for it (and re-raises its error)."""

    def __init__(self, data_dir: str | Path | None, **kwargs: Any) -> None:
        self._counter: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(data_dir, kwargs), name="open-counter",
                                        daemon=True)
        self._thread.start()

    def _run(self, data_dir: str | Path | None, kwargs: dict[str, Any]) -> None:
        try:
            self._counter = open_checked(data_dir, **kwargs)
        except BaseException as e:  # noqa: BLE001 - handed to the caller in result()
            self._error = e

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._counter


def open_checked(data_dir: str | Path | None, **kwargs: Any) -> Any:
    """open_application(data_dir), with the integrity check done before the heavy imports. A file that
    is missing or fails the check goes through open_application's own path, which decides what a
    damaged store means (read-only, no migration)."""
    from counter_app.config import resolve_data_dir

    path = resolve_data_dir(data_dir)
    db = path / DB_FILENAME
    damaged = quick_check(db) if db.exists() else "missing"
    from counter_app.app import open_application

    if damaged is not None:
        return open_application(path, **kwargs)
    # The check is done: open_store's own would read the whole file a second time.
    return open_application(path, check=False, **kwargs)
