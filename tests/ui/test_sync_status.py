"""Sync state in the window: the one bridge (callbacks from any thread -> a rate-limited signal),
the status bar's words and colours, and collection going on with the real server stopped."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from counter_app.sync.keyring_store import MemoryTokenStore
from counter_app.sync.setup import enroll, make_engine
from counter_app.sync.state import Link, SnapshotProgress, SyncState
from counter_app.ui.main_window import MainWindow
from counter_app.ui.status_bar import CounterStatusBar
from counter_app.ui.sync_status import SyncBridge, status_view
from tests.support.live_server import LiveServer, register_counter
from tests.ui.conftest import account, find_consumer, open_shift, wait_printed


def test_a_burst_of_engine_callbacks_is_rate_limited_and_the_newest_wins(qtbot: Any) -> None:
    bridge = SyncBridge(interval_ms=100)
    seen: list[SyncState] = []
    bridge.changed.connect(seen.append)

    def burst() -> None:  # the engine's thread
        for i in range(1, 2001):
            bridge.on_state(SyncState(link=Link.ONLINE, pending=i))

    t = threading.Thread(target=burst)
    t.start()
    t.join()
    qtbot.waitUntil(lambda: bool(seen) and seen[-1].pending == 2000, timeout=5000)
    qtbot.wait(300)
    assert 1 <= len(seen) <= 5  # not 2,000 repaints
    assert seen[-1].pending == 2000
    # Negative control: a state that did not change is not emitted again.
    n = bridge.emissions
    bridge.on_state(seen[-1])
    qtbot.wait(250)
    assert bridge.emissions == n


def test_pending_age_turns_amber_then_red_and_says_so_in_words(qtbot: Any, qapp: Any, clock: Any) -> None:
    st = SyncState(link=Link.OFFLINE, pending=3, oldest_pending_at=clock.now.isoformat())
    assert status_view(st, clock.now, 60, 1440).level == "ok"
    assert status_view(st, clock.now + timedelta(minutes=61), 60, 1440).level == "amber"
    assert status_view(st, clock.now + timedelta(hours=25), 60, 1440).level == "red"
    assert status_view(replace(st, pending=0), clock.now + timedelta(hours=25), 60, 1440).level == "ok"

    from counter_app.ui.i18n import Language

    bar = CounterStatusBar(Language("en"), clock, 60, 1440)
    qtbot.addWidget(bar)
    bar.show_state(st)
    assert bar.pending_label.text() == "Pending receipts: 3 (oldest 0 min)"
    clock.advance(minutes=90)
    bar.show_state(st)
    assert bar.pending_label.text().startswith("WAITING: Pending receipts: 3 (oldest 1 h 30 min)")
    assert "#ffbf00" in bar.pending_label.styleSheet()
    clock.advance(days=2)
    bar.show_state(st)
    assert bar.pending_label.text().startswith("LATE:") and "2 days" in bar.pending_label.text()
    assert bar.link_label.text().startswith("OFFLINE")
    assert not bar.progress.isVisible()
    bar.show()
    bar.show_state(replace(st, link=Link.ONLINE, snapshot=SnapshotProgress(rows_done=250, rows_total=1000,
                                                                             running=True)))
    assert bar.progress.isVisible() and bar.progress.value() == 250 and bar.link_label.text() == "Online"


def test_collection_goes_on_with_the_server_stopped_and_pending_shows(
        qtbot: Any, make_window: Any, ui_counter: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    code = register_counter(url, "K07")
    srv = LiveServer(url).start()
    engine = None
    try:
        tokens = MemoryTokenStore()
        enroll(ui_counter, srv.url, code, tokens=tokens)
        ui_counter.config.clock_max_skew_minutes = 0  # the test clock stands on 29 Nov 2026, days off the server
        engine = make_engine(ui_counter, tokens=tokens, pull=False, poll_s=0.2)
        engine.start()
        w: MainWindow = make_window(engine=engine)
        bar = w.status
        open_shift(qtbot, w)
        find_consumer(qtbot, w, account(3))
        qtbot.keyClick(w, Qt.Key.Key_F9)
        wait_printed(qtbot, w, 1)
        # Online: the receipt reaches the server and nothing is pending.
        qtbot.waitUntil(lambda: bar.view is not None and bar.view.link == "online" and bar.view.pending == 0,
                        timeout=20_000)
        assert bar.pending_label.text() == "Pending receipts: none"

        srv.stop()
        for i, n in ((4, 2), (5, 3)):
            find_consumer(qtbot, w, account(i))
            qtbot.keyClick(w, Qt.Key.Key_F9)
            wait_printed(qtbot, w, n)
        assert len(w.ctx.service.shift_receipts(w.ctx.shift_id or "")) == 3  # collection went on
        qtbot.waitUntil(lambda: bar.view is not None and bar.view.link == "offline" and bar.view.pending == 2,
                        timeout=20_000)
        assert bar.pending_label.text().startswith("Pending receipts: 2")
        assert bar.link_label.text().startswith("OFFLINE")
    finally:
        if engine is not None:
            engine.stop()
        srv.stop()


def test_without_an_engine_the_local_outbox_is_shown(qtbot: Any, window: MainWindow) -> None:
    w = window
    open_shift(qtbot, w)
    find_consumer(qtbot, w, account(3))
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    qtbot.waitUntil(lambda: w.status.view is not None and w.status.view.pending == 1, timeout=10_000)
    assert w.status.link_label.text() == "Not connected to the central server"
    assert w.status.pending_label.text().startswith("Pending receipts: 1")
