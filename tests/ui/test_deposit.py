"""The day's deposit on the supervisor's desk, by keystrokes: the pay-in slip starts from the shift
closes' count plus the pickups to the safe (computed here independently), lists the day's cheques
and DDs, records a Deposit (queued for the central server) and prints the pay-in slip; a missing
slip number or a count that is not a number gets a message and stores nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import text

from counter_app.domain.closes import DEFAULT_DENOMINATIONS
from counter_app.domain.receipt import Instrument
from counter_app.services.cash import CashService
from counter_app.services.closes import CloseService
from counter_app.services.collection import Payment
from counter_app.ui.main_window import MainWindow
from kesco_demo.consumers import account_no_for_index as acct
from kesco_protocol.money import format_inr
from kesco_protocol.records import Mode
from tests.conftest import CLERK, SUPERVISOR
from tests.ui.conftest import pdf_text, wait_printed
from tests.ui.test_day_close import ALT, to_desk
from tests.ui.test_shift_close import pieces, worth


def a_day_with_pickups(w: MainWindow) -> dict[str, Any]:
    """Cash, two cheques and a DD, one cheque cancelled, a pickup to the safe and one to the bank,
    the shift closed with the exact count: through the service."""
    svc = w.ctx.service
    clerk = svc.login(*CLERK)
    svc.open_shift(clerk, 1500_00)
    day = svc.clock().date() - timedelta(days=1)
    cash = [svc.issue_receipt(clerk, Payment(acct(i), amt)) for i, amt in ((1, 42_000_00), (2, 13_500_40))]
    inst = [svc.issue_receipt(clerk, Payment(acct(i), amt, mode, Instrument(number=no, date=day.isoformat(),
                                                                             bank="Punjab National Bank",
                                                                             ifsc="PUNB0123400")))
            for i, amt, mode, no in ((3, 9_000_00, Mode.CHEQUE, "500001"), (4, 2_500_00, Mode.DD, "700002"),
                                     (5, 1_000_00, Mode.CHEQUE, "500003"))]
    svc.void_receipt(clerk, inst[2].receipt_no, "Wrong account", *SUPERVISOR)
    pickup = CashService(svc)
    safe = pickup.record_pickup(clerk, {"N500": "40"}, "safe", *SUPERVISOR)
    bank = pickup.record_pickup(clerk, {"N200": "50"}, "bank", *SUPERVISOR)
    expected = 1500_00 + sum(r.amount_paise + r.round_off_paise for r in cash) - safe.amount_paise - bank.amount_paise
    counts = pieces(expected)
    CloseService(svc).close_shift(clerk, counts, [r.receipt_id for r in inst[:2]],
                                  remark="paise in the tin" if worth(counts) != expected else "")
    return {"counts": counts, "safe": safe, "bank": bank, "cheques": inst[:2]}


def to_deposit(qtbot: Any, w: MainWindow) -> Any:
    to_desk(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_O, ALT)
    page = w.supervisor_page.deposit
    qtbot.waitUntil(lambda: w.supervisor_page.tabs.currentWidget() is page and page.draft is not None
                    and not w.ctx.runner.busy, timeout=10_000)
    return page


def type_slip(qtbot: Any, page: Any, bank: str, branch: str, slip: str) -> None:
    page.bank.setFocus()
    for field, value in ((page.bank, bank), (page.branch, branch), (page.slip_no, slip)):
        assert field.hasFocus()
        field.selectAll()
        qtbot.keyClick(field, Qt.Key.Key_Backspace)
        qtbot.keyClicks(field, value)
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert page.deposit_date.hasFocus()


def deposits(w: MainWindow) -> int:
    with w.ctx.service.db.read() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM deposits")).scalar() or 0)


def test_the_pay_in_slip_is_recorded_as_a_deposit_and_printed(qtbot: Any, window: MainWindow) -> None:
    w = window
    day = a_day_with_pickups(w)
    page = to_deposit(qtbot, w)
    values = dict(DEFAULT_DENOMINATIONS)
    # independently: the close's count plus the safe's 40 notes of 500; the bank's pickup is not in it
    want = dict(day["counts"])
    want["N500"] = want.get("N500", 0) + 40
    assert page.grid.counts() == want
    cash = sum(values[k] * n for k, n in want.items())
    cheques = sum(r.amount_paise for r in day["cheques"])
    assert page.total_label.text() == (f"Deposit: cash {format_inr(cash)} + cheques/DDs {format_inr(cheques)} = "
                                       f"{format_inr(cash + cheques)}")
    assert page.inst_list.count() == 2 and "500003" not in page.inst_list.item(0).text() + page.inst_list.item(1).text()
    assert format_inr(day["bank"].amount_paise) in page.note_label.text() and page.note_label.isVisible()
    # no slip number: refused, nothing stored
    type_slip(qtbot, page, "State Bank of India", "Mall Road, Kanpur", "")
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: page.alert.kind == "error" and not w.ctx.runner.busy, timeout=10_000)
    assert "slip number" in page.alert.text() and deposits(w) == 0 and page.recorded is None
    # a count that is not a number: refused, nothing stored
    page.alert.clear_message()
    type_slip(qtbot, page, "State Bank of India", "Mall Road, Kanpur", "PS-778812")
    page.grid.edits["N100"].setFocus()
    page.grid.edits["N100"].selectAll()
    qtbot.keyClicks(page.grid.edits["N100"], "3O")
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: page.alert.kind == "error" and not w.ctx.runner.busy, timeout=10_000)
    assert "₹100 note is not a number" in page.alert.text() and deposits(w) == 0
    page.grid.edits["N100"].selectAll()
    qtbot.keyClicks(page.grid.edits["N100"], str(want.get("N100", 0)) if want.get("N100") else "0")
    # the second cheque stays behind (Space unticks it)
    page.inst_list.setFocus()
    page.inst_list.setCurrentRow(1)
    qtbot.keyClick(page.inst_list, Qt.Key.Key_Space)
    left_out = day["cheques"][1]
    assert f"cheques/DDs {format_inr(cheques - left_out.amount_paise)}" in page.total_label.text()
    n = len(w.ctx.printed)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, n + 1)
    qtbot.waitUntil(lambda: page.recorded is not None, timeout=10_000)
    d = page.recorded
    assert d is not None and d.slip_no == "PS-778812" and d.cash_paise == cash
    assert d.amount_paise == cash + cheques - left_out.amount_paise
    assert [i["receipt_ids"] for i in d.instruments] == [[day["cheques"][0].receipt_id]]
    with w.ctx.service.db.read() as conn:
        row = conn.execute(text("SELECT kind FROM outbox WHERE record_id = :r"), {"r": d.deposit_id}).one()
    assert row[0] == "deposit" and deposits(w) == 1
    slip = pdf_text(w.ctx.printed[-1])
    for words in ("BANK DEPOSIT (PAY-IN) SLIP", "PS-778812", "State Bank of India", "Mall Road, Kanpur",
                  format_inr(d.amount_paise).lstrip("₹"), "500001", day["cheques"][0].receipt_no):
        assert words in slip, words
    # the same slip number again is refused
    page.show_day()
    qtbot.waitUntil(lambda: page.recorded is None and not w.ctx.runner.busy, timeout=10_000)
    assert "PS-778812" in page.note_label.text()
    type_slip(qtbot, page, "State Bank of India", "Mall Road, Kanpur", "PS-778812")
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: page.alert.kind == "error" and not w.ctx.runner.busy, timeout=10_000)
    assert "already recorded" in page.alert.text() and deposits(w) == 1
