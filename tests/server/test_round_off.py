"""Cash rounded to the rupee reaches the server on the receipt: the account is credited the amount,
the round-off (less than a rupee either way) is stored beside it, and a receipt without it (made
before the field existed, or not cash) keeps its old wire form. SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from central_server import db
from central_server.models import consumers, receipts
from counter_app.domain.chain import seal
from tests.server.util import enrolled, post, statuses
from tests.support.receipts import ReceiptChain, day_close_record, wire


def _rounded(chain: ReceiptChain, account: str, amount: int, round_off: int):
    r = chain.next(account_no=account, amount_paise=amount)
    sealed = seal(replace(r, round_off_paise=round_off, tendered_paise=None), r.prev_hash)
    chain.head = sealed.hash
    return sealed


def _balance(engine, account):
    with db.read_tx(engine) as conn:
        return conn.execute(select(consumers.c.balance_paise).where(consumers.c.account_no == account)).scalar_one()


def test_a_rounded_cash_receipt_is_stored_with_its_round_off_and_credits_the_amount(client, engine, accounts):
    h = enrolled(client, engine, "R01")
    chain = ReceiptChain("R01", accounts)
    acct = accounts[0]
    before = _balance(engine, acct)
    down = _rounded(chain, acct, 2026_40, -40)
    up = _rounded(chain, acct, 10_50, 50)
    plain = chain.next(account_no=acct, amount_paise=100_00)
    assert "round_off_paise" in down.wire() and "round_off_paise" not in plain.wire()
    body = post(client, "R01", h, [wire(down), wire(up), wire(plain)])
    assert statuses(body) == ["accepted"] * 3
    assert _balance(engine, acct) == before - 2026_40 - 10_50 - 100_00  # the amounts, not the cash
    with db.read_tx(engine) as conn:
        stored = dict(conn.execute(select(receipts.c.receipt_id, receipts.c.round_off_paise)
                                   .where(receipts.c.counter_code == "R01")).all())
    assert stored == {down.receipt_id: -40, up.receipt_id: 50, plain.receipt_id: 0}
    assert statuses(post(client, "R01", h, [wire(down)])) == ["duplicate"]


def test_a_round_off_of_a_rupee_or_more_is_invalid(client, engine, accounts):
    h = enrolled(client, engine, "R02")
    chain = ReceiptChain("R02", accounts)
    bad = _rounded(chain, accounts[0], 2026_40, -140)
    body = post(client, "R02", h, [wire(bad)])
    assert statuses(body) == ["invalid"] and "round_off_paise" in body["results"][0]["detail"]["reason"]
    # negative control: the same receipt with a round-off under a rupee is taken
    ok = _rounded(ReceiptChain("R02", accounts), accounts[0], 2026_40, -40)
    assert statuses(post(client, "R02", h, [wire(ok)])) == ["accepted"]


def test_a_day_close_carries_the_days_round_off(client, engine, accounts):
    h = enrolled(client, engine, "R03")
    chain = ReceiptChain("R03", accounts)
    rs = [_rounded(chain, accounts[0], 2026_40, -40)]
    dc = day_close_record("R03", chain.business_date, rs)
    dc["payload"]["round_off_total_paise"] = -40
    assert statuses(post(client, "R03", h, [wire(rs[0]), dc])) == ["accepted", "accepted"]
    dc2 = day_close_record("R03", chain.business_date, rs)
    dc2["payload"]["round_off_total_paise"] = "forty"
    assert statuses(post(client, "R03", h, [dc2])) == ["invalid"]
