"""The daily automatic backup: once a day after the set hour, retried after a failure, old daily
backups rotated only after a new one succeeded, manual backups never rotated."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from counter_app.config import Config
from counter_app.ops.backup import list_backups, make_backup, rotate
from counter_app.ops.scheduler import DailyBackup
from counter_app.services.clock import IST
from tests.conftest import make_counter
from tests.ops.conftest import issue

DAY1 = datetime(2026, 11, 29, 9, 0, tzinfo=IST)


def test_one_backup_a_day_after_the_hour_with_rotation(tmp_path):
    d = tmp_path / "c"
    c = make_counter(d, consumers=100)
    cfg = Config(backup_dir=str(tmp_path / "usb"), backup_keep=3)
    job = DailyBackup(d, cfg, at_hour=13)
    try:
        assert job.tick(DAY1) is None  # 09:00: not yet
        first = job.tick(DAY1.replace(hour=13, minute=5))
        assert first is not None and first.kind == "daily" and first.date == "2026-11-29"
        assert Path(first.path).parent == tmp_path / "usb"
        assert job.tick(DAY1.replace(hour=18)) is None  # once a day
        issue(c, 2)  # the counter keeps working while backups are taken
        for day in range(1, 6):
            info = job.tick(DAY1 + timedelta(days=day, hours=5))
            assert info is not None and info.receipts == 2
        daily = list_backups(tmp_path / "usb", "daily")
        assert [b.date for b in daily] == ["2026-12-02", "2026-12-03", "2026-12-04"]
        assert job.state.last_error is None and job.state.last_path == daily[-1].path
    finally:
        c.close()


def test_a_failed_backup_is_retried_and_keeps_the_old_ones(tmp_path):
    d = tmp_path / "c"
    c = make_counter(d, consumers=100)
    usb = tmp_path / "usb"
    cfg = Config(backup_dir=str(usb), backup_keep=1)
    job = DailyBackup(d, cfg, retry_minutes=30)
    try:
        noon = DAY1.replace(hour=14)
        assert job.tick(noon) is not None
        # next day the stick is replaced by a file of the same name (unwritable as a folder)
        kept = list_backups(usb, "daily")
        usb.rename(tmp_path / "usb-away")
        usb.write_text("not a folder")
        day2 = noon + timedelta(days=1)
        assert job.tick(day2) is None
        assert job.state.last_error == "ops.backup_failed"
        assert job.tick(day2 + timedelta(minutes=10)) is None and job.state.last_attempt_at == day2.isoformat(
            timespec="seconds")  # not hammered: waits for the retry interval
        usb.unlink()
        (tmp_path / "usb-away").rename(usb)
        assert list_backups(usb, "daily") == kept  # the failure rotated nothing away
        again = job.tick(day2 + timedelta(minutes=31))
        assert again is not None and job.state.last_error is None
        assert [b.date for b in list_backups(usb, "daily")] == ["2026-11-30"]
    finally:
        c.close()


def test_rotation_leaves_manual_backups_and_removes_half_written_files(tmp_path):
    d = tmp_path / "c"
    c = make_counter(d, consumers=10)
    dest = tmp_path / "bk"
    try:
        for day in range(4):
            make_backup(c.store.path, dest, kind="daily", now=DAY1 + timedelta(days=day))
        manual = make_backup(c.store.path, dest, kind="manual", now=DAY1 - timedelta(days=30))
        (dest / "K07-20261101-000000-daily.sqlite3.partial").write_bytes(b"half")
        removed = rotate(dest, 2)
        assert len(removed) == 2
        left = list_backups(dest)
        assert [b.kind for b in left] == ["manual", "daily", "daily"]
        assert manual.path in {b.path for b in left}
        assert not list(dest.glob("*.partial"))
        assert rotate(dest, 0) and len(list_backups(dest, "daily")) == 1  # never fewer than one
    finally:
        c.close()
