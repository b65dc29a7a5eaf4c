"""Backups of the counter database with SQLite's online backup API, their manifests and rotation.

A backup is written to a `.partial` file, checked (quick_check), fsynced and only then renamed, so a
USB stick pulled out half-way never leaves a file that looks complete. Each backup has a JSON
manifest beside it: counter, time, schema, last receipt and a SHA-256 of the file. Rotation deletes
only automatic daily backups, and only after a new one succeeded."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.config import Config
from counter_app.domain.errors import CounterError
from counter_app.services.clock import IST, system_clock
from counter_app.storage import outbox
from counter_app.storage.dbfile import DB_FILENAME, connect_read_only, fsync_dir, quick_check
from counter_app.storage.migrate import backup_copy

log = logging.getLogger(__name__)

SUFFIX = ".sqlite3"
KINDS = ("daily", "manual", "pre-restore")
# K07-20261129-231500-daily.sqlite3
_NAME = re.compile(r"^(?P<code>[A-Z0-9-]+?)-(?P<stamp>\d{8}-\d{6})-(?P<kind>daily|manual|pre-restore)\.sqlite3$")


class BackupError(CounterError):
    key = "ops.backup_failed"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: str
    kind: str
    counter_code: str | None
    created_at: str
    schema: str | None
    receipts: int  # the last receipt sequence number in the backup
    head_hash: str | None
    outbox_pending: int
    size_bytes: int
    sha256: str | None

    @property
    def date(self) -> str:
        return self.created_at[:10]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def backup_dir(data_dir: Path, config: Config | None = None) -> Path:
    """Where backups go: the configured folder (a second disk or a USB stick) or `<data>/backups`."""
    cfg = config or Config.load(Path(data_dir))
    return Path(cfg.backup_dir).expanduser() if cfg.backup_dir else Path(data_dir) / "backups"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _pending(con: sqlite3.Connection) -> int:
    try:
        return outbox.summary(con).pending
    except sqlite3.OperationalError:  # no outbox table in this schema revision
        return 0


def describe(db_file: Path) -> dict[str, Any]:
    """Counter code, schema, last receipt and pending count of a database file (read-only)."""
    con = connect_read_only(db_file)
    try:
        def one(sql: str) -> Any:
            try:
                row = con.execute(sql).fetchone()
            except sqlite3.OperationalError:  # a table this schema revision does not have
                return None
            return None if row is None else row[0]

        return {
            "counter_code": one("SELECT value FROM meta WHERE key='counter_code'"),
            "schema": one("SELECT version_num FROM alembic_version"),
            "receipts": int(one("SELECT COALESCE(MAX(seq), 0) FROM receipts") or 0),
            "head_hash": one("SELECT hash FROM receipts ORDER BY seq DESC LIMIT 1"),
            "outbox_pending": _pending(con),
        }
    finally:
        con.close()


def copy_database(src: Path, dest: Path) -> None:
    """A consistent copy of a live database (WAL readers do not block the counter's writer) into a
    self-contained file (rollback journal, no -wal beside it), fsynced."""
    backup_copy(src, dest)


def make_backup(db_file: Path, dest_dir: Path, *, kind: str = "manual", now: datetime | None = None) -> BackupInfo:
    """Back up the database at `db_file` into `dest_dir`. Raises BackupError when the source is
    damaged or the destination cannot be written; nothing half-written is left behind."""
    if kind not in KINDS:
        raise ValueError(kind)
    db_file = Path(db_file)
    if not db_file.exists():
        raise BackupError("ops.no_database", path=str(db_file))
    now = now or system_clock()
    dest_dir = Path(dest_dir)
    partial: Path | None = None
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        code = (describe(db_file).get("counter_code") or "COUNTER").upper()
        name = f"{code}-{now.astimezone(IST).strftime('%Y%m%d-%H%M%S')}-{kind}{SUFFIX}"
        final = dest_dir / name
        partial = dest_dir / (name + ".partial")
        copy_database(db_file, partial)
        # the check and the checksum each read the whole copy and both release the GIL: side by
        # side on two cores they cost the longer of the two (a year's ledger: 0.7 s, not 1.2 s)
        with ThreadPoolExecutor(1, thread_name_prefix="backup-sha256") as pool:
            digest = pool.submit(sha256_file, partial)
            problem = quick_check(partial)
            sha = digest.result()
        if problem is not None:
            raise BackupError("ops.backup_source_damaged", detail=problem)
        d = describe(partial)
        info = BackupInfo(
            path=str(final), kind=kind, counter_code=d["counter_code"], created_at=now.astimezone(IST).isoformat(timespec="seconds"),
            schema=d["schema"], receipts=d["receipts"], head_hash=d["head_hash"],
            outbox_pending=d["outbox_pending"], size_bytes=partial.stat().st_size, sha256=sha,
        )
        os.replace(partial, final)
        partial = None
        _write_manifest(final, info)
        fsync_dir(dest_dir)
    except OSError as e:
        raise BackupError("ops.backup_failed", dest=str(dest_dir), detail=e.strerror or str(e)) from e
    except sqlite3.DatabaseError as e:
        raise BackupError("ops.backup_source_damaged", detail=str(e)) from e
    finally:
        if partial is not None:
            with contextlib.suppress(OSError):
                partial.unlink()
    log.info("backup %s: %s receipts, %s bytes", final, info.receipts, info.size_bytes)
    return info


def manifest_path(backup_file: Path) -> Path:
    return Path(str(backup_file) + ".json")


def _write_manifest(backup_file: Path, info: BackupInfo) -> None:
    tmp = manifest_path(backup_file).with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(info.to_dict(), fh, indent=2, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, manifest_path(backup_file))


def read_info(backup_file: Path) -> BackupInfo:
    """The manifest of a backup, or (no manifest: a file copied by hand) what the file itself says."""
    backup_file = Path(backup_file)
    m = manifest_path(backup_file)
    if m.exists():
        with contextlib.suppress(ValueError, TypeError, OSError):
            raw = json.loads(m.read_text(encoding="utf-8"))
            raw["path"] = str(backup_file)
            return BackupInfo(**raw)
    if not backup_file.exists():
        raise BackupError("ops.backup_not_found", path=str(backup_file))
    mt = _NAME.match(backup_file.name)
    try:
        d = describe(backup_file)
    except sqlite3.DatabaseError as e:
        raise BackupError("ops.backup_damaged", path=str(backup_file), detail=str(e)) from e
    created = datetime.fromtimestamp(backup_file.stat().st_mtime, IST).isoformat(timespec="seconds")
    return BackupInfo(str(backup_file), mt["kind"] if mt else "manual", d["counter_code"], created, d["schema"],
                      d["receipts"], d["head_hash"], d["outbox_pending"], backup_file.stat().st_size, None)


def list_backups(dest_dir: Path, kind: str | None = None) -> list[BackupInfo]:
    """Backups in a folder, oldest first (names sort by time)."""
    dest_dir = Path(dest_dir)
    if not dest_dir.is_dir():
        return []
    out: list[BackupInfo] = []
    for p in sorted(dest_dir.iterdir(), key=lambda p: _sort_key(p.name)):
        m = _NAME.match(p.name)
        if m is None or (kind is not None and m["kind"] != kind):
            continue
        try:
            out.append(read_info(p))
        except CounterError as e:
            log.warning("unreadable backup %s: %s", p, e)
    return out


def _sort_key(name: str) -> str:
    m = _NAME.match(name)
    return m["stamp"] if m else name


def rotate(dest_dir: Path, keep: int) -> list[Path]:
    """Delete the oldest daily backups beyond `keep` (never fewer than one kept; manual and
    pre-restore backups are left alone). Returns what was deleted."""
    keep = max(1, int(keep))
    daily = list_backups(dest_dir, "daily")
    doomed = daily[:-keep] if len(daily) > keep else []
    removed: list[Path] = []
    for info in doomed:
        p = Path(info.path)
        try:
            p.unlink()
            with contextlib.suppress(FileNotFoundError):
                manifest_path(p).unlink()
            removed.append(p)
        except OSError as e:  # a read-only stick: keep going, the doctor reports disk space
            log.warning("could not delete old backup %s: %s", p, e)
    # Half-written files left by a crash or a pulled stick.
    for p in Path(dest_dir).glob(f"*{SUFFIX}.partial"):
        with contextlib.suppress(OSError):
            p.unlink()
    return removed


def latest_backup(dest_dir: Path) -> BackupInfo | None:
    """The newest daily or manual backup."""
    found = [b for b in list_backups(dest_dir) if b.kind in ("daily", "manual")]
    return found[-1] if found else None


def database_file(data_dir: Path) -> Path:
    return Path(data_dir) / DB_FILENAME
