"""The consumer cache in a SQLite file of its own beside the ledger (`consumers.sqlite3`): the
5.3 lakh consumers, their search index, the snapshot and changes-feed cursors and the master data's
metadata. Disposable: the server sends it again, so it is never backed up, never checked at start
beyond opening it, and a file that cannot be used is moved aside and fetched again; the counter
meanwhile collects by account number. The ledger's connections see it ATTACHed read-only
(db.CacheLink); only this module's writer writes it.

A full snapshot over a complete cache is written into a new file (`consumers.sqlite3.new`) and
swapped in when complete (ConsumerCache.swap_in): lookups use the old file until then."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, text

from counter_app.storage.db import CacheLink, Database

log = logging.getLogger(__name__)

CACHE_FILENAME = "consumers.sqlite3"
NEW_SUFFIX = ".new"
READY_SUFFIX = ".ready"  # a complete new file whose swap the OS refused: put in place at the next start
DAMAGED_SUFFIX = ".damaged"
# Windows refuses to replace a file another process (or an antivirus scan, a backup tool) holds
# open: PermissionError. Tried again with backoff, the gate let go between tries so that lookups
# go on (about 3 s in all), then the swap waits for the next start.
REPLACE_TRIES = 6
REPLACE_FIRST_WAIT_S = 0.05
SCHEMA_VERSION = 1  # PRAGMA user_version of the cache files this software writes
# 16 KB pages for a new cache file (SQLite's default is 4 KB): the snapshot's loader writes a
# quarter of the pages, through the WAL and again at each checkpoint, and its search index
# builds in a quarter less time (bench_sync). A lookup reads one page either way. A file made
# before keeps its 4 KB pages until the next full snapshot writes a new file.
PAGE_SIZE = 16_384

# The kv keys that describe the cache and so live in its file (sync/pull.py documents each).
CACHE_KEYS = frozenset({
    "consumers_snapshot", "snapshot_cursor", "snapshot_version", "snapshot_total", "snapshot_rows_done",
    "consumers_version", "consumers_after", "consumers_as_of", "sync_last_pull_ok_at", "consumers_source",
    "fts_pending_from", "snapshot_reload",
})

# The consumer table's columns, defined once: the cache creates its table from them and ledger
# migration 0001 creates the ledger's old consumers table (which 0008 copies out and drops) from
# them too, so the two line up column for column. Editing them therefore changes what 0001 makes:
# a new column is added by a cache SCHEMA_VERSION step, not by rewriting this text.
CONSUMER_COLUMNS = """(
        account_no TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        relation_name TEXT NOT NULL,
        address TEXT NOT NULL,
        locality TEXT NOT NULL,
        category TEXT NOT NULL,
        meter_no TEXT,
        mobile TEXT,
        status TEXT NOT NULL,
        last_bill_no TEXT,
        last_bill_date TEXT,
        last_bill_due_date TEXT,
        last_bill_amount_paise INTEGER NOT NULL,
        arrears_paise INTEGER NOT NULL,
        balance_paise INTEGER NOT NULL,
        last_payment_date TEXT,
        last_payment_paise INTEGER,
        dishonoured_cheques INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL)"""

TABLES = [
    "CREATE TABLE IF NOT EXISTS consumers " + CONSUMER_COLUMNS,
    "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT)",
    # columnsize=0: no per-row size table, which only ranking reads, and search never ranks
    # (storage/consumers.search); a file made before it keeps its table, and both answer alike
    "CREATE VIRTUAL TABLE IF NOT EXISTS consumers_fts USING fts5("
    "name, relation_name, address, locality, content='consumers', content_rowid='rowid', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3 4', columnsize=0)",
]
# Lookups by meter and mobile; a bulk load into an empty cache drops them and builds them after
# (sorted index builds are several times faster than 5.3 lakh random inserts). A whole mobile
# number is looked up through its last four digits' index too (a few dozen rows share them), so
# the cache has no index on the whole number: 0.7 s less of every snapshot. Files made before
# keep theirs until their next full snapshot (OLD_INDEX_NAMES: dropped with the others).
INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_consumers_meter ON consumers (meter_no)",
    "CREATE INDEX IF NOT EXISTS ix_consumers_mobile_last4 ON consumers (substr(mobile, -4))",
]
INDEX_NAMES = ("ix_consumers_meter", "ix_consumers_mobile_last4")
OLD_INDEX_NAMES = ("ix_consumers_mobile",)

# The search index follows the rows (migrations 0002/0003): rows at or above kv fts_pending_from
# are left to storage.consumers.catch_up_search_index; text unchanged is not re-indexed.
_INDEXED = "(SELECT CAST(value AS INTEGER) FROM kv WHERE key = 'fts_pending_from')"


def _indexed(rowid: str) -> str:
    return f"({_INDEXED} IS NULL OR {rowid} < {_INDEXED})"


TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS consumers_ai AFTER INSERT ON consumers WHEN {_indexed('new.rowid')} BEGIN "
    "INSERT INTO consumers_fts(rowid, name, relation_name, address, locality) "
    "VALUES (new.rowid, new.name, new.relation_name, new.address, new.locality); END",
    f"CREATE TRIGGER IF NOT EXISTS consumers_ad AFTER DELETE ON consumers WHEN {_indexed('old.rowid')} BEGIN "
    "INSERT INTO consumers_fts(consumers_fts, rowid, name, relation_name, address, locality) "
    "VALUES ('delete', old.rowid, old.name, old.relation_name, old.address, old.locality); END",
    "CREATE TRIGGER IF NOT EXISTS consumers_au AFTER UPDATE OF name, relation_name, address, locality "
    f"ON consumers WHEN {_indexed('old.rowid')} AND (old.name IS NOT new.name "
    "OR old.relation_name IS NOT new.relation_name "
    "OR old.address IS NOT new.address OR old.locality IS NOT new.locality) BEGIN "
    "INSERT INTO consumers_fts(consumers_fts, rowid, name, relation_name, address, locality) "
    "VALUES ('delete', old.rowid, old.name, old.relation_name, old.address, old.locality); "
    "INSERT INTO consumers_fts(rowid, name, relation_name, address, locality) "
    "VALUES (new.rowid, new.name, new.relation_name, new.address, new.locality); END",
]


TRIGGER_NAMES = ("consumers_ai", "consumers_ad", "consumers_au")
# FTS5 merges segments after this many of a level (its default is 4): a bulk load merges less
# often (the search index of 5.3 lakh rows builds in two thirds of the time) and lookups measured
# no slower
FTS_AUTOMERGE_SQL = "INSERT INTO consumers_fts(consumers_fts, rank) VALUES('automerge', 16)"


def create_schema(con: sqlite3.Connection, *, indexes: bool = True) -> None:
    """The cache's tables on a plain sqlite3 connection (idempotent), stamped with its version."""
    for sql in TABLES + TRIGGERS + (INDEXES if indexes else []):
        con.execute(sql)
    con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def cache_path(data_dir: Path) -> Path:
    return Path(data_dir) / CACHE_FILENAME


def new_path(path: Path) -> Path:
    return path.with_name(path.name + NEW_SUFFIX)


def ready_path(path: Path) -> Path:
    return path.with_name(path.name + READY_SUFFIX)


def _replace(src: Path, dst: Path) -> None:
    """os.replace, by name so that a test can stand in for the OS refusing it."""
    os.replace(src, dst)


def remove_file(path: Path) -> None:
    """A database file and its companions (-wal, -shm, -journal)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def _problem(path: Path) -> str | None:
    """Why the file at `path` is not a cache this software can use (a cheap look, no quick_check:
    a damaged page found later fails a lookup, and `doctor` checks the whole file)."""
    try:
        con = sqlite3.connect(path, timeout=5, isolation_level=None)
    except sqlite3.Error as e:
        return str(e)
    try:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            return f"cache schema {version}, expected {SCHEMA_VERSION}"
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        missing = {"consumers", "kv", "consumers_fts"} - names
        if missing:
            return f"cache lacks {', '.join(sorted(missing))}"
        con.execute("SELECT COUNT(*) FROM kv").fetchone()  # a page read: a header that lies fails here
        return None
    except sqlite3.Error as e:
        return str(e)
    finally:
        con.close()


def prepare(path: Path) -> str | None:
    """Make sure a usable cache file is at `path`: created empty when missing; one that cannot be
    used is moved aside (`.damaged`, kept for a look) and replaced by an empty one, to be fetched
    again. A new file that a crash left half-written is discarded. Returns what was wrong, if
    anything was."""
    remove_file(new_path(path))  # a snapshot cut by a crash: started again (10 s at full speed)
    _swap_ready_at_start(path)
    problem = _problem(path) if path.exists() else None
    if problem is not None:
        log.warning("consumer cache %s unusable (%s): moved aside, fetched again", path, problem)
        aside = path.with_name(path.name + DAMAGED_SUFFIX)
        remove_file(aside)
        for suffix in ("", "-wal", "-shm", "-journal"):
            p = path.with_name(path.name + suffix)
            if p.exists():
                os.replace(p, aside.with_name(aside.name + suffix))
    if not path.exists() or problem is not None:
        create_file(path)
    return problem


def _swap_ready_at_start(path: Path) -> None:
    """A complete snapshot whose swap was refused last time (Windows: the old file was held open):
    nothing holds the cache before the counter opens it, so it goes in place now. Still refused:
    kept for the next start, and the old file serves meanwhile."""
    ready = ready_path(path)
    if not ready.exists():
        return
    if _problem(ready) is not None:
        log.warning("consumer cache: the waiting new file %s is unusable; discarded", ready)
        remove_file(ready)
        return
    if _replace_with_retry(ready, path):
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                path.with_name(path.name + suffix).unlink()
        log.info("consumer cache: the snapshot that waited for the last swap is in place")


def _replace_with_retry(src: Path, dst: Path) -> bool:
    """os.replace, tried again with backoff while the OS refuses it (PermissionError). Returns
    whether it succeeded."""
    wait = REPLACE_FIRST_WAIT_S
    for attempt in range(1, REPLACE_TRIES + 1):
        try:
            _replace(src, dst)
            return True
        except PermissionError as e:
            log.warning("consumer cache: replacing %s refused (try %d of %d): %s", dst.name, attempt, REPLACE_TRIES, e)
            if attempt < REPLACE_TRIES:
                time.sleep(wait)
                wait *= 2
    return False


def create_file(path: Path, *, indexes: bool = True) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute(f"PRAGMA page_size={PAGE_SIZE}")  # before the first table: it is fixed from then on
        con.execute("PRAGMA journal_mode=WAL")
        create_schema(con, indexes=indexes)
    finally:
        con.close()


class ConsumerCache:
    """The open consumer cache: its own writer and readers (db.Database on the file) and the link
    through which the ledger's connections read it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.link = CacheLink(self.path)
        self.db = Database(self.path)
        self.problem: str | None = None  # what prepare() found wrong at start, if anything

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.link.shared(), self.db.read() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """Cache rows are fetched again after a power cut, so no fsync per commit."""
        with self.link.shared(), self.db.write(durable=False) as conn:
            yield conn

    def new_file(self, *, fresh: bool) -> Database:
        """The file a full snapshot over a complete cache is written into; `fresh` starts it over."""
        p = new_path(self.path)
        if fresh:
            remove_file(p)
        if not p.exists():
            create_file(p, indexes=False)
        return Database(p)

    def swap_in(self, new_db: Database) -> bool:
        """Put a complete new cache file in place of the live one, atomically (os.replace): no
        transaction on either side runs meanwhile, every connection to the old file is closed
        first (its -wal and -shm would otherwise be taken for the new file's), then reopened.

        Where the OS refuses the replace (Windows, while another process holds the old file) it
        is tried again with backoff, lookups going on between tries on the old file. Still
        refused: the new file waits beside it as `consumers.sqlite3.ready`, the old one stays in
        use, and the next start (prepare) or the next reload puts it in place. Returns whether
        the new file is live now."""
        src = new_db.path
        with contextlib.suppress(sqlite3.Error):
            con = sqlite3.connect(src, isolation_level=None)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            con.close()
        new_db.dispose()
        for suffix in ("-wal", "-shm"):  # the last close removed them; a -wal is empty after TRUNCATE
            with contextlib.suppress(FileNotFoundError):
                src.with_name(src.name + suffix).unlink()
        if self._swap_file(src):
            log.info("consumer cache: new snapshot swapped in")
            return True
        ready = ready_path(self.path)
        remove_file(ready)
        os.replace(src, ready)  # nobody holds the new file: this rename is not refused
        log.warning("consumer cache: the new snapshot could not replace %s (held open elsewhere); it waits as %s "
                    "and goes in place at the next start", self.path, ready.name)
        return False

    def swap_ready(self) -> bool:
        """The file a refused swap left waiting, put in place now if the OS allows it."""
        ready = ready_path(self.path)
        if not ready.exists():
            return False
        if not self._swap_file(ready):
            return False
        log.info("consumer cache: the snapshot that waited for its swap is in place")
        return True

    def _swap_file(self, src: Path) -> bool:
        """One guarded replace per try, the gate and the old file given back between tries."""
        wait = REPLACE_FIRST_WAIT_S
        for attempt in range(1, REPLACE_TRIES + 1):
            with self.link.exclusive():
                self.link.release_all()
                self.db.dispose()
                try:
                    _replace(src, self.path)
                    ok = True
                except PermissionError as e:
                    ok = False
                    log.warning("consumer cache: replacing %s refused (try %d of %d): %s", self.path.name, attempt,
                                REPLACE_TRIES, e)
                if ok:
                    for suffix in ("-wal", "-shm"):
                        with contextlib.suppress(FileNotFoundError):
                            self.path.with_name(self.path.name + suffix).unlink()
                self.db = Database(self.path)
            if ok:
                return True
            if attempt < REPLACE_TRIES:
                time.sleep(wait)
                wait *= 2
        return False

    def dispose(self) -> None:
        self.db.dispose()


def open_cache(data_dir: Path) -> ConsumerCache:
    path = cache_path(data_dir)
    problem = prepare(path)
    cache = ConsumerCache(path)
    cache.problem = problem
    with cache.read() as conn:  # opened once, so that its -wal and -shm exist for read-only attaches
        conn.execute(text("SELECT 1 FROM kv LIMIT 1")).all()
    return cache


# the kv statements on a plain sqlite3 connection (the snapshot's loader process)
GET_KV_SQL = "SELECT value FROM kv WHERE key = ?"
PUT_KV_SQL = "INSERT INTO kv(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"


def get(conn: Connection, key: str) -> str | None:
    """A key of the cache's own kv, on one of its own connections."""
    v = conn.execute(text("SELECT value FROM kv WHERE key=:k"), {"k": key}).scalar()
    return None if v is None else str(v)


def put(conn: Connection, key: str, value: str | None) -> None:
    conn.execute(
        text("INSERT INTO kv(key, value) VALUES (:k, :v) ON CONFLICT(key) DO UPDATE SET value=:v"),
        {"k": key, "v": value},
    )
