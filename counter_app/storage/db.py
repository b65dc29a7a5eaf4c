"""The counter's SQLite database: engines with safe PRAGMAs, one writer, start-up checks.

Every connection runs in WAL mode with synchronous=FULL, so a receipt is on disk when its commit
returns. Write transactions start with BEGIN IMMEDIATE (SQLAlchemy's pysqlite recipe), so two
writers can never both read the same chain head and hand out the same sequence number."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from counter_app.domain.errors import StorageError
from counter_app.storage import dbfile
from counter_app.storage.dbfile import DB_FILENAME as DB_FILENAME  # where callers have long found it

BUSY_TIMEOUT_MS = 5000
CHECKPOINT_EVERY_S = 1.0
CACHE_SCHEMA = "cache"  # the consumer cache as the ledger's connections see it (ATTACHed read-only)

log = logging.getLogger(__name__)


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let us issue BEGIN ourselves (pysqlite's own transaction handling is off).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA cache_size=-32000")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def make_engine(path: Path, *, writer: bool) -> Engine:
    """An engine on the database file. The writer engine has a single connection whose
    transactions Database.write() opens with BEGIN IMMEDIATE itself; the reader engine's
    transactions begin deferred (WAL readers never block the writer)."""
    url = f"sqlite+pysqlite:///{path}"
    engine = create_engine(
        url,
        poolclass=QueuePool,
        pool_size=1 if writer else 4,
        max_overflow=0 if writer else 4,
        pool_timeout=30,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _on_connect)
    if not writer:

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN")

    return engine


class CacheLink:
    """How the ledger's connections reach the consumer cache, a file of its own: ATTACHed read-only
    as schema `cache`, so the SQL that reads consumers (and a receipt's own lookup, in its write
    transaction) is unchanged, while the cache's writer never shares a lock with the ledger's.

    The gate is what makes a swap of the cache file safe: every transaction on a connection that
    may have the cache attached holds it shared, and a swap holds it alone while every such
    connection lets go of the old file (a file still open elsewhere would share its -wal and -shm
    names with the new one). Re-entrant per thread: a transaction opened inside another must not
    wait behind a swap that waits for the outer one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.generation = 0
        self._cond = threading.Condition()
        self._shared = 0
        self._swapping = False
        self._mine = threading.local()
        self.ledgers: list[Database] = []  # whose connections a swap must release

    @property
    def uri(self) -> str:
        return f"{Path(self.path).resolve().as_uri()}?mode=ro"

    @contextmanager
    def shared(self) -> Iterator[None]:
        depth = getattr(self._mine, "depth", 0)
        if depth == 0:
            with self._cond:
                while self._swapping:
                    self._cond.wait()
                self._shared += 1
        self._mine.depth = depth + 1
        try:
            yield
        finally:
            self._mine.depth = depth
            if depth == 0:
                with self._cond:
                    self._shared -= 1
                    if self._shared == 0:
                        self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """No transaction on any connection that may hold the cache while this is held."""
        with self._cond:
            while self._swapping:
                self._cond.wait()
            self._swapping = True  # new transactions wait from here: a swap is not starved
            while self._shared:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._swapping = False
                self._cond.notify_all()

    def refresh(self, dbapi: sqlite3.Connection, info: dict[Any, Any]) -> None:
        """Attach the cache to a ledger connection, or re-attach it after a swap (outside any
        transaction). A cache that cannot be attached leaves consumer queries failing, never the
        ledger's own."""
        if info.get("cache_gen") == self.generation:
            return
        if "cache_gen" in info:
            try:
                dbapi.execute(f"DETACH DATABASE {CACHE_SCHEMA}")
            except sqlite3.Error:
                pass
            del info["cache_gen"]
        try:
            dbapi.execute(f"ATTACH DATABASE ? AS {CACHE_SCHEMA}", (self.uri,))
        except sqlite3.Error as e:
            log.warning("consumer cache %s not attached: %s", self.path, e)
            return
        info["cache_gen"] = self.generation

    def release_all(self) -> None:
        """Inside exclusive(): every ledger connection lets go of the cache file (idle readers are
        closed; the writer detaches and re-attaches at its next transaction)."""
        self.generation += 1
        for ledger in self.ledgers:
            ledger.release_cache()


class Checkpointer(threading.Thread):
    """The writer never checkpoints the WAL itself (wal_autocheckpoint=0): copying pages into the
    database file, and that file's fsync, would otherwise land inside about one receipt commit in a
    hundred and set the clerk's worst case. This thread runs passive checkpoints on its own
    connection instead, outside the writer's lock, once a second when something was written."""

    def __init__(self, db: Database) -> None:
        super().__init__(name="wal-checkpoint", daemon=True)
        self.db = db
        self.stop_event = threading.Event()
        self.seen = 0

    def run(self) -> None:
        con: sqlite3.Connection | None = None
        try:
            while not self.stop_event.wait(CHECKPOINT_EVERY_S):
                writes = self.db.writes
                if writes == self.seen:
                    continue
                try:
                    if con is None:
                        con = sqlite3.connect(self.db.path, isolation_level=None, timeout=0.5,
                                              check_same_thread=False)
                    con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.seen = writes
                except sqlite3.Error:
                    pass  # busy or damaged: try again on the next round
        finally:
            if con is not None:
                con.close()


class Database:
    """The open database: a writer engine (one connection, one lock) and a reader engine."""

    def __init__(self, path: Path, *, cache: CacheLink | None = None) -> None:
        self.path = path
        self.writer = make_engine(path, writer=True)
        self.reader = make_engine(path, writer=False)
        self._write_lock = threading.Lock()
        self._wconn: Connection | None = None
        self.damaged: str | None = None
        self.writes = 0
        self._checkpointer: Checkpointer | None = None
        # run after each durable commit, still inside the writer's lock, so that what it copies
        # (storage/mirror.py) is in commit order and on its disk before the caller returns
        self.after_commit: Callable[[sqlite3.Connection], None] | None = None
        self.cache = cache
        if cache is not None:
            cache.ledgers.append(self)

            @event.listens_for(self.reader, "checkout")
            def _attach(dbapi_conn: sqlite3.Connection, record: Any, _proxy: Any) -> None:
                cache.refresh(dbapi_conn, record.info)

    @contextmanager
    def _gate(self) -> Iterator[None]:
        if self.cache is None:
            yield
        else:
            with self.cache.shared():
                yield

    def release_cache(self) -> None:
        """Let go of the attached cache file (CacheLink.release_all, no transaction is open)."""
        self.reader.dispose()
        if self._wconn is not None:
            info = self._wconn.connection.info
            if "cache_gen" in info:
                try:
                    raw(self._wconn).execute(f"DETACH DATABASE {CACHE_SCHEMA}")
                except sqlite3.Error as e:
                    log.warning("consumer cache not detached: %s", e)
                del info["cache_gen"]

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[Connection]:
        """One write transaction, begun with BEGIN IMMEDIATE, committed on success, rolled back on
        any error. Refused when the start-up check found the file damaged.

        The one writer connection stays checked out and the transaction is driven on the sqlite3
        connection itself: SQLAlchemy's begin/commit bookkeeping cost more than the fsync on a
        receipt's hot path. Statements may go through SQLAlchemy or raw(conn) alike.

        durable=False (bulk consumer data, which a download can fetch again) commits without an
        fsync (synchronous=NORMAL in WAL mode). Order is kept: the next durable commit, a receipt's,
        syncs the log with everything before it, so a power cut can only lose a trailing chunk of
        consumer rows together with the resume cursor written in the same transaction."""
        if self.damaged is not None:
            raise StorageError("storage.damaged", detail=self.damaged)
        with self._gate(), self._write_lock:
            try:
                if self._wconn is None:
                    self._wconn = self.writer.connect()
                    raw(self._wconn).execute("PRAGMA wal_autocheckpoint=0")
                    raw(self._wconn).execute("PRAGMA journal_size_limit=67108864")
                    self._checkpointer = Checkpointer(self)
                    self._checkpointer.start()
                conn = self._wconn
                dbapi = raw(conn)
                if self.cache is not None:
                    self.cache.refresh(dbapi, conn.connection.info)
                if not durable:
                    dbapi.execute("PRAGMA synchronous=NORMAL")
                dbapi.execute("BEGIN IMMEDIATE")
            except (OperationalError, sqlite3.OperationalError) as e:
                if not durable and self._wconn is not None:
                    raw(self._wconn).execute("PRAGMA synchronous=FULL")
                raise translate_operational(e) from e
            try:
                yield conn
                conn.commit()  # ends SQLAlchemy's own (no-op) transaction, if it began one
                if dbapi.in_transaction:
                    dbapi.commit()
                self.writes += 1
                if durable and self.after_commit is not None:
                    self.after_commit(dbapi)
            except BaseException as e:
                try:
                    conn.rollback()
                    if dbapi.in_transaction:
                        dbapi.rollback()
                except sqlite3.Error:
                    pass
                if isinstance(e, OperationalError | sqlite3.OperationalError):
                    raise translate_operational(e) from e
                raise
            finally:
                if not durable:
                    dbapi.execute("PRAGMA synchronous=FULL")

    @contextmanager
    def read(self) -> Iterator[Connection]:
        try:
            with self._gate(), self.reader.connect() as conn:
                yield conn
        except (OperationalError, sqlite3.OperationalError) as e:
            raise translate_operational(e) from e

    def quick_check(self) -> str | None:
        """None when PRAGMA quick_check says ok, else its first complaint."""
        try:
            with self.reader.connect() as conn:
                return dbfile.quick_check_on(raw(conn))
        except OperationalError as e:
            return str(e.orig)
        except Exception as e:  # a header so broken that sqlite refuses the file
            return str(e)

    def dispose(self) -> None:
        if self.cache is not None and self in self.cache.ledgers:
            self.cache.ledgers.remove(self)
        if self._checkpointer is not None:
            self._checkpointer.stop_event.set()
            self._checkpointer.join(timeout=5)
            self._checkpointer = None
        with self._write_lock:
            if self._wconn is not None:
                try:  # leave a short WAL behind for the next start and for backups
                    raw(self._wconn).execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    pass
                self._wconn.close()
                self._wconn = None
        self.writer.dispose()
        self.reader.dispose()


def translate_operational(e: OperationalError | sqlite3.OperationalError) -> StorageError:
    orig = getattr(e, "orig", None)
    msg = str(orig if orig is not None else e).lower()
    if "full" in msg:
        # which change was lost is the caller's to say (issue_receipt says "the receipt")
        return StorageError("storage.disk_full_write")
    if "locked" in msg or "busy" in msg:
        return StorageError("storage.busy")
    if "malformed" in msg or "not a database" in msg or "corrupt" in msg:
        return StorageError("storage.damaged", detail=msg)
    return StorageError("storage.error", detail=msg)


def raw(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy connection, inside its transaction. The hot path of
    issuing a receipt runs its few statements here: SQLAlchemy's per-statement bookkeeping would
    otherwise cost more than the statements themselves."""
    dc = conn.connection.driver_connection
    assert isinstance(dc, sqlite3.Connection)
    return dc


def scalar(conn: Connection, sql: str, **params: Any) -> Any:
    return conn.execute(text(sql), params).scalar()


class InstanceLock:
    """One process per data directory: an exclusive lock on a file, held for the process's life.
    Two processes could otherwise hand out the same receipt sequence number."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "counter.lock"
        self._fh: Any = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")  # noqa: SIM115 - held open for the process's life
        try:
            if sys.platform == "win32":  # pragma: no cover - Windows counters
                import msvcrt

                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise StorageError("storage.locked_by_other", path=str(self.path.parent)) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
