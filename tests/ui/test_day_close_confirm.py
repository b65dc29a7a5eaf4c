"""Issue 12 items 3, 4 and 10 on the real window: the day close shows what it closes and asks once
(F9, never Enter), says where the close is (saved here; waiting because offline); the status bar
and the day-close screen name what waits in one wording; offline is the loudest link state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from counter_app.services.closes import CloseService
from counter_app.sync.keyring_store import MemoryTokenStore
from counter_app.sync.setup import enroll, make_engine
from counter_app.sync.state import Link, SyncState
from counter_app.ui.i18n import Language
from counter_app.ui.main_window import MainWindow
from counter_app.ui.status_bar import CounterStatusBar
from kesco_protocol.money import format_inr
from tests.support.live_server import LiveServer, register_counter
from tests.ui.test_day_close import ALT, collect_a_day, to_desk
from tests.ui.test_shift_close import pieces


def a_closed_shift(w: MainWindow, n: int = 6) -> tuple[list[Any], set[str]]:
    issued, voided, clerk = collect_a_day(w, n=n)
    live = [r for r in issued if r.receipt_id not in voided]
    closing = CloseService(w.ctx.service)
    expected = 1500_00 + sum(r.amount_paise for r in live if r.mode == "cash")
    closing.close_shift(clerk, pieces(expected), [r.receipt_id for r in live if r.mode in ("cheque", "dd")],
                        remark="paise in the float tin")
    return issued, voided


def test_the_day_close_shows_what_it_closes_and_asks_once_with_a_key(qtbot: Any, window: MainWindow) -> None:
    w = window
    issued, voided = a_closed_shift(w)
    page = to_desk(qtbot, w)
    qtbot.waitUntil(lambda: page.close_button.isEnabled(), timeout=10_000)
    net = sum(r.amount_paise for r in issued if r.receipt_id not in voided)
    gross = sum(r.amount_paise for r in issued)

    qtbot.keyClick(w, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(lambda: page.confirm.isVisible(), timeout=5000)  # a mnemonic clicks after a blink
    q = page.confirm.question.text()
    assert format_inr(net) in q and format_inr(gross) in q and f"{len(issued)} receipts" in q
    assert f"{len(voided)} cancelled" in q and "F9" in q and "Esc" in q
    # Enter, out of habit, does not close the day; nor does Esc.
    qtbot.keyClick(page.date_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not w.ctx.runner.busy, timeout=10_000)
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    qtbot.wait(200)
    assert page.status is None and not page.confirm.isVisible()
    assert "not closed" in page.alert.text() and w.stack.currentWidget() is w.supervisor_page
    # Asked again, F9 closes it; the message gives the report's net, and says it waits here.
    qtbot.keyClick(w, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(lambda: page.confirm.isVisible(), timeout=5000)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: page.status is not None and not w.ctx.runner.busy, timeout=10_000)
    text = page.alert.text()
    assert f"net {format_inr(net)}" in text and format_inr(gross) in text
    assert "saved at this counter" in text and "waiting to be sent" in text and "Sending" not in text
    # A second F9 closes nothing more.
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: not w.ctx.runner.busy, timeout=10_000)
    with w.ctx.service.db.read() as conn:
        from sqlalchemy import text as sql
        assert conn.execute(sql("SELECT COUNT(*) FROM outbox WHERE kind = 'day_close'")).scalar() == 1


def test_offline_the_day_close_says_it_waits_and_the_status_bar_names_what_waits(
        qtbot: Any, make_window: Any, ui_counter: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    code = register_counter(url, "K07")
    srv = LiveServer(url).start()
    engine = None
    try:
        tokens = MemoryTokenStore()
        enroll(ui_counter, srv.url, code, tokens=tokens)
        srv.stop()
        engine = make_engine(ui_counter, tokens=tokens, pull=False, poll_s=0.2)
        engine.start()
        w: MainWindow = make_window(engine=engine)
        issued, voided = a_closed_shift(w)
        page = to_desk(qtbot, w)
        bar = w.status
        qtbot.waitUntil(lambda: bar.view is not None and bar.view.link == "offline"
                        and bar.view.pending == len(issued) + len(voided) + 1, timeout=20_000)
        # One wording: a shift close is not counted as a receipt.
        words = f"Pending: {len(issued)} receipts, {len(voided)} cancellations and 1 shift close"
        assert bar.pending_label.text().startswith(words)
        qtbot.waitUntil(lambda: page.close_button.isEnabled(), timeout=10_000)
        qtbot.keyClick(w, Qt.Key.Key_C, ALT)
        qtbot.waitUntil(lambda: page.confirm.isVisible(), timeout=5000)
        qtbot.keyClick(w, Qt.Key.Key_F9)
        qtbot.waitUntil(lambda: page.status is not None and not w.ctx.runner.busy, timeout=10_000)
        assert "OFFLINE" in page.alert.text() and "Sending" not in page.alert.text()
        assert "OFFLINE" in page.server_label.text() and "Waiting for the central server" not in \
            page.server_label.text()
        qtbot.waitUntil(lambda: bar.pending_label.text().startswith(words + " and 1 day close")
                        or bar.pending_label.text().startswith(
                            f"Pending: {len(issued)} receipts, {len(voided)} cancellations, 1 shift close and "
                            "1 day close"), timeout=20_000)
    finally:
        if engine is not None:
            engine.stop()
        srv.stop()


def test_offline_is_a_strong_badge_with_a_sign_and_online_is_plain(qtbot: Any, qapp: Any, clock: Any) -> None:
    bar = CounterStatusBar(Language("en"), clock, 60, 1440)
    qtbot.addWidget(bar)
    bar.show()
    bar.show_state(SyncState(link=Link.OFFLINE, pending=2, pending_by_kind={"receipt": 2},
                             oldest_pending_at=clock.now.isoformat()))
    offline = bar.link_label.styleSheet()
    assert bar.link_icon.isVisible() and not bar.link_icon.pixmap().isNull()  # a shape, not only a colour
    assert "font-weight:bold" in offline and "background" in offline and "border" in offline
    assert bar.link_label.text().startswith("OFFLINE")
    bar.show_state(SyncState(link=Link.ONLINE))
    online = bar.link_label.styleSheet()
    assert not bar.link_icon.isVisible()
    assert "background" not in online and "bold" not in online  # the normal state is the quiet one
