"""Collected during closing is decided by the receipt's value date against the closed period,
not by when it arrived (issue 11 item 15): the 704-receipt month-end in small. Receipts taken
during the window are flagged whether they arrive during collect-mode closing, after a legacy
closing, or after reopening; receipts taken before or after the window are not."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from central_server import db, reports
from central_server import period as period_mod
from central_server.models import receipts
from tests.server.test_hq_auth import add_user, login
from tests.server.util import API, enrolled, post, statuses
from tests.support.receipts import ReceiptChain, wires


def _flags(engine, code):
    with db.read_tx(engine) as conn:
        return {r.seq: (r.business_date, bool(r.collected_during_closing)) for r in conn.execute(
            select(receipts.c.seq, receipts.c.business_date, receipts.c.collected_during_closing)
            .where(receipts.c.counter_code == code))}


def test_flag_follows_the_value_date_however_the_receipt_arrives(client, engine, accounts):
    h = enrolled(client, engine, "K21")
    chain = ReceiptChain("K21", accounts)
    before = chain.take(2, business_date=date(2026, 11, 30))      # taken before the window
    in_collect = chain.take(3, business_date=date(2026, 12, 1))   # arrive during collect-mode closing
    in_legacy = chain.take(3, business_date=date(2026, 12, 2))    # taken in the legacy closing: 503 then
    while_down = chain.take(2, business_date=date(2026, 12, 3))   # kept at the counter, sent after reopening
    after = chain.take(2, business_date=date(2026, 12, 4))        # taken after the window

    with db.write_tx(engine) as conn:
        period_mod.close(conn, label="2026-11", start_date="2026-12-01")
    assert statuses(post(client, "K21", h, wires(before + in_collect))) == ["accepted"] * 5
    with db.write_tx(engine) as conn:
        period_mod.close(conn, legacy=True, retry_after_s=60)      # the same closed period, now legacy
    r = client.post(f"{API}/counters/K21/records", headers=h, json={"records": wires(in_legacy)})
    assert r.status_code == 503
    with db.write_tx(engine) as conn:
        period_mod.open_(conn, end_date="2026-12-03")
    assert statuses(post(client, "K21", h, wires(in_legacy + while_down + after))) == ["accepted"] * 7

    flags = _flags(engine, "K21")
    flagged = {seq for seq, (_, f) in flags.items() if f}
    assert flagged == {r.seq for r in in_collect + in_legacy + while_down}
    assert not flagged & {r.seq for r in before + after}
    with db.read_tx(engine) as conn:
        # the one function the bill run (billing's postings) asks
        assert period_mod.collected_during_closing(conn, "2026-12-02")
        assert not period_mod.collected_during_closing(conn, "2026-11-30")
        assert not period_mod.collected_during_closing(conn, "2026-12-04")
        day = {r["counter_code"]: r for r in reports.reconcile(conn, "2026-12-02")}["K21"]
        quiet = {r["counter_code"]: r for r in reports.reconcile(conn, "2026-12-04")}["K21"]
    assert day["closing_receipts"] == 3 and day["closing_paise"] == sum(x.amount_paise for x in in_legacy)
    assert quiet["closing_receipts"] == 0

    add_user(engine)
    assert login(client).status_code in (302, 303)
    board = client.get("/hq/?date=2026-12-02").text
    assert "Collected during month-end closing" in board and "3 in closing" in board
    assert "in closing" not in client.get("/hq/?date=2026-12-04").text
    assert "collected in closing" in client.get("/hq/counters/K21?date=2026-12-03").text
    assert "collected in closing" not in client.get("/hq/counters/K21?date=2026-11-30").text


def test_a_closing_started_late_flags_what_arrived_before_it(client, engine, accounts):
    """A period closed with a first day in the past flags the receipts of those days that
    arrived while the server still thought the month open (stored receipts are marked)."""
    h = enrolled(client, engine, "K22")
    chain = ReceiptChain("K22", accounts)
    early = chain.take(2, business_date=date(2026, 12, 1))
    assert statuses(post(client, "K22", h, wires(early))) == ["accepted"] * 2
    assert not any(f for _, f in _flags(engine, "K22").values())
    with db.write_tx(engine) as conn:
        period_mod.close(conn, start_date="2026-12-01")
    assert all(f for _, f in _flags(engine, "K22").values())
