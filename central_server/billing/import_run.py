"""What the imports of files from outside (the billing system's master or bills, a bank statement)
share around reading them: who loaded the file, the rejects file written beside it, the refusal
that carries the import's report, and the exception that ends a dry run's transaction."""

from __future__ import annotations

import csv
import getpass
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from central_server.billing.mapping import MappingError
from central_server.billing.master_file import Reject

T = TypeVar("T")


def whoami() -> str:
    """The operating-system user running the command (an import is recorded with who ran it)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def loaded_by(given: str | None) -> str:
    """Who an import is recorded as: the name given, else the OS user; bounded like the column."""
    return (given or whoami())[:64]


def rejects_path(path: Path, given: str | Path | None) -> Path:
    """The rejects file: the one given, else FILE.rejects.csv beside the file."""
    return Path(given) if given else path.with_name(path.name + ".rejects.csv")


class CommandRefused(Exception):
    """A file command refused before it did anything (its mapping or its file); the CLI prints
    `error: …` and exits 2."""


def read_mapping(load: Callable[[str | None], T], arg: str | None) -> T:
    """The command's --mapping read by `load`; CommandRefused naming what is wrong with it."""
    try:
        return load(arg)
    except MappingError as e:
        raise CommandRefused(str(e)) from None


def input_file(arg: str) -> Path:
    """The command's input file, which must exist (checked before the database is opened)."""
    path = Path(arg)
    if not path.is_file():
        raise CommandRefused(f"no such file {path}")
    return path


class ImportRefused(Exception):
    """Nothing was applied; the report (LoadReport, BankReport) says why."""

    def __init__(self, report: Any) -> None:
        super().__init__(report.message)
        self.report = report


class DryRunRollback(Exception):
    """Ends a dry run's transaction without committing it."""


class RejectsFile:
    """The rejects file (line, column, reason, value), written as rows come and renamed into place
    at the end; none is left behind when there was nothing to reject."""

    def __init__(self, path: Path) -> None:
        self.path, self.tmp = path, path.with_name(path.name + ".part")
        self.count = 0
        self._f: Any = None
        self._w: Any = None

    def add(self, r: Reject) -> None:
        if self._f is None:
            self._f = self.tmp.open("w", encoding="utf-8", newline="")
            self._w = csv.writer(self._f)
            self._w.writerow(["line", "column", "reason", "value"])
        self._w.writerow([r.line, r.column, r.reason, r.value])
        self.count += 1

    def close(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None
            os.replace(self.tmp, self.path)


def write_rejects(path: Path, rejects: Iterable[Reject]) -> None:
    """Every reject at once (a statement refused whole)."""
    f = RejectsFile(path)
    for r in rejects:
        f.add(r)
    f.close()
