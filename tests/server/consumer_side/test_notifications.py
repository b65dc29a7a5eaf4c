"""Payment confirmations: queued in the ingest's transaction exactly once per receipt (and per
cancellation), delivered through a real HTTP gateway on loopback that fails, times out, answers
slowly and answers success after having received; never twice to the phone, with a negative
control (a gateway that ignores the idempotency key shows the double the key prevents); two
workers never send the same one; dead letters listed on HQ and retried from there."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from central_server import db
from central_server.consumer_side import delivery, gateways, outbox
from central_server.consumer_side.models import notify_outbox
from central_server.consumer_side.notify_config import NotifyConfig
from tests.server.test_hq_auth import add_user, login
from tests.server.util import enrolled, post, statuses
from tests.support.fake_gateway import FakeGateway
from tests.support.receipts import ReceiptChain, dishonour_record, void_record, wires

WITH_MOBILE = ["2110000002", "2110000018", "2110000025"]
NO_MOBILE = "2110000060"
KEY = "gateway-key-" + "k" * 32


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "FIRST_BACKOFF_S", 0.0)


def _rows(engine: Engine) -> list[dict[str, Any]]:
    with db.read_tx(engine) as conn:
        return [dict(r) for r in conn.execute(select(notify_outbox).order_by(notify_outbox.c.id)).mappings()]


def _worker(engine: Engine, gw: FakeGateway, kind: str = "webhook", timeout_s: float = 0.5) -> delivery.Worker:
    cfg = NotifyConfig(kind=kind, url=gw.url, key=KEY, template_id="1107161234567890123", sender="KESCOK",
                       timeout_s=timeout_s)
    return delivery.Worker(engine, gateways.from_config(cfg))


def _drain(worker: delivery.Worker, engine: Engine, limit_s: float = 30) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        worker.run_once()
        with db.read_tx(engine) as conn:
            if outbox.counts(conn)["pending"] == 0:
                return
    raise AssertionError("notifications still pending")


def test_queued_once_per_receipt_and_per_cancellation(client: TestClient, engine: Engine, accounts: list[str]) -> None:
    h = enrolled(client, engine, "K01")
    chain = ReceiptChain("K01", WITH_MOBILE)
    paid = [chain.next(account_no=a) for a in WITH_MOBILE] + [chain.next(account_no=NO_MOBILE)]
    cheque = chain.next(account_no=WITH_MOBILE[0], mode="cheque")
    batch = wires([*paid, cheque])
    assert statuses(post(client, "K01", h, batch)) == ["accepted"] * 5
    assert statuses(post(client, "K01", h, batch)) == ["duplicate"] * 5  # the counter re-sends: nothing new
    rows = _rows(engine)
    assert [(r["event"], r["receipt_no"], r["mobile"]) for r in rows] == [
        ("receipt", r.receipt_no, m) for r, m in zip([*paid[:3], cheque],
                                                      ["9281497163", "8017979092", "9754461021", "9281497163"],
                                                      strict=True)]
    # a void and a dishonour tell the consumer; a void of an unconfirmed receipt (no mobile) does not
    cancels = [void_record(paid[1]), void_record(paid[3]), dishonour_record(cheque)]
    assert statuses(post(client, "K01", h, cancels)) == ["accepted"] * 3
    assert statuses(post(client, "K01", h, cancels)) == ["duplicate"] * 3
    later = [(r["event"], r["receipt_no"]) for r in _rows(engine)[4:]]
    assert later == [("void", paid[1].receipt_no), ("dishonour", cheque.receipt_no)]
    assert len({r["idempotency_key"] for r in _rows(engine)}) == 6


def test_a_void_before_its_receipt_is_told_after_the_confirmation(client: TestClient, engine: Engine,
                                                                 accounts: list[str]) -> None:
    h = enrolled(client, engine, "K02")
    r = ReceiptChain("K02", WITH_MOBILE).next()
    assert statuses(post(client, "K02", h, [void_record(r)])) == ["parked"]
    assert statuses(post(client, "K02", h, wires([r]))) == ["accepted"]
    assert [x["event"] for x in _rows(engine)] == ["receipt", "void"]


def _six_receipts(client: TestClient, engine: Engine, code: str = "K03") -> list[str]:
    h = enrolled(client, engine, code)
    chain = ReceiptChain(code, WITH_MOBILE)
    assert statuses(post(client, code, h, wires(chain.take(6)))) == ["accepted"] * 6
    return [r["idempotency_key"] for r in _rows(engine)]


@pytest.mark.parametrize("kind", ["webhook", "sms"])
def test_gateway_faults_never_send_twice(client: TestClient, engine: Engine, accounts: list[str], kind: str) -> None:
    keys = _six_receipts(client, engine)
    script = ["500", "timeout", "slow", "ok_late", "400", "ok"]
    with FakeGateway(script, key=KEY) as gw:
        worker = _worker(engine, gw, kind)
        _drain(worker, engine)
        worker.gateway.close()
    sent = Counter(gw.delivered_keys())
    with db.read_tx(engine) as conn:
        counts = outbox.counts(conn)
    # the 400 is refused for good: dead at once; the others delivered, each exactly once
    assert counts == {"pending": 0, "sent": 5, "dead": 1}
    dead = [r for r in _rows(engine) if r["state"] == "dead"]
    assert sent.keys() == set(keys) - {dead[0]["idempotency_key"]} and set(sent.values()) == {1}
    # the 500, the timeout and the late success were all sent again: the late one reached the
    # gateway twice, and the key kept the phone to one message
    asked = Counter(k for k, _ in gw.requests)
    assert sorted(asked.values()) == [1, 1, 1, 2, 2, 2]
    assert gw.unauthorised == 0
    body = gw.delivered[0][1]
    if kind == "sms":
        assert body["template_id"] == "1107161234567890123" and body["to"].startswith("91") and body["sender"] == "KESCOK"
    else:
        assert body["text"].startswith("KESCO: ₹") and body["idempotency_key"] == gw.delivered[0][0]


def test_negative_control_a_gateway_that_ignores_the_key_gets_a_double(client: TestClient, engine: Engine,
                                                                       accounts: list[str]) -> None:
    _six_receipts(client, engine)
    with FakeGateway(["ok_late"], honour_keys=False) as gw:
        worker = _worker(engine, gw)
        _drain(worker, engine)
        worker.gateway.close()
    sent = Counter(gw.delivered_keys())
    assert sorted(sent.values()) == [1, 1, 1, 1, 1, 2]  # the test sees a double when there is one


def test_two_workers_never_send_the_same_one(client: TestClient, engine: Engine, accounts: list[str]) -> None:
    h = enrolled(client, engine, "K04")
    chain = ReceiptChain("K04", WITH_MOBILE)
    assert set(statuses(post(client, "K04", h, wires(chain.take(40))))) == {"accepted"}
    with FakeGateway(["slow"] * 40, slow_s=0.02) as gw:
        workers = [_worker(engine, gw, timeout_s=5) for _ in range(2)]
        for w in workers:
            w.batch = 5
        errors: list[BaseException] = []

        def run(w: delivery.Worker) -> None:
            try:
                _drain(w, engine)
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=run, args=(w,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert not errors
    asked = Counter(k for k, _ in gw.requests)
    assert len(asked) == 40 and set(asked.values()) == {1}  # every one requested once, by one worker
    assert {r["state"] for r in _rows(engine)} == {"sent"} and all(r["gateway_ref"] for r in _rows(engine))


def test_retries_run_out_into_the_dead_letters_and_hq_retries_them(client: TestClient, engine: Engine,
                                                                   accounts: list[str]) -> None:
    h = enrolled(client, engine, "K05")
    assert statuses(post(client, "K05", h, wires(ReceiptChain("K05", WITH_MOBILE).take(1)))) == ["accepted"]
    with FakeGateway(["500"] * outbox.MAX_ATTEMPTS) as gw:
        worker = _worker(engine, gw)
        _drain(worker, engine)
        assert len(gw.requests) == outbox.MAX_ATTEMPTS and gw.delivered == []
        row = _rows(engine)[0]
        assert (row["state"], row["attempts"], row["last_error"][:8]) == ("dead", outbox.MAX_ATTEMPTS, "HTTP 500")
        add_user(engine)
        login(client)
        page = client.get("/hq/consumers")
        assert "HTTP 500" in page.text and "dead-letters" in page.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        assert client.post(f"/hq/consumers/notifications/{row['id']}/retry", data={"csrf": "x"}).status_code == 400
        r = client.post(f"/hq/consumers/notifications/{row['id']}/retry", data={"csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303
        assert client.post(f"/hq/consumers/notifications/{row['id']}/retry", data={"csrf": csrf}).status_code == 409
        _drain(worker, engine)
        worker.gateway.close()
    assert gw.delivered_keys() == [row["idempotency_key"]]
    with db.read_tx(engine) as conn:
        assert conn.execute(select(func.count()).select_from(notify_outbox)
                            .where(notify_outbox.c.state == "sent")).scalar_one() == 1


def test_notify_commands(client: TestClient, engine: Engine, accounts: list[str], database_url: str,
                         monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from central_server import cli

    _six_receipts(client, engine)
    url = ["--database-url", database_url]
    monkeypatch.delenv("CENTRAL_NOTIFY_KIND", raising=False)
    assert cli.main(["notify", "run", "--once", *url]) == 2
    assert "no gateway configured" in capsys.readouterr().err
    with FakeGateway(["400"], key=KEY) as gw:
        monkeypatch.setenv("CENTRAL_NOTIFY_KIND", "sms")
        monkeypatch.setenv("CENTRAL_NOTIFY_URL", gw.url)
        monkeypatch.setenv("CENTRAL_NOTIFY_KEY", KEY)
        monkeypatch.setenv("CENTRAL_NOTIFY_TEMPLATE_ID", "1107161234567890123")
        assert cli.main(["notify", "run", "--once", *url]) == 0
        assert "6 notifications handled" in capsys.readouterr().out
        assert cli.main(["notify", "dead", *url]) == 0
        out = capsys.readouterr().out
        assert '"sent": 5' in out and '"dead": 1' in out and "HTTP 400" in out
        assert cli.main(["notify", "retry", *url]) == 0
        assert "1 dead notification(s) queued again" in capsys.readouterr().out
        assert cli.main(["notify", "run", "--once", *url]) == 0
    assert len(gw.delivered) == 6
