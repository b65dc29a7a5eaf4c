"""The whole loop against a fake billing system, on SQLite and PostgreSQL: receipts, a void and a
dishonour reach the server through the records endpoint; postings go out as files (CLI) or
through the HTTP feed; billing rejects an account it does not know and posts the rest; the
rejected ones are resolved on the HQ page (re-post; transfer proposed by one person and approved
by another); in the end every receipt is posted exactly once and billing's total is the server's."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from central_server import cli, db
from central_server.billing import board, feed
from central_server.models import billing_audit, billing_postings, consumers, receipts
from tests.server.billing.fake_billing import FakeBilling
from tests.server.test_hq_auth import add_user, login
from tests.server.util import enrolled, post, statuses
from tests.support.receipts import ReceiptChain, dishonour_record, void_record, wires

API = "/api/v1"


def _collect(client: TestClient, engine: Engine, accounts: list[str]) -> dict[str, Any]:
    """Two counters' receipts: 30 to accounts billing knows, 3 to one it does not, a void, a
    dishonoured cheque. Returns what was sent."""
    h1, h2 = enrolled(client, engine, "K01"), enrolled(client, engine, "K02")
    known, stranger = accounts[:10], accounts[10]
    c1, c2 = ReceiptChain("K01", known, seed=1), ReceiptChain("K02", known, seed=2)
    r1 = c1.take(15) + [c1.next(account_no=stranger) for _ in range(2)]
    cheque = c2.next(mode="cheque")
    r2 = c2.take(14) + [c2.next(account_no=stranger), cheque]
    assert set(statuses(post(client, "K01", h1, wires(r1)))) == {"accepted"}
    assert set(statuses(post(client, "K02", h2, wires(r2)))) == {"accepted"}
    voided = r1[3]
    assert statuses(post(client, "K01", h1, [void_record(voided)])) == ["accepted"]
    assert statuses(post(client, "K02", h2, [dishonour_record(cheque)])) == ["accepted"]
    return {"receipts": r1 + r2, "reversed": {voided.receipt_id, cheque.receipt_id}, "known": set(known),
            "stranger": stranger, "headers": {"K01": h1, "K02": h2}}


def _server_totals(engine: Engine) -> tuple[int, int]:
    with db.read_tx(engine) as conn:
        posted = conn.execute(select(func.coalesce(func.sum(billing_postings.c.amount_paise), 0))
                              .where(billing_postings.c.state == "posted")).scalar_one()
        net = conn.execute(select(func.coalesce(func.sum(receipts.c.amount_paise), 0))
                           .where(receipts.c.posted.is_(True), receipts.c.reversed_by.is_(None))).scalar_one()
    return int(posted), int(net)


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def _queue_ids(page: str) -> list[int]:
    return [int(x) for x in re.findall(r'/hq/billing/clarifications/(\d+)/repost', page)]


def _resolve_on_the_hq_page(app: Any, engine: Engine, transfer_to: str) -> None:
    add_user(engine, "accounts1")
    add_user(engine, "accounts2")
    with TestClient(app) as a, TestClient(app) as b:
        assert login(a, "accounts1").status_code == 303
        assert login(b, "accounts2").status_code == 303
        page = a.get("/hq/billing").text
        ids = _queue_ids(page)
        assert len(ids) == 3 and "unknown account" in page
        csrf_a = _csrf(page)
        # re-post the first (billing has fixed its side by then), transfer the second
        r = a.post(f"/hq/billing/clarifications/{ids[0]}/repost", data={"csrf": csrf_a}, follow_redirects=False)
        assert r.status_code == 303
        r = a.post(f"/hq/billing/clarifications/{ids[0]}/repost", data={"csrf": csrf_a})
        assert r.status_code == 409  # once only
        r = a.post(f"/hq/billing/clarifications/{ids[1]}/transfer", data={"csrf": csrf_a, "to_account": transfer_to},
                   follow_redirects=False)
        assert r.status_code == 303
        r = a.post(f"/hq/billing/clarifications/{ids[1]}/approve", data={"csrf": csrf_a})
        assert r.status_code == 409 and "second person" in r.text
        r = a.post(f"/hq/billing/clarifications/{ids[2]}/repost", data={"csrf": "forged"})
        assert r.status_code == 400
        page_b = b.get("/hq/billing").text
        r = b.post(f"/hq/billing/clarifications/{ids[1]}/approve", data={"csrf": _csrf(page_b)},
                   follow_redirects=False)
        assert r.status_code == 303
        r = b.post(f"/hq/billing/clarifications/{ids[2]}/repost", data={"csrf": _csrf(page_b)},
                   follow_redirects=False)
        assert r.status_code == 303
        assert _queue_ids(b.get("/hq/billing").text) == []
        board_page = b.get("/hq/").text
        assert "Posted in billing" in board_page


def _check_end_state(engine: Engine, billing: FakeBilling, sent: dict[str, Any], transfer_to: str) -> None:
    net = billing.net_by_receipt()
    for r in sent["receipts"]:
        expected = 0 if r.receipt_id in sent["reversed"] else r.amount_paise
        assert net.get(r.receipt_id, 0) == expected, r.receipt_no
    posted, server_net = _server_totals(engine)
    assert billing.total_paise == posted == server_net
    with db.read_tx(engine) as conn:
        figures = board.totals(board.by_counter(conn))
        states = dict(conn.execute(select(billing_postings.c.state, func.count()).group_by(billing_postings.c.state)).all())
        audit = conn.execute(select(billing_audit.c.action)).scalars().all()
        moved = conn.execute(select(consumers.c.balance_paise).where(consumers.c.account_no == transfer_to)).scalar_one()
    assert figures["collected_paise"] == figures["posted_paise"] == server_net
    assert figures["rejected_paise"] == figures["unbatched_paise"] == figures["sent_paise"] == 0
    assert "pending" not in states and "sent" not in states
    assert {"ack", "repost", "propose_transfer", "approve_transfer"} <= set(audit)
    assert isinstance(moved, int)


def test_round_trip_through_files(app: Any, client: TestClient, engine: Engine, accounts: list[str],
                                  database_url: str, tmp_path: Path) -> None:
    sent = _collect(client, engine, accounts)
    billing = FakeBilling(sent["known"])
    out, answers = tmp_path / "out", tmp_path / "answers"
    answers.mkdir()
    url = ["--database-url", database_url]
    assert cli.main(["postings", "export", "--out", str(out), *url]) == 0
    assert cli.main(["postings", "export", "--out", str(out), *url]) == 0  # nothing new: no second file
    assert len(list(out.glob("*.json"))) == 1
    for ack in billing.read_dir(out, answers):
        assert cli.main(["postings", "ack", str(ack), *url]) == 0
        assert cli.main(["postings", "ack", str(ack), *url]) == 0  # the same answers again: nothing new
    billing.known.add(sent["stranger"])  # billing fixed its master: a re-post will go through
    transfer_to = accounts[0]
    _resolve_on_the_hq_page(app, engine, transfer_to)
    assert cli.main(["postings", "export", "--out", str(out), *url]) == 0
    for ack in billing.read_dir(out, answers):
        assert cli.main(["postings", "ack", str(ack), *url]) == 0
    _check_end_state(engine, billing, sent, transfer_to)
    assert len(billing.batches_read) == 2
    # each receipt's two states on the HQ lookup
    assert login(client, "accounts1").status_code == 303
    page = client.get("/hq/billing/receipts", params={"q": sent["stranger"]}).text
    assert page.count("<strong>posted</strong>") == 3  # two re-posted, one transferred: all in billing now
    assert "unknown account" in page and "offset" in page and f"payment {transfer_to}" in page
    voided = next(r for r in sent["receipts"] if r.receipt_id in sent["reversed"])
    page = client.get("/hq/billing/receipts", params={"q": voided.receipt_no}).text
    assert "reversed" in page and "reversal" in page
    assert "No receipt matches" in client.get("/hq/billing/receipts", params={"q": "nothing"}).text
    _void_after_transfer(client, engine, sent, transfer_to)


def _balance(engine: Engine, acct: str) -> int:
    with db.read_tx(engine) as conn:
        return int(conn.execute(select(consumers.c.balance_paise).where(consumers.c.account_no == acct)).scalar_one())


def _void_after_transfer(client: TestClient, engine: Engine, sent: dict[str, Any], transfer_to: str) -> None:
    """A receipt transferred to the right account and then voided: the reversal goes to that
    account, in billing and in the balances (the wrong account ends where it started)."""
    from central_server.models import billing_clarifications

    with db.read_tx(engine) as conn:
        pid = conn.execute(select(billing_clarifications.c.posting_id)
                           .where(billing_clarifications.c.state == "transferred")).scalar_one()
        rid = conn.execute(select(billing_postings.c.receipt_id).where(billing_postings.c.posting_id == pid)).scalar_one()
    r = next(x for x in sent["receipts"] if x.receipt_id == rid)
    before = _balance(engine, sent["stranger"]), _balance(engine, transfer_to)
    assert statuses(post(client, r.counter_code, sent["headers"][r.counter_code], [void_record(r)])) == ["accepted"]
    assert (_balance(engine, sent["stranger"]), _balance(engine, transfer_to)) == (before[0], before[1] + r.amount_paise)
    with db.read_tx(engine) as conn:
        rev = conn.execute(select(billing_postings).where(billing_postings.c.source == "void",
                                                          billing_postings.c.receipt_id == rid)).mappings().one()
        current = conn.execute(select(billing_postings.c.posting_id).where(
            billing_postings.c.receipt_id == rid, billing_postings.c.source == "transfer")).scalar_one()
    assert (rev["account_no"], rev["amount_paise"], rev["reverses_posting_id"]) == (
        transfer_to, -r.amount_paise, current)


def test_round_trip_through_the_feed(app: Any, client: TestClient, engine: Engine, accounts: list[str]) -> None:
    sent = _collect(client, engine, accounts)
    with db.write_tx(engine) as conn:
        token = feed.add_client(conn, "billing1")
    auth = {"Authorization": f"Bearer {token}"}
    billing = FakeBilling(sent["known"])
    after = 0

    def pull() -> None:
        nonlocal after
        while True:
            r = client.get(f"{API}/postings/batches", params={"after": after}, headers=auth)
            assert r.status_code == 200, r.text
            body = r.json()
            for b in body["batches"]:
                acks = billing.take(b["batch_id"], b["postings"], b["control_count"], b["control_total_paise"])
                r = client.post(f"{API}/postings/acks", json={"acks": acks}, headers=auth)
                assert r.status_code == 200, r.text
                after = b["batch_id"]
            if not body["more"]:
                return

    pull()
    # a pull again from the start: the same batches, the same answers, nothing booked twice
    again = client.get(f"{API}/postings/batches", params={"after": 0}, headers=auth).json()
    assert [b["batch_id"] for b in again["batches"]] == billing.batches_read
    billing.known.add(sent["stranger"])
    _resolve_on_the_hq_page(app, engine, accounts[1])
    pull()
    _check_end_state(engine, billing, sent, accounts[1])


def test_the_feed_takes_only_billing_tokens(client: TestClient, engine: Engine, accounts: list[str]) -> None:
    counter = enrolled(client, engine, "K01")
    with db.write_tx(engine) as conn:
        token = feed.add_client(conn, "billing1")
    billing = {"Authorization": f"Bearer {token}"}
    for headers in ({}, counter, {"Authorization": "Bearer nonsense"}):
        assert client.get(f"{API}/postings/batches", headers=headers).status_code == 401
        assert client.post(f"{API}/postings/acks", json={"acks": []}, headers=headers).status_code == 401
    assert client.get(f"{API}/postings/batches", headers=billing).status_code == 200  # negative control
    # and the billing token is good nowhere else
    assert client.get(f"{API}/counters/K01/status", headers=billing).status_code == 401
    assert client.get(f"{API}/consumers/changes", headers=billing).status_code == 401
    with db.write_tx(engine) as conn:
        assert feed.revoke_client(conn, "billing1")
    assert client.get(f"{API}/postings/batches", headers=billing).status_code == 401
