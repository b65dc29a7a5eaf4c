"""Starting the window quickly: the store's start-up integrity check reads the whole database file
(half a second with 5.3 lakh consumers), so the counter is opened on a thread while Qt loads;
SQLite releases the interpreter lock while it reads, so the two overlap. No Qt import here."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any


class BackgroundOpen:
    """`open_counter(data_dir)` on a thread; `result()` waits for it (and re-raises its error)."""

    def __init__(self, data_dir: str | Path | None, **kwargs: Any) -> None:
        self._counter: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(data_dir, kwargs), name="open-counter",
                                        daemon=True)
        self._thread.start()

    def _run(self, data_dir: str | Path | None, kwargs: dict[str, Any]) -> None:
        try:
            from counter_app.app import open_counter

            self._counter = open_counter(data_dir, **kwargs)
        except BaseException as e:  # noqa: BLE001 - handed to the caller in result()
            self._error = e

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._counter
