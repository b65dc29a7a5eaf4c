"""The doctor's vocabulary: a finding, the context the checks share, thresholds and small helpers."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from counter_app.config import Config
from counter_app.domain.messages import render
from counter_app.ops.backup import BackupInfo, backup_dir, database_file, latest_backup
from counter_app.storage import migrate
from counter_app.storage.dbfile import connect_read_only

T = TypeVar("T")

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
DISK_FAIL_BYTES = 500 * 1024 * 1024
DISK_WARN_BYTES = 2 * 1024 * 1024 * 1024
BACKUP_WARN_HOURS = 48
BACKUP_FAIL_HOURS = 7 * 24
CLOCK_WARN_S = 120
CLOCK_FAIL_S = 600


@dataclass(frozen=True)
class Finding:
    check: str
    status: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    advice: str | None = None

    def text(self, lang: str = "en") -> str:
        return render(self.key, lang, **self.params)

    def advice_text(self, lang: str = "en") -> str | None:
        return None if self.advice is None else render(self.advice, lang, **self.params)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"check": self.check, "status": self.status, "key": self.key, "params": self.params,
                "message": self.text(lang), "advice_key": self.advice, "advice": self.advice_text(lang)}


@dataclass
class Context:
    data_dir: Path
    config: Config
    now: datetime
    server: bool
    timeout_s: float
    db_ok: bool = False  # the database exists, opens and passes quick_check
    local_head: int | None = None
    facts: dict[str, Any] = field(default_factory=dict)


def free_bytes(path: Path) -> int | None:
    p = Path(path)
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        return shutil.disk_usage(p).free
    except OSError:
        return None


def schema_state(db_file: Path) -> tuple[str | None, str]:
    """(revision, 'current' | 'older' | 'newer' | 'none')."""
    rev = migrate.current_revision(db_file)
    if rev is None:
        return None, "none"
    if rev == migrate.HEAD:
        return rev, "current"
    return rev, "older" if rev in migrate.REVISIONS else "newer"


def latest_backup_in(ctx: Context) -> BackupInfo | None:
    return latest_backup(backup_dir(ctx.data_dir, ctx.config))


def db_file(ctx: Context) -> Path:
    return database_file(ctx.data_dir)


def read_ledger(ctx: Context, read: Callable[[sqlite3.Connection], T]) -> T | None:
    """`read` on the ledger opened read-only (beside a running counter, never writing); None when
    there is no ledger yet. sqlite3.DatabaseError of a damaged file is the caller's to report."""
    path = db_file(ctx)
    if not path.exists():
        return None
    con = connect_read_only(path)
    try:
        return read(con)
    finally:
        con.close()


def stored_value(con: sqlite3.Connection, table: str, key: str) -> str | None:
    """A value of the ledger's `kv` or `meta` table; None when absent or the table is not there
    (a ledger of an older version)."""
    assert table in ("kv", "meta")
    try:
        row = con.execute(f"SELECT value FROM {table} WHERE key=?", (key,)).fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else row[0]
