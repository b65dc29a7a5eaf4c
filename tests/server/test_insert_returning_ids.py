"""The ingest's set-based insert (central_server/ingest/batch.insert_returning_ids): columns with
one value in every row travel as that one value on PostgreSQL, the others as arrays. Whatever
mix of repeated and varying columns a batch has, every row is stored exactly as given, re-sends
are skipped, and the new rows' keys come back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from central_server import db, migrate
from central_server.ingest.batch import insert_returning_ids
from central_server.models import receipts

T0 = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)


def _row(i: int, **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "receipt_id": f"r-{i}", "counter_code": "K01", "seq": i, "receipt_no": f"K01-{i}", "account_no": "2110000001",
        "amount_paise": 50_000, "round_off_paise": 0, "mode": "cash", "business_date": "2026-12-01",
        "issued_at": "2026-12-01T10:00:00+05:30", "shift_id": "s1", "prev_hash": "0" * 64, "hash": "1" * 64,
        "hash_ok": True, "payload": '{"नाम":"राम"}', "received_at": T0, "received_during_closing": False,
        "collected_during_closing": False, "parked_reason": None, "posted": True, "reversed_by": None,
        "_i": i, "_receipt": object(),  # the batch's own keys, not columns: never sent
    }
    row.update(over)
    return row


BATCHES = {
    "one row": [_row(1)],
    "all repeated but the keys": [_row(i) for i in range(1, 6)],
    "the last row differs in every column": [_row(i) for i in range(1, 5)] + [_row(
        5, counter_code="K01", account_no="2110000009", amount_paise=7, round_off_paise=-3, mode="cheque",
        business_date="2026-11-30", hash_ok=False, payload="{}", received_at=T0 + timedelta(seconds=1),
        received_during_closing=True, collected_during_closing=True, parked_reason="amount: odd", posted=False,
        reversed_by="v-1", shift_id="s9")],
    "a column null in all rows, another null in one": [_row(i, parked_reason=None, reversed_by=None if i == 2 else "v")
                                                       for i in range(1, 4)],
}


@pytest.mark.parametrize("name", list(BATCHES))
def test_every_row_is_stored_as_given_whichever_columns_repeat(database_url: str, name: str) -> None:
    eng = db.make_engine(_settings(database_url))
    migrate.upgrade(eng)
    rows = BATCHES[name]
    with db.write_tx(eng) as conn:
        got = insert_returning_ids(conn, receipts, "receipt_id", rows)
        again = insert_returning_ids(conn, receipts, "receipt_id", rows)  # a re-send: nothing new
    assert got == {r["receipt_id"] for r in rows} and again == set()
    cols = [c for c in receipts.columns if c.name in rows[0] and not c.name.startswith("_")]
    with db.read_tx(eng) as conn:
        stored = {r.receipt_id: r._asdict() for r in conn.execute(select(*cols))}
    for row in rows:
        want = {c.name: row[c.name] for c in cols}
        have = stored[row["receipt_id"]]
        if have["received_at"].tzinfo is None:  # SQLite keeps the UTC time without its offset
            have["received_at"] = have["received_at"].replace(tzinfo=UTC)
        assert have == want


def _settings(url: str) -> Any:
    from central_server.config import Settings

    return Settings(database_url=url)
