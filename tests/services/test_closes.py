"""Shift close with a blind count, day close totals, CSV and day book, on a real store."""

from __future__ import annotations

import csv
import io
import random
from datetime import timedelta

import pytest
from sqlalchemy import text

from counter_app.domain.errors import AuthError, PermissionDenied, StateError, ValidationError
from counter_app.domain.receipt import Instrument
from counter_app.services.closes import CloseService
from counter_app.services.collection import Payment
from counter_app.services.reports import CSV_COLUMNS, day_book, receipts_csv
from kesco_demo.consumers import account_no_for_index
from kesco_protocol.records import Mode
from tests.conftest import SUPERVISOR


@pytest.fixture
def closing(counter):
    return CloseService(counter.service)


def _cheque(clock, n="111111"):
    return Instrument(number=n, date=(clock.now.date() - timedelta(days=1)).isoformat(), bank="Bank of Baroda",
                      ifsc="BARB0KANPUR")


def _fill(counter, clerk, clock):
    svc = counter.service
    a = svc.issue_receipt(clerk, Payment(account_no_for_index(1), 1500_00, Mode.CASH, tendered_paise=2000_00))
    b = svc.issue_receipt(clerk, Payment(account_no_for_index(2), 730_50))
    c = svc.issue_receipt(clerk, Payment(account_no_for_index(3), 200_00))
    svc.void_receipt(clerk, c.receipt_no, "wrong account keyed", *SUPERVISOR)
    q = svc.issue_receipt(clerk, Payment(account_no_for_index(4), 4000_00, Mode.CHEQUE, _cheque(clock)))
    u = svc.issue_receipt(clerk, Payment(account_no_for_index(5), 99_00, Mode.UPI, Instrument(reference="UTR99887766")))
    return a, b, c, q, u


def test_exact_count_closes_and_locks_the_shift(counter, clerk, shift, clock, closing):
    counter.service.config.cash_rounding = "none"  # paise in the drawer: the counter without cash rounding
    a, b, c, q, u = _fill(counter, clerk, clock)
    # expected = float 1000 + 1500 + 730.50 (the voided 200 is not there; change given back is not collection)
    counts = {"N500": 6, "N200": 1, "N10": 3, "C1": 0}
    assert closing.instruments_to_tick(clerk)[0].receipt_no == q.receipt_no
    prev = closing.preview_shift_close(clerk, counts | {"C2": 0}, [q.receipt_id])
    assert prev.expected_cash_paise == 1000_00 + 1500_00 + 730_50
    assert prev.counted_cash_paise == 3230_00
    assert prev.variance_paise == -50  # 50 paise short
    counts["C1"] = 0
    with pytest.raises(ValidationError) as e:
        closing.close_shift(clerk, counts, [q.receipt_id])
    assert e.value.key == "close.remark_required"
    sc = closing.close_shift(clerk, counts, [q.receipt_id], remark="50 paise coin not available")
    assert sc.variance_paise == -50 and sc.approved_by is None
    assert sc.other_modes == {"upi": 99_00}
    assert sc.instruments_missing == []
    # locked: no receipt, no void, no second close
    with pytest.raises(StateError):
        counter.service.issue_receipt(clerk, Payment(account_no_for_index(1), 100_00))
    with pytest.raises(StateError):
        counter.service.void_receipt(clerk, b.receipt_no, "late void", *SUPERVISOR)
    with pytest.raises(StateError):
        closing.close_shift(clerk, counts, [], remark="again")
    with counter.store.db.read() as conn:
        kinds = [k for (k,) in conn.execute(text("SELECT kind FROM outbox ORDER BY outbox_id"))]
    assert kinds[-1] == "shift_close"


def test_excess_above_threshold_needs_supervisor(counter, clerk, shift, clock, closing):
    counter.service.config.cash_rounding = "none"  # paise in the drawer: the counter without cash rounding
    _fill(counter, clerk, clock)
    counts = {"N500": 8}  # 4000 counted vs 3230.50 expected: 769.50 excess
    prev = closing.preview_shift_close(clerk, counts, [])
    assert prev.variance_paise == 769_50 and prev.needs_approval and prev.needs_remark
    assert prev.instruments_missing  # the cheque was not ticked
    with pytest.raises(PermissionDenied) as e:
        closing.close_shift(clerk, counts, [], remark="customer left cash")
    assert e.value.key == "close.approval_required"
    with pytest.raises(PermissionDenied):
        closing.close_shift(clerk, counts, [], remark="customer left cash", supervisor="clerk1", supervisor_pin="1111")
    with pytest.raises(AuthError):
        closing.close_shift(clerk, counts, [], remark="customer left cash", supervisor="super1", supervisor_pin="0")
    sc = closing.close_shift(clerk, counts, [], remark="customer left cash", supervisor="super1",
                             supervisor_pin="9999")
    assert sc.approved_by == "super1" and sc.variance_paise == 769_50
    assert len(sc.instruments_missing) == 1
    assert sc.blind_count_paise == 4000_00


def test_blind_count_is_kept_even_if_the_clerk_recounts(counter, clerk, shift, clock, closing):
    _fill(counter, clerk, clock)
    closing.preview_shift_close(clerk, {"N500": 5}, [])  # first count: 2500
    sc = closing.close_shift(clerk, {"N500": 6, "N200": 1, "N10": 3}, [],
                             remark="recounted, cheque with cashier", supervisor="super1", supervisor_pin="9999")
    assert sc.blind_count_paise == 2500_00 and sc.counted_cash_paise == 3230_00


def test_bad_counts_are_refused(counter, clerk, shift, closing):
    for counts in ({"N2000": 1}, {"N500": -1}, {"N500": 1.5}, {"N500": "3"}):
        with pytest.raises(ValidationError):
            closing.preview_shift_close(clerk, counts, [])
    with pytest.raises(ValidationError):
        closing.preview_shift_close(clerk, {"N500": 1}, ["not-a-receipt"])


def test_day_close_totals_equal_the_receipts(counter, clerk, shift, clock, closing):
    counter.service.config.cash_rounding = "none"  # paise in the drawer: the counter without cash rounding
    rng = random.Random(3)
    svc = counter.service
    issued = []
    for i in range(60):
        mode = rng.choice([Mode.CASH, Mode.CASH, Mode.UPI, Mode.CHEQUE])
        inst = (_cheque(clock, f"{100000 + i}") if mode is Mode.CHEQUE
                else Instrument(reference=f"UTR{i:08d}") if mode is Mode.UPI else None)
        issued.append(svc.issue_receipt(clerk, Payment(account_no_for_index(i), rng.randint(1, 500_000), mode, inst)))
    voided = {r.receipt_id for r in rng.sample(issued, 5)}
    for r in issued:
        if r.receipt_id in voided:
            svc.void_receipt(clerk, r.receipt_no, "keyed twice", *SUPERVISOR)
    sup = svc.login(*SUPERVISOR)
    with pytest.raises(StateError) as e:
        closing.close_day(sup, shift.business_date)
    assert e.value.key == "close.shifts_open"
    rep = closing.day_report(shift.business_date)
    expected_cash = shift.opening_float_paise + sum(r.amount_paise for r in issued
                                                    if r.mode == "cash" and r.receipt_id not in voided)
    sc = closing.close_shift(clerk, {"C1": expected_cash // 100}, [ln.receipt_id for ln in rep.instruments],
                             remark="paise not counted")
    assert sc.variance_paise == -(expected_cash % 100)
    with pytest.raises(PermissionDenied):
        closing.close_day(clerk, shift.business_date)
    dc = closing.close_day(sup, shift.business_date)
    live = [r for r in issued if r.receipt_id not in voided]
    assert dc.receipt_count == 60 and dc.void_count == 5
    assert dc.total_paise == sum(r.amount_paise for r in issued)
    assert dc.net_total_paise == sum(r.amount_paise for r in live)
    for mode in ("cash", "upi", "cheque"):
        assert dc.by_mode.get(mode, 0) == sum(r.amount_paise for r in live if r.mode == mode)
    cats = {r.category for r in live}
    assert sum(dc.by_category.values()) == dc.net_total_paise and set(dc.by_category) == cats
    assert sorted(dc.receipt_ids) == sorted(r.receipt_id for r in issued)
    with pytest.raises(StateError):
        closing.close_day(sup, shift.business_date)
    with pytest.raises(StateError) as e:
        svc.open_shift(clerk, 0)
    assert e.value.key == "close.day_closed"
    st = closing.day_close_status(shift.business_date)
    assert st.sync_state == "pending" and st.confirmed is False


def test_csv_reads_back_equal_to_the_receipts(counter, clerk, shift, clock):
    a, b, c, q, u = _fill(counter, clerk, clock)
    text_ = receipts_csv(counter.service, shift.business_date)
    rows = list(csv.DictReader(io.StringIO(text_)))
    assert list(rows[0].keys()) == list(CSV_COLUMNS)
    by_no = {r["receipt_no"]: r for r in rows}
    for r in (a, b, c, q, u):
        row = by_no[r.receipt_no]
        assert int(row["amount_paise"]) == r.amount_paise
        assert row["receipt_id"] == r.receipt_id and row["account_no"] == r.account_no and row["mode"] == r.mode
    assert by_no[c.receipt_no]["status"] == "cancelled"
    assert by_no[q.receipt_no]["instrument_number"] == "111111"
    book = day_book(counter.service, shift.business_date, shift.business_date)
    assert len(book) == 1 and book[0].receipts == 5 and book[0].cancelled == 1
    assert book[0].net_paise == a.amount_paise + b.amount_paise + q.amount_paise + u.amount_paise
    with pytest.raises(ValidationError):
        day_book(counter.service, "2026-12-01", "2026-01-01")
