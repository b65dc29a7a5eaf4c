"""The field API: a field token reads an account's payments since its last bill (with receipt
numbers and states) and nothing else; counter, billing and HQ credentials are refused here; every
call is audited; calls are rate-limited per token."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from central_server import cli, db
from central_server.billing import feed
from central_server.consumer_side.models import field_audit
from central_server.throttle import SlidingLimit
from tests.server.test_hq_auth import add_user, login
from tests.server.util import enrolled, inactive_account, post, statuses
from tests.support.receipts import ReceiptChain, void_record, wires

ACCOUNT = "2110000002"  # last bill 261116043894 of 2026-11-19 in the demo master
URL = f"/api/v1/field/accounts/{ACCOUNT}"


def _field_token(database_url: str, capsys: pytest.CaptureFixture[str], name: str = "squad-7") -> str:
    assert cli.main(["field-clients", "add", name, "--database-url", database_url]) == 0
    return capsys.readouterr().out.strip().splitlines()[-1]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _audit(engine: Engine) -> list[tuple[str, str, str]]:
    with db.read_tx(engine) as conn:
        return [tuple(r) for r in conn.execute(select(field_audit.c.client, field_audit.c.account_no,
                                                      field_audit.c.outcome).order_by(field_audit.c.id))]


def test_payments_since_the_last_bill_with_their_states(client: TestClient, engine: Engine, accounts: list[str],
                                                        database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    h = enrolled(client, engine, "K01")
    chain = ReceiptChain("K01", [ACCOUNT])
    before = chain.next(amount_paise=100_00, business_date=date(2026, 11, 10))  # in the last bill already
    kept, voided = chain.next(amount_paise=700_00), chain.next(amount_paise=300_00, mode="cheque")
    assert statuses(post(client, "K01", h, wires([before, kept, voided]))) == ["accepted"] * 3
    assert statuses(post(client, "K01", h, [void_record(voided)])) == ["accepted"]
    token = _field_token(database_url, capsys)
    r = client.get(URL, headers=_bearer(token))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["account_no"], body["last_bill_no"], body["payments_since"]) == (ACCOUNT, "261116043894", "2026-11-19")
    assert [(p["receipt_no"], p["amount_paise"], p["state"], p["cancelled_by"]) for p in body["payments"]] == [
        (kept.receipt_no, 700_00, "received", None), (voided.receipt_no, 300_00, "cancelled", "void")]
    assert body["paid_since_bill_paise"] == 700_00
    # a parked receipt (disconnected connection) is shown as parked, not counted
    off = inactive_account("disconnected")
    parked = ReceiptChain("K01", [off], seed=2, start_seq=4, prev_hash=voided.hash).next(amount_paise=50_00)
    assert statuses(post(client, "K01", h, wires([parked]))) == ["parked"]
    view = client.get(f"/api/v1/field/accounts/{off}", headers=_bearer(token)).json()
    assert [(p["state"], p["amount_paise"]) for p in view["payments"]] == [("parked", 50_00)]
    assert view["paid_since_bill_paise"] == 0
    assert client.get("/api/v1/field/accounts/0000000001", headers=_bearer(token)).status_code == 404
    assert client.get("/api/v1/field/accounts/bad;acct", headers=_bearer(token)).status_code == 422
    assert _audit(engine) == [("squad-7", ACCOUNT, "ok"), ("squad-7", off, "ok"), ("squad-7", "0000000001", "not_found")]


def test_refused_to_counter_billing_and_hq_credentials(client: TestClient, engine: Engine, accounts: list[str],
                                                       database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    counter = enrolled(client, engine, "K02")
    with db.write_tx(engine) as conn:
        billing = feed.add_client(conn, "sap")
    add_user(engine)
    assert login(client).status_code == 303
    hq_cookie = client.cookies.get("hq_session")
    assert hq_cookie
    for headers in ({}, counter, _bearer(billing), _bearer(hq_cookie), _bearer("field_" + "x" * 43),
                    {"Cookie": f"hq_session={hq_cookie}"}):
        r = client.get(URL, headers=headers)
        assert r.status_code == 401, (headers, r.text)
    token = _field_token(database_url, capsys)
    # and the field token reads nothing else: counters' endpoints, the billing feed, the HQ pages
    client.cookies.clear()
    assert client.get("/api/v1/counters/K02/status", headers=_bearer(token)).status_code == 401
    assert client.get("/api/v1/consumers/snapshot", headers=_bearer(token)).status_code == 401
    assert client.get("/api/v1/postings/batches", headers=_bearer(token)).status_code == 401
    assert client.get("/hq/", headers=_bearer(token), follow_redirects=False).status_code == 303
    assert client.get(URL, headers=_bearer(token)).status_code == 200
    # revoked: refused at once
    assert cli.main(["field-clients", "revoke", "squad-7", "--database-url", database_url]) == 0
    assert client.get(URL, headers=_bearer(token)).status_code == 401
    assert _audit(engine) == [("squad-7", ACCOUNT, "ok")]  # refused calls never reached an account


def test_rate_limited_per_token_and_audited(client: TestClient, engine: Engine, accounts: list[str],
                                            database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    client.app.state.field_limits = (SlidingLimit(3), SlidingLimit(20))  # type: ignore[attr-defined]
    token = _field_token(database_url, capsys)
    other = _field_token(database_url, capsys, "squad-8")
    got = [client.get(URL, headers=_bearer(token)).status_code for _ in range(5)]
    assert got == [200, 200, 200, 429, 429]
    r = client.get(URL, headers=_bearer(token))
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert client.get(URL, headers=_bearer(other)).status_code == 200  # another device is not slowed
    outcomes = [o for c, _, o in _audit(engine) if c == "squad-7"]
    assert outcomes == ["ok"] * 3 + ["rate_limited"] * 3
    # guessing tokens from one address is cut off too
    bad = [client.get(URL, headers=_bearer(f"field_guess{i}")).status_code for i in range(22)]
    assert bad[:20] == [401] * 20 and bad[20:] == [429, 429]
