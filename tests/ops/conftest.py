"""Helpers for the operations tests: counters with receipts, outbox states, damaged copies."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text

from counter_app.app import Application
from counter_app.services.collection import Payment
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.records import Receipt
from tests.conftest import CLERK


def issue(counter: Application, n: int, *, start: int = 0, amount: int = 100_00) -> list[Receipt]:
    """n cash receipts in the clerk's open shift (opened if needed)."""
    svc = counter.service
    clerk = svc.login(*CLERK)
    if svc.current_shift(clerk) is None:
        svc.open_shift(clerk, 0)
    return [svc.issue_receipt(clerk, Payment(account_no_for_index(start + i), amount + i)) for i in range(n)]


def mark_synced(counter: Application, record_ids: list[str] | None = None) -> None:
    """What the sync engine does when the server accepts: state 'synced' (all rows by default)."""
    with counter.store.db.write() as conn:
        if record_ids is None:
            conn.execute(text("UPDATE outbox SET state='synced', synced_at='2026-11-29T10:00:00+05:30'"))
        else:
            for rid in record_ids:
                conn.execute(text("UPDATE outbox SET state='synced' WHERE record_id=:r"), {"r": rid})


def receipt_rows(db_file: Path) -> list[tuple]:
    con = sqlite3.connect(db_file)
    try:
        return con.execute("SELECT seq, receipt_id, canonical, prev_hash, hash FROM receipts ORDER BY seq").fetchall()
    finally:
        con.close()


def checkpoint(db_file: Path) -> None:
    con = sqlite3.connect(db_file)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def scribble(db_file: Path, pages: range, page_size: int = 4096) -> None:
    """Overwrite interior pages as a failing disk would (the header is left alone)."""
    data = bytearray(db_file.read_bytes())
    assert len(data) > pages.stop * page_size, "the file is too small to damage those pages"
    for p in pages:
        data[p * page_size: p * page_size + 800] = b"\xde\xad\xbe\xef" * 200
    db_file.write_bytes(bytes(data))


def tamper(db_file: Path, sql: str, *params: object, drop: tuple[str, ...] = ("receipts_no_update",)) -> None:
    """Change stored rows the way an insider with a SQLite tool would: drop the append-only
    trigger first (the app itself can never do this)."""
    con = sqlite3.connect(db_file)
    try:
        for trig in drop:
            con.execute(f"DROP TRIGGER IF EXISTS {trig}")
        con.execute(sql, params)
        con.commit()
    finally:
        con.close()
