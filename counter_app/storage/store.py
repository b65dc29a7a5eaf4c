"""Opening the counter's store: one process per data directory, a start-up integrity check of the
ledger, schema upgrade with a backup, then the ledger's database handle the repositories use and
the consumer cache beside it (storage/cache.py), which the ledger's connections see attached."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Connection, text

from counter_app.domain.errors import StorageError
from counter_app.storage import migrate
from counter_app.storage.cache import CACHE_KEYS, ConsumerCache, open_cache
from counter_app.storage.db import CACHE_SCHEMA, Database, InstanceLock, raw
from counter_app.storage.dbfile import DB_FILENAME
from counter_app.storage.private import private_dir, private_umask, tighten


class Store:
    """The open local store of one counter."""

    def __init__(self, data_dir: Path, db: Database, lock: InstanceLock | None,
                 cache: ConsumerCache | None = None) -> None:
        self.data_dir = data_dir
        self.db = db
        self._lock = lock
        self._cache = cache
        self._counter_code: str | None = None

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def cache(self) -> ConsumerCache:
        """The consumer cache (its own file): the pull and the demo loader write it here."""
        if self._cache is None:
            raise StorageError("storage.not_initialised")
        return self._cache

    def close(self) -> None:
        self.db.dispose()
        if self._cache is not None:
            self._cache.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- meta: counter identity and settings kept with the data ---
    def get_meta(self, key: str) -> str | None:
        with self.db.read() as conn:
            return get_meta(conn, key)

    def set_meta(self, key: str, value: str) -> None:
        self._counter_code = None
        with self.db.write() as conn:
            conn.execute(
                text("INSERT INTO meta(key, value) VALUES (:k, :v) ON CONFLICT(key) DO UPDATE SET value=:v"),
                {"k": key, "v": value},
            )

    @property
    def counter_code(self) -> str:
        """Fixed once the counter has issued a receipt, so it is read once (it is on the hot path)."""
        if self._counter_code is None:
            code = self.get_meta("counter_code")
            if not code:
                raise StorageError("storage.not_initialised")
            self._counter_code = code
        return self._counter_code


def get_meta(conn: Connection, key: str) -> str | None:
    v = conn.execute(text("SELECT value FROM meta WHERE key=:k"), {"k": key}).scalar()
    return None if v is None else str(v)


def _cache_kv(conn: Connection, keys: tuple[str, ...]) -> dict[str, str | None]:
    """Keys that describe the consumer cache, read from its file: attached on a ledger connection,
    the main schema on one of the cache's own."""
    marks = ", ".join("?" for _ in keys)
    try:
        rows = raw(conn).execute(f"SELECT key, value FROM {CACHE_SCHEMA}.kv WHERE key IN ({marks})", keys).fetchall()
    except sqlite3.OperationalError:  # not attached: a connection of the cache itself (or no cache)
        rows = raw(conn).execute(f"SELECT key, value FROM kv WHERE key IN ({marks})", keys).fetchall()
    got = {str(k): v for k, v in rows}
    return {k: None if got.get(k) is None else str(got[k]) for k in keys}


def get_kv(conn: Connection, key: str) -> str | None:
    if key in CACHE_KEYS:
        return _cache_kv(conn, (key,))[key]
    # read on the sqlite3 connection: a receipt reads five of these, and SQLAlchemy's statement
    # bookkeeping cost more than the reads (bench_core's issue_vs_bare_ratio)
    row = raw(conn).execute("SELECT value FROM kv WHERE key=?", (key,)).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def set_kv(conn: Connection, key: str, value: str | None) -> None:
    conn.execute(
        text("INSERT INTO kv(key, value) VALUES (:k, :v) ON CONFLICT(key) DO UPDATE SET value=:v"),
        {"k": key, "v": value},
    )


def get_kvs(conn: Connection, *keys: str) -> dict[str, str | None]:
    mine = tuple(k for k in keys if k not in CACHE_KEYS)
    got = {str(k): v for k, v in raw(conn).execute(
        f"SELECT key, value FROM kv WHERE key IN ({', '.join('?' for _ in mine)})", mine).fetchall()} if mine else {}
    out = {k: None if got.get(k) is None else str(got[k]) for k in mine}
    cached = tuple(k for k in keys if k in CACHE_KEYS)
    if cached:
        out.update(_cache_kv(conn, cached))
    return {k: out[k] for k in keys}


def open_store(data_dir: Path, *, lock: bool = True, create: bool = True, check: bool = True) -> Store:
    """Open (and create or upgrade) the store in `data_dir`.

    - a second process on the same directory is refused (StorageError storage.locked_by_other);
    - a database from a newer software version is refused, untouched;
    - a damaged database opens read-only: every write raises storage.damaged.
    """
    data_dir = Path(data_dir)
    private_umask()  # the database, its -wal/-shm, backups, exports, logs: this account's only
    private_dir(data_dir)
    tighten(data_dir)  # an installation made before the rule had 0755 folders, 0644 files
    instance = InstanceLock(data_dir) if lock else None
    if instance is not None:
        instance.acquire()
    try:
        path = data_dir / DB_FILENAME
        if not path.exists() and not create:
            raise StorageError("storage.not_initialised")
        damaged: str | None = None
        if path.exists() and check:
            probe = Database(path)
            damaged = probe.quick_check()
            probe.dispose()
        if damaged is None:
            migrate.upgrade(path)
        # the cache is not the ledger: whatever state it is in, the counter starts (fetching it again)
        cache = open_cache(data_dir)
        db = Database(path, cache=cache.link)
        db.damaged = damaged
        return Store(data_dir, db, instance, cache)
    except BaseException:
        if instance is not None:
            instance.release()
        raise
