"""The collect screen driven with keystrokes, as a clerk works: log in, open the shift, scan an
account, pay; cheque, partial and advance payments; search by name; refused amounts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from counter_app.services.desk import outbox_summary
from counter_app.ui.main_window import MainWindow
from kesco_protocol.money import format_inr
from tests.conftest import SUPERVISOR
from tests.support.part_payment import NO_MINIMUM, give_counter_policy
from tests.ui.conftest import account, find_consumer, log_in, open_shift, pdf_text, wait_printed


def receipts(w: MainWindow) -> list[Any]:
    assert w.ctx.shift_id is not None
    return [r for r, _void in w.ctx.service.shift_receipts(w.ctx.shift_id)]


def test_cash_for_the_amount_due_is_account_enter_f9(qtbot: Any, window: MainWindow) -> None:
    w = window
    open_shift(qtbot, w)
    acct = account(3)
    due = w.ctx.service.lookup(acct).consumer.amount_due_paise
    assert due > 0
    # The scanner types the digits and Enter; then the clerk presses F9. No mouse.
    find_consumer(qtbot, w, acct)
    assert w.collect_page.form.amount.hasFocus()
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)

    [r] = receipts(w)
    assert (r.account_no, r.amount_paise, r.mode) == (acct, due, "cash")
    assert outbox_summary(w.ctx.service).pending == 1
    assert w.collect_page.alert.kind == "ok" and r.receipt_no in w.collect_page.alert.text()
    pdf = Path(w.ctx.printed[-1])
    assert pdf.name.startswith(r.receipt_no.replace("/", "_"))
    text = pdf_text(pdf)
    for field in (r.receipt_no, acct, r.consumer_name, format_inr(due).lstrip("₹"), "PAYMENT RECEIPT"):
        assert field in text
    assert "DUPLICATE" not in text
    # Ready for the next consumer at once.
    assert w.collect_page.account.hasFocus() and w.collect_page.card.account_no is None


def test_cheque_payment(qtbot: Any, window: MainWindow, clock: Any) -> None:
    w = window
    open_shift(qtbot, w)
    find_consumer(qtbot, w, account(4))
    f = w.collect_page.form
    f.amount.selectAll()
    qtbot.keyClicks(f.amount, "1234.50")
    qtbot.keyClick(f.mode, Qt.Key.Key_Down)  # Cash -> Cheque, by keyboard
    assert f.current_mode.value == "cheque"
    qtbot.keyClicks(f.number, "654321")
    qtbot.keyClicks(f.inst_date, (clock.now.date()).strftime("%d-%m-%Y"))
    qtbot.keyClicks(f.bank, "Punjab National Bank")
    qtbot.keyClicks(f.ifsc, "punb0123400")
    qtbot.keyClick(f.ifsc, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter confirms too
    wait_printed(qtbot, w, 1)
    [r] = receipts(w)
    assert r.mode == "cheque" and r.amount_paise == 1234_50
    assert r.instrument == {"number": "654321", "date": clock.now.date().isoformat(),
                            "bank": "Punjab National Bank", "ifsc": "PUNB0123400"}
    text = pdf_text(w.ctx.printed[-1])
    assert "Subject to realisation" in text and "654321" in text and "1,234.50" in text


def test_stale_cheque_refused_with_the_field_focused(qtbot: Any, window: MainWindow, clock: Any) -> None:
    w = window
    open_shift(qtbot, w)
    find_consumer(qtbot, w, account(4))
    f = w.collect_page.form
    qtbot.keyClick(f.mode, Qt.Key.Key_Down)
    qtbot.keyClicks(f.number, "654321")
    qtbot.keyClicks(f.inst_date, "01-01-2020")
    qtbot.keyClicks(f.bank, "SBI")
    qtbot.keyClicks(f.ifsc, "SBIN0001234")
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: w.collect_page.alert.kind == "error", timeout=10_000)
    assert "01-01-2020" in w.collect_page.alert.text()
    assert f.inst_date.hasFocus()
    assert receipts(w) == []


def test_partial_payment(qtbot: Any, window: MainWindow) -> None:
    w = window
    # about change and words, not the least part payment (tests/ui/test_part_payment.py): a
    # utility that sets none
    give_counter_policy(w.ctx.service, NO_MINIMUM)
    open_shift(qtbot, w)
    acct = account(5)
    find_consumer(qtbot, w, acct)
    f = w.collect_page.form
    assert f.amount.selectedText() == f.amount.text() != ""  # the due amount, selected: typing replaces it
    qtbot.keyClicks(f.amount, "100")
    assert f.words_en.text() == "Rupees One Hundred Only"
    assert f.words_hi.text() == "एक सौ रुपये मात्र"
    qtbot.keyClicks(f.tendered, "500")
    assert f.change.text() == "₹400.00"
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    [r] = receipts(w)
    assert (r.amount_paise, r.tendered_paise, r.change_paise) == (100_00, 500_00, 400_00)
    assert "Change" in pdf_text(w.ctx.printed[-1]) and "400.00" in pdf_text(w.ctx.printed[-1])


def test_search_by_name_with_the_keyboard(qtbot: Any, window: MainWindow) -> None:
    w = window
    open_shift(qtbot, w)
    # A household (shops have names like "M/s Rizvi & Sons"): first name and the start of the surname.
    target = next(c for c in (w.ctx.service.lookup(account(i)).consumer for i in range(7, 100))
                  if c.category == "DOM" and len(c.name.split()) == 2)
    first, last = target.name.split()
    cp = w.collect_page
    qtbot.keyClicks(cp.account, f"{first} {last[:3]}")
    qtbot.waitUntil(lambda: cp.results.isVisible(), timeout=10_000)
    names = [c.account_no for c in cp.results_model.consumers]
    assert target.account_no in names
    qtbot.keyClick(cp.account, Qt.Key.Key_Down)  # into the list
    assert cp.results.hasFocus()
    for _ in range(names.index(target.account_no)):
        qtbot.keyClick(cp.results, Qt.Key.Key_Down)
    qtbot.keyClick(cp.results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cp.card.account_no == target.account_no, timeout=10_000)
    assert cp.card.name.text() == target.name and not cp.results.isVisible()


@pytest.mark.parametrize("typed, key", [
    ("", "amount.empty"),
    ("abc", "amount.not_a_number"),
    ("12,50", "amount.bad_grouping"),
    ("-5", "amount.negative"),
    ("0", "amount.zero"),
    ("1.234", "amount.too_many_decimals"),
    ("99999999", "amount.over_limit"),
])
def test_bad_amounts_refused_visibly_and_nothing_stored(qtbot: Any, window: MainWindow, typed: str, key: str) -> None:
    from counter_app.domain.messages import MESSAGES

    w = window
    open_shift(qtbot, w)
    find_consumer(qtbot, w, account(6))
    f = w.collect_page.form
    f.amount.selectAll()
    qtbot.keyClick(f.amount, Qt.Key.Key_Delete)
    qtbot.keyClicks(f.amount, typed)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    alert = w.collect_page.alert
    assert alert.isVisible() and alert.kind == "error"
    expected = MESSAGES[key][0].split("{")[0]
    assert expected in alert.text()
    assert f.amount.hasFocus()
    qtbot.wait(100)
    assert receipts(w) == [] and outbox_summary(w.ctx.service).pending == 0
    # The payment is still on screen to be corrected.
    assert w.collect_page.card.account_no == account(6)


def test_pressing_f9_twice_makes_one_receipt(qtbot: Any, window: MainWindow) -> None:
    w = window
    open_shift(qtbot, w)
    find_consumer(qtbot, w, account(8))
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.keyClick(w, Qt.Key.Key_F9)
    qtbot.keyClick(w, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_printed(qtbot, w, 1)
    qtbot.wait(200)
    assert len(receipts(w)) == 1


def test_account_not_in_local_data_is_still_collected(qtbot: Any, window: MainWindow) -> None:
    w = window
    open_shift(qtbot, w)
    unknown = "2199999990"
    cp = w.collect_page
    qtbot.keyClicks(cp.account, unknown)
    qtbot.keyClick(cp.account, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cp.card.unknown_account == unknown, timeout=10_000)
    assert cp.card.unknown_name.hasFocus()
    qtbot.keyClick(w, Qt.Key.Key_F9)  # no name yet: refused
    assert cp.alert.kind == "error"
    qtbot.keyClicks(cp.card.unknown_name, "New Connection Holder")
    qtbot.keyClick(cp.card.unknown_name, Qt.Key.Key_Return)
    assert cp.form.amount.hasFocus()
    qtbot.keyClicks(cp.form.amount, "300")
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    [r] = receipts(w)
    assert (r.account_no, r.consumer_name, r.amount_paise) == (unknown, "New Connection Holder", 300_00)


def test_escape_backs_out(qtbot: Any, window: MainWindow) -> None:
    w = window
    open_shift(qtbot, w)
    find_consumer(qtbot, w, account(9))
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    cp = w.collect_page
    assert cp.card.account_no is None and cp.account.text() == "" and cp.account.hasFocus()
    assert not cp.form.isEnabled()
    qtbot.keyClick(w, Qt.Key.Key_F9)  # nothing chosen: nothing happens but a message
    assert cp.alert.kind == "error" and receipts(w) == []


def test_wrong_pin_then_lockout_is_explained(qtbot: Any, window: MainWindow) -> None:
    w = window
    for _ in range(5):
        log_in_attempt(qtbot, w, ("clerk1", "0000"))
    assert "locked" in w.login_page.alert.text()
    assert "15" in w.login_page.alert.text()
    # Even the right PIN is refused while locked.
    log_in_attempt(qtbot, w, ("clerk1", "1111"))
    assert w.stack.currentWidget() is w.login_page and "locked" in w.login_page.alert.text()
    # A supervisor can still log in.
    log_in(qtbot, w, SUPERVISOR)


def log_in_attempt(qtbot: Any, w: MainWindow, user: tuple[str, str]) -> None:
    lp = w.login_page
    lp.user.clear()
    qtbot.keyClicks(lp.user, user[0])
    qtbot.keyClick(lp.user, Qt.Key.Key_Return)
    qtbot.keyClicks(lp.pin, user[1])
    qtbot.keyClick(lp.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not lp.busy, timeout=10_000)


def test_warnings_on_the_card_and_an_advance_when_nothing_is_due(qtbot: Any, window: MainWindow) -> None:
    from sqlalchemy import text

    w = window
    svc = w.ctx.service
    open_shift(qtbot, w)
    # A consumer with nothing due pays in advance (no new bill yet): the amount starts empty.
    idx = next(i for i in range(200) if svc.lookup(account(i)).consumer.balance_paise <= 0)
    find_consumer(qtbot, w, account(idx))
    f = w.collect_page.form
    assert f.amount.text() == "" and not w.collect_page.card.warnings.isVisible()
    qtbot.keyClicks(f.amount, "500")
    qtbot.keyClick(w, Qt.Key.Key_F9)
    wait_printed(qtbot, w, 1)
    # The same consumer again: "already paid today", with the amount.
    find_consumer(qtbot, w, account(idx))
    card = w.collect_page.card
    assert card.warnings.isVisible() and "Already paid today" in card.warnings.text()
    assert "₹500.00" in card.warnings.text() and card.warnings.text().startswith("WARNING:")
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    # A disconnected consumer with a bounced cheque: both said on the card.
    other = account(idx + 1)
    with svc.store.cache.write() as conn:
        conn.execute(text("UPDATE consumers SET status='disconnected', dishonoured_cheques=1 WHERE account_no=:a"),
                     {"a": other})
    find_consumer(qtbot, w, other)
    assert "DISCONNECTED" in card.warnings.text() and "dishonoured" in card.warnings.text()
