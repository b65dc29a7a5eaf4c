"""Cash pickups, the cash limits and the day's deposit on a real store: the pickup lowers the
shift's expected cash (sums computed here from the receipts), the hard limit refuses cash but not
cheques, and bad input (counts not numbers, nothing counted, more than the drawer) stores nothing."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from counter_app.domain.errors import AmountError, AuthError, StateError, ValidationError
from counter_app.domain.receipt import Instrument
from counter_app.services.cash import CashService
from counter_app.services.closes import CloseService
from counter_app.services.collection import Payment
from kesco_demo.consumers import account_no_for_index as acct
from kesco_protocol.records import Mode
from tests.conftest import CLERK, SUPERVISOR

FLOAT = 1000_00  # the `shift` fixture's opening float


@pytest.fixture
def cash(counter):
    return CashService(counter.service)


def _rows(counter, sql: str) -> list:
    with counter.service.db.read() as conn:
        return list(conn.execute(text(sql)).all())


def _stored(counter) -> tuple[int, int, int]:
    return (_rows(counter, "SELECT COUNT(*) FROM pickups")[0][0], _rows(counter, "SELECT COUNT(*) FROM outbox")[0][0],
            _rows(counter, "SELECT COUNT(*) FROM deposits")[0][0])


def _cheque(clock, number: str) -> Instrument:
    return Instrument(number=number, date=(clock.now.date() - timedelta(days=1)).isoformat(), bank="Bank of Baroda",
                      ifsc="BARB0KANPUR")


def test_a_pickup_lowers_the_drawer_and_the_shift_close_expects_less(counter, clerk, shift, cash, clock) -> None:
    svc = counter.service
    paid = [svc.issue_receipt(clerk, Payment(acct(i), amt)) for i, amt in ((1, 30_000_40), (2, 45_000_50),
                                                                            (3, 12_345_00))]
    svc.void_receipt(clerk, paid[2].receipt_no, "wrong account", *SUPERVISOR)
    svc.issue_receipt(clerk, Payment(acct(4), 9_000_00, Mode.CHEQUE, _cheque(clock, "123456")))
    # independently: float + cash (amount + round-off) of the receipts not cancelled
    in_drawer = FLOAT + sum(r.amount_paise + r.round_off_paise for r in paid[:2])
    d = cash.drawer(clerk)
    assert d is not None and d.in_drawer_paise == in_drawer
    p = cash.record_pickup(clerk, {"N500": "100", "N200": "25", "C10": 3, "N10": "2"}, "safe", *SUPERVISOR,
                           remark="  mid-day   pickup ")
    taken = 100 * 500_00 + 25 * 200_00 + 3 * 10_00 + 2 * 10_00
    assert p.amount_paise == taken and p.taken_by == "super1" and p.clerk == "clerk1" and p.remark == "mid-day pickup"
    # the record's map is by the rupee value: the ₹10 note and coin are one "10" there
    assert p.denominations == {"500": 100, "200": 25, "10": 5}
    assert sum(int(k) * n for k, n in p.denominations.items()) * 100 == p.amount_paise
    after = cash.drawer(clerk)
    assert after is not None and after.in_drawer_paise == in_drawer - taken and after.picked_up_paise == taken
    row = _rows(counter, f"SELECT kind, payload FROM outbox WHERE record_id = '{p.pickup_id}'")[0]
    assert row[0] == "pickup" and json.loads(row[1]) == p.body()
    # the shift close: expected cash is lower by the pickup, and the record says how much
    closing = CloseService(svc)
    expected = in_drawer - taken
    preview = closing.preview_shift_close(clerk, {"N500": expected // 500_00}, [])
    assert preview.expected_cash_paise == expected and preview.picked_up_paise == taken
    ticked = [r.receipt_id for r, _v in svc.shift_receipts(shift.shift_id) if r.mode == "cheque"]
    sc = closing.close_shift(clerk, {"N500": expected // 500_00, "N100": expected % 500_00 // 100_00,
                                     "C1": expected % 100_00 // 1_00}, ticked, remark="paise kept aside")
    assert sc.expected_cash_paise == expected and sc.picked_up_paise == taken and sc.body()["picked_up_paise"] == taken
    rep = closing.day_report(shift.business_date)
    assert rep.picked_up_paise == taken and rep.variance_total_paise == sc.variance_paise
    # a shift close without pickups keeps its old shape (no new key)
    assert "picked_up_paise" not in dataclasses.replace(sc, picked_up_paise=0).body()


@pytest.mark.parametrize(("counts", "key"), [
    ({"N500": "ten"}, "cash.count_not_number"),
    ({"N500": "1.5"}, "cash.count_not_number"),
    ({"N500": "-2"}, "cash.count_not_number"),
    ({"N500": "", "N100": "0"}, "cash.pickup_zero"),
    ({"N999": "1"}, "close.bad_denomination"),
])
def test_bad_pickups_are_refused_and_nothing_is_stored(counter, clerk, shift, cash, counts, key) -> None:
    counter.service.issue_receipt(clerk, Payment(acct(1), 5_000_00))
    before = _stored(counter)
    with pytest.raises((ValidationError, AmountError)) as e:
        cash.record_pickup(clerk, counts, "safe", *SUPERVISOR)
    assert e.value.key == key
    assert e.value.message("en") and e.value.message("hi") != e.value.message("en")
    assert _stored(counter) == before


def test_a_pickup_larger_than_the_drawer_or_without_a_supervisor_is_refused(counter, clerk, shift, cash) -> None:
    counter.service.issue_receipt(clerk, Payment(acct(1), 5_000_00))  # drawer: 1,000 + 5,000
    before = _stored(counter)
    with pytest.raises(AmountError) as e:
        cash.record_pickup(clerk, {"N500": "13"}, "bank", *SUPERVISOR)  # 6,500
    assert e.value.key == "cash.pickup_too_much" and "₹6,500.00" in e.value.message("en")
    with pytest.raises(AuthError):
        cash.record_pickup(clerk, {"N500": "2"}, "bank", SUPERVISOR[0], "0000")
    with pytest.raises(Exception) as e2:
        cash.record_pickup(clerk, {"N500": "2"}, "bank", *CLERK)
    assert getattr(e2.value, "key", "") == "auth.supervisor_required"
    with pytest.raises(ValidationError) as e3:
        cash.record_pickup(clerk, {"N500": "2"}, "home", *SUPERVISOR)
    assert e3.value.key == "cash.bad_destination"
    assert _stored(counter) == before
    # the whole drawer may go
    p = cash.record_pickup(clerk, {"N500": "12"}, "bank", *SUPERVISOR)
    assert p.amount_paise == 6_000_00 and cash.drawer(clerk).in_drawer_paise == 0  # type: ignore[union-attr]


def test_the_hard_limit_refuses_cash_until_a_pickup_but_not_cheques(counter, clerk, shift, cash, clock) -> None:
    svc = counter.service
    svc.config.cash_limit_paise = 20_000_00
    svc.config.cash_hard_limit_paise = 50_000_00
    svc.issue_receipt(clerk, Payment(acct(1), 19_000_00))
    d = cash.drawer(clerk)
    assert d is not None and not d.over_soft  # 20,000: at the limit, not past it
    svc.issue_receipt(clerk, Payment(acct(2), 30_000_00))
    d = cash.drawer(clerk)
    assert d is not None and d.over_soft and not d.over_hard  # 50,000: at the hard limit
    svc.issue_receipt(clerk, Payment(acct(3), 1_00))  # still taken: the drawer was not past it
    d = cash.drawer(clerk)
    assert d is not None and d.over_hard
    n = _rows(counter, "SELECT COUNT(*) FROM receipts")[0][0]
    with pytest.raises(StateError) as e:
        svc.issue_receipt(clerk, Payment(acct(4), 100_00))
    assert e.value.key == "cash.hard_limit" and "₹50,001.00" in e.value.message("en")
    assert _rows(counter, "SELECT COUNT(*) FROM receipts")[0][0] == n
    svc.issue_receipt(clerk, Payment(acct(4), 100_00, Mode.CHEQUE, _cheque(clock, "222222")))  # cheques still go
    cash.record_pickup(clerk, {"N500": "60"}, "safe", *SUPERVISOR)
    svc.issue_receipt(clerk, Payment(acct(5), 100_00))  # after the pickup, cash again
    # off (0): never refused
    svc.config.cash_hard_limit_paise = 0
    svc.issue_receipt(clerk, Payment(acct(6), 9_00_000_00))


def test_the_deposit_draft_and_record(counter, clerk, shift, cash, clock) -> None:
    svc = counter.service
    svc.issue_receipt(clerk, Payment(acct(1), 40_000_00))
    q1 = svc.issue_receipt(clerk, Payment(acct(2), 9_000_00, Mode.CHEQUE, _cheque(clock, "111111")))
    q2 = svc.issue_receipt(clerk, Payment(acct(3), 7_000_00, Mode.DD, _cheque(clock, "333333")))
    q3 = svc.issue_receipt(clerk, Payment(acct(4), 1_000_00, Mode.CHEQUE, _cheque(clock, "444444")))
    svc.void_receipt(clerk, q3.receipt_no, "keyed twice", *SUPERVISOR)
    cash.record_pickup(clerk, {"N500": "40"}, "safe", *SUPERVISOR)  # 20,000 to the safe
    cash.record_pickup(clerk, {"N200": "50"}, "bank", *SUPERVISOR)  # 10,000 by the cash van
    closing = CloseService(svc)
    closing.close_shift(clerk, {"N500": 22}, [q1.receipt_id, q2.receipt_id])  # 1,000 + 40,000 - 30,000
    sup = svc.login(*SUPERVISOR)
    day = shift.business_date
    draft = cash.deposit_draft(day)
    assert draft.counts == {"N500": 62} and draft.cash_paise == 31_000_00  # the close's 22 and the safe's 40
    assert draft.picked_up_to_bank_paise == 10_000_00
    assert [(ln.number, ln.amount_paise) for ln in draft.lines] == [("111111", 9_000_00), ("333333", 7_000_00)]
    with pytest.raises(Exception) as e:
        cash.record_deposit(clerk, day, "SBI", "Mall Road", "PS-1", day, draft.counts, draft.lines)
    assert getattr(e.value, "key", "") == "auth.supervisor_required"
    before = _stored(counter)
    for bad, key in ((("", "Mall Road", "PS-1", day, {"N500": "1"}), "cash.deposit_fields_required"),
                     (("SBI", "Mall Road", "PS-1", day, {"N500": "x"}), "cash.count_not_number"),
                     (("SBI", "Mall Road", "PS-1", "2026-11-01", {"N500": "1"}), "cash.deposit_before_day"),
                     (("SBI", "Mall Road", "PS-1", "31-31-2026", {"N500": "1"}), "close.bad_date")):
        with pytest.raises((ValidationError, AmountError)) as e:
            cash.record_deposit(sup, day, *bad[:4], bad[4], draft.lines)  # type: ignore[arg-type]
        assert e.value.key == key
    with pytest.raises(AmountError) as e:
        cash.record_deposit(sup, day, "SBI", "Mall Road", "PS-1", day, {}, [])
    assert e.value.key == "cash.deposit_zero"
    forged = dataclasses.replace(draft.lines[0], amount_paise=1)
    with pytest.raises(ValidationError) as e:
        cash.record_deposit(sup, day, "SBI", "Mall Road", "PS-1", day, draft.counts, [forged])
    assert e.value.key == "cash.deposit_instrument_unknown"
    assert _stored(counter) == before
    d = cash.record_deposit(sup, day, "State Bank of India", "Mall Road, Kanpur", "PS-0042", day, draft.counts,
                            draft.lines)
    assert d.amount_paise == 31_000_00 + 16_000_00 and d.cash_paise == 31_000_00
    assert d.denominations == {"500": 62}
    assert d.instruments == [{"receipt_ids": [q1.receipt_id], "mode": "cheque", "number": "111111",
                              "bank": "Bank of Baroda", "amount_paise": 9_000_00},
                             {"receipt_ids": [q2.receipt_id], "mode": "dd", "number": "333333",
                              "bank": "Bank of Baroda", "amount_paise": 7_000_00}]
    row = _rows(counter, f"SELECT kind, payload FROM outbox WHERE record_id = '{d.deposit_id}'")[0]
    assert row[0] == "deposit" and json.loads(row[1]) == d.body()
    with pytest.raises(StateError) as e:
        cash.record_deposit(sup, day, "SBI", "Mall Road", "PS-0042", day, {"N500": "1"}, [])
    assert e.value.key == "cash.slip_used"
    assert cash.deposit_draft(day).already == [d]


def test_pickups_and_deposits_are_append_only(counter, clerk, shift, cash) -> None:
    counter.service.issue_receipt(clerk, Payment(acct(1), 5_000_00))
    cash.record_pickup(clerk, {"N500": "2"}, "safe", *SUPERVISOR)
    with pytest.raises(Exception, match="append-only"):
        with counter.service.db.write() as conn:
            conn.execute(text("UPDATE pickups SET amount_paise = 1"))
    with pytest.raises(Exception, match="append-only"):
        with counter.service.db.write() as conn:
            conn.execute(text("DELETE FROM pickups"))
