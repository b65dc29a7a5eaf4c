"""Ingest of the issue-16 records: pickups, deposits and reversals stored like any record, bad
payloads refused as invalid with nothing stored, a reversal that reverses its receipt's posting
exactly like a void (once, own counter only, parked otherwise) and reaches billing as a reversal;
cheque and DD receipts kept as instruments, grouped, and deposited by the slip that names them."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from central_server import db
from central_server.bank.tables import deposits, instruments
from central_server.models import alarms, billing_postings, consumers, receipts, records
from tests.server.util import enrolled, post, statuses
from tests.support.bank_records import deposit_record, pickup_record, reversal_record
from tests.support.receipts import ReceiptChain, void_record, wire

K, OTHER = "K51", "K52"


def _balance(engine, account):
    with db.read_tx(engine) as conn:
        return int(conn.execute(select(consumers.c.balance_paise).where(consumers.c.account_no == account)).scalar_one())


def _count(engine, table, *where):
    with db.read_tx(engine) as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def test_pickup_stored_and_resend_is_duplicate(client, engine, accounts):
    h = enrolled(client, engine, K)
    rec = pickup_record(K, str(uuid.uuid4()), {"500": 10, "200": 5})
    assert rec["payload"]["amount_paise"] == 6_000_00
    assert statuses(post(client, K, h, [rec])) == ["accepted"]
    assert statuses(post(client, K, h, [rec])) == ["duplicate"]
    with db.read_tx(engine) as conn:
        row = conn.execute(select(records).where(records.c.record_id == rec["record_id"])).mappings().one()
    assert row["kind"] == "pickup" and row["amount_paise"] == 6_000_00 and row["business_date"] == "2026-11-27"


@pytest.mark.parametrize(("change", "why"), [
    ({"amount_paise": 4_000_00}, "denominations' sum"),
    ({"destination": "home"}, "destination"),
    ({"denominations": {"abc": 1}, "amount_paise": 100}, "whole rupees"),
    ({"denominations": {"500": -1}, "amount_paise": -500_00}, "out of range"),
    ({"taken_by": "x" * 33}, "longer than"),
    ({"business_date": "27-11-2026"}, "business_date"),
])
def test_bad_pickup_invalid_nothing_stored(client, engine, accounts, change, why):
    h = enrolled(client, engine, K)
    rec = pickup_record(K, str(uuid.uuid4()), {"500": 10})
    rec["payload"].update(change)
    res = post(client, K, h, [rec])["results"][0]
    assert res["status"] == "invalid" and why in res["detail"]["reason"], res
    assert _count(engine, records) == 0


def test_deposit_stores_slip_and_deposits_its_cheques(client, engine, accounts):
    h = enrolled(client, engine, K)
    chain = ReceiptChain(K, accounts)
    group = str(uuid.uuid4())
    inst = {"number": "445566", "date": "2026-11-27", "bank": "Punjab National Bank", "group_id": group}
    society = [chain.next(account_no=a, mode="cheque", instrument=inst, amount_paise=1_000_00 * (n + 1))
               for n, a in enumerate(accounts[:3])]
    single = chain.next(mode="dd")
    cash = chain.next(mode="cash")
    assert statuses(post(client, K, h, [wire(r) for r in [*society, single, cash]])) == ["accepted"] * 5
    with db.read_tx(engine) as conn:
        got = {r.receipt_id: r for r in conn.execute(select(instruments))}
    assert set(got) == {r.receipt_id for r in [*society, single]}  # every cheque/DD, never cash
    assert {got[r.receipt_id].group_id for r in society} == {group}
    assert got[single.receipt_id].group_id == single.receipt_id and {g.state for g in got.values()} == {"received"}

    dep = deposit_record(K, "2026-11-27", "PIS-0042", {"500": 4}, [*society, single])
    assert len(dep["payload"]["instruments"]) == 2
    assert statuses(post(client, K, h, [dep])) == ["accepted"]
    assert statuses(post(client, K, h, [dep])) == ["duplicate"]
    with db.read_tx(engine) as conn:
        slip = conn.execute(select(deposits)).mappings().one()
        states = set(conn.execute(select(instruments.c.state, instruments.c.deposit_id)).all())
    assert slip["slip_no"] == "PIS-0042" and slip["cash_paise"] == 2_000_00
    assert slip["amount_paise"] == 2_000_00 + 6_000_00 + single.amount_paise
    assert states == {("deposited", dep["record_id"])}


def test_deposit_before_its_receipts(client, engine, accounts):
    h = enrolled(client, engine, K)
    r = ReceiptChain(K, accounts).next(mode="cheque")
    assert statuses(post(client, K, h, [deposit_record(K, "2026-11-27", "PIS-7", {}, [r])])) == ["accepted"]
    post(client, K, h, [wire(r)])
    with db.read_tx(engine) as conn:
        assert conn.execute(select(instruments.c.state)).scalar_one() == "deposited"


@pytest.mark.parametrize(("change", "why"), [
    ({"amount_paise": 1}, "cash plus instruments"),
    ({"cash_paise": 100}, "denominations' sum"),
    ({"instruments": [{"receipt_ids": ["a"], "mode": "cash", "number": "1", "amount_paise": 100}]}, "cheque or dd"),
    ({"instruments": [{"receipt_ids": [], "mode": "dd", "number": "1", "amount_paise": 100}]}, "at least one"),
    ({"instruments": [{"receipt_ids": ["a"], "mode": "dd", "number": "१२३", "amount_paise": 100}]}, "ASCII"),
    ({"slip_no": None}, "slip_no"),
])
def test_bad_deposit_invalid_nothing_stored(client, engine, accounts, change, why):
    h = enrolled(client, engine, K)
    rec = deposit_record(K, "2026-11-27", "PIS-1", {"500": 2})
    rec["payload"].update(change)
    res = post(client, K, h, [rec])["results"][0]
    assert res["status"] == "invalid" and why in res["detail"]["reason"], res
    assert _count(engine, records) == 0 and _count(engine, deposits) == 0


def test_reversal_reverses_like_a_void_once(client, engine, accounts):
    h = enrolled(client, engine, K)
    r = ReceiptChain(K, accounts).next(account_no=accounts[0])
    start = _balance(engine, accounts[0])
    post(client, K, h, [wire(r)])
    assert _balance(engine, accounts[0]) == start - r.amount_paise
    rev = reversal_record(r)
    assert statuses(post(client, K, h, [rev])) == ["accepted"]
    assert _balance(engine, accounts[0]) == start
    again = post(client, K, h, [reversal_record(r), void_record(r)])["results"]
    assert [x["status"] for x in again] == ["parked", "parked"]
    assert all("already reversed" in x["detail"]["reason"] for x in again)
    assert _balance(engine, accounts[0]) == start
    with db.read_tx(engine) as conn:
        assert conn.execute(select(receipts.c.reversed_by)).scalar_one() == rev["record_id"]
        posts = conn.execute(select(billing_postings.c.kind, billing_postings.c.source, billing_postings.c.amount_paise,
                                    billing_postings.c.value_date).order_by(billing_postings.c.posting_id)).all()
        stored = conn.execute(select(records.c.business_date).where(records.c.record_id == rev["record_id"])).scalar_one()
    # dated the day it was made, and booked in billing as a reversal of the payment
    assert stored == "2026-11-28"
    assert posts == [("payment", "receipt", r.amount_paise, "2026-11-27"),
                     ("reversal", "reversal", -r.amount_paise, "2026-11-28")]


def test_reversal_of_another_counters_receipt_parked(client, engine, accounts):
    h, h2 = enrolled(client, engine, K), enrolled(client, engine, OTHER)
    r = ReceiptChain(OTHER, accounts).next(account_no=accounts[0])
    post(client, OTHER, h2, [wire(r)])
    after = _balance(engine, accounts[0])
    res = post(client, K, h, [reversal_record(r, counter_code=K)])["results"][0]
    assert res["status"] == "parked" and "another counter" in res["detail"]["reason"]
    assert _balance(engine, accounts[0]) == after
    assert _count(engine, alarms, alarms.c.kind == "foreign_reversal") == 1
    assert _count(engine, billing_postings, billing_postings.c.kind == "reversal") == 0


def test_reversal_before_its_receipt_waits(client, engine, accounts):
    h = enrolled(client, engine, K)
    r = ReceiptChain(K, accounts).next(account_no=accounts[0])
    start = _balance(engine, accounts[0])
    res = post(client, K, h, [reversal_record(r)])["results"][0]
    assert res["status"] == "parked" and "not received yet" in res["detail"]["reason"]
    post(client, K, h, [wire(r)])
    assert _balance(engine, accounts[0]) == start
    assert _count(engine, billing_postings, billing_postings.c.source == "reversal") == 1


@pytest.mark.parametrize(("change", "why"), [
    ({"amount_paise": "100"}, "amount_paise"),
    ({"business_date": None}, "business_date"),
    ({"reason": "r" * 201}, "longer than"),
    ({"receipt_id": None}, "receipt_id"),
])
def test_bad_reversal_invalid(client, engine, accounts, change, why):
    h = enrolled(client, engine, K)
    rec = reversal_record(ReceiptChain(K, accounts).next())
    rec["payload"].update(change)
    res = post(client, K, h, [rec])["results"][0]
    assert res["status"] == "invalid" and why in res["detail"]["reason"], res
    assert _count(engine, records) == 0


def test_reversal_lowers_the_receipts_day_net_on_the_board(client, engine, accounts):
    from central_server import reports

    h = enrolled(client, engine, K)
    rs = ReceiptChain(K, accounts).take(3)
    post(client, K, h, [wire(r) for r in rs])
    assert statuses(post(client, K, h, [reversal_record(rs[1])])) == ["accepted"]
    with db.read_tx(engine) as conn:
        row = reports.reconcile(conn, "2026-11-27", K)[0]
    gross = sum(r.amount_paise for r in rs)
    assert (row["total_paise"], row["reversals"], row["reversal_paise"]) == (gross, 1, rs[1].amount_paise)
    assert row["net_paise"] == gross - rs[1].amount_paise and row["reversed_paise"] == rs[1].amount_paise


def test_counter_page_shows_the_reversal(client, engine, accounts):
    from tests.server.test_hq_auth import add_user, login

    h = enrolled(client, engine, K)
    rs = ReceiptChain(K, accounts).take(2)
    post(client, K, h, [wire(r) for r in rs] + [reversal_record(rs[0])])
    add_user(engine)
    assert login(client).status_code == 303
    page = client.get(f"/hq/counters/{K}?date=2026-11-27").text
    assert "Reversed later" in page and "REVERSED" in page
