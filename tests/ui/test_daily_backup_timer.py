"""The running window makes the daily backup by itself (off the GUI thread)."""

from __future__ import annotations

from counter_app.commands import gui
from counter_app.ops.backup import list_backups
from counter_app.ops.scheduler import DailyBackup


def test_window_timer_makes_the_daily_backup(qtbot, window, ui_counter, monkeypatch, clock):
    clock.now = clock.now.replace(hour=14)  # after 13:00: a backup is due
    monkeypatch.setattr(gui, "BACKUP_CHECK_MS", 50)
    original_init = DailyBackup.__init__

    def with_clock(self, data_dir, config=None, **kw):
        original_init(self, data_dir, config, clock=clock)

    monkeypatch.setattr(DailyBackup, "__init__", with_clock)
    dest = DailyBackup(ui_counter.data_dir, ui_counter.config).dest
    assert list_backups(dest, "daily") == []
    timer = gui.schedule_daily_backup(window, ui_counter)
    qtbot.waitUntil(lambda: len(list_backups(dest, "daily")) == 1, timeout=20_000)
    timer.stop()
    window.ctx.runner.wait_idle()
    assert len(list_backups(dest, "daily")) == 1  # once a day, however often it ticks
