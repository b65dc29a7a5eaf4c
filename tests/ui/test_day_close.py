"""The supervisor's desk on the real window: the day close refused while a shift is open; its totals
equal sums computed here from the receipts issued; the day closed (no server: it waits, saying so);
the Z-report and pay-in slip printed; the day's receipts exported as CSV and read back; the day book;
a cheque dishonoured from its number."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import text

from counter_app.domain.receipt import Instrument
from counter_app.domain.words import amount_in_words_en
from counter_app.services.closes import CloseService
from counter_app.services.collection import Payment
from counter_app.ui.main_window import MainWindow
from kesco_protocol.money import format_inr
from kesco_protocol.records import Mode, Receipt
from tests.conftest import CLERK, SUPERVISOR
from tests.ui.conftest import account, log_in, pdf_text, wait_printed
from tests.ui.test_shift_close import pieces, worth

ALT = Qt.KeyboardModifier.AltModifier


def collect_a_day(w: MainWindow, n: int = 40, seed: int = 7) -> tuple[list[Receipt], set[str], Any]:
    """A clerk's shift with every mode and a few cancellations, through the service."""
    svc = w.ctx.service
    clerk = svc.login(*CLERK)
    svc.open_shift(clerk, 1500_00)
    rng = random.Random(seed)
    day = svc.clock().date() - timedelta(days=2)
    issued = []
    for i in range(n):
        mode = rng.choice([Mode.CASH, Mode.CASH, Mode.CHEQUE, Mode.DD, Mode.UPI, Mode.CARD])
        inst = (Instrument(number=f"{300000 + i}", date=day.isoformat(), bank="Union Bank of India",
                           ifsc="UBIN0530000") if mode in (Mode.CHEQUE, Mode.DD)
                else Instrument(reference=f"REF{i:09d}") if mode in (Mode.UPI, Mode.CARD) else None)
        issued.append(svc.issue_receipt(clerk, Payment(account(i), rng.randint(50_00, 25_000_00), mode, inst)))
    voided = {r.receipt_id for r in rng.sample(issued, 4)}
    for r in issued:
        if r.receipt_id in voided:
            svc.void_receipt(clerk, r.receipt_no, "Keyed twice", *SUPERVISOR)
    return issued, voided, clerk


def to_desk(qtbot: Any, w: MainWindow) -> Any:
    log_in(qtbot, w, SUPERVISOR)
    qtbot.keyClick(w, Qt.Key.Key_F7)
    page = w.supervisor_page.day_close
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.supervisor_page and page.report is not None
                    and not w.ctx.runner.busy, timeout=10_000)
    return page


def test_day_close_totals_equal_the_receipts_and_the_day_closes_once_shifts_are_closed(
        qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    w = window
    issued, voided, clerk = collect_a_day(w)
    live = [r for r in issued if r.receipt_id not in voided]
    page = to_desk(qtbot, w)
    # Refused while the clerk's shift is open, saying whose.
    assert page.alert.kind == "error" and "clerk1" in page.alert.text()
    assert not page.close_button.isEnabled()
    fig = {k: v.text() for k, (_n, v) in page.fig_labels.items()}
    assert fig["receipts"] == str(len(issued))
    assert fig["gross"] == format_inr(sum(r.amount_paise for r in issued))
    assert fig["cancelled"] == f"{len(voided)} ({format_inr(sum(r.amount_paise for r in issued if r.receipt_id in voided))})"
    assert fig["net"] == format_inr(sum(r.amount_paise for r in live))
    assert fig["sync"] == f"0 acknowledged, {len(issued)} waiting to be sent"
    by_mode: dict[str, int] = defaultdict(int)
    by_cat: dict[str, int] = defaultdict(int)
    for r in live:
        by_mode[r.mode] += r.amount_paise
        by_cat[r.category] += r.amount_paise
    names = {"cash": "Cash", "cheque": "Cheque", "dd": "DD", "upi": "UPI", "card": "Card"}
    shown = dict(zip(page.mode_model.column(0), page.mode_model.column(1), strict=True))
    assert shown == {names[m]: format_inr(p) for m, p in by_mode.items()} | {"Net": format_inr(sum(by_mode.values()))}
    cats = {"DOM": "Domestic", "COM": "Commercial", "PUB": "Public institution", "SMI": "Small/medium industry"}
    shown = dict(zip(page.category_model.column(0), page.category_model.column(1), strict=True))
    assert shown == {cats[c]: format_inr(p) for c, p in by_cat.items()} | {"Net": format_inr(sum(by_cat.values()))}
    assert sorted(page.void_model.column(0)) == sorted(r.receipt_no for r in issued if r.receipt_id in voided)
    assert set(page.void_model.column(3)) == {"Keyed twice"}

    # The clerk counts exactly (the shift close screen is tested on its own); the day can close.
    closing = CloseService(w.ctx.service)
    expected = 1500_00 + sum(r.amount_paise for r in live if r.mode == "cash")
    counts = pieces(expected)
    instruments = [r for r in live if r.mode in ("cheque", "dd")]
    closing.close_shift(clerk, counts, [r.receipt_id for r in instruments], remark="paise in the float tin")
    qtbot.keyClick(page.date_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.close_button.isEnabled(), timeout=10_000)
    qtbot.keyClick(w, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(lambda: page.confirm.isVisible(), timeout=5000)
    qtbot.keyClick(w, Qt.Key.Key_F9)  # the day close asks once (issue 12): F9 answers
    qtbot.waitUntil(lambda: page.status is not None and not w.ctx.runner.busy, timeout=10_000)
    assert page.status is not None and page.status.sync_state == "pending"
    assert "not connected" in page.server_label.text() and not page.close_button.isEnabled()
    dc = page.status.day_close
    assert (dc.receipt_count, dc.total_paise) == (len(issued), sum(r.amount_paise for r in issued))

    # Z-report and pay-in slip through the printer (a PDF folder here).
    qtbot.keyClick(w, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    wait_printed(qtbot, w, 1)
    z = pdf_text(w.ctx.printed[-1])
    assert "Z-REPORT" in z and format_inr(sum(r.amount_paise for r in live)).lstrip("₹") in z
    assert all(r.receipt_no in z for r in instruments)  # cheques/DDs listed...
    assert not any(r.receipt_no in z for r in live if r.mode == "cash")  # ...cash receipts are not
    qtbot.keyClick(w, Qt.Key.Key_I, ALT)
    wait_printed(qtbot, w, 2)
    slip = pdf_text(w.ctx.printed[-1])
    deposit = worth(counts) + sum(r.amount_paise for r in instruments)
    assert "PAY-IN" in slip and amount_in_words_en(deposit) in slip and format_inr(deposit).lstrip("₹") in slip

    # The day's receipts as CSV, read back.
    out = tmp_path / "day.csv"
    page.ask_save_path = lambda *_a: str(out)
    qtbot.keyClick(w, Qt.Key.Key_X, ALT)
    qtbot.waitUntil(lambda: out.exists() and not w.ctx.runner.busy, timeout=10_000)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["receipt_id"], int(r["amount_paise"]), r["mode"], r["account_no"]) for r in rows] == \
        [(r.receipt_id, r.amount_paise, r.mode, r.account_no) for r in issued]
    assert {r["receipt_id"] for r in rows if r["status"] == "cancelled"} == voided
    assert f"{len(issued)} receipts written" in page.alert.text()


def test_a_clerk_has_no_desk_and_the_day_book_sums_each_day(qtbot: Any, window: MainWindow, clock: Any) -> None:
    w = window
    issued, voided, clerk = collect_a_day(w, n=12)
    log_in(qtbot, w)  # the clerk: F7 does nothing
    qtbot.keyClick(w, Qt.Key.Key_F7)
    assert w.stack.currentWidget() is not w.supervisor_page and not w.supervisor_button.isVisible()
    w.log_out()
    to_desk(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_B, ALT)
    book = w.supervisor_page.day_book
    assert book.isVisible() and book.from_edit.hasFocus()
    qtbot.keyClick(book.from_edit, Qt.Key.Key_Return)
    qtbot.keyClick(book.to_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: book.range is not None, timeout=10_000)
    live = [r for r in issued if r.receipt_id not in voided]
    day_row, total_row = book.model.rows
    assert day_row[0] == clock.now.strftime("%d-%m-%Y") and total_row[0] == "Total"
    assert day_row[1:3] == [str(len(issued)), str(len(voided))]
    assert day_row[3] == format_inr(sum(r.amount_paise for r in live if r.mode == "cash"))
    assert day_row[4] == format_inr(sum(r.amount_paise for r in live if r.mode in ("cheque", "dd")))
    assert day_row[5] == format_inr(sum(r.amount_paise for r in live if r.mode in ("upi", "card")))
    assert day_row[6] == total_row[6] == format_inr(sum(r.amount_paise for r in live))
    qtbot.keyClick(w, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    wait_printed(qtbot, w, 1)
    assert "DAY BOOK" in pdf_text(w.ctx.printed[-1])


def test_a_dishonoured_cheque_found_by_its_number_is_recorded_and_queued(qtbot: Any, window: MainWindow) -> None:
    w = window
    issued, voided, _clerk = collect_a_day(w, n=20)
    cheque = next(r for r in issued if r.mode == "cheque" and r.receipt_id not in voided)
    cash = next(r for r in issued if r.mode == "cash")
    to_desk(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_H, ALT)
    page = w.supervisor_page.dishonour
    assert page.find_edit.hasFocus()
    qtbot.keyClicks(page.find_edit, str((cheque.instrument or {})["number"]))
    qtbot.keyClick(page.find_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.table.hasFocus(), timeout=10_000)
    assert cash.receipt_no not in page.model.column(0)  # only cheques and DDs are listed
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.reason.hasFocus() and cheque.receipt_no in page.target.text()
    qtbot.keyClick(page.reason, Qt.Key.Key_Return)  # no reason: refused
    qtbot.waitUntil(lambda: not page.busy and not w.ctx.runner.busy, timeout=10_000)
    assert page.alert.kind == "error"
    qtbot.keyClicks(page.reason, "Funds insufficient")
    qtbot.keyClick(page.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.alert.kind == "ok" and not w.ctx.runner.busy, timeout=10_000)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.rows[0][6] == "DISHONOURED", timeout=10_000)
    with w.ctx.service.db.read() as conn:
        rows = conn.execute(text("SELECT kind, state, payload FROM outbox WHERE kind = 'dishonour'")).all()
    assert len(rows) == 1 and rows[0][1] == "pending" and cheque.receipt_id in rows[0][2]
    # A second time is refused on the spot.
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.alert.kind == "error" and "dishonoured" in page.alert.text()


def test_a_date_that_is_no_date_is_refused_on_each_closing_screen(qtbot: Any, window: MainWindow) -> None:
    """The day close, the dishonour search and the deposit read their dates one way: an empty field
    starts on today, and a date that cannot be is said in words with the cursor put back in it."""
    w = window
    today = w.ctx.service.clock().date().strftime("%d-%m-%Y")
    day_close = to_desk(qtbot, w)
    sp = w.supervisor_page
    assert day_close.date_edit.text() == today
    sp.dishonour.date_edit.clear()
    sp.dishonour.reset()
    assert sp.dishonour.date_edit.text() == today
    for page, edit, read in ((day_close, day_close.date_edit, day_close.show_day),
                             (sp.dishonour, sp.dishonour.date_edit, sp.dishonour.search),
                             (sp.deposit, sp.deposit.day_edit, sp.deposit.show_day)):
        sp.tabs.setCurrentWidget(page)
        qtbot.waitUntil(lambda: not w.ctx.runner.busy, timeout=10_000)
        edit.setText("31-02-2026")
        read()
        assert page.alert.kind == "error" and "YYYY-MM-DD" in page.alert.text()
        assert edit.hasFocus()
