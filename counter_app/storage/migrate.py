"""Schema upgrades with Alembic, after a backup copy made with SQLite's backup API.

The current revision is read straight from `alembic_version`, so a start-up on an up-to-date
database never imports Alembic (it costs start-up time the clerk would wait for)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from counter_app.domain.errors import StorageError

# Every revision this version of the software knows, oldest first. A test checks it against
# Alembic's own history.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009")
HEAD = REVISIONS[-1]
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def current_revision(path: Path) -> str | None:
    if not path.exists():
        return None
    con = sqlite3.connect(path)
    try:
        row = con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if row is None:
            return None
        rev = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if rev is None else str(rev[0])
    except sqlite3.DatabaseError as e:
        raise StorageError("storage.damaged", detail=str(e)) from None
    finally:
        con.close()


def backup_copy(src: Path, dest: Path) -> Path:
    """A consistent copy of a live database (SQLite's online backup API), fsynced."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    # Read-only by URI (as_uri() escapes spaces, as in "KESCO Counter"): a copy never writes the source.
    s = sqlite3.connect(f"{Path(src).resolve().as_uri()}?mode=ro", uri=True)
    d = sqlite3.connect(dest)
    try:
        # the copy is one file written once and fsynced whole below: a rollback journal and a
        # sync per step would only slow it (a copy cut half-way is discarded by every caller)
        d.execute("PRAGMA journal_mode=OFF")
        d.execute("PRAGMA synchronous=OFF")
        s.backup(d)
        d.execute("PRAGMA journal_mode=DELETE")  # the header says rollback journal, not WAL
    finally:
        d.close()
        s.close()
    with open(dest, "rb+") as fh:
        import os

        os.fsync(fh.fileno())
    return dest


def upgrade(path: Path, *, backup_dir: Path | None = None) -> str | None:
    """Bring the database at `path` to HEAD. Refuses a database from a newer version. Returns the
    path of the pre-upgrade backup, if one was made."""
    rev = current_revision(path)
    if rev == HEAD:
        return None
    if rev is not None and rev not in REVISIONS:
        raise StorageError("storage.newer_schema", found=rev, known=HEAD)
    made: str | None = None
    if rev is not None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = (backup_dir or path.parent / "backups") / f"pre-upgrade-{rev}-to-{HEAD}-{stamp}.sqlite3"
        made = str(backup_copy(path, target))
    _alembic_upgrade(path, HEAD)
    if rev is not None and REVISIONS.index(rev) < REVISIONS.index(CACHE_SPLIT):
        shrink(path)
    return made


CACHE_SPLIT = "0008"  # the consumer cache left the ledger: the file is rewritten without its pages


def shrink(path: Path) -> None:
    """VACUUM, then a checkpoint that truncates: the file on disk gets smaller at once."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("VACUUM")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        con.close()


def _alembic_upgrade(path: Path, target: str) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = create_engine(f"sqlite+pysqlite:///{path}")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
    finally:
        engine.dispose()
