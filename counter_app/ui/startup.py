"""Starting the window quickly: the store's start-up integrity check reads the whole database file
(half a second with 5.3 lakh consumers). It runs first thing on a thread, on a bare sqlite3
connection, while the main thread loads Qt; SQLite releases the interpreter lock while it reads, so
the two overlap. No Qt import here."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

DB_FILENAME = "counter.sqlite3"  # counter_app.storage.db.DB_FILENAME, checked below


def quick_check(path: Path) -> str | None:
    """None when PRAGMA quick_check says ok (as Database.quick_check), else what it says."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.Error as e:
        return str(e)
    if len(rows) == 1 and rows[0][0] == "ok":
        return None
    return "; ".join(str(r[0]) for r in rows[:5])


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
    """open_counter(data_dir), with the integrity check done before the heavy imports. A file that
    is missing or fails the check goes through open_counter's own path, which decides what a
    damaged store means (read-only, no migration)."""
    from counter_app.config import resolve_data_dir

    path = resolve_data_dir(data_dir)
    db = path / DB_FILENAME
    damaged = quick_check(db) if db.exists() else "missing"
    from counter_app.app import Counter, open_counter
    from counter_app.storage import db as db_module

    if damaged is not None or db_module.DB_FILENAME != DB_FILENAME:
        return open_counter(path, **kwargs)
    # What open_counter does, with the check already done (open_store's own check would read the
    # whole file a second time).
    from counter_app.config import Config
    from counter_app.services.clock import system_clock
    from counter_app.services.counter import CounterService
    from counter_app.storage.store import open_store

    config = Config.load(path)
    store = open_store(path, lock=kwargs.get("lock", True), check=False)
    return Counter(path, config, store, CounterService(store, config, kwargs.get("clock", system_clock)))
