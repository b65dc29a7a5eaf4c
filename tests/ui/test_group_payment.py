"""Issue 16 on the real window, with the REAL central server on loopback and the real sync engine:
one cheque for three accounts typed by keystrokes (a sum that does not match is refused with the
difference and nothing is stored), one receipt per account, printed with a covering slip that
lists every receipt number (read back with pdftotext), posted at the server; then the cheque
bounces: the supervisor chooses one of its receipts, sees the whole group, and the dishonour
reverses every receipt at the counter and at the server (each account's balance back up).
Also: the day close's totals with a multi-account payment in them, and a void refused after the
shift closed with a supervisor's reversal accepted instead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select, text

from central_server import db as sdb
from central_server.config import Settings
from central_server.models import consumers as server_consumers
from central_server.models import receipts as server_receipts
from counter_app.app import Application
from counter_app.domain.receipt import Instrument
from counter_app.domain.words import amount_in_words_en
from counter_app.printing.printers import PdfPrinter
from counter_app.services.closes import CloseService
from counter_app.services.collection import Payment
from counter_app.services.group_payment import GroupLine, GroupPaymentRequest, issue_group
from counter_app.sync.keyring_store import MemoryTokenStore
from counter_app.sync.setup import enroll, make_engine
from counter_app.ui.app import build_window
from counter_app.ui.i18n import setup_application_fonts
from counter_app.ui.main_window import MainWindow
from kesco_protocol.money import format_inr, format_plain
from kesco_protocol.records import Mode
from tests.conftest import CLERK, SUPERVISOR, FixedClock, make_counter
from tests.support.live_server import LiveServer, load_demo_consumers, register_counter
from tests.ui.conftest import account, open_shift, pdf_text, wait_printed
from tests.ui.test_day_close import ALT, collect_a_day, to_desk
from tests.ui.test_shift_close import pieces

CONSUMERS = 300


@pytest.fixture
def counter(tmp_path: Path) -> Iterator[Application]:
    c = make_counter(tmp_path / "counter", consumers=CONSUMERS, clock=FixedClock())
    c.config.clock_max_skew_minutes = 0  # the test clock is days from the real server's
    yield c
    c.close()


def server_accounts(url: str, accounts: list[str]) -> dict[str, tuple[int, int]]:
    """(balance, dishonoured cheques) of each account, from the server's own database."""
    engine = sdb.make_engine(Settings(database_url=url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(server_consumers.c.account_no, server_consumers.c.balance_paise,
                                       server_consumers.c.dishonoured_cheques)
                                .where(server_consumers.c.account_no.in_(accounts))).all()
            return {a: (int(b), int(d)) for a, b, d in rows}
    finally:
        engine.dispose()


def server_receipt_ids(url: str) -> set[str]:
    engine = sdb.make_engine(Settings(database_url=url))
    try:
        with engine.connect() as conn:
            return {str(r) for (r,) in conn.execute(select(server_receipts.c.receipt_id))}
    finally:
        engine.dispose()


def type_into(qtbot: Any, field: Any, value: str) -> None:
    assert field.hasFocus(), field.objectName()
    qtbot.keyClicks(field, value)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def add_line(qtbot: Any, w: MainWindow, acct: str, rupees: str) -> None:
    g = w.collect_page.group
    n = len(g.lines)
    type_into(qtbot, g.line_account, acct)
    type_into(qtbot, g.line_amount, rupees)
    qtbot.waitUntil(lambda: len(g.lines) == n + 1 and g.line_account.hasFocus(), timeout=10_000)


def test_one_cheque_for_three_accounts_and_its_dishonour_at_the_counter_and_the_server(
        qtbot: Any, qapp: Any, counter: Application, tmp_path: Path) -> None:
    setup_application_fonts(qapp)
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    load_demo_consumers(url, CONSUMERS)
    code = register_counter(url, "K07")
    accounts = [account(i) for i in (11, 12, 13)]
    with LiveServer(url) as srv:
        tokens = MemoryTokenStore()
        enroll(counter, srv.url, code, tokens=tokens)
        engine = make_engine(counter, tokens=tokens, pull=False, poll_s=0.2)
        w: MainWindow = build_window(counter, printer=PdfPrinter(tmp_path / "printed"), engine=engine, poll_ms=200)
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        engine.start()
        try:
            before = server_accounts(url, accounts)
            run_group_payment(qtbot, w, counter, url, accounts, before)
        finally:
            engine.stop()
            w.ctx.runner.wait_idle()
            w.ctx.sync.stop()


def run_group_payment(qtbot: Any, w: MainWindow, counter: Application, url: str, accounts: list[str],
                      before: dict[str, tuple[int, int]]) -> None:
    open_shift(qtbot, w, "1000")
    cp = w.collect_page
    qtbot.keyClick(w, Qt.Key.Key_G, ALT)
    g = cp.group
    qtbot.waitUntil(lambda: g.isVisible() and g.number.hasFocus(), timeout=5000)
    assert not cp.card.isVisible() and not cp.form.isVisible()  # the single account's form makes way
    day = counter.service.clock().date() - timedelta(days=1)
    type_into(qtbot, g.number, "445566")
    type_into(qtbot, g.inst_date, day.strftime("%d-%m-%Y"))
    type_into(qtbot, g.bank, "Punjab National Bank")
    type_into(qtbot, g.ifsc, "PUNB0123400")
    type_into(qtbot, g.total, "6000")
    amounts = [1_000_00, 2_500_00, 2_499_00]  # one short by ₹1: the clerk's slip
    for acct, paise in zip(accounts, amounts, strict=True):
        add_line(qtbot, w, acct, format_plain(paise))
    assert g.model.column(0) == accounts and g.model.column(1)[0]  # the consumer's name is on the line
    assert "3 accounts, sum ₹5,999.00" in g.sum_label.text() and "difference ₹1.00" in g.sum_label.text()

    # F9 with a sum that does not match: refused with both figures and the difference, nothing stored.
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: g.alert.kind == "error" and not w.ctx.runner.busy, timeout=10_000)
    msg = g.alert.text()
    assert "₹6,000.00" in msg and "₹5,999.00" in msg and "difference ₹1.00" in msg and "Nothing was saved" in msg
    with counter.store.db.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM receipts")).scalar() == 0

    # The clerk removes the wrong line (Del) and types it again right; the sum now equals the cheque.
    g.table.setFocus()
    g.table.selectRow(2)
    qtbot.keyClick(g.table, Qt.Key.Key_Delete)
    assert len(g.lines) == 2
    g.line_account.setFocus()
    amounts[2] = 2_500_00
    add_line(qtbot, w, accounts[2], "2500")
    assert "equals the cheque/DD" in g.sum_label.text()
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 4)  # three receipts and the covering slip
    qtbot.waitUntil(lambda: g.last is not None and "covering slip printed" in g.alert.text(), timeout=15_000)
    group = g.last
    assert group is not None
    receipts = group.receipts
    assert [r.account_no for r in receipts] == accounts and [r.amount_paise for r in receipts] == amounts
    assert len({(r.instrument or {})["group_id"] for r in receipts}) == 1
    assert [r.seq for r in receipts] == [1, 2, 3]
    slip = pdf_text(w.ctx.printed[-1])
    assert "COVERING SLIP" in slip and "445566" in slip  # (pdftotext drops Devanagari's vowel signs)
    assert all(r.receipt_no in slip and r.account_no in slip for r in receipts)
    assert "6,000.00" in slip and amount_in_words_en(6_000_00) in slip
    for path, r in zip(w.ctx.printed[:3], receipts, strict=True):  # each receipt on its own paper
        paper = pdf_text(path)
        assert r.receipt_no in paper and "Subject to realisation" in paper

    # At the server: every receipt posted, each account's balance down by its amount.
    qtbot.waitUntil(lambda: {r.receipt_id for r in receipts} <= server_receipt_ids(url), timeout=30_000)
    posted = server_accounts(url, accounts)
    assert {a: posted[a][0] for a in accounts} == {a: before[a][0] - p for a, p in zip(accounts, amounts, strict=True)}

    # The cheque bounces. The supervisor picks the second receipt; the whole cheque is shown.
    w.log_out()
    to_desk(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_H, ALT)
    dp = w.supervisor_page.dishonour
    qtbot.keyClicks(dp.find_edit, receipts[1].receipt_no)
    qtbot.keyClick(dp.find_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dp.model.rowCount() == 1 and dp.table.hasFocus(), timeout=10_000)
    qtbot.keyClick(dp.table, Qt.Key.Key_Return)
    assert dp.reason.hasFocus()
    shown = dp.target.text()
    assert "paid 3 accounts" in shown and all(r.receipt_no in shown for r in receipts)
    qtbot.keyClicks(dp.reason, "Funds insufficient")
    qtbot.keyClick(dp.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dp.alert.kind == "ok" and not w.ctx.runner.busy, timeout=10_000)
    assert "all 3 receipts" in dp.alert.text()
    with counter.store.db.read() as conn:
        dishonoured = {str(r) for (r,) in conn.execute(text("SELECT receipt_id FROM dishonours"))}
    assert dishonoured == {r.receipt_id for r in receipts}
    # ...and at the server: every account's balance back up, one more dishonoured cheque on each.
    qtbot.waitUntil(lambda: server_accounts(url, accounts) == {a: (before[a][0], before[a][1] + 1)
                                                               for a in accounts}, timeout=30_000)


def test_day_close_totals_with_a_multi_account_cheque_in_them(qtbot: Any, window: MainWindow) -> None:
    w = window
    issued, voided, clerk = collect_a_day(w, n=12)
    svc = w.ctx.service
    today = svc.clock().date()
    inst = Instrument(number="909090", date=(today - timedelta(days=1)).isoformat(), bank="Bank of Baroda",
                      ifsc="BARB0KANPUR")
    lines = (GroupLine(account(101), 12_345_67), GroupLine(account(102), 1_00), GroupLine(account(103), 50_000_00))
    g = issue_group(svc, clerk, GroupPaymentRequest(Mode.DD, inst, sum(ln.amount_paise for ln in lines), lines))
    everything = [*issued, *g.receipts]
    live = [r for r in everything if r.receipt_id not in voided]
    page = to_desk(qtbot, w)
    fig = {k: v.text() for k, (_n, v) in page.fig_labels.items()}
    assert fig["receipts"] == str(len(everything))
    assert fig["gross"] == format_inr(sum(r.amount_paise for r in everything))
    assert fig["net"] == format_inr(sum(r.amount_paise for r in live))
    shown = dict(zip(page.mode_model.column(0), page.mode_model.column(1), strict=True))
    dd = sum(r.amount_paise for r in live if r.mode == "dd")
    assert shown["DD"] == format_inr(dd) and dd >= 62_346_67  # the three DD receipts are in it
    # The clerk's shift closes with the three receipts ticked as the instruments in the drawer.
    expected = 1500_00 + sum(r.cash_paise for r in live if r.mode == "cash")  # cash taken to the rupee
    instruments = [r.receipt_id for r in live if r.mode in ("cheque", "dd")]
    sc = CloseService(svc).close_shift(clerk, pieces(expected), instruments, remark="paise in the float tin")
    assert sc.instruments_missing == [] and sc.expected_cash_paise == expected


def test_a_void_refused_after_the_shift_closed_and_a_supervisors_reversal_instead(
        qtbot: Any, window: MainWindow) -> None:
    w = window
    svc = w.ctx.service
    clerk = svc.login(*CLERK)
    svc.open_shift(clerk, 500_00)
    old = svc.issue_receipt(clerk, Payment(account(21), 750_00))
    cheque = svc.issue_receipt(clerk, Payment(account(22), 900_00, Mode.CHEQUE, Instrument(
        number="121212", date=svc.clock().date().isoformat(), bank="Canara Bank", ifsc="CNRB0001234")))
    CloseService(svc).close_shift(clerk, pieces(500_00 + 750_00), [cheque.receipt_id])
    open_shift(qtbot, w, "500")  # the clerk's next shift, the same day
    qtbot.keyClick(w, Qt.Key.Key_F4)
    rp = w.receipts_page
    qtbot.waitUntil(lambda: rp.isVisible() and not w.ctx.runner.busy, timeout=10_000)
    assert rp.model.rowCount() == 0  # the new shift has none yet
    qtbot.keyClick(rp, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert rp.find_edit.hasFocus()
    qtbot.keyClicks(rp.find_edit, cheque.receipt_no)
    qtbot.keyClick(rp.find_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: rp.model.rowCount() == 1 and rp.table.hasFocus(), timeout=10_000)
    assert rp.model.rows[0][0].receipt_no == cheque.receipt_no
    assert rp.model.data(rp.model.index(0, 6)) == "Subject to realisation"  # a cheque not yet cleared
    qtbot.keyClicks(rp.find_edit, "")
    rp.find_edit.setFocus()
    rp.find_edit.selectAll()
    qtbot.keyClicks(rp.find_edit, old.receipt_no)
    qtbot.keyClick(rp.find_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: rp.model.rowCount() == 1 and rp.model.rows[0][0].receipt_no == old.receipt_no,
                    timeout=10_000)

    # Del: the receipt's shift is closed, so no void; the box asks for a reversal and says why.
    qtbot.keyClick(rp.table, Qt.Key.Key_Delete)
    assert rp.void_box.isVisible() and rp.reversal_mode and rp.reason.hasFocus()
    assert "can no longer be cancelled" in rp.alert.text() and "reverse" in rp.void_box.title().lower()
    # The service refuses the void all the same (the rule is the core's, not the screen's).
    with pytest.raises(Exception) as e:
        svc.void_receipt(clerk, old.receipt_no, "typed the wrong account", *SUPERVISOR)
    assert getattr(e.value, "key", "") == "shift.closed"
    qtbot.keyClicks(rp.reason, "Paid into the wrong account")
    qtbot.keyClick(rp.reason, Qt.Key.Key_Return)
    qtbot.keyClicks(rp.supervisor, SUPERVISOR[0])
    qtbot.keyClick(rp.supervisor, Qt.Key.Key_Return)
    qtbot.keyClicks(rp.supervisor_pin, SUPERVISOR[1])
    qtbot.keyClick(rp.supervisor_pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: rp.alert.kind == "ok" and not w.ctx.runner.busy, timeout=10_000)
    assert f"Receipt {old.receipt_no} reversed" in rp.alert.text() and "super1" in rp.alert.text()
    qtbot.waitUntil(lambda: rp.model.rowCount() == 1 and rp.model.data(rp.model.index(0, 6)) == "REVERSED",
                    timeout=10_000)
    with svc.db.read() as conn:
        rows = conn.execute(text("SELECT payload FROM outbox WHERE kind = 'reversal'")).all()
        voids = conn.execute(text("SELECT COUNT(*) FROM voids")).scalar()
    assert len(rows) == 1 and old.receipt_id in rows[0][0] and voids == 0
    assert f'"business_date":"{svc.clock().date().isoformat()}"' in rows[0][0]
    # A second time: refused on the spot.
    qtbot.keyClick(rp.table, Qt.Key.Key_Delete)
    assert rp.alert.kind == "error" and "already reversed" in rp.alert.text()
    # Esc brings the shift's own list back.
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: rp.found is None and rp.model.rowCount() == 0, timeout=10_000)


def test_a_waiting_reversal_is_named_in_the_status_bar_words(qapp: Any) -> None:
    from counter_app.ui.pending_words import pending_words

    # not "1 other record": the supervisor must see a reversal still has to reach the server
    assert pending_words(2, {"receipt": 1, "reversal": 1}) == "Pending: 1 receipt and 1 reversal"
