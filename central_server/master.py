"""Consumer master data for the counters: the full snapshot (NDJSON, streamed page by page and
gzip-compressed on the fly, resumable by account number) and the changes feed by version."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, text

from central_server import db
from central_server.models import consumers
from kesco_protocol.consumers import CONSUMER_FIELDS

_COLS = ", ".join(CONSUMER_FIELDS)


def _json_row_sql(conn: Connection) -> str:
    # the database writes each row's JSON array itself (C code on both), Python only joins lines
    fn = "json_array" if db.is_sqlite(conn) else "json_build_array"
    cast = "" if db.is_sqlite(conn) else "::text"
    return f"{fn}({_COLS}){cast}"


def _line(obj: dict[str, Any]) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def snapshot_lines(engine: Engine, *, after: str | None = None, limit: int | None = None,
                   page: int = 5000) -> Iterator[bytes]:
    """Header line, one JSON array per consumer in account order, end line: one query over one
    consistent snapshot, read through a server-side cursor `page` rows at a time (memory stays
    flat; no re-planning per page as keyset pages would)."""
    with db.read_tx(engine, consistent=True) as conn:
        version = db.master_version_bound(conn) - 1
        total = conn.execute(select(func.count()).select_from(consumers)).scalar_one()
        yield _line({"version": version, "total": int(total), "as_of": datetime.now(UTC).isoformat(),
                     "fields": list(CONSUMER_FIELDS), "after": after})
        sql = text(f"SELECT account_no, {_json_row_sql(conn)} FROM consumers "  # noqa: S608 - fixed columns
                   "WHERE account_no > :after ORDER BY account_no" + (" LIMIT :n" if limit is not None else ""))
        params: dict[str, Any] = {"after": after or ""}
        if limit is not None:
            params["n"] = limit
        cursor = after or ""
        sent = 0
        result = conn.execution_options(stream_results=True, max_row_buffer=page).execute(sql, params)
        for rows in result.partitions(page):
            yield ("\n".join([r[1] for r in rows]) + "\n").encode("utf-8")
            cursor = rows[-1][0]
            sent += len(rows)
        more = limit is not None and sent >= limit and conn.execute(
            text("SELECT 1 FROM consumers WHERE account_no > :a LIMIT 1"), {"a": cursor}).first() is not None
        yield _line({"end": True, "count": sent, "last": cursor or None, "more": more})


def gzip_stream(chunks: Iterable[bytes], level: int = 1) -> Iterator[bytes]:
    """gzip (RFC 1952) member produced incrementally: memory stays flat for any size."""
    z = zlib.compressobj(level, zlib.DEFLATED, 31)
    buf: list[bytes] = []
    size = 0
    for chunk in chunks:
        out = z.compress(chunk)
        if out:
            buf.append(out)
            size += len(out)
            if size >= 64 * 1024:
                yield b"".join(buf)
                buf, size = [], 0
    buf.append(z.flush())
    yield b"".join(buf)


def changes_sql(conn: Connection, *, after: bool) -> str:
    """The feed page's query. The cursor is one row-value comparison, `(version, account_no) >
    (since, after)`, which both databases answer as a range of the (version, account_no) index,
    read in order up to the page's limit. Written as `version > since OR (version = since AND
    account_no > after)` it was not a range: PostgreSQL gathered every row changed since the
    cursor, built the JSON of each and sorted them all (on disk past work_mem) for each poll, and
    at the rush the feed a poll starts from grows with every push (bench_scale, pg_stat_activity:
    the feed's query was most of the active backends). Without `after` the counter has every row
    of version `since` already."""
    cursor = "(version, account_no) > (:since, :after)" if after else "version > :since"
    return (f"SELECT {_json_row_sql(conn)}, version, account_no FROM consumers WHERE {cursor} AND version < :bound "
            "ORDER BY version, account_no LIMIT :n")


def _changes_page(conn: Connection, *, since: int, after: str | None,
                  limit: int) -> tuple[dict[str, Any], list[str]]:
    """The feed's page: its cursor fields, and each row as the JSON array the database wrote (as
    the snapshot does: 5,000 rows through SQLAlchemy's rows and pydantic cost 50 ms of CPU a poll,
    and at the rush every counter polls)."""
    bound = db.master_version_bound(conn)
    latest = bound - 1
    if since > latest:
        return {"version": latest, "after": None, "more": False, "reset": True}, []
    rows = conn.execute(text(changes_sql(conn, after=after is not None)),
                        {"since": since, "after": after, "bound": bound, "n": limit + 1}).all()
    more = len(rows) > limit
    rows = rows[:limit]
    texts = [r[0] for r in rows]
    if more:
        return {"version": int(rows[-1][1]), "after": rows[-1][2], "more": True, "reset": False}, texts
    return {"version": latest, "after": None, "more": False, "reset": False}, texts


def changes(conn: Connection, *, since: int, after: str | None, limit: int) -> dict[str, Any]:
    """Consumers whose row changed after the cursor (since, after), in (version, account) order,
    never beyond the versions that are final. `reset` asks the counter for a new snapshot: its
    cursor is ahead of the server (a server restored from an older backup)."""
    meta, texts = _changes_page(conn, since=since, after=after, limit=limit)
    return {**meta, "rows": [json.loads(t) for t in texts]}


def changes_body(conn: Connection, *, since: int, after: str | None, limit: int) -> bytes:
    """The same page as changes(), as the JSON body the route sends (no row is parsed here)."""
    meta, texts = _changes_page(conn, since=since, after=after, limit=limit)
    head = json.dumps(meta, ensure_ascii=False, separators=(",", ":"))[:-1]
    return (head + ',"rows":[' + ",".join(texts) + "]}").encode("utf-8")


def load_consumers(conn: Connection, rows: Iterable[tuple[object, ...]], *, replace: bool = False,
                   chunk: int = 20_000) -> int:
    """Store consumer rows (CONSUMER_FIELDS order) stamped with a new master version, so that
    the changes feed carries them to every counter. Returns the number of rows."""
    if replace:
        conn.execute(delete(consumers))
    version = db.new_master_version(conn)
    vi = CONSUMER_FIELDS.index("version")
    n = 0
    if not db.is_sqlite(conn):
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur, cur.copy(f"COPY consumers ({_COLS}) FROM STDIN") as copy:
            for row in rows:
                r = list(row)
                r[vi] = version
                copy.write_row(r)
                n += 1
        return n
    batch: list[dict[str, object]] = []
    for row in rows:
        d = dict(zip(CONSUMER_FIELDS, row, strict=True))
        d["version"] = version
        batch.append(d)
        if len(batch) >= chunk:
            conn.execute(insert(consumers), batch)
            n += len(batch)
            batch = []
    if batch:
        conn.execute(insert(consumers), batch)
        n += len(batch)
    return n
