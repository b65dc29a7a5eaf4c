"""One cheque for several accounts at the service (issue 16): one receipt per account in one
transaction with the same instrument and group id; every refusal (sum, duplicate, unknown account
in the middle, mode) leaves the database exactly as it was; a dishonour reverses the whole group;
the void and reversal rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from counter_app.domain.errors import CounterError
from counter_app.domain.messages import MESSAGES
from counter_app.domain.receipt import Instrument
from counter_app.services.collection import Payment
from counter_app.services.group_payment import (
    GroupLine,
    GroupPaymentRequest,
    dishonour_instrument,
    group_of,
    issue_group,
)
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.records import Mode
from tests.conftest import SUPERVISOR
from tests.services.test_bad_input import fingerprint


def cheque(today, number="445566") -> Instrument:
    return Instrument(number=number, date=(today - timedelta(days=2)).isoformat(), bank="Punjab National Bank",
                      ifsc="PUNB0123400")


def lines(*amounts: int) -> tuple[GroupLine, ...]:
    return tuple(GroupLine(account_no_for_index(10 + i), a) for i, a in enumerate(amounts))


def test_one_cheque_pays_three_accounts_in_order_with_one_group_id(counter, clerk, shift, clock):
    svc = counter.service
    svc.issue_receipt(clerk, Payment(account_no_for_index(1), 100_00))  # the chain goes on after it
    req = GroupPaymentRequest(Mode.CHEQUE, cheque(clock.now.date()), 6_000_00, lines(1_000_00, 2_500_00, 2_500_00))
    g = issue_group(svc, clerk, req)
    assert [r.seq for r in g.receipts] == [2, 3, 4]
    assert [r.account_no for r in g.receipts] == [ln.account_no for ln in req.lines]
    assert [r.amount_paise for r in g.receipts] == [1_000_00, 2_500_00, 2_500_00]
    assert {r.instrument["group_id"] for r in g.receipts if r.instrument} == {g.group_id}
    assert all(r.instrument and r.instrument["number"] == "445566" and r.mode == "cheque" for r in g.receipts)
    assert svc.verify()["ok"]
    assert [r.receipt_id for r in group_of(svc, g.receipts[1].receipt_no)] == [r.receipt_id for r in g.receipts]
    single = svc.issue_receipt(clerk, Payment(account_no_for_index(2), 50_00, Mode.CHEQUE, cheque(clock.now.date())))
    assert "group_id" not in (single.instrument or {})  # the single path is as it was
    assert [r.receipt_id for r in group_of(svc, single.receipt_id)] == [single.receipt_id]
    with counter.store.db.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM outbox WHERE kind='receipt'")).scalar() == 5


@pytest.mark.parametrize("make,key", [
    (lambda d: GroupPaymentRequest(Mode.CHEQUE, cheque(d), 5_999_00, lines(1_000_00, 2_500_00, 2_500_00)),
     "group.sum_mismatch"),
    (lambda d: GroupPaymentRequest(Mode.CHEQUE, cheque(d), 200_00,
                                   (GroupLine(account_no_for_index(3), 100_00),) * 2), "group.duplicate_account"),
    (lambda d: GroupPaymentRequest(Mode.CHEQUE, cheque(d), 0, ()), "group.no_accounts"),
    (lambda d: GroupPaymentRequest(Mode.CASH, cheque(d), 100_00, lines(100_00)), "group.cheque_or_dd"),
    (lambda d: GroupPaymentRequest(Mode.DD, cheque(d, number="12"), 100_00, lines(100_00)),
     "instrument.number_invalid"),
    (lambda d: GroupPaymentRequest(Mode.CHEQUE, cheque(d), 100_00, lines(100_00, 0)), "amount.zero"),
    # the third account is not in the local data: the first two receipts must not stay behind
    (lambda d: GroupPaymentRequest(Mode.CHEQUE, cheque(d), 300_00, (
        *lines(100_00, 100_00), GroupLine("9999999999", 100_00))), "consumer.not_found"),
])
def test_a_refused_group_payment_stores_nothing(counter, clerk, shift, clock, make, key):
    before = fingerprint(counter.store.path)
    with pytest.raises(CounterError) as e:
        issue_group(counter.service, clerk, make(clock.now.date()))
    assert e.value.key == key and key in MESSAGES
    assert fingerprint(counter.store.path) == before
    if key == "group.sum_mismatch":
        assert "₹5,999.00" in e.value.message("en") and "₹6,000.00" in e.value.message("en") \
            and "₹1.00" in e.value.message("en")


def test_a_dishonour_of_the_instrument_reverses_every_receipt_of_it(counter, clerk, shift, clock):
    svc = counter.service
    g = issue_group(svc, clerk, GroupPaymentRequest(Mode.DD, cheque(clock.now.date()), 300_00,
                                                    lines(100_00, 100_00, 100_00)))
    other = issue_group(svc, clerk, GroupPaymentRequest(Mode.DD, cheque(clock.now.date(), "778899"), 200_00,
                                                        (GroupLine(account_no_for_index(30), 200_00),)))
    sup = svc.login(*SUPERVISOR)
    made = dishonour_instrument(svc, sup, g.receipts[2].receipt_no, "Funds insufficient")
    assert sorted(d.receipt_id for d in made) == sorted(r.receipt_id for r in g.receipts)
    with counter.store.db.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM outbox WHERE kind='dishonour'")).scalar() == 3
    with pytest.raises(CounterError) as e:
        dishonour_instrument(svc, sup, g.receipts[0].receipt_id, "again")
    assert e.value.key == "receipt.already_dishonoured"
    assert dishonour_instrument(svc, sup, other.receipts[0].receipt_id, "Stopped")[0].receipt_id == \
        other.receipts[0].receipt_id  # the other cheque was not touched by the first dishonour


def test_a_void_only_on_its_day_in_an_open_shift_then_a_supervisors_reversal(counter, clerk, shift, clock):
    from counter_app.services.closes import CloseService
    from counter_app.services.reversals import receipt_state, reverse_receipt
    from tests.ui.test_shift_close import pieces

    svc = counter.service
    a = svc.issue_receipt(clerk, Payment(account_no_for_index(5), 400_00))
    b = svc.issue_receipt(clerk, Payment(account_no_for_index(6), 300_00))
    # today, shift open: a reversal is not the record for it; a void is
    with pytest.raises(CounterError) as e:
        reverse_receipt(svc, clerk, a.receipt_no, "wrong account keyed", *SUPERVISOR)
    assert e.value.key == "receipt.reversal_not_needed"
    # the next day the shift is still open (not yet counted): a void is refused all the same
    clock.advance(days=1)
    with pytest.raises(CounterError) as e:
        svc.void_receipt(clerk, a.receipt_no, "wrong account keyed", *SUPERVISOR)
    assert e.value.key == "receipt.reversal_needed" and "29-11-2026" in e.value.message("en")
    clock.advance(days=-1)
    CloseService(svc).close_shift(clerk, pieces(1000_00 + 700_00), [])
    with pytest.raises(CounterError) as e:
        svc.void_receipt(clerk, b.receipt_no, "wrong account keyed", *SUPERVISOR)
    assert e.value.key == "shift.closed"
    with pytest.raises(CounterError) as e:  # a clerk cannot approve it
        reverse_receipt(svc, clerk, b.receipt_no, "wrong account keyed", "clerk1", "1111")
    assert e.value.key == "auth.supervisor_required"
    with counter.store.db.read() as conn:  # refusals store no record (a login is audited, nothing else)
        assert conn.execute(text("SELECT COUNT(*) FROM outbox WHERE kind IN ('void', 'reversal')")).scalar() == 0
    clock.advance(days=1)
    rv = reverse_receipt(svc, clerk, b.receipt_no, "wrong account keyed", *SUPERVISOR)
    assert (rv.receipt_id, rv.amount_paise, rv.approved_by, rv.business_date) == \
        (b.receipt_id, 300_00, "super1", "2026-11-30")  # dated the day it was made
    assert receipt_state(svc, b.receipt_no)[1] == "reversed" and receipt_state(svc, a.receipt_no)[1] is None
    with counter.store.db.read() as conn:
        rows = conn.execute(text("SELECT kind, payload FROM outbox WHERE kind='reversal'")).all()
    assert len(rows) == 1 and b.receipt_id in rows[0][1]
    with pytest.raises(CounterError) as e:
        reverse_receipt(svc, clerk, b.receipt_no, "again", *SUPERVISOR)
    assert e.value.key == "receipt.already_reversed"
    # the account's amount due here takes the reversal back at once
    assert svc.lookup(b.account_no).unreflected_paise == 0
