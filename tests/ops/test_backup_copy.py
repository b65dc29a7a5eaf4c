"""The backup's copy (storage.migrate.backup_copy, written without a journal for speed): a live
ledger whose last receipts are still only in its WAL is copied whole into a standalone file with a
rollback-journal header, its checksum computed beside the check (ops.backup.make_backup).
Negative control: a plain copy of the main file alone misses the receipts in the WAL."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from counter_app.ops.backup import make_backup, sha256_file
from counter_app.storage.dbfile import quick_check
from tests.conftest import make_counter
from tests.ops.conftest import issue, receipt_rows


def _live_with_wal(tmp_path: Path) -> tuple[object, Path]:
    c = make_counter(tmp_path / "c", consumers=50)
    issue(c, 30)
    db_file = tmp_path / "c" / "counter.sqlite3"
    wal = db_file.with_name(db_file.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # receipts not yet checkpointed into the file
    return c, db_file


def test_the_backup_holds_what_is_only_in_the_wal_and_is_standalone(tmp_path: Path) -> None:
    c, db_file = _live_with_wal(tmp_path)
    info = make_backup(db_file, tmp_path / "bk", kind="manual")
    out = Path(info.path)
    assert receipt_rows(out) == receipt_rows(db_file) and info.receipts == 30
    assert quick_check(out) is None and sha256_file(out) == info.sha256
    header = out.read_bytes()[:100]
    assert (header[18], header[19]) == (1, 1)  # rollback journal: no -wal needed beside it
    assert not out.with_name(out.name + "-wal").exists() and not out.with_name(out.name + "-journal").exists()
    con = sqlite3.connect(out)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    con.close()
    c.close()  # type: ignore[attr-defined]


def test_negative_control_a_copy_of_the_main_file_alone_misses_the_wal(tmp_path: Path) -> None:
    c, db_file = _live_with_wal(tmp_path)
    plain = tmp_path / "plain.sqlite3"
    shutil.copy(db_file, plain)
    assert receipt_rows(plain) != receipt_rows(db_file)
    c.close()  # type: ignore[attr-defined]
