"""The consumer cache: all of the utility's accounts, looked up by account, meter or mobile, and
searched by name or address prefix (FTS5). The tables live in the cache's own file
(storage/cache.py); these queries run alike on its connections and on the ledger's, where it is
attached, so `paid_today` and the account activity still read receipts beside consumers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, text

from counter_app.domain.consumer import Consumer
from counter_app.storage.db import raw
from kesco_protocol.consumers import CONSUMER_FIELDS

_COLS = ", ".join(CONSUMER_FIELDS)
_SELECT = f"SELECT {_COLS} FROM consumers"
UPSERT_SQL = _UPSERT = (
    f"INSERT INTO consumers ({_COLS}) VALUES ({', '.join('?' for _ in CONSUMER_FIELDS)}) "
    "ON CONFLICT(account_no) DO UPDATE SET "
    + ", ".join(f"{f}=excluded.{f}" for f in CONSUMER_FIELDS if f != "account_no")
)


def by_account(conn: Connection, account_no: str) -> Consumer | None:
    row = raw(conn).execute(f"{_SELECT} WHERE account_no=?", (account_no,)).fetchone()
    return None if row is None else Consumer.from_row(tuple(row))


def by_meter_or_mobile(conn: Connection, value: str) -> list[Consumer]:
    rows = conn.execute(
        # the whole mobile number through the index on its last four digits (storage/cache.INDEXES);
        # "+mobile" keeps SQLite from putting the value into substr(mobile, -4), which would then
        # no longer be the indexed expression (a scan of every row)
        text(f"{_SELECT} WHERE meter_no=:v UNION {_SELECT} WHERE substr(mobile, -4) = substr(:v, -4) AND +mobile=:v "
             "LIMIT 20"), {"v": value}
    ).all()
    return [Consumer.from_row(tuple(r)) for r in rows]


def by_mobile_end(conn: Connection, digits: str, limit: int = 20) -> list[Consumer]:
    """Consumers whose mobile number ends in `digits` (4 to 9 of them): the index on the last four
    digits (migration 0005) narrows the search to a few dozen rows before the rest is compared."""
    if not (4 <= len(digits) <= 9 and digits.isdigit()):
        return []
    rows = conn.execute(
        text(f"{_SELECT} WHERE substr(mobile, -4) = :last4 AND mobile LIKE :pattern ORDER BY name LIMIT :n"),
        {"last4": digits[-4:], "pattern": "%" + digits, "n": limit},
    ).all()
    return [Consumer.from_row(tuple(r)) for r in rows]


_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_HOUSE = re.compile(r"\d+(?:\s*[/-]\s*\d+)+")  # a house number as addresses write it: 8/88, 128/420-A


def fts_query(text_: str) -> str | None:
    """Turn what the clerk typed into an FTS5 query: every word must match as a prefix. Initials
    ("A K Sharma", "M/s") are left out: a one-letter prefix matches a twentieth of the city and has
    no prefix index, so it would cost a scan for no narrowing."""
    words = [w for w in _TOKEN.findall(text_.lower()) if len(w) >= 2]
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words[:6])


def search(conn: Connection, query: str, limit: int = 20) -> list[Consumer]:
    """Consumers whose name (first) or father's/husband's name, address or locality match every
    word as a prefix. No ranking: ORDER BY rank makes FTS5 score every match, and "ram" matches
    tens of thousands of the 5.3 lakh names; without it the scan stops at `limit` hits."""
    q = fts_query(query)
    if q is None:
        return []
    db = raw(conn)
    rowids: list[int] = []
    house = _HOUSE.search(query)
    if house is not None:
        # "8/88 Nawab": that house first. Its numbers as a phrase in the address ("8" "88" one
        # after the other) is exact, where the prefix words would rank 880/12 alike.
        phrase = " ".join(_TOKEN.findall(house.group(0)))
        rest = fts_query(query[:house.start()] + " " + query[house.end():])
        exact = f'{{address}} : "{phrase}"' + (f" {rest}" if rest else "")
        rowids = [r[0] for r in db.execute("SELECT rowid FROM consumers_fts WHERE consumers_fts MATCH ? LIMIT ?",
                                           (exact, limit))]
    seen_house = set(rowids)
    rowids += [
        r[0] for r in db.execute(
            "SELECT rowid FROM consumers_fts WHERE consumers_fts MATCH ? LIMIT ?", ("{name} : " + q, limit))
        if r[0] not in seen_house
    ][: max(0, limit - len(rowids))]
    if len(rowids) < limit:
        seen = set(rowids)
        for (rid,) in db.execute("SELECT rowid FROM consumers_fts WHERE consumers_fts MATCH ? LIMIT ?",
                                 (q, limit + len(rowids))):
            if rid not in seen:
                rowids.append(rid)
                seen.add(rid)
                if len(rowids) >= limit:
                    break
    if not rowids:
        return []
    order = {rid: i for i, rid in enumerate(rowids)}
    rows = db.execute(
        f"SELECT rowid, {_COLS} FROM consumers WHERE rowid IN ({', '.join('?' for _ in rowids)})", rowids
    ).fetchall()
    rows.sort(key=lambda r: order[r[0]])
    return [Consumer.from_row(tuple(r[1:])) for r in rows]


def upsert_many(conn: Connection, rows: Iterable[Sequence[Any]]) -> int:
    """Insert or update consumers (rows in CONSUMER_FIELDS order) on the raw sqlite3 cursor: this
    is the 5.3 lakh-row path of a snapshot load."""
    raw = conn.connection.driver_connection
    assert raw is not None
    cur = raw.cursor()
    batch = rows if isinstance(rows, list) else list(rows)
    cur.executemany(_UPSERT, batch)
    return len(batch)


def drop_lookup_indexes(conn: Connection) -> None:
    """Before a bulk load into an empty cache: the meter and mobile indexes are built after it."""
    from counter_app.storage.cache import INDEX_NAMES, OLD_INDEX_NAMES

    for name in INDEX_NAMES + OLD_INDEX_NAMES:
        conn.execute(text(f"DROP INDEX IF EXISTS {name}"))


def create_lookup_indexes(conn: Connection) -> None:
    from counter_app.storage.cache import INDEXES

    for sql in INDEXES:
        conn.execute(text(sql))


def count(conn: Connection) -> int:
    return int(conn.execute(text("SELECT COUNT(*) FROM consumers")).scalar_one())


def paid_today(conn: Connection, account_no: str, business_date: str) -> int:
    """Paise already received from this account today at this counter (not voided)."""
    # on the sqlite3 connection: it is read for every receipt (see storage/db.raw)
    v = raw(conn).execute(
        "SELECT COALESCE(SUM(amount_paise), 0) FROM receipts r WHERE account_no=? AND business_date=? "
        "AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.receipt_id = r.receipt_id)",
        (account_no, business_date),
    ).fetchone()[0]
    return int(v)


# --- bulk loads: the search index is deferred, then built in short chunks (migration 0003) ---
_FTS_KEY = "fts_pending_from"


def defer_search_index(conn: Connection) -> None:
    """From now on, rows inserted (rowid above today's highest) stay out of the search index
    until catch_up_search_index reaches them. Idempotent."""
    conn.execute(
        text("INSERT INTO kv(key, value) SELECT :k, COALESCE(MAX(rowid), 0) + 1 FROM consumers "
             "WHERE NOT EXISTS (SELECT 1 FROM kv WHERE key = :k AND value IS NOT NULL) "
             "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
        {"k": _FTS_KEY},
    )


def search_index_pending(conn: Connection) -> int:
    """Consumers not yet in the search index (0 when nothing is deferred)."""
    from counter_app.storage.store import get_kv  # the key is the cache's, whichever connection asks

    start = get_kv(conn, _FTS_KEY)
    if start is None:
        return 0
    return int(conn.execute(text("SELECT COUNT(*) FROM consumers WHERE rowid >= :r"), {"r": int(start)}).scalar_one())


# one chunk of the deferred search index: rowids [?, ?) (also run by the snapshot's loader process)
FTS_CHUNK_SQL = ("INSERT INTO consumers_fts(rowid, name, relation_name, address, locality) "
                 "SELECT rowid, name, relation_name, address, locality FROM consumers WHERE rowid >= ? AND rowid < ?")


def catch_up_search_index(conn: Connection, limit: int = 5000) -> int:
    """Index up to `limit` deferred consumers (one short transaction's worth); returns how many
    are still waiting. When none are, deferral ends and the triggers index every row again."""
    start = conn.execute(text("SELECT CAST(value AS INTEGER) FROM kv WHERE key = :k"), {"k": _FTS_KEY}).scalar()
    if start is None:
        return 0
    top = conn.execute(text("SELECT MAX(rowid) FROM consumers")).scalar()
    stop = int(start) + limit
    raw(conn).execute(FTS_CHUNK_SQL, (int(start), stop))
    if top is None or stop > int(top):
        conn.execute(text("DELETE FROM kv WHERE key = :k"), {"k": _FTS_KEY})
        return 0
    conn.execute(text("UPDATE kv SET value = :v WHERE key = :k"), {"v": str(stop), "k": _FTS_KEY})
    return int(top) - stop + 1
