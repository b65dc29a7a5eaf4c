"""Rotating log files in the data directory, safe in the windowed Windows build.

A PyInstaller windowed executable starts with sys.stdout and sys.stderr set to None: the first
print() or warning would raise, and an uncaught exception would vanish without a trace. So the
process gets real streams before anything else runs, and uncaught exceptions go to the log file."""

from __future__ import annotations

import logging
import os
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import Any

LOG_DIRNAME = "logs"
LOG_FILENAME = "counter.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 10
FORMAT = "%(asctime)s %(levelname)-7s %(process)d %(threadName)s %(name)s: %(message)s"

log = logging.getLogger("counter_app")

_handler: RotatingFileHandler | None = None
_lock = threading.Lock()


def ensure_std_streams() -> None:
    """Give a windowed process (no console) somewhere to write: os.devnull, until the log file is
    open, when stray output goes to the log instead."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - process-long


class _StreamToLog:
    """A file-like object that sends what is written to it to a logger, line by line."""

    def __init__(self, logger: logging.Logger, level: int) -> None:
        self._logger = logger
        self._level = level
        self._buf = ""
        self.encoding = "utf-8"

    def write(self, s: str) -> int:
        self._buf += s
        while "\n" in self._buf:
            line, self._buf = self._buf.split("\n", 1)
            if line.strip():
                self._logger.log(self._level, line.rstrip())
        return len(s)

    def flush(self) -> None:
        if self._buf.strip():
            self._logger.log(self._level, self._buf.rstrip())
        self._buf = ""

    def isatty(self) -> bool:
        return False


def log_dir(data_dir: Path) -> Path:
    return Path(data_dir) / LOG_DIRNAME


def setup_logging(data_dir: Path | None, *, level: int = logging.INFO, windowed: bool | None = None) -> Path | None:
    """Log to `<data_dir>/logs/counter.log`, rotated at 2 MB, ten files kept. Safe to call again
    (a second call with another directory moves the log there). Never raises: a counter that cannot
    write its log must still take payments. Returns the log file's path, or None."""
    global _handler
    ensure_std_streams()
    if windowed is None:
        windowed = _is_windowed()
    root = logging.getLogger()
    with _lock:
        path: Path | None = None
        if data_dir is not None:
            try:
                d = log_dir(data_dir)
                d.mkdir(parents=True, exist_ok=True)
                path = d / LOG_FILENAME
                if _handler is not None and Path(_handler.baseFilename) == path.resolve():
                    return path
                handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                                              encoding="utf-8", delay=False)
            except OSError:
                path = None
            else:
                handler.setFormatter(logging.Formatter(FORMAT))
                if _handler is not None:
                    root.removeHandler(_handler)
                    _handler.close()
                _handler = handler
                root.addHandler(handler)
        if root.level == logging.NOTSET or root.level > level:
            root.setLevel(level)
        sys.excepthook = _log_uncaught
        threading.excepthook = _log_thread_exception
        if windowed and path is not None:
            # Nobody can see a windowed process's output: keep it in the log.
            sys.stdout = _StreamToLog(logging.getLogger("stdout"), logging.INFO)
            sys.stderr = _StreamToLog(logging.getLogger("stderr"), logging.WARNING)
        logging.captureWarnings(True)
    if path is not None:
        log.info("log started: pid %s, %s, data %s", os.getpid(), _version(), data_dir)
    return path


def close_logging() -> None:
    """Detach and close the log file (tests, and a restore that swaps the data directory)."""
    global _handler
    with _lock:
        if _handler is not None:
            logging.getLogger().removeHandler(_handler)
            _handler.close()
            _handler = None


def _is_windowed() -> bool:
    # The frozen windowed build has no console: sys.stderr was None before ensure_std_streams().
    return bool(getattr(sys, "frozen", False)) and (sys.stderr is None or _is_devnull(sys.stderr))


def _is_devnull(stream: Any) -> bool:
    return getattr(stream, "name", None) == os.devnull


def _log_uncaught(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log.critical("uncaught exception", exc_info=(exc_type, exc, tb))


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit or args.exc_value is None:
        return
    log.critical("uncaught exception in thread %s", getattr(args.thread, "name", "?"),
                 exc_info=(args.exc_type, args.exc_value, args.exc_traceback))


def _version() -> str:
    from counter_app import __version__

    frozen = " (packaged)" if getattr(sys, "frozen", False) else ""
    return f"counter-app {__version__}{frozen}"
