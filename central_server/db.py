"""Engine construction for SQLite (embedded) and PostgreSQL (production), and the few places
where the two differ: transaction start, the master-data version, and the lock on a counter."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    Connection,
    Engine,
    Integer,
    String,
    any_,
    bindparam,
    cast,
    create_engine,
    event,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError, OperationalError

from central_server.config import Settings

T = TypeVar("T")


def make_engine(settings: Settings) -> Engine:
    url = settings.database_url
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _sqlite_setup(engine)
        return engine
    return create_engine(
        url,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_pre_ping=True,
    )


def _sqlite_setup(engine: Engine) -> None:
    """WAL so that readers never wait for the writer; we issue BEGIN ourselves so that a write
    transaction takes the write lock up front (BEGIN IMMEDIATE) instead of failing to upgrade."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def insert_in_chunks(dbapi: Any, sql: str, rows: Iterable[tuple[Any, ...]], chunk: int) -> None:
    """`executemany` of `rows` on a DB-API connection, `chunk` rows at a time: a staged file of any
    size in bounded memory (the SQLite path of the imports; PostgreSQL streams with COPY)."""
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            dbapi.executemany(sql, batch)
            batch = []
    if batch:
        dbapi.executemany(sql, batch)


def is_sqlite(conn: Connection | Engine) -> bool:
    return conn.dialect.name == "sqlite"


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """One write transaction (committed on success)."""
    with engine.connect() as conn:
        conn.execution_options(write=True)
        with conn.begin():
            yield conn


@contextmanager
def read_tx(engine: Engine, *, consistent: bool = False) -> Iterator[Connection]:
    """A read transaction; `consistent` gives one snapshot for all its statements on PostgreSQL
    (SQLite's WAL read transaction is a snapshot already)."""
    with engine.connect() as conn:
        if consistent and not is_sqlite(conn):
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


class RetryTransaction(Exception):
    """Raised inside `with_retry` work to roll back and run it again."""


_RETRYABLE_PG = {"40001", "40P01"}  # serialization failure, deadlock detected


def with_retry(engine: Engine, work: Callable[[Connection], T], attempts: int = 5) -> T:
    """Run `work` in a write transaction, again from scratch if the database chose it as the
    victim of a deadlock or a serialization conflict (nothing of it was committed)."""
    for attempt in range(attempts):
        try:
            with write_tx(engine) as conn:
                return work(conn)
        except RetryTransaction:
            if attempt + 1 < attempts:
                continue
            raise
        except (OperationalError, DBAPIError) as e:
            code = getattr(getattr(e, "orig", None), "sqlstate", None)
            if code in _RETRYABLE_PG or "database is locked" in str(e):
                if attempt + 1 < attempts:
                    time.sleep(0.05 * (attempt + 1))
                    continue
            raise
    raise AssertionError("unreachable")


def new_master_version(conn: Connection) -> int:
    """The version to stamp on consumer rows changed by this transaction.

    PostgreSQL: the transaction id (xid8). It increases, needs no shared row (44 counters post at
    once without queueing on a counter row), and the changes feed can tell which versions are
    final: every transaction with an id below the snapshot's xmin has ended. SQLite serialises
    writers, so a one-row counter bumped inside the write transaction is enough."""
    if is_sqlite(conn):
        return int(conn.execute(text("UPDATE master_version SET value = value + 1 RETURNING value")).scalar_one())
    return int(conn.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one())


def master_version_bound(conn: Connection) -> int:
    """Every consumer row with a version below this number is final: no transaction still running
    can commit a row with a smaller version. The changes feed never goes past it."""
    if is_sqlite(conn):
        return int(conn.execute(text("SELECT value FROM master_version")).scalar_one()) + 1
    return int(conn.execute(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")).scalar_one())


def lock_counter_row(conn: Connection, code: str) -> None:
    """Serialise the batches of one counter (a re-send racing its original); counters never wait
    for each other. SQLite's BEGIN IMMEDIATE has serialised everything already."""
    if not is_sqlite(conn):
        conn.execute(text("SELECT 1 FROM counters WHERE code = :c FOR UPDATE"), {"c": code})


def member_of(column: Any, values: Collection[Any], conn: Connection) -> Any:
    """`column IN values`: on PostgreSQL as `= ANY(array)`, one parameter whatever the count
    (a 500-item IN list costs more to convert on the client than the query costs on the server)."""
    values = list(values)
    if is_sqlite(conn):
        return column.in_(values)
    literal = pg_array_literal(values, column.type)
    if literal is not None:
        return column == any_(cast(bindparam(None, literal, type_=String()), ARRAY(column.type)))
    return column == any_(cast(bindparam(None, values, type_=ARRAY(column.type)), ARRAY(column.type)))


_NONE = type(None)


def pg_array_literal(values: list[Any], sqltype: Any) -> str | None:
    """PostgreSQL's text form of an array ('{"a","b",NULL}', '{1,2}', '{t,f}') of text, whole
    numbers or booleans, for a parameter cast to the column's array type; None for any other
    column type or value (the caller then hands psycopg the list).

    psycopg dumps a list element by element in Python, and a push sends some twenty lists of 500
    (bench_scale's profile: a tenth of the server's CPU); one join of the elements' text is a few
    times cheaper, and PostgreSQL's array input reads the literal in C. Every text element is
    quoted, with its backslashes and double quotes escaped, so braces, commas, spaces, quotes
    and the word NULL are read back as the text they are (tests/server/test_pg_array_literal.py)."""
    kinds = set(map(type, values))
    if isinstance(sqltype, String):  # Text and VARCHAR(n) too
        if not kinds <= {str, _NONE}:
            return None
        return "{" + ",".join("NULL" if v is None else '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
                              for v in values) + "}"
    if isinstance(sqltype, Boolean):
        if not kinds <= {bool, _NONE}:
            return None
        return "{" + ",".join("NULL" if v is None else "t" if v else "f" for v in values) + "}"
    if isinstance(sqltype, Integer):  # BigInteger and SmallInteger too
        if not kinds <= {int, _NONE}:  # a bool is not a number here
            return None
        return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"
    return None
