"""Master-data feed: the streamed gzip snapshot (resumable by account) and the changes feed."""

from __future__ import annotations

import gzip
import json

from central_server import db, master
from tests.server.util import API, N_CONSUMERS, enrolled, post
from tests.support.receipts import ReceiptChain, wires


def _lines(raw: bytes) -> list[dict | list]:
    return [json.loads(x) for x in raw.decode("utf-8").splitlines()]


def test_snapshot_streams_gzip_ndjson_and_resumes_after_an_account(client, engine, accounts):
    h = enrolled(client, engine, "K01")
    with client.stream("GET", f"{API}/consumers/snapshot", headers={**h, "Accept-Encoding": "gzip"}) as r:
        assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
        assert r.headers["content-type"].startswith("application/x-ndjson")
        raw = b"".join(r.iter_raw())
    lines = _lines(gzip.decompress(raw))
    head, rows, end = lines[0], lines[1:-1], lines[-1]
    assert head["total"] == N_CONSUMERS and head["fields"][0] == "account_no" and len(head["fields"]) == 19
    assert len(rows) == N_CONSUMERS and [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert end == {"end": True, "count": N_CONSUMERS, "last": rows[-1][0], "more": False}
    # a download broken after 100 rows resumes from the last account received
    part = client.get(f"{API}/consumers/snapshot", params={"limit": 100}, headers=h).content
    first = _lines(part)
    assert first[-1]["more"] is True and first[-1]["count"] == 100
    rest = _lines(client.get(f"{API}/consumers/snapshot", params={"after": first[-1]["last"]}, headers=h).content)
    assert [r[0] for r in first[1:-1] + rest[1:-1]] == [r[0] for r in rows]


def test_changes_feed_pages_by_version_and_account(client, engine, accounts):
    h = enrolled(client, engine, "K02")
    head = client.get(f"{API}/consumers/changes", params={"since": 0, "limit": 1}, headers=h).json()
    assert head["more"] is True and head["after"] is not None
    snap_version = _lines(client.get(f"{API}/consumers/snapshot", params={"limit": 1}, headers=h).content)[0]["version"]
    nothing = client.get(f"{API}/consumers/changes", params={"since": snap_version}, headers=h).json()
    assert nothing == {"version": snap_version, "after": None, "rows": [], "more": False, "reset": False}
    chain = ReceiptChain("K02", accounts)
    post(client, "K02", h, wires(chain.next(account_no=a) for a in accounts[:30]))
    seen, since, after = [], snap_version, None
    while True:
        params = {"since": since, "limit": 7} | ({"after": after} if after else {})
        page = client.get(f"{API}/consumers/changes", params=params, headers=h).json()
        seen += [row[0] for row in page["rows"]]
        since, after = page["version"], page["after"]
        if not page["more"]:
            break
    assert sorted(seen) == sorted(accounts[:30])
    assert client.get(f"{API}/consumers/changes", params={"since": since}, headers=h).json()["rows"] == []


def test_cursor_ahead_of_the_server_asks_for_a_new_snapshot(client, engine, accounts):
    h = enrolled(client, engine, "K03")
    body = client.get(f"{API}/consumers/changes", params={"since": 2**40}, headers=h).json()
    assert body["reset"] is True and body["rows"] == []


def test_changes_version_bound_on_both_databases(engine, accounts):
    with db.read_tx(engine) as conn:
        bound = db.master_version_bound(conn)
        assert master.changes(conn, since=bound - 1, after=None, limit=10)["rows"] == []
