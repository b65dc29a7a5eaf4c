"""The server flags a receipt whose time is implausible (issue 11 item 14): issued after its own
arrival, earlier than the receipt before it, or on a business date that is not its issued_at's
day. An alarm `clock`, listed on HQ; the receipt itself is accepted and posted (money was taken)."""

from __future__ import annotations

import dataclasses
from datetime import date

from central_server import db, reports
from counter_app.domain.chain import seal as reseal
from kesco_protocol.chain import GENESIS_HASH
from tests.server.test_hq_auth import add_user, login
from tests.server.util import enrolled, post, statuses
from tests.support.receipts import ReceiptChain, wires


def _clock_alarms(engine, code):
    with db.read_tx(engine) as conn:
        return {a["seq"]: a["detail"]["reason"] for a in reports.open_alarms(conn, code)
                if a["kind"] == "clock"}


def test_implausible_times_raise_clock_alarms_and_the_money_is_kept(client, engine, accounts):
    h = enrolled(client, engine, "K31")
    chain = ReceiptChain("K31", accounts)
    ok = chain.take(2, business_date=date(2026, 11, 27))
    back = chain.next(business_date=date(2026, 11, 26))      # a day before the receipt before it
    ahead = chain.next(business_date=date(2027, 1, 15))      # weeks after its own arrival
    assert statuses(post(client, "K31", h, wires([*ok, back, ahead]))) == ["accepted"] * 4
    flagged = _clock_alarms(engine, "K31")
    assert set(flagged) == {back.seq, ahead.seq}
    assert "before receipt 2" in flagged[back.seq] and "after the server received it" in flagged[ahead.seq]

    add_user(engine)
    assert login(client).status_code in (302, 303)
    page = client.get("/hq/counters/K31").text
    assert "clock" in page and "the clock went back" in page


def test_a_business_date_that_is_not_the_day_it_was_issued_is_flagged(client, engine, accounts):
    h = enrolled(client, engine, "K32")
    r = ReceiptChain("K32", accounts).next(business_date=date(2026, 11, 27))
    odd = reseal(dataclasses.replace(r, business_date="2026-11-20", hash="", prev_hash=""), GENESIS_HASH)
    assert statuses(post(client, "K32", h, wires([odd]))) == ["accepted"]
    assert "not the day of its issued_at" in _clock_alarms(engine, "K32")[1]


def test_a_plain_day_of_receipts_raises_no_clock_alarm(client, engine, accounts):
    """Negative control: receipts in order, on their own day, in the past."""
    h = enrolled(client, engine, "K33")
    rs = ReceiptChain("K33", accounts).take(5)
    assert statuses(post(client, "K33", h, wires(rs))) == ["accepted"] * 5
    assert _clock_alarms(engine, "K33") == {}
