"""The counter's database file: its name, the one way to open such a file read-only, and the one
integrity check (SQLite's PRAGMA quick_check). Plain sqlite3 only: the fast start runs it before
SQLAlchemy is imported, and backup, restore and the doctor run it on files that are not the live
database."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

DB_FILENAME = "counter.sqlite3"


def connect_read_only(db_file: Path) -> sqlite3.Connection:
    """A connection that can never write the file. A URI, so that the file is opened read-only;
    as_uri() escapes spaces ("KESCO Counter"). The busy timeout lets a check wait out a checkpoint."""
    return sqlite3.connect(f"{Path(db_file).resolve().as_uri()}?mode=ro", uri=True, timeout=5)


def quick_check(db_file: Path) -> str | None:
    """None when the file passes PRAGMA quick_check, else what is wrong (its first complaints, or
    why sqlite refuses to open the file at all)."""
    try:
        con = connect_read_only(db_file)
    except sqlite3.Error as e:
        return str(e)
    try:
        return quick_check_on(con)
    finally:
        con.close()


def quick_check_on(con: sqlite3.Connection) -> str | None:
    """quick_check on a connection already open: the live database checks through its own reader
    (a read-write connection can recover a WAL left by a crash, which a read-only one may not)."""
    try:
        # main only: on the ledger's connections the consumer cache is attached, and its state is
        # never a ledger fault (it is fetched again)
        rows = con.execute("PRAGMA main.quick_check").fetchall()
    except sqlite3.Error as e:  # a header so broken that sqlite refuses the file, or a locked one
        return str(e)
    if len(rows) == 1 and rows[0][0] == "ok":
        return None
    return "; ".join(str(r[0]) for r in rows[:5])


def fsync_dir(path: Path) -> None:
    """Makes a rename or a new file in `path` durable (POSIX: the directory's entry is flushed)."""
    if os.name != "posix":  # pragma: no cover - Windows has no directory fsync
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
