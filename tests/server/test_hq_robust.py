"""A counter cannot make a headquarters page fail (issue 11, item 4): odd types and dates in a
shift or day close (a number where a list is expected, a year-9999 time with an offset) are
refused at ingestion or stored harmlessly, and the pages render whatever is stored (rows written
before ingestion checked them included). Hypothesis makes the odd payloads. SQLite only: what is
tested is the checking and the rendering, not the database."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from central_server import db
from central_server.app import create_app
from central_server.config import Settings
from central_server.ingest import RecordIn, ingest_records
from central_server.models import records
from tests.server.test_hq_auth import add_user, login
from tests.server.test_validation import _day_close, _shift_close
from tests.server.util import enrolled

DAY = "2026-11-27"
CODE = "K31"

odd_values = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=False),
    st.text(max_size=30), st.sampled_from(["9999-12-31T23:59:00-12:00", "0001-01-01T00:00:00+14:00",
                                           "2026-11-27T18:00:00+23:59", "yesterday", "", "2026-13-45",
                                           DAY, "<b>x</b>"]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.lists(st.text(max_size=5), max_size=3),
)


@pytest.fixture(scope="module")
def hq_client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('hq')) / 'central.sqlite3'}"
    app = create_app(Settings(database_url=url))
    with TestClient(app, raise_server_exceptions=False) as c:
        enrolled(c, app.state.engine, CODE)
        add_user(app.state.engine)
        assert login(c).status_code == 303
        yield c, app.state.engine
    app.state.engine.dispose()


def _pages_render(client: TestClient) -> None:
    for path in (f"/hq/?date={DAY}", f"/hq/counters/{CODE}?date={DAY}", f"/hq/counters/{CODE}/receipts.csv?date={DAY}"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])


def _mutated(base: dict[str, Any], changes: dict[str, Any], n: int) -> dict[str, Any]:
    payload = {**base["payload"], **changes}
    payload["business_date"] = DAY if "business_date" not in changes else changes["business_date"]
    rid = f"{base['kind']}-{n}"
    payload[{"shift_close": "shift_close_id", "day_close": "day_close_id"}[base["kind"]]] = rid
    return {"kind": base["kind"], "record_id": rid, "payload": payload}


FIELDS = {kind: sorted((_shift_close if kind == "shift_close" else _day_close)(CODE)["payload"])
          for kind in ("shift_close", "day_close")}
odd_changes = st.one_of(*(
    st.tuples(st.just(kind), st.dictionaries(st.sampled_from(fields), odd_values, min_size=1, max_size=3))
    for kind, fields in FIELDS.items()))
FOUND = [("shift_close", {"instruments_missing": 5}), ("day_close", {"receipt_ids": 7}),
         ("shift_close", {"closed_at": "9999-12-31T23:59:00-12:00"}),
         ("day_close", {"closed_at": "9999-12-31T23:59:00-12:00"})]


def _base(kind: str) -> dict[str, Any]:
    return (_shift_close if kind == "shift_close" else _day_close)(CODE)


@given(case=odd_changes, n=st.integers(0, 10**9))
@example(case=FOUND[0], n=1)
@example(case=FOUND[1], n=2)
@example(case=FOUND[2], n=3)
@example(case=FOUND[3], n=4)
@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
def test_odd_close_payloads_are_refused_or_harmless(hq_client, case, n):
    client, engine = hq_client
    kind, changes = case
    record = _mutated(_base(kind), changes, n)
    with db.write_tx(engine) as conn:
        [res] = ingest_records(conn, CODE, [RecordIn(record["kind"], record["record_id"], record["payload"])])
    assert res.status in ("accepted", "duplicate", "conflict", "invalid")
    _pages_render(client)


@given(case=odd_changes, n=st.integers(0, 10**12))
@example(case=FOUND[0], n=1)
@example(case=FOUND[1], n=2)
@example(case=FOUND[2], n=3)
@example(case=FOUND[3], n=4)
@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
def test_pages_render_rows_stored_before_ingestion_checked_them(hq_client, case, n):
    """Rows as an older server stored them (anything the counter sent, kept as received); each
    is the counter-day's latest, so that the page shows it."""
    client, engine = hq_client
    kind, changes = case
    record = _mutated(_base(kind), changes, n)
    with db.write_tx(engine) as conn:
        conn.execute(insert(records).prefix_with("OR IGNORE"), {
            "record_id": record["record_id"], "counter_code": CODE, "kind": kind, "target_receipt_id": None,
            "business_date": DAY, "amount_paise": None, "payload": json.dumps(record["payload"]),
            "received_at": datetime.now(UTC), "received_during_closing": False, "parked_reason": None,
            "applied": False, "detail": None})
    try:
        _pages_render(client)
    finally:  # one odd row at a time: the next example must not fail for this one
        with db.write_tx(engine) as conn:
            conn.execute(delete(records).where(records.c.record_id == record["record_id"]))


def test_the_two_cases_found_are_refused_at_ingestion(hq_client):
    client, engine = hq_client
    for n, (kind, change) in enumerate([*FOUND, ("shift_close", {"variance_paise": "lots"})]):
        record = _mutated(_base(kind), change, 10**13 + n)
        with db.write_tx(engine) as conn:
            [res] = ingest_records(conn, CODE, [RecordIn(kind, record["record_id"], record["payload"])])
        assert res.status == "invalid", (kind, change, res)
    # negative control: the unchanged close is taken
    with db.write_tx(engine) as conn:
        [res] = ingest_records(conn, CODE, [RecordIn("shift_close", "plain-close", {
            **_shift_close(CODE)["payload"], "shift_close_id": "plain-close"})])
    assert res.status == "accepted"
    _pages_render(client)

