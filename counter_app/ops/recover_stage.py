"""Where a recovery from the server keeps what it fetched until everything is verified: a SQLite
file of its own beside the ledger, thrown away at the end. A year of receipts is about 150 MB of
JSON; held in Python objects it was several times that, so the answer goes page by page into this
file, and the chain walks, the merge with a backup or mirror and the final write read it back one
row at a time (memory stays at one page whatever the size of the ledger)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kesco_protocol.records import Receipt

STAGE_FILENAME = "recover-staging.sqlite3"

_SCHEMA = [
    # the merged receipts: the server's first, then what the source adds beyond them
    """CREATE TABLE receipts (seq INTEGER PRIMARY KEY, receipt_id TEXT NOT NULL, hash TEXT NOT NULL,
        shift_id TEXT, counter_code TEXT, clerk TEXT, business_date TEXT, issued_at TEXT,
        wire TEXT NOT NULL, created_at TEXT NOT NULL, state TEXT NOT NULL)""",
    # other records by id; `ord` keeps the order they were first seen in (ties of created_at)
    """CREATE TABLE records (ord INTEGER PRIMARY KEY AUTOINCREMENT, record_id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL, state TEXT NOT NULL)""",
    # what a backup or mirror holds, before it is merged
    """CREATE TABLE src_receipts (seq INTEGER PRIMARY KEY, receipt_id TEXT NOT NULL, hash TEXT NOT NULL,
        shift_id TEXT, counter_code TEXT, clerk TEXT, business_date TEXT, issued_at TEXT,
        wire TEXT NOT NULL, created_at TEXT NOT NULL, state TEXT NOT NULL)""",
    """CREATE TABLE src_records (ord INTEGER PRIMARY KEY AUTOINCREMENT, record_id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL, state TEXT NOT NULL)""",
]
_RCOLS = "seq, receipt_id, hash, shift_id, counter_code, clerk, business_date, issued_at, wire, created_at, state"


class Stage:
    """The staging file, open. Use as a context manager: the file is removed on leaving."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / STAGE_FILENAME
        _remove(self.path)  # a recovery cut by a crash left one: it starts over
        self.con = sqlite3.connect(self.path, isolation_level=None)
        # disposable: a crash throws it away, so no journal and no fsync
        self.con.execute("PRAGMA journal_mode=OFF")
        self.con.execute("PRAGMA synchronous=OFF")
        self.con.execute("PRAGMA cache_size=-16000")
        for sql in _SCHEMA:
            self.con.execute(sql)
        self.con.execute("BEGIN")

    def __enter__(self) -> Stage:
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.con.close()
        _remove(self.path)

    # --- filling it -----------------------------------------------------------------------------
    def add_receipt(self, r: Receipt, wire: str, created_at: str, state: str, *, source: bool = False) -> bool:
        """False when the sequence number is there already (the server's copy: a repeat is refused
        by the caller; the source's: the later one wins, as a dict would keep it)."""
        table = "src_receipts" if source else "receipts"
        row = (r.seq, r.receipt_id, r.hash, r.shift_id, r.counter_code, r.clerk, r.business_date, r.issued_at,
               wire, created_at, state)
        verb = "INSERT OR REPLACE" if source else "INSERT OR IGNORE"
        cur = self.con.execute(f"{verb} INTO {table} ({_RCOLS}) VALUES ({', '.join('?' * 11)})", row)
        return cur.rowcount == 1

    def add_record(self, kind: str, record_id: str, payload: str, created_at: str, state: str, *,
                   source: bool = False) -> None:
        table = "src_records" if source else "records"
        self.con.execute(f"INSERT INTO {table} (record_id, kind, payload, created_at, state) VALUES (?, ?, ?, ?, ?) "
                         "ON CONFLICT(record_id) DO UPDATE SET kind = excluded.kind, payload = excluded.payload, "
                         "created_at = excluded.created_at, state = excluded.state",
                         (record_id, kind, payload, created_at, state))

    def merge_source(self) -> int | None:
        """The source's receipts and records beyond the server's. Returns the first sequence number
        where both hold a receipt with different hashes (nothing merged then), else None."""
        bad = self.con.execute("SELECT s.seq FROM src_receipts s JOIN receipts r ON r.seq = s.seq "
                               "WHERE s.hash != r.hash ORDER BY s.seq LIMIT 1").fetchone()
        if bad is not None:
            return int(bad[0])
        self.con.execute(f"INSERT INTO receipts ({_RCOLS}) SELECT {_RCOLS} FROM src_receipts "
                         "WHERE seq NOT IN (SELECT seq FROM receipts) ORDER BY seq")
        self.con.execute("INSERT OR IGNORE INTO records (record_id, kind, payload, created_at, state) "
                         "SELECT record_id, kind, payload, created_at, state FROM src_records ORDER BY ord")
        return None

    # --- reading it back, one row at a time ------------------------------------------------------
    def receipts(self, upto: int | None = None) -> Iterator[Receipt]:
        sql = "SELECT wire FROM receipts" + (" WHERE seq <= ?" if upto is not None else "") + " ORDER BY seq"
        for (wire,) in self.con.execute(sql, (upto,) if upto is not None else ()):
            yield Receipt.from_wire(json.loads(wire))

    def count(self, table: str, state: str | None = None, pending: bool | None = None) -> int:
        where = "" if pending is None else (" WHERE state = 'pending'" if pending else " WHERE state != 'pending'")
        return int(self.con.execute(f"SELECT COUNT(*) FROM {table}{where}").fetchone()[0])  # noqa: S608 - fixed names

    def head(self) -> tuple[int, str]:
        row = self.con.execute("SELECT seq, hash FROM receipts ORDER BY seq DESC LIMIT 1").fetchone()
        return (0, "") if row is None else (int(row[0]), str(row[1]))

    def shift_closes(self) -> Iterator[dict[str, Any]]:
        for (payload,) in self.con.execute("SELECT payload FROM records WHERE kind = 'shift_close' ORDER BY ord"):
            yield json.loads(payload)

    def first_receipt_of_each_shift(self) -> Iterator[tuple[str, str, str, str, str]]:
        """(shift_id, counter_code, clerk, business_date, issued_at) of each shift's first receipt."""
        yield from self.con.execute(
            "SELECT shift_id, counter_code, clerk, business_date, issued_at FROM receipts "
            "WHERE seq IN (SELECT MIN(seq) FROM receipts GROUP BY shift_id) ORDER BY seq")

    def in_outbox_order(self) -> Iterator[tuple[str, str, str, str, str]]:
        """(kind, record_id, payload, created_at, state) of everything, by its own time; receipts
        before other records of the same time, receipts by number, records as first seen."""
        yield from self.con.execute(
            "SELECT kind, record_id, payload, created_at, state FROM ("
            " SELECT 'receipt' AS kind, receipt_id AS record_id, wire AS payload, created_at, state, seq AS o1, 0 AS o2"
            " FROM receipts UNION ALL"
            " SELECT kind, record_id, payload, created_at, state, 4611686018427387904, ord FROM records)"
            " ORDER BY created_at, o1, o2")


def _remove(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()
