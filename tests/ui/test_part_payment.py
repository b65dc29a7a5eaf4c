"""The least part payment on the real window (issue 15): below the utility's minimum the collect
screen says why (the minimum, in English and Hindi) and saves nothing; a supervisor's user name
and PIN on the same screen let it through, and the receipt names the supervisor; exactly the
minimum, and the whole due, go by the fast path. The policy comes from the central server's
configuration (a TOML file) through the counter status, and a new one applies at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from counter_app.storage import part_payment as policy_store
from counter_app.sync.keyring_store import MemoryTokenStore
from counter_app.sync.setup import enroll, make_engine
from counter_app.ui.main_window import MainWindow
from kesco_protocol.money import format_inr, format_plain
from kesco_protocol.part_payment import UP_DEFAULT
from tests.conftest import SUPERVISOR
from tests.support.live_server import LiveServer, free_port, register_counter
from tests.ui.conftest import account, find_consumer, open_shift, pdf_text, wait_printed


def receipts(w: MainWindow) -> list[Any]:
    assert w.ctx.shift_id is not None
    return [r for r, _void in w.ctx.service.shift_receipts(w.ctx.shift_id)]


def domestic_due(w: MainWindow, *, above: int = 4000_00) -> tuple[str, int]:
    """A domestic account with a due large enough that 10 % of it is above the Rs 250 floor."""
    for i in range(3, 800):
        v = w.ctx.service.lookup(account(i))
        if (v.consumer.category == "DOM" and v.amount_due_paise > above and v.amount_due_paise % 100 == 0
                and not v.recent and v.consumer.status == "active"):
            return account(i), v.amount_due_paise
    raise AssertionError("no such account in the demo data")


def type_amount(qtbot: Any, w: MainWindow, paise: int) -> None:
    f = w.collect_page.form
    f.amount.selectAll()
    qtbot.keyClicks(f.amount, format_plain(paise))


def test_below_the_minimum_is_refused_with_the_reason_and_nothing_is_saved(qtbot: Any, window: MainWindow) -> None:
    w = window
    cp = w.collect_page
    open_shift(qtbot, w)
    acct, due = domestic_due(w)
    minimum = UP_DEFAULT.required_paise("DOM", due)  # a counter that never synced: the UP rule
    assert minimum > 250_00
    find_consumer(qtbot, w, acct)
    assert not cp.part.isVisible()  # the amount due is offered: nothing to say
    type_amount(qtbot, w, minimum - 100)
    assert cp.part.isVisible()
    reason = cp.part.text.text()
    assert format_inr(minimum) in reason and "10%" in reason and format_inr(250_00) in reason
    assert format_inr(due) in reason and "supervisor" in reason
    qtbot.keyClick(w, Qt.Key.Key_F9)
    w.ctx.runner.wait_idle()
    assert receipts(w) == []
    assert cp.alert.kind == "error" and format_inr(minimum) in cp.alert.text() and "nothing was saved" in cp.alert.text()
    assert cp.part.supervisor.hasFocus()


def test_in_hindi_the_reason_names_the_minimum(qtbot: Any, make_window: Any) -> None:
    w = make_window(lang="hi")
    cp = w.collect_page
    open_shift(qtbot, w)
    acct, due = domestic_due(w)
    minimum = UP_DEFAULT.required_paise("DOM", due)
    find_consumer(qtbot, w, acct)
    type_amount(qtbot, w, 100_00)
    reason = cp.part.text.text()
    assert "न्यूनतम आंशिक भुगतान" in reason and format_inr(minimum) in reason and "सुपरवाइज़र" in reason
    qtbot.keyClick(w, Qt.Key.Key_F9)
    w.ctx.runner.wait_idle()
    assert receipts(w) == [] and format_inr(minimum) in cp.alert.text() and "सहेजा नहीं" in cp.alert.text()
    assert cp.part.l_pin.text() == "सुपरवाइज़र का पिन"


def test_a_supervisor_allows_it_on_the_same_screen_and_the_receipt_says_who(qtbot: Any, window: MainWindow) -> None:
    w = window
    cp = w.collect_page
    open_shift(qtbot, w)
    acct, due = domestic_due(w)
    find_consumer(qtbot, w, acct)
    type_amount(qtbot, w, 100_00)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    w.ctx.runner.wait_idle()
    assert receipts(w) == []
    # a wrong PIN: refused, nothing saved, the PIN asked again
    qtbot.keyClicks(cp.part.supervisor, SUPERVISOR[0])
    qtbot.keyClick(cp.part.supervisor, Qt.Key.Key_Return)
    assert cp.part.supervisor_pin.hasFocus()
    qtbot.keyClicks(cp.part.supervisor_pin, "0000")
    qtbot.keyClick(cp.part.supervisor_pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not w.ctx.runner.busy and cp.alert.kind == "error", timeout=10_000)
    assert receipts(w) == [] and "Wrong user name or PIN" in cp.alert.text()
    assert cp.part.supervisor_pin.text() == "" and cp.part.supervisor_pin.hasFocus()
    # the clerk's own PIN is not a supervisor's
    cp.part.supervisor.setText("clerk1")
    qtbot.keyClicks(cp.part.supervisor_pin, "1111")
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: not w.ctx.runner.busy and "supervisor" in cp.alert.text(), timeout=10_000)
    assert receipts(w) == []
    # the supervisor's PIN: saved and printed, with the supervisor on the record and the paper
    cp.part.supervisor.setText(SUPERVISOR[0])
    qtbot.keyClicks(cp.part.supervisor_pin, SUPERVISOR[1])
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    [r] = receipts(w)
    assert (r.amount_paise, r.part_payment_allowed_by, r.balance_before_paise) == (100_00, SUPERVISOR[0], due)
    with w.ctx.service.db.read() as conn:
        from sqlalchemy import text as sql
        payload = conn.execute(sql("SELECT payload FROM outbox WHERE record_id = :r"), {"r": r.receipt_id}).scalar()
        audit = conn.execute(sql("SELECT detail FROM audit WHERE action = 'receipt' AND subject = :r"),
                             {"r": r.receipt_id}).scalar()
    assert json.loads(payload)["part_payment_allowed_by"] == SUPERVISOR[0]
    assert json.loads(audit)["part_payment_allowed_by"] == SUPERVISOR[0]
    text = pdf_text(w.ctx.printed[-1])
    assert SUPERVISOR[0] in text and f"PART PAYMENT: {format_inr(due - 100_00)} remains due." in text
    assert "may still be disconnected" in text
    assert not cp.part.isVisible() and cp.part.supervisor_pin.text() == ""  # nothing kept for the next consumer


def test_exactly_the_minimum_goes_by_the_fast_path(qtbot: Any, window: MainWindow) -> None:
    w = window
    cp = w.collect_page
    open_shift(qtbot, w)
    acct, due = domestic_due(w)
    minimum = UP_DEFAULT.required_paise("DOM", due)
    find_consumer(qtbot, w, acct)
    type_amount(qtbot, w, minimum)
    assert not cp.part.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    [r] = receipts(w)
    assert (r.amount_paise, r.part_payment_allowed_by) == (minimum, None)
    assert "part_payment_allowed_by" not in r.body()
    text = pdf_text(w.ctx.printed[-1])
    assert f"PART PAYMENT: {format_inr(due - minimum)} remains due." in text and "may still be disconnected" in text


def test_the_whole_due_is_never_held_up(qtbot: Any, window: MainWindow) -> None:
    """Negative control: account, Enter, F9 for the amount due (and more than due) as before."""
    w = window
    cp = w.collect_page
    open_shift(qtbot, w)
    acct, due = domestic_due(w)
    find_consumer(qtbot, w, acct)
    assert not cp.part.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    text = pdf_text(w.ctx.printed[-1])
    assert "PART PAYMENT" not in text and "disconnected" not in text
    acct2, due2 = domestic_due(w)  # the next one: the first owes nothing now
    find_consumer(qtbot, w, acct2)
    type_amount(qtbot, w, due2 + 1_00)
    assert not cp.part.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 2)
    assert [(r.amount_paise, r.part_payment_allowed_by) for r in receipts(w)] == [(due, None), (due2 + 1_00, None)]


def _policy_file(path: Path, dom_percent: int) -> Path:
    path.write_text(f"[default]\nshare_percent = 25\nminimum_paise = 100000\n\n"
                    f"[category.DOM]\nshare_percent = {dom_percent}\nminimum_paise = 0\n", encoding="utf-8")
    return path


def test_a_policy_changed_at_the_server_reaches_the_counter_and_applies(
        qtbot: Any, make_window: Any, ui_counter: Any, tmp_path: Path) -> None:
    ui_counter.config.clock_max_skew_minutes = 0  # the test clock is days from the real server's
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    code = register_counter(url, "K07")
    port = free_port()
    half = _policy_file(tmp_path / "half.toml", 50)
    srv = LiveServer(url, subprocess=True, port=port, env={"CENTRAL_PART_PAYMENT_POLICY_FILE": str(half)}).start()
    engine = None
    try:
        tokens = MemoryTokenStore()
        enroll(ui_counter, srv.url, code, tokens=tokens)
        engine = make_engine(ui_counter, tokens=tokens, pull=False, poll_s=0.2, status_interval_s=0.5)
        engine.start()

        def held() -> policy_store.StoredPolicy:
            with ui_counter.service.db.read() as conn:
                return policy_store.load(conn)
        qtbot.waitUntil(lambda: held().source == policy_store.SERVER, timeout=20_000)
        assert held().policy.for_category("DOM").share_bp == 5000
        w: MainWindow = make_window(engine=engine)
        cp = w.collect_page
        open_shift(qtbot, w)
        acct, due = domestic_due(w)
        forty = due * 40 // 100
        find_consumer(qtbot, w, acct)
        type_amount(qtbot, w, forty)  # 40 %: enough under the UP rule, not under this utility's 50 %
        assert cp.part.isVisible() and "50%" in cp.part.text.text()
        assert format_inr(due // 2) in cp.part.text.text()
        qtbot.keyClick(w, Qt.Key.Key_F9)
        w.ctx.runner.wait_idle()
        assert receipts(w) == []
        cp.clear_consumer()

        # the utility lowers it to 20 %: the server restarts with the new file
        srv.stop()
        fifth = _policy_file(tmp_path / "fifth.toml", 20)
        srv = LiveServer(url, subprocess=True, port=port, env={"CENTRAL_PART_PAYMENT_POLICY_FILE": str(fifth)}).start()
        qtbot.waitUntil(lambda: held().policy.for_category("DOM").share_bp == 2000, timeout=30_000)
        find_consumer(qtbot, w, acct)
        type_amount(qtbot, w, forty)
        assert not cp.part.isVisible()
        qtbot.keyClick(w, Qt.Key.Key_F9)
        qtbot.waitUntil(lambda: cp.alert.kind in ("ok", "error") and not w.ctx.runner.busy, timeout=15_000)
        assert cp.alert.kind == "ok", cp.alert.text()
        wait_printed(qtbot, w, 1)
        assert [(r.amount_paise, r.part_payment_allowed_by) for r in receipts(w)] == [(forty, None)]
    finally:
        if engine is not None:
            engine.stop()
        srv.stop()
