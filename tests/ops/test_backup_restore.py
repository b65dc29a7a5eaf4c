"""Backups and restore: a round trip keeps every receipt and the chain; a restore that would lose
records the server has not acknowledged is refused unless forced; damaged backups never restored."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from counter_app.app import open_application
from counter_app.domain.errors import CounterError, StorageError
from counter_app.ops.backup import (
    BackupError,
    database_file,
    latest_backup,
    list_backups,
    make_backup,
    manifest_path,
    read_info,
)
from counter_app.ops.restore import RestoreRefused, plan_restore, restore
from kesco_demo.load import load_demo_consumers
from tests.conftest import make_counter
from tests.ops.conftest import checkpoint, issue, mark_synced, receipt_rows, scribble


@pytest.fixture
def counter_dir(tmp_path: Path) -> Path:
    return tmp_path / "counter"


def test_backup_restore_round_trip_keeps_receipts_and_chain(counter_dir, tmp_path):
    c = make_counter(counter_dir, consumers=300)
    issued = issue(c, 12)
    info = make_backup(c.store.path, tmp_path / "bk", kind="manual")  # taken while the counter is open
    c.close()
    before = receipt_rows(database_file(counter_dir))
    assert info.receipts == 12 and info.counter_code == "K07" and info.outbox_pending == 12
    assert Path(info.path).exists() and manifest_path(Path(info.path)).exists()
    assert not list(Path(info.path).parent.glob("*.partial"))

    # the disk dies: a new, empty data directory gets the backup
    fresh = tmp_path / "new-pc"
    result = restore(fresh, Path(info.path))
    assert result.replaced_dir is None
    assert receipt_rows(database_file(fresh)) == before
    with open_application(fresh) as c2:
        report = c2.service.verify()
        assert report["ok"], report
        assert report["receipts"] == 12
        assert c2.service.get_receipt(issued[-1].receipt_no) == issued[-1]
        # backups hold the ledger only since 0007: the new PC fetches its consumer cache again
        load_demo_consumers(c2.store, 300)
        # the next receipt continues the chain without a gap
        nxt = issue(c2, 1, start=50)[0]
        assert nxt.seq == 13 and nxt.prev_hash == issued[-1].hash
        assert c2.service.verify()["ok"]


def test_restore_refuses_to_lose_unacknowledged_receipts_unless_forced(counter_dir, tmp_path):
    c = make_counter(counter_dir, consumers=300)
    issue(c, 5)
    mark_synced(c)
    bk = make_backup(c.store.path, tmp_path / "bk")
    later = issue(c, 3, start=10)  # after the backup, and the server has not got them
    c.close()
    before = receipt_rows(database_file(counter_dir))

    plan = plan_restore(counter_dir, Path(bk.path))
    assert [r["seq"] for r in plan.at_risk] == [6, 7, 8]
    assert {r["record_id"] for r in plan.at_risk} == {r.receipt_id for r in later}
    with pytest.raises(RestoreRefused) as e:
        restore(counter_dir, Path(bk.path))
    assert e.value.key == "ops.restore_at_risk"
    assert "6-8" in e.value.message("en") and "6-8" in e.value.message("hi")
    assert receipt_rows(database_file(counter_dir)) == before  # nothing was touched

    # once the server has acknowledged them, the same restore goes ahead (they live on the server)
    with open_application(counter_dir) as c:
        mark_synced(c, [r.receipt_id for r in later])
    result = restore(counter_dir, Path(bk.path))
    assert len(result.plan.acknowledged_missing) == 3 and not result.plan.at_risk
    assert [r[0] for r in receipt_rows(database_file(counter_dir))] == [1, 2, 3, 4, 5]
    # the replaced database is kept, complete, never deleted
    kept = Path(result.replaced_dir) / "counter.sqlite3"
    assert [r[0] for r in receipt_rows(kept)] == list(range(1, 9))
    with open_application(counter_dir, lock=False) as c:
        from counter_app.storage.store import get_kv

        with c.store.db.read() as conn:
            assert get_kv(conn, "restored_behind_seq") == "8"


def test_forced_restore_goes_ahead_and_keeps_the_old_file(counter_dir, tmp_path):
    c = make_counter(counter_dir, consumers=300)
    issue(c, 2)
    bk = make_backup(c.store.path, tmp_path / "bk")
    issue(c, 2, start=5)
    c.close()
    result = restore(counter_dir, Path(bk.path), force=True)
    assert result.forced and len(result.plan.at_risk) == 2
    assert [r[0] for r in receipt_rows(database_file(counter_dir))] == [1, 2]
    assert len(receipt_rows(Path(result.replaced_dir) / "counter.sqlite3")) == 4
    con = sqlite3.connect(database_file(counter_dir))
    detail = json.loads(con.execute("SELECT detail FROM audit WHERE action='restore'").fetchone()[0])
    con.close()
    assert detail["forced"] is True and detail["lost_unacknowledged"] == 2


def test_restore_refused_while_the_counter_is_running(counter_dir, tmp_path):
    c = make_counter(counter_dir, consumers=100)
    bk = make_backup(c.store.path, tmp_path / "bk")
    try:
        with pytest.raises(StorageError) as e:
            restore(counter_dir, Path(bk.path), force=True)
        assert e.value.key == "storage.locked_by_other"
    finally:
        c.close()


def test_another_counters_backup_is_refused(tmp_path):
    a = make_counter(tmp_path / "a", consumers=100, code="K07")
    b = make_counter(tmp_path / "b", consumers=100, code="K08")
    bk = make_backup(a.store.path, tmp_path / "bk")
    a.close()
    b.close()
    with pytest.raises(RestoreRefused) as e:
        restore(tmp_path / "b", Path(bk.path))
    assert e.value.key == "ops.restore_other_counter"


def test_damaged_or_altered_backup_is_never_restored(counter_dir, tmp_path):
    c = make_counter(counter_dir, consumers=3000)
    issue(c, 3)
    bk = Path(make_backup(c.store.path, tmp_path / "bk").path)
    c.close()
    # 1. a changed byte: the checksum in the manifest no longer matches
    altered = tmp_path / "altered" / bk.name
    altered.parent.mkdir()
    shutil.copy(bk, altered)
    shutil.copy(manifest_path(bk), manifest_path(altered))
    data = bytearray(altered.read_bytes())
    data[-100] ^= 0xFF
    altered.write_bytes(bytes(data))
    with pytest.raises(BackupError) as e:
        restore(tmp_path / "elsewhere", altered, force=True)
    assert e.value.key == "ops.backup_damaged"
    # 2. damaged pages, no manifest (a copy made by hand)
    damaged = tmp_path / "damaged.sqlite3"
    shutil.copy(bk, damaged)
    scribble(damaged, range(10, 40, 3))
    with pytest.raises(BackupError):
        restore(tmp_path / "elsewhere", damaged, force=True)
    assert not (tmp_path / "elsewhere" / "counter.sqlite3").exists()
    # negative control: the untouched backup restores
    restore(tmp_path / "elsewhere", bk)
    assert len(receipt_rows(tmp_path / "elsewhere" / "counter.sqlite3")) == 3


def test_unreadable_current_database_needs_force(counter_dir, tmp_path):
    c = make_counter(counter_dir, consumers=100)
    issue(c, 1)
    bk = make_backup(c.store.path, tmp_path / "bk")
    c.close()
    db = database_file(counter_dir)
    checkpoint(db)
    db.write_bytes(b"this is not a database" * 300)
    with pytest.raises(RestoreRefused) as e:
        restore(counter_dir, Path(bk.path))
    assert e.value.key == "ops.restore_current_unreadable"
    restore(counter_dir, Path(bk.path), force=True)
    with open_application(counter_dir) as c2:
        assert c2.service.verify()["ok"]


def test_backup_of_a_damaged_database_fails_and_leaves_nothing(counter_dir, tmp_path):
    c = make_counter(counter_dir, consumers=3000)
    issue(c, 2)
    c.close()
    db = database_file(counter_dir)
    checkpoint(db)
    scribble(db, range(10, 40, 3))
    dest = tmp_path / "bk"
    with pytest.raises(CounterError) as e:
        make_backup(db, dest)
    assert e.value.key == "ops.backup_source_damaged"
    assert list_backups(dest) == [] and not list(dest.glob("*"))


def test_backup_to_a_missing_or_read_only_place_fails_cleanly(counter_dir, tmp_path):
    c = make_counter(counter_dir, consumers=10)
    try:
        target = tmp_path / "file-not-dir"
        target.write_text("x")
        with pytest.raises(BackupError) as e:
            make_backup(c.store.path, target / "sub")
        assert e.value.key == "ops.backup_failed"
        assert "file-not-dir" in e.value.message("hi")
    finally:
        c.close()


def test_manifest_less_backup_is_described_from_the_file(counter_dir, tmp_path):
    c = make_counter(counter_dir, consumers=10)
    issue(c, 4)
    bk = Path(make_backup(c.store.path, tmp_path / "bk").path)
    c.close()
    manifest_path(bk).unlink()
    info = read_info(bk)
    assert info.receipts == 4 and info.counter_code == "K07" and info.sha256 is None
    assert latest_backup(bk.parent).path == str(bk)


def test_backup_and_restore_commands(counter_dir, tmp_path, capsys):
    from counter_app.cli import main

    c = make_counter(counter_dir, consumers=100)
    issue(c, 2)
    c.close()
    assert main(["--data-dir", str(counter_dir), "backup", "--to", str(tmp_path / "bk"), "--json"]) == 0
    path = json.loads(capsys.readouterr().out)["path"]
    with open_application(counter_dir) as c:
        issue(c, 1, start=5)  # not in the backup, not synced
    assert main(["--data-dir", str(counter_dir), "restore", path, "--dry-run"]) == 1
    assert json.loads(capsys.readouterr().out)["needs_force"] is True
    assert main(["--data-dir", str(counter_dir), "--lang", "hi", "restore", path]) == 1
    assert "पुनर्स्थापना रोकी गई" in capsys.readouterr().err
    assert main(["--data-dir", str(counter_dir), "restore", path, "--force"]) == 0
    assert "Restored 2 receipts" in capsys.readouterr().out
    assert main(["--data-dir", str(counter_dir), "backups", "--dir", str(tmp_path / "bk")]) == 0
    assert "manual" in capsys.readouterr().out
