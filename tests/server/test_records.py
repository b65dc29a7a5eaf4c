"""Receipt ingestion over the API: exactly once, conflicts, gaps, the chain, parking, posting,
voids and dishonours, day close, month-end closing. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from central_server import db, reports
from central_server import period as period_mod
from central_server.models import alarms, consumers, receipts, records
from tests.server.util import API, enrolled, inactive_account, post, receipt_rows, statuses
from tests.support.receipts import (
    ReceiptChain,
    day_close_record,
    dishonour_record,
    tampered,
    void_record,
    wire,
    wires,
)


def _balance(engine, account):
    with db.read_tx(engine) as conn:
        return conn.execute(select(consumers).where(consumers.c.account_no == account)).mappings().one()


def test_accepted_then_resent_batch_is_duplicate_without_new_rows(client, engine, accounts):
    h = enrolled(client, engine, "K01")
    batch = wires(ReceiptChain("K01", accounts).take(50))
    first = post(client, "K01", h, batch)
    assert statuses(first) == ["accepted"] * 50
    assert first["status"]["high_water_seq"] == 50 and first["status"]["receipts"] == 50
    again = post(client, "K01", h, batch)
    assert statuses(again) == ["duplicate"] * 50
    assert receipt_rows(engine, "K01") == 50
    assert again["status"]["receipts"] == 50


def test_conflicts_are_kept_as_alarms_never_overwritten(client, engine, accounts):
    h = enrolled(client, engine, "K02")
    chain = ReceiptChain("K02", accounts)
    rs = chain.take(3)
    post(client, "K02", h, wires(rs))
    changed = tampered(rs[1], amount_paise=rs[1].amount_paise + 100)  # same id, other payload
    other = ReceiptChain("K02", accounts, seed=99).take(3)[2]  # seq 3, another receipt_id
    body = post(client, "K02", h, [wire(changed), wire(other)])
    assert statuses(body) == ["conflict", "conflict"]
    assert "sequence 3" in body["results"][1]["detail"]["reason"]
    with db.read_tx(engine) as conn:
        stored = conn.execute(select(receipts.c.payload).where(receipts.c.receipt_id == rs[1].receipt_id)).scalar_one()
        kinds = [a.kind for a in conn.execute(select(alarms).where(alarms.c.counter_code == "K02"))]
    assert json.loads(stored)["amount_paise"] == rs[1].amount_paise
    assert kinds.count("conflict") == 2
    with db.read_tx(engine) as conn:
        assert {a["kind"] for a in reports.open_alarms(conn, "K02")} == {"conflict"}
    # the same conflicting payload sent again raises no second alarm
    post(client, "K02", h, [wire(changed)])
    with db.read_tx(engine) as conn:
        assert len(conn.execute(select(alarms).where(alarms.c.kind == "conflict")).all()) == 2


def test_gaps_are_reported_and_filled_out_of_order(client, engine, accounts):
    h = enrolled(client, engine, "K03")
    rs = ReceiptChain("K03", accounts).take(20)
    post(client, "K03", h, wires(rs[:10] + rs[15:]))
    st = client.get(f"{API}/counters/K03/status", headers=h).json()
    assert (st["high_water_seq"], st["max_seq"], st["gaps"]) == (10, 20, [[11, 15]])
    post(client, "K03", h, wires(rs[12:13]))
    st = client.get(f"{API}/counters/K03/status", headers=h).json()
    assert st["gaps"] == [[11, 12], [14, 15]]
    body = post(client, "K03", h, wires(rs[10:15]))
    assert statuses(body) == ["accepted", "accepted", "duplicate", "accepted", "accepted"]
    st = body["status"]
    assert (st["high_water_seq"], st["gaps"], st["chain_ok"]) == (20, [], True)
    assert st["chain_head_hash"] == rs[-1].hash


def test_leading_gap_after_server_restore(client, engine, accounts):
    h = enrolled(client, engine, "K04")
    rs = ReceiptChain("K04", accounts).take(8)
    st = post(client, "K04", h, wires(rs[5:]))["status"]
    assert (st["high_water_seq"], st["gaps"]) == (0, [[1, 5]])


def test_chain_break_raises_an_alarm_as_the_prefix_grows(client, engine, accounts):
    h = enrolled(client, engine, "K05")
    chain = ReceiptChain("K05", accounts)
    good = chain.take(5)
    chain.head = "f" * 64  # the next receipt is sealed onto a wrong previous hash
    bad = chain.take(3)
    post(client, "K05", h, wires(bad))  # arrives first: nothing to link it to yet
    st = client.get(f"{API}/counters/K05/status", headers=h).json()
    assert st["chain_ok"] is True and st["high_water_seq"] == 0
    st = post(client, "K05", h, wires(good))["status"]
    assert (st["chain_ok"], st["chain_broken_at"], st["high_water_seq"]) == (False, 6, 8)
    with db.read_tx(engine) as conn:
        breaks = conn.execute(select(alarms.c.seq).where(alarms.c.kind == "chain_break")).scalars().all()
    assert breaks == [6]


def test_tampered_receipt_is_parked_and_breaks_the_chain(client, engine, accounts):
    h = enrolled(client, engine, "K06")
    rs = ReceiptChain("K06", accounts).take(3)
    forged = tampered(rs[1], amount_paise=1)
    body = post(client, "K06", h, [wire(rs[0]), wire(forged), wire(rs[2])])
    assert statuses(body) == ["accepted", "parked", "accepted"]
    assert body["results"][1]["detail"]["reason"].startswith("hash_mismatch")
    assert body["status"]["chain_broken_at"] == 2


def test_money_is_never_refused_but_parked(client, engine, accounts):
    h = enrolled(client, engine, "K08")
    chain = ReceiptChain("K08", accounts)
    unknown = chain.next(account_no="9999999999")
    disconnected = chain.next(account_no=inactive_account("disconnected"))
    huge = chain.next(amount_paise=60_00_000_00)
    body = post(client, "K08", h, wires([unknown, disconnected, huge]))
    assert statuses(body) == ["parked"] * 3
    reasons = [r["detail"]["reason"] for r in body["results"]]
    assert "no such consumer" in reasons[0] and "disconnected" in reasons[1] and "review limit" in reasons[2]
    assert body["status"]["receipts"] == 3 and body["status"]["high_water_seq"] == 3
    with db.read_tx(engine) as conn:
        posted = conn.execute(select(receipts.c.posted)).scalars().all()
        queue = reports.parked(conn, "K08")
    assert posted == [False, False, False]
    assert [q["receipt_id"] for q in queue] == [unknown.receipt_id, disconnected.receipt_id, huge.receipt_id]


def test_posting_updates_balance_last_payment_and_version(client, engine, accounts):
    h = enrolled(client, engine, "K09")
    acct = accounts[0]
    before = _balance(engine, acct)
    chain = ReceiptChain("K09", accounts)
    r1 = chain.next(account_no=acct, amount_paise=500_00, business_date=date(2026, 11, 26))
    r2 = chain.next(account_no=acct, amount_paise=250_00, business_date=date(2026, 11, 27))
    post(client, "K09", h, wires([r1, r2]))
    after = _balance(engine, acct)
    assert after["balance_paise"] == before["balance_paise"] - 750_00
    assert (after["last_payment_date"], after["last_payment_paise"]) == ("2026-11-27", 250_00)
    assert after["version"] > before["version"]
    feed = client.get(f"{API}/consumers/changes", params={"since": before["version"]}, headers=h).json()
    assert [row[0] for row in feed["rows"]] == [acct]
    assert feed["rows"][0][14] == after["balance_paise"] and feed["more"] is False


def test_void_and_dishonour_reverse_the_posting_once(client, engine, accounts):
    h = enrolled(client, engine, "K10")
    acct = accounts[1]
    before = _balance(engine, acct)["balance_paise"]
    chain = ReceiptChain("K10", accounts)
    cash = chain.next(account_no=acct, amount_paise=100_00)
    cheque = chain.next(account_no=acct, amount_paise=300_00, mode="cheque")
    post(client, "K10", h, wires([cash, cheque]))
    assert _balance(engine, acct)["balance_paise"] == before - 400_00
    v = void_record(cash)
    d = dishonour_record(cheque)
    body = post(client, "K10", h, [v, d, void_record(cash), dishonour_record(cash)])
    assert statuses(body) == ["accepted", "accepted", "parked", "parked"]
    row = _balance(engine, acct)
    assert row["balance_paise"] == before and row["dishonoured_cheques"] == 1
    assert statuses(post(client, "K10", h, [v, d])) == ["duplicate", "duplicate"]
    assert _balance(engine, acct)["balance_paise"] == before


def test_void_that_arrives_before_its_receipt_applies_when_it_comes(client, engine, accounts):
    h = enrolled(client, engine, "K11")
    acct = accounts[2]
    before = _balance(engine, acct)["balance_paise"]
    r = ReceiptChain("K11", accounts).next(account_no=acct, amount_paise=700_00)
    body = post(client, "K11", h, [void_record(r)])
    assert statuses(body) == ["parked"]
    post(client, "K11", h, [wire(r)])
    assert _balance(engine, acct)["balance_paise"] == before
    with db.read_tx(engine) as conn:
        rec = conn.execute(select(records)).mappings().one()
    assert rec["applied"] is True and rec["parked_reason"] is None


def test_day_close_answers_count_total_and_missing(client, engine, accounts):
    h = enrolled(client, engine, "K12")
    rs = ReceiptChain("K12", accounts).take(6)
    post(client, "K12", h, wires(rs[:4]))
    close = day_close_record("K12", rs[0].business_date, rs)
    body = post(client, "K12", h, [close])
    detail = body["results"][0]["detail"]
    assert body["results"][0]["status"] == "accepted"
    assert (detail["server_count"], detail["matches"]) == (4, False)
    assert detail["server_total_paise"] == sum(r.amount_paise for r in rs[:4])
    assert detail["missing"] == [r.receipt_id for r in rs[4:]]
    post(client, "K12", h, wires(rs[4:]))
    again = post(client, "K12", h, [close])["results"][0]
    assert again["status"] == "duplicate" and again["detail"]["matches"] is True


def test_unreadable_records_are_invalid_and_do_not_block_the_batch(client, engine, accounts):
    h = enrolled(client, engine, "K13")
    rs = ReceiptChain("K13", accounts).take(2)
    other_counter = ReceiptChain("K99", accounts).next()
    body = post(client, "K13", h, [
        {"kind": "receipt", "record_id": "x1", "payload": {"seq": "one"}},
        {"kind": "teleport", "record_id": "x2", "payload": {}},
        {"kind": "receipt", "record_id": "x3", "payload": [1, 2]},
        wire(other_counter), wire(rs[0]), wire(rs[1]),
    ])
    assert statuses(body) == ["invalid"] * 4 + ["accepted"] * 2
    with db.read_tx(engine) as conn:
        assert len(conn.execute(select(alarms).where(alarms.c.kind == "invalid")).all()) == 4


def test_batch_too_large_is_413(client, engine, app):
    h = enrolled(client, engine, "K14")
    app.state.settings = app.state.settings.with_(max_batch=2)
    r = client.post(f"{API}/counters/K14/records", headers=h,
                    json={"records": [{"kind": "receipt", "record_id": str(i), "payload": {}} for i in range(3)]})
    assert r.status_code == 413


def test_closing_collect_mode_keeps_collecting(client, engine, accounts):
    h = enrolled(client, engine, "K15")
    with db.write_tx(engine) as conn:
        period_mod.close(conn, label="2026-11")
    r = ReceiptChain("K15", accounts).next(closing=True)
    body = post(client, "K15", h, [wire(r)])
    assert statuses(body) == ["accepted"]
    assert body["status"]["period"]["state"] == "closing" and body["status"]["period"]["mode"] == "collect"
    with db.read_tx(engine) as conn:
        row = conn.execute(select(receipts)).mappings().one()
    assert row["received_during_closing"] is True and row["posted"] is True
    assert client.get(f"{API}/health").json()["period"]["state"] == "closing"


def test_closing_legacy_mode_answers_503_and_loses_nothing(client, engine, accounts):
    h = enrolled(client, engine, "K16")
    rs = ReceiptChain("K16", accounts).take(3)
    with db.write_tx(engine) as conn:
        period_mod.close(conn, legacy=True, retry_after_s=120)
    r = client.post(f"{API}/counters/K16/records", headers=h, json={"records": wires(rs)})
    assert r.status_code == 503 and r.headers["Retry-After"] == "120"
    assert receipt_rows(engine) == 0
    with db.write_tx(engine) as conn:
        period_mod.open_(conn)
    assert statuses(post(client, "K16", h, wires(rs))) == ["accepted"] * 3
