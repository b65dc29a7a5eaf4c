"""The UI test run fails when the window touches the database on the GUI thread; this proves the
guard (tests/ui/conftest.py) sees such a read, and does not see the same read on a worker."""

from __future__ import annotations

from typing import Any

from counter_app.ui.main_window import MainWindow


def test_guard_catches_a_read_on_the_gui_thread(window: MainWindow, no_database_on_the_gui_thread: list[str]) -> None:
    seen = no_database_on_the_gui_thread
    window.ctx.runner.wait_idle()
    assert seen == []
    window.ctx.load_identity()  # window code, called on the GUI thread: exactly what must not happen
    assert any("load_identity" in s for s in seen)
    seen.clear()  # the guard did its job; let this test pass


def test_guard_lets_a_worker_read(qtbot: Any, window: MainWindow, no_database_on_the_gui_thread: list[str]) -> None:
    got: list[object] = []
    window.ctx.runner.submit(window.ctx.load_identity, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    assert got[0][0] and no_database_on_the_gui_thread == []  # type: ignore[index]
