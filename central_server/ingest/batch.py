"""What one ingestion request carries while it is processed: the input records, the answers,
the rows to insert, the alarms to raise and the balance changes to post; and the one
set-based insert that every kind of record goes through."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from central_server import db, period
from kesco_protocol.records import Mode, RecordState

DEFAULT_SANITY_LIMIT_PAISE = 50_00_000_00  # Rs 50 lakh
MAX_INT = 2**53  # what every JSON reader keeps exactly; far above any real sequence or amount
MODES = frozenset(m.value for m in Mode)

# the answers a record can get (the protocol's states)
ACCEPTED, DUPLICATE, CONFLICT, PARKED, INVALID = (RecordState.ACCEPTED, RecordState.DUPLICATE, RecordState.CONFLICT,
                                                  RecordState.PARKED, RecordState.INVALID)


@dataclass(frozen=True, slots=True)
class RecordIn:
    kind: str
    record_id: str
    payload: Any


@dataclass(slots=True)
class Result:
    record_id: str
    status: str
    detail: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "status": self.status, "detail": self.detail}


class Invalid(Exception):
    """The record cannot be read; the message says why."""


@dataclass(slots=True)
class Batch:
    """Everything decided about one request while it is processed."""

    counter_code: str
    now: datetime
    closing: bool
    sanity_limit: int
    results: list[Result | None]
    receipt_rows: list[dict[str, Any]] = field(default_factory=list)
    other: list[tuple[int, str, str, dict[str, Any], str]] = field(default_factory=list)
    alarms: list[dict[str, Any]] = field(default_factory=list)
    # account_no -> [balance delta, last payment (date, issued_at, paise) or None, dishonours]
    postings: dict[str, list[Any]] = field(default_factory=dict)
    day_closes: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    # the closed periods of value dates (period.windows): a receipt dated inside one was collected
    # during closing, whenever it arrives
    windows: list[tuple[str, str | None]] = field(default_factory=list)
    _closing_days: dict[str, bool] = field(default_factory=dict)

    def alarm(self, kind: str, record_id: str, detail: dict[str, Any], *, payload: str | None = None,
              seq: int | None = None, counter_code: str | None = None) -> None:
        """Raise an alarm, for this batch's counter unless `counter_code` names another (a record
        of another counter decided now, e.g. a reversal waiting for this counter's receipt)."""
        self.alarms.append({
            "counter_code": counter_code or self.counter_code, "kind": kind, "seq": seq,
            "record_id": record_id.replace("\x00", "\\u0000")[:100],
            "payload_sha": hashlib.sha256((payload or "").encode()).hexdigest(),
            "payload": payload, "detail": json.dumps(detail, ensure_ascii=False), "raised_at": self.now,
        })

    def collected_during_closing(self, business_date: str) -> bool:
        """period.in_windows for this batch's windows, once a value date (a batch has a few dates
        and the closed periods grow by one a month)."""
        known = self._closing_days.get(business_date)
        if known is None:
            known = self._closing_days[business_date] = period.in_windows(self.windows, business_date)
        return known

    def post(self, account_no: str, delta: int, *, payment: tuple[str, str, int] | None = None,
             dishonour: int = 0) -> None:
        p = self.postings.setdefault(account_no, [0, None, 0])
        p[0] += delta
        if payment is not None and (p[1] is None or payment[:2] > p[1][:2]):
            p[1] = payment
        p[2] += dishonour


def insert_stmt(conn: Connection, table: Any) -> Any:
    return (sqlite.insert if db.is_sqlite(conn) else postgresql.insert)(table)


def insert_returning_ids(conn: Connection, table: Any, key: str, rows: list[dict[str, Any]]) -> set[str]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING key, for many rows in one statement. On
    PostgreSQL the rows travel as one array per column through unnest(): a statement of constant
    shape (prepared once) instead of VALUES lists with thousands of placeholders. A column with
    the same value in every row (the counter, the time received, a state) travels as that one
    value: psycopg dumps an array element by element in Python, and half of a batch's elements
    were such repeats (bench_scale's profile: dumping was a fifth of the server's CPU). A column
    of text, numbers or booleans travels as one array literal (db.pg_array_literal), the rest
    (times) as binary arrays."""
    cols = _columns(table)
    if db.is_sqlite(conn):
        params = [{c.name: row[c.name] for c in cols} for row in rows]
        stmt = insert_stmt(conn, table).on_conflict_do_nothing().returning(table.c[key])
        return set(conn.execute(stmt, params).scalars())
    values: dict[str, Any] = {}
    same: list[str] = []
    literal: list[str] = []
    for c in cols:
        col = [row[c.name] for row in rows]
        if c.name != key and len(rows) > 1 and _one_value(col):
            same.append(c.name)
            values[c.name] = col[0]
            continue
        text = db.pg_array_literal(col, c.type)
        if text is not None:
            literal.append(c.name)
        values[c.name] = col if text is None else text
    sql = _unnest_sql(table, key, tuple(same), tuple(literal), conn.dialect)
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur:
        cur.execute(sql, values)
        return {r[0] for r in cur.fetchall()}


def _columns(table: Any) -> list[Any]:
    """The columns an insert gives values for (not an autoincrement key)."""
    return [c for c in table.columns if not (c.autoincrement is True and c.primary_key)]


def _one_value(col: list[Any]) -> bool:
    """Every row has the same value (of the same type: True is not 1) in this column."""
    return col.count(col[0]) == len(col) and len(set(map(type, col))) == 1


@functools.lru_cache(maxsize=256)  # the shapes batches have had; bounded whatever counters send
def _unnest_sql(table: Any, key: str, same: tuple[str, ...], literal: tuple[str, ...], dialect: Any) -> str:
    """The insert of insert_returning_ids: the columns in `same` as one value each, those in
    `literal` as one array literal each (db.pg_array_literal), the rest as binary arrays."""
    cols = _columns(table)

    def cast(c: Any, array: bool) -> str:
        # %s: our own literal, read by PostgreSQL's array input; %b: psycopg's binary array (its
        # text-format arrays would have every element escaped by a regex in Python)
        fmt = "s" if c.name in literal else "b"
        return f"%({c.name}){fmt}::{c.type.compile(dialect=dialect)}{'[]' if array else ''}"

    varying = [c for c in cols if c.name not in same]
    picked = ", ".join(cast(c, False) if c.name in same else f'u."{c.name}"' for c in cols)
    aliases = ", ".join(f'"{c.name}"' for c in varying)
    return (f"INSERT INTO {table.name} ({', '.join(c.name for c in cols)}) "  # noqa: S608 - schema names
            f"SELECT {picked} FROM unnest({', '.join(cast(c, True) for c in varying)}) AS u({aliases}) "
            f"ON CONFLICT DO NOTHING RETURNING {key}")
