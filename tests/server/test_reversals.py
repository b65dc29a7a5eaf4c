"""Who may reverse what (issue 11, item 3): a void or a dishonour names a receipt of the SAME
counter only. One of another counter's receipt is parked with an alarm and never applied, whether
the receipt is there already or arrives later. The whole matrix: record kind x own / foreign /
not yet received target x the target's state (posted, parked, already reversed)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from central_server import db
from central_server.models import alarms, consumers, receipts, records
from tests.server.util import enrolled, post, statuses
from tests.support.receipts import ReceiptChain, dishonour_record, void_record, wire

OWN, OTHER = "K41", "K42"
NO_SUCH_ACCOUNT = "2999999999"  # its receipt is parked, never posted

CASES = [(kind, target, state)
         for kind in ("void", "dishonour")
         for target, states in (("own", ("posted", "parked", "reversed")), ("foreign", ("posted", "parked", "reversed")),
                                ("own_later", ("posted", "parked")), ("foreign_later", ("posted", "parked")))
         for state in states]


def _reversal(kind: str, receipt, by: str) -> dict:
    rec = void_record(receipt) if kind == "void" else dishonour_record(receipt, counter_code=by)
    rec["payload"]["counter_code"] = by
    return rec


def _balance(engine, account: str) -> int:
    with db.read_tx(engine) as conn:
        return int(conn.execute(select(consumers.c.balance_paise).where(consumers.c.account_no == account))
                   .scalar_one())


@pytest.mark.parametrize(("kind", "target", "state"), CASES)
def test_reversal_matrix(client, engine, accounts, kind, target, state):
    headers = {OWN: enrolled(client, engine, OWN), OTHER: enrolled(client, engine, OTHER)}
    issuer = OWN if target.startswith("own") else OTHER
    account = accounts[0] if state != "parked" else NO_SUCH_ACCOUNT
    receipt = ReceiptChain(issuer, [account]).next(account_no=account, mode="cheque")
    start = _balance(engine, accounts[0])
    later = target.endswith("_later")
    if not later:
        assert statuses(post(client, issuer, headers[issuer], [wire(receipt)])) == [
            "accepted" if state != "parked" else "parked"]
        if state == "reversed":  # its own counter voided it first
            assert statuses(post(client, issuer, headers[issuer], [void_record(receipt)])) == ["accepted"]
    reversal = _reversal(kind, receipt, OWN)
    answer = post(client, OWN, headers[OWN], [reversal])["results"][0]
    if later:
        assert answer["status"] == "parked" and "not received yet" in answer["detail"]["reason"]
        post(client, issuer, headers[issuer], [wire(receipt)])

    with db.read_tx(engine) as conn:
        stored = conn.execute(select(records).where(records.c.record_id == reversal["record_id"])).mappings().one()
        reversed_by = conn.execute(select(receipts.c.reversed_by)
                                   .where(receipts.c.receipt_id == receipt.receipt_id)).scalar_one()
        foreign_alarms = conn.execute(select(alarms).where(alarms.c.kind == "foreign_reversal",
                                                           alarms.c.counter_code == OWN)).all()
    posted = state != "parked"
    balance = _balance(engine, accounts[0]) - start
    if target.startswith("foreign"):
        assert not stored["applied"] and "another counter" in stored["parked_reason"], dict(stored)
        if not later:
            assert answer["status"] == "parked" and "another counter" in answer["detail"]["reason"]
        assert reversed_by != reversal["record_id"]
        assert len(foreign_alarms) == 1
        # the other counter's receipt keeps its posting (less its own void, if any)
        assert balance == (-receipt.amount_paise if posted and state != "reversed" else 0)
    elif state == "reversed":
        assert answer["status"] == "parked" and "already reversed" in answer["detail"]["reason"]
        assert not stored["applied"] and balance == 0 and not foreign_alarms
    else:
        assert stored["applied"] and stored["parked_reason"] is None, dict(stored)
        if not later:
            assert answer["status"] == "accepted"
        assert reversed_by == reversal["record_id"] and not foreign_alarms
        assert balance == 0  # posted and reversed, or never posted


def test_a_day_close_naming_another_counters_receipt_counts_it_as_missing(client, engine, accounts):
    """The other record kind that points at receipts: it changes nothing of the other counter."""
    from tests.support.receipts import day_close_record

    h_own, h_other = enrolled(client, engine, OWN), enrolled(client, engine, OTHER)
    theirs = ReceiptChain(OTHER, accounts).next()
    post(client, OTHER, h_other, [wire(theirs)])
    answer = post(client, OWN, h_own, [day_close_record(OWN, theirs.business_date, [theirs])])["results"][0]
    assert answer["status"] == "accepted"
    assert answer["detail"]["missing"] == [theirs.receipt_id] and answer["detail"]["server_count"] == 0
    assert not answer["detail"]["matches"]
