"""The daily automatic backup: a plain object the app ticks now and then (no Qt, no thread of its
own). The window's task runner calls `tick()` off the GUI thread, e.g. every ten minutes.

One backup a day, taken at the first tick at or after `at_hour` (default 13:00, the lunch lull,
when the morning's receipts are in it; a counter switched on later catches up at once). A failed
attempt (USB stick missing, disk full) is retried after `retry_minutes`, and the state is kept for
the status bar and the doctor. Old daily backups are rotated only after a new one succeeded."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from counter_app.config import Config
from counter_app.domain.errors import CounterError
from counter_app.ops.backup import BackupInfo, backup_dir, database_file, list_backups, make_backup, rotate
from counter_app.services.clock import IST, Clock, system_clock

log = logging.getLogger(__name__)


@dataclass
class BackupState:
    last_ok_at: str | None = None
    last_path: str | None = None
    last_error: str | None = None  # message key of the last failure, None after a success
    last_error_detail: str | None = None
    last_attempt_at: str | None = None


class DailyBackup:
    def __init__(self, data_dir: Path, config: Config | None = None, *, clock: Clock = system_clock,
                 at_hour: int = 13, retry_minutes: int = 30) -> None:
        self.data_dir = Path(data_dir)
        self.config = config or Config.load(self.data_dir)
        self.clock = clock
        self.at_hour = at_hour
        self.retry = timedelta(minutes=retry_minutes)
        self.state = BackupState()
        self._last_attempt: datetime | None = None
        self._busy = threading.Lock()

    @property
    def dest(self) -> Path:
        return backup_dir(self.data_dir, self.config)

    def done_today(self, now: datetime) -> bool:
        today = now.astimezone(IST).date().isoformat()
        try:
            return any(b.date == today for b in list_backups(self.dest, "daily"))
        except OSError:
            return False

    def due(self, now: datetime | None = None) -> bool:
        now = now or self.clock()
        if now.astimezone(IST).hour < self.at_hour:
            return False
        if self._last_attempt is not None and self.state.last_error and now - self._last_attempt < self.retry:
            return False
        return not self.done_today(now)

    def tick(self, now: datetime | None = None) -> BackupInfo | None:
        """Back up if one is due; returns the new backup, or None. Never raises: the outcome is in
        `state` (and the log)."""
        now = now or self.clock()
        if not self._busy.acquire(blocking=False):
            return None  # the previous tick is still copying
        try:
            if not self.due(now):
                return None
            self._last_attempt = now
            self.state.last_attempt_at = now.isoformat(timespec="seconds")
            try:
                info = make_backup(database_file(self.data_dir), self.dest, kind="daily", now=now)
                rotate(self.dest, self.config.backup_keep)
            except CounterError as e:
                self.state.last_error, self.state.last_error_detail = e.key, e.message("en")
                log.error("daily backup failed: %s", e.message("en"))
                return None
            except Exception as e:  # an unexpected failure must not stop the counter
                self.state.last_error, self.state.last_error_detail = "ops.backup_failed", repr(e)
                log.exception("daily backup failed")
                return None
            self.state = BackupState(last_ok_at=info.created_at, last_path=info.path,
                                     last_attempt_at=self.state.last_attempt_at)
            return info
        finally:
            self._busy.release()
