"""/metrics: scraped from the real server on loopback and parsed with prometheus_client's own
parser; the values move when receipts arrive; refused from an address not allowed and through
the proxy (a forwarded request)."""

from __future__ import annotations

from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from central_server import db
from central_server.config import Settings
from tests.support.live_server import LiveServer, enroll, load_demo_consumers, register_counter
from tests.support.receipts import ReceiptChain, wire


def scrape(srv: Any, **headers: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    r = httpx.get(f"{srv.url}/metrics", headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def push(srv: LiveServer, code: str, token: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    r = httpx.post(f"{srv.api}/counters/{code}/records", json={"records": records},
                   headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_metrics_move_when_receipts_arrive(database_url: str) -> None:
    accounts = [a for a in _active(database_url, 200)]
    with LiveServer(database_url) as srv:
        token = enroll(srv.api, "K07", register_counter(database_url, "K07"))
        before = scrape(srv)
        assert value(before, "kesco_db_up") == 1
        chain = ReceiptChain("K07", accounts)
        batch = [wire(r) for r in chain.take(40)]
        push(srv, "K07", token, batch)
        push(srv, "K07", token, batch[:10])  # a re-send: ten duplicates
        unknown = wire(chain.next(account_no="9999999999"))  # parked: unknown account
        push(srv, "K07", token, [unknown])
        snap = httpx.get(f"{srv.api}/consumers/snapshot", headers={"Authorization": f"Bearer {token}"}, timeout=60)
        assert snap.status_code == 200
        after = scrape(srv)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("kesco_records_ingested_total", kind="receipt", status="accepted") == 40
    assert moved("kesco_records_ingested_total", kind="receipt", status="duplicate") == 10
    assert moved("kesco_records_ingested_total", kind="receipt", status="parked") == 1
    assert moved("kesco_ingest_seconds_count") == 3
    assert moved("kesco_ingest_batch_records_sum") == 51
    assert moved("kesco_ingest_batch_records_bucket", le="10.0") == 2
    assert moved("kesco_snapshot_downloads_total") == 1
    assert moved("kesco_http_requests_total", route="/counters/{code}/records", code="200") == 3
    # state, read from the database at scrape time
    assert value(after, "kesco_counter_receipts", counter="K07") == 41
    assert value(after, "kesco_parked", kind="receipt") == 1
    assert value(after, "kesco_alarms_open", kind="conflict") == 0
    assert 0 <= value(after, "kesco_counter_sync_lag_seconds", counter="K07") < 60
    # the test receipts were issued on 27 Nov 2026 at 10:00 IST: that old when they arrived
    assert value(after, "kesco_counter_pending_age_seconds", counter="K07") > 3600
    # every accepted receipt became a posting at ingest; none is in billing yet
    assert value(after, "kesco_postings_unbilled") == _pending_postings(database_url) > 0
    assert value(after, "kesco_period_closing") == 0
    assert value(after, "kesco_db_pool_capacity") >= 1
    assert ("kesco_db_pool_checked_out", ()) in after


def test_a_conflict_raises_the_open_alarms_gauge(database_url: str) -> None:
    accounts = _active(database_url, 100)
    with LiveServer(database_url) as srv:
        token = enroll(srv.api, "K08", register_counter(database_url, "K08"))
        rec = wire(ReceiptChain("K08", accounts).next())
        push(srv, "K08", token, [rec])
        forged = {**rec, "payload": {**rec["payload"], "amount_paise": rec["payload"]["amount_paise"] + 100}}
        assert push(srv, "K08", token, [forged])["results"][0]["status"] == "conflict"
        after = scrape(srv)
    assert value(after, "kesco_alarms_open", kind="conflict") == 1


def _pending_postings(database_url: str) -> int:
    engine = db.make_engine(Settings(database_url=database_url))
    try:
        with db.read_tx(engine) as conn:
            return int(conn.execute(text("SELECT COUNT(*) FROM billing_postings WHERE state = 'pending'")).scalar_one())
    finally:
        engine.dispose()


def test_postings_gauge_falls_when_billing_answers(database_url: str) -> None:
    """The gauge counts postings not yet in billing: it falls as billing marks them posted."""
    accounts = _active(database_url, 100)
    with LiveServer(database_url) as srv:
        token = enroll(srv.api, "K09", register_counter(database_url, "K09"))
        chain = ReceiptChain("K09", accounts)
        push(srv, "K09", token, [wire(chain.next()) for _ in range(3)])
        assert value(scrape(srv), "kesco_postings_unbilled") == 3
        engine = db.make_engine(Settings(database_url=database_url))
        with db.write_tx(engine) as conn:  # as an acknowledgement from billing would leave them
            conn.execute(text("UPDATE billing_postings SET state = 'posted' WHERE counter_code = 'K09' AND "
                              "posting_id IN (SELECT MIN(posting_id) FROM billing_postings WHERE counter_code = 'K09')"))
        engine.dispose()
        assert value(scrape(srv), "kesco_postings_unbilled") == 2


def test_refused_from_an_address_not_allowed(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    with LiveServer(url, settings={"metrics_allow": ("10.9.9.9/32",)}) as srv:
        r = httpx.get(f"{srv.url}/metrics", timeout=10)
        assert r.status_code == 403
        assert "kesco_" not in r.text
    with LiveServer(url) as srv:  # negative control: the default (loopback) may scrape
        assert httpx.get(f"{srv.url}/metrics", timeout=10).status_code == 200
        # ...but not through the reverse proxy: behind nginx every peer is loopback
        r = httpx.get(f"{srv.url}/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10)
        assert r.status_code == 403


def _active(database_url: str, n: int) -> list[str]:
    from kesco_demo.consumers import generate_consumers

    load_demo_consumers(database_url, n)
    return [r[0] for r in generate_consumers(n) if r[8] == "active"]
