"""The amount due as this counter knows it: its own receipts and voids apply at once (the cached
balance moves only at the next pull); recent payments and far-too-large amounts are named so the
window can ask for a deliberate confirmation. Cash is rounded to the rupee with the round-off on
the receipt."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counter_app.config import Config
from counter_app.services.collection import Payment
from counter_app.storage import consumers as consumers_repo
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.consumers import CONSUMER_FIELDS
from kesco_protocol.records import Mode
from tests.conftest import SUPERVISOR


def _due_account(svc, start=1):
    for i in range(start, 200):
        v = svc.lookup(account_no_for_index(i))
        if v.amount_due_paise > 1000_00 and not v.recent and v.consumer.status == "active":
            return v
    raise AssertionError("no account with an amount due")


def test_a_payment_here_applies_to_the_amount_due_at_once(counter, clerk, shift):
    svc = counter.service
    v = _due_account(svc)
    acct, due = v.consumer.account_no, v.amount_due_paise
    r = svc.issue_receipt(clerk, Payment(acct, 500_00, Mode.UPI, instrument=_upi()))
    again = svc.lookup(acct)
    assert again.consumer.balance_paise == v.consumer.balance_paise  # the cache is not touched
    assert again.amount_due_paise == due - 500_00
    assert [(p.receipt_no, p.amount_paise) for p in again.recent] == [(r.receipt_no, 500_00)]
    svc.issue_receipt(clerk, Payment(acct, due - 500_00, Mode.UPI, instrument=_upi("UTR22")))
    assert svc.lookup(acct).amount_due_paise == 0


def test_a_void_puts_the_amount_due_back(counter, clerk, shift):
    svc = counter.service
    v = _due_account(svc)
    r = svc.issue_receipt(clerk, Payment(v.consumer.account_no, v.amount_due_paise, Mode.UPI, instrument=_upi()))
    assert svc.lookup(v.consumer.account_no).amount_due_paise == 0
    svc.void_receipt(clerk, r.receipt_no, "wrong account keyed", *SUPERVISOR)
    after = svc.lookup(v.consumer.account_no)
    assert after.amount_due_paise == v.amount_due_paise
    assert after.recent == ()  # a cancelled receipt is not a payment


def test_recent_payment_window_is_configurable(counter, clerk, shift, clock):
    svc = counter.service
    v = _due_account(svc)
    svc.issue_receipt(clerk, Payment(v.consumer.account_no, 100_00, Mode.UPI, instrument=_upi()))
    clock.advance(hours=71)
    assert svc.lookup(v.consumer.account_no).recent
    clock.advance(hours=2)
    assert svc.lookup(v.consumer.account_no).recent == ()
    svc.config.recent_payment_hours = 100
    assert svc.lookup(v.consumer.account_no).recent


def test_the_servers_last_payment_counts_as_recent(counter, clock):
    svc = counter.service
    v = _due_account(svc)
    row = [getattr(v.consumer, f) for f in CONSUMER_FIELDS]
    row[CONSUMER_FIELDS.index("last_payment_date")] = (clock.now.date() - timedelta(days=1)).isoformat()
    row[CONSUMER_FIELDS.index("last_payment_paise")] = 973_00
    with counter.store.cache.write() as conn:
        consumers_repo.upsert_many(conn, [row])
    [p] = svc.lookup(v.consumer.account_no).recent
    assert (p.receipt_no, p.amount_paise) == (None, 973_00)
    from counter_app.services.dues import cautions

    [c] = cautions([p], 973_00, 973_00, svc.config)
    assert c.key == "payment.recent_elsewhere" and c.params["amount"] == "₹973.00"


@pytest.mark.parametrize(("amount", "due", "warned"), [
    (97300_00, 973_00, True),  # the decimal point forgotten
    (9730_00, 973_00, False),  # ten times, not more
    (5000_00, 0, False),  # an advance of ₹5,000 with nothing due: not more than ₹5,000 above
    (5000_01, 0, True),
    (60000_00, 6000_00, False),  # ten times exactly
    (60000_01, 6000_00, True),
])
def test_an_amount_far_above_the_due_is_named(amount, due, warned):
    from counter_app.services.dues import cautions

    got = cautions([], due, amount, Config())
    assert [c.key for c in got] == (["payment.far_above_due"] if warned else [])


def test_cash_is_rounded_to_the_rupee_and_the_account_credited_the_amount(counter, clerk, shift):
    svc = counter.service
    acct = account_no_for_index(5)
    r = svc.issue_receipt(clerk, Payment(acct, 2026_40, tendered_paise=2100_00))
    assert (r.amount_paise, r.round_off_paise, r.cash_paise, r.change_paise) == (2026_40, -40, 2026_00, 74_00)
    up = svc.issue_receipt(clerk, Payment(acct, 10_50))
    assert (up.round_off_paise, up.cash_paise) == (50, 11_00)
    assert "round_off_paise" in r.wire() and svc.get_receipt(r.receipt_no) == r
    whole = svc.issue_receipt(clerk, Payment(acct, 100_00))
    assert "round_off_paise" not in whole.wire()  # a whole-rupee receipt keeps the old wire form
    cheque_like = svc.issue_receipt(clerk, Payment(acct, 10_40, Mode.UPI, instrument=_upi()))
    assert cheque_like.round_off_paise == 0  # only cash is rounded
    svc.config.cash_rounding = "none"
    assert svc.issue_receipt(clerk, Payment(acct, 10_40)).round_off_paise == 0


def test_the_receipt_records_the_balance_before_it(counter, clerk, shift):
    svc = counter.service
    v = _due_account(svc)
    a = svc.issue_receipt(clerk, Payment(v.consumer.account_no, 300_00))
    b = svc.issue_receipt(clerk, Payment(v.consumer.account_no, 200_00))
    assert (a.balance_before_paise, b.balance_before_paise) == (v.balance_paise, v.balance_paise - 300_00)


def _upi(ref: str = "UTR11"):
    from counter_app.domain.receipt import Instrument

    return Instrument(reference=ref + "998877")


def test_a_shift_with_paise_receipts_balances_with_the_blind_count(counter, clerk, shift):
    from counter_app.services.closes import CloseService

    svc, closing = counter.service, CloseService(counter.service)
    svc.issue_receipt(clerk, Payment(account_no_for_index(1), 2026_40))
    svc.issue_receipt(clerk, Payment(account_no_for_index(2), 730_50, tendered_paise=800_00))
    gone = svc.issue_receipt(clerk, Payment(account_no_for_index(3), 200_25))
    svc.void_receipt(clerk, gone.receipt_no, "wrong account keyed", *SUPERVISOR)
    # float 1,000 + 2,026 + 731 = 3,757: notes and coins can make it, so no remark is needed
    counts = {"N500": 7, "N200": 1, "N50": 1, "C5": 1, "C2": 1}
    prev = closing.preview_shift_close(clerk, counts, [])
    assert (prev.expected_cash_paise, prev.variance_paise, prev.needs_remark) == (3757_00, 0, False)
    sc = closing.close_shift(clerk, counts, [])
    assert (sc.variance_paise, sc.round_off_paise, sc.cash_collected_paise) == (0, 10, 2026_40 + 730_50 + 200_25)
    rep = closing.day_report(shift.business_date)
    assert rep.round_off_total_paise == 10 and rep.cash_in_drawer_paise == 2757_00
    dc = closing.close_day(svc.login(*SUPERVISOR), shift.business_date)
    assert dc.round_off_total_paise == 10 and dc.body()["round_off_total_paise"] == 10
