"""Pull: the consumer master data, into the consumer cache's own file (storage/cache.py). First the
full snapshot (page by page, resumable from the last account applied, with progress for the
screen), then the changes feed by version.

The cache shares no lock with the ledger (the ledger's connections read it attached read-only, and
WAL readers never wait for its writer), so the snapshot is applied at full speed in large
transactions. The first snapshot fills the live cache (there is nothing older to look up); a full
reload over a complete cache (the server's data went back in time) is written into a new file and
swapped in when complete, and lookups use the old one until then."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from counter_app.services.clock import IST, Clock, iso
from counter_app.storage import cache as cache_mod
from counter_app.storage import consumers as consumers_repo
from counter_app.storage.cache import get as get_kv
from counter_app.storage.cache import put as set_kv
from counter_app.storage.db import Database
from counter_app.storage.store import Store
from counter_app.sync import consumer_rows, snapshot_load
from counter_app.sync.client import ServerClient
from counter_app.sync.errors import ServerFailure, SyncFailure
from counter_app.sync.state import SnapshotProgress

# kv keys of the cache file (documented here, read by status and the window)
K_COMPLETE = "consumers_snapshot"  # "complete" once a full snapshot is in
K_RELOAD = "snapshot_reload"  # "wanted": a full reload into a new file is under way
K_CURSOR = "snapshot_cursor"  # last account applied of the snapshot under way (in the file it fills)
K_SNAP_VERSION = "snapshot_version"  # lowest version header of its pages
K_SNAP_TOTAL = "snapshot_total"
K_SNAP_DONE = "snapshot_rows_done"
K_VERSION = "consumers_version"  # changes feed cursor: version ...
K_AFTER = "consumers_after"  # ... and account within it
K_AS_OF = "consumers_as_of"
K_LAST_PULL = "sync_last_pull_ok_at"

APPLY_CHUNK = 1000  # rows a transaction of the changes feed
INDEX_CHUNK = 100_000  # rows a transaction of the search index build
INDEX_CACHE_KIB = 131_072  # page cache while it builds (the snapshot's peak RSS stays under 400 MB)
_LOADER_SQL = snapshot_load.Sql(
    upsert=consumers_repo.UPSERT_SQL, put_kv=cache_mod.PUT_KV_SQL, get_kv=cache_mod.GET_KV_SQL,
    fts_chunk=consumers_repo.FTS_CHUNK_SQL, indexes=tuple(cache_mod.INDEXES),
    index_chunk=INDEX_CHUNK, index_cache_kib=INDEX_CACHE_KIB, triggers=tuple(cache_mod.TRIGGERS),
    trigger_names=cache_mod.TRIGGER_NAMES, fts_automerge=cache_mod.FTS_AUTOMERGE_SQL)


class _Target:
    """The file a snapshot fills: the live cache, or the new file of a reload."""

    def __init__(self, store: Store, new: Database | None) -> None:
        self.store, self.new = store, new

    def read(self) -> AbstractContextManager[Connection]:
        return self.store.cache.read() if self.new is None else self.new.read()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        if self.new is None:
            with self.store.cache.write() as conn:
                yield conn
        else:
            with self.new.write(durable=False) as conn:
                yield conn


@dataclass(slots=True)
class PullReport:
    snapshot_rows: int = 0
    change_rows: int = 0
    snapshot_complete: bool = False
    reset: bool = False


def _never() -> bool:
    return False


@dataclass(eq=False)
class Puller:
    """Keeps the consumer cache up to date. One page of the snapshot per call to `step()`, so the
    engine can push receipts between pages."""

    store: Store
    client: ServerClient
    clock: Clock
    _: KW_ONLY
    page_rows: int = 100_000
    changes_limit: int = 5000
    on_progress: Callable[[SnapshotProgress], None] | None = None
    should_stop: Callable[[], bool] = _never
    _rate_start: tuple[float, int] | None = field(init=False, default=None)
    bytes_done: int = field(init=False, default=0)  # compressed bytes of the snapshot so far (this process)
    _new: Database | None = field(init=False, default=None)  # the file a reload fills, while open
    _loader: snapshot_load.Loader | None = field(init=False, default=None)  # while a snapshot loads

    # --- what the cache holds ---------------------------------------------------------------
    def progress(self, running: bool = False) -> SnapshotProgress:
        complete = self.snapshot_complete()
        with self._target(open_new=False).read() as conn:
            total = int(get_kv(conn, K_SNAP_TOTAL) or 0)
            done = int(get_kv(conn, K_SNAP_DONE) or 0)
        return SnapshotProgress(rows_done=done, rows_total=total, bytes_done=self.bytes_done, running=running,
                                complete=complete, eta_s=self._eta(done, total) if running else None)

    def snapshot_complete(self) -> bool:
        """A complete snapshot is in and no reload is under way."""
        with self.store.cache.read() as conn:
            return get_kv(conn, K_COMPLETE) == "complete" and get_kv(conn, K_RELOAD) is None

    def _target(self, *, open_new: bool = True) -> _Target:
        with self.store.cache.read() as conn:
            reload = get_kv(conn, K_COMPLETE) == "complete" and get_kv(conn, K_RELOAD) is not None
        if not reload:
            return _Target(self.store, None)
        if self._new is None and open_new:
            self._new = self.store.cache.new_file(fresh=False)
        return _Target(self.store, self._new)

    def _eta(self, done: int, total: int) -> float | None:
        if self._rate_start is None:
            return None
        t0, d0 = self._rate_start
        dt, dd = time.monotonic() - t0, done - d0
        if dt <= 0.5 or dd <= 0:
            return None
        return max(0.0, (total - done) / (dd / dt))

    # --- one step -----------------------------------------------------------------------------
    def step(self) -> PullReport:
        """One page of the snapshot if it is not complete, else the changes feed to its end."""
        if not self.snapshot_complete():
            return self.snapshot_page()
        return self.changes()

    def snapshot_page(self) -> PullReport:
        """One page of the snapshot: this thread moves the bytes, the loader process
        (snapshot_load.py) parses, checks and inserts them and builds the search index."""
        report = PullReport()
        target = self._target()
        with target.read() as conn:
            cursor = get_kv(conn, K_CURSOR)
            done = int(get_kv(conn, K_SNAP_DONE) or 0)
        if self._rate_start is None:
            self._rate_start = (time.monotonic(), done)
        with target.write() as conn:
            # every page: the index built after the last page ended the deferral
            consumers_repo.defer_search_index(conn)
            if cursor is None and consumers_repo.count(conn) == 0:
                consumers_repo.drop_lookup_indexes(conn)  # built in one go at the end
        if cursor is None:
            self.bytes_done = 0
        loader = self._loader_for(target)
        total = 0

        def on_rows(rows: int, now_done: int) -> None:
            nonlocal total
            report.snapshot_rows += rows
            if loader.header is not None:
                total = int(loader.header.get("total") or 0)
            if self.on_progress is not None:
                self.on_progress(SnapshotProgress(rows_done=now_done, rows_total=total,
                                                  bytes_done=self.bytes_done + stream.bytes_read,
                                                  eta_s=self._eta(now_done, total), running=True))

        try:
            with self.client.snapshot_bytes(after=cursor, limit=self.page_rows) as stream:
                loader.begin(first=cursor is None, done=done, gzip=stream.gzip)
                stopped = False
                try:
                    for block in stream.blocks():
                        loader.feed(block)
                        loader.poll(on_rows)
                        if self.should_stop():
                            stopped = True  # the app is closing: what is applied stays, the rest resumes later
                            break
                except SyncFailure:
                    loader.finish(stopped=True, on_rows=on_rows)  # whole rows before the cut are kept
                    raise
                page = loader.finish(stopped=stopped, on_rows=on_rows, should_stop=self.should_stop)
                self.bytes_done += stream.bytes_read
        except BaseException as e:
            # a loader that died leaves nothing known in a reload's new file: that starts over
            self._close_loader(discard=not isinstance(e, SyncFailure) or e.key == "sync.snapshot_loader_failed")
            raise
        if page.end is None:  # stopped before the end line
            return report
        if page.end.get("more"):
            return report
        header = page.header
        done, total = page.done, int(header.get("total") or 0)
        self._close_loader(discard=False)  # it let go of the file: the swap may replace it
        as_of = _local_iso(str(header.get("as_of") or ""), self.clock)
        with target.write() as conn:
            snap_version = get_kv(conn, K_SNAP_VERSION)
            set_kv(conn, K_VERSION, snap_version if snap_version is not None else str(int(header["version"])))
            set_kv(conn, K_AFTER, None)
            set_kv(conn, K_AS_OF, as_of)
            set_kv(conn, K_COMPLETE, "complete")
            set_kv(conn, K_RELOAD, None)
            set_kv(conn, K_CURSOR, None)
            set_kv(conn, K_LAST_PULL, iso(self.clock()))
            set_kv(conn, "consumers_source", "server")
        if target.new is not None:
            self._new = None
            # lookups move to the new file here, at once; where the OS refuses (Windows: the old
            # file held open elsewhere) the old file stays in use, complete as it was, with its
            # changes feed, and the new one waits beside it for the next start or reload
            if not self.store.cache.swap_in(target.new):
                with self.store.cache.write() as conn:
                    set_kv(conn, K_RELOAD, None)
        self._rate_start = None
        report.snapshot_complete = True
        if self.on_progress is not None:
            self.on_progress(SnapshotProgress(rows_done=done, rows_total=total, bytes_done=self.bytes_done,
                                              running=False, complete=True))
        return report

    def _loader_for(self, target: _Target) -> snapshot_load.Loader:
        """The loader process of this snapshot, started at its first page (and again after a
        failure); it serves the following pages without starting over."""
        path = target.new.path if target.new is not None else self.store.cache.path
        if self._loader is not None and self._loader.path != Path(path):
            self._close_loader(discard=False)
        if self._loader is None:
            self._loader = snapshot_load.Loader(Path(path), _LOADER_SQL, disposable=target.new is not None)
        return self._loader

    def _close_loader(self, *, discard: bool) -> None:
        """Stop the loader. `discard`: it failed in a way that says nothing of what it left in a
        reload's new file (killed, a bug): that file is thrown away and the reload starts over,
        while lookups go on using the old cache."""
        loader, self._loader = self._loader, None
        if loader is None:
            return
        loader.close()
        if discard and self._new is not None and loader.path == self._new.path:
            path = self._new.path
            self._new.dispose()
            self._new = None
            cache_mod.remove_file(path)

    def build_search_index(self, budget_s: float | None = None) -> int:
        """Index deferred consumers of the live cache; returns how many still wait."""
        return self._build_search_index(_Target(self.store, None), budget_s)

    @staticmethod
    def _build_search_index(target: _Target, budget_s: float | None = None) -> int:
        t0 = time.monotonic()
        while True:
            with target.write() as conn:
                # FTS5 rewrites its segment pages many times while it merges: a page cache that
                # holds them halves the build of 5.3 lakh rows; given back right after
                conn.exec_driver_sql(f"PRAGMA cache_size=-{INDEX_CACHE_KIB}")
                try:
                    left = consumers_repo.catch_up_search_index(conn, INDEX_CHUNK)
                finally:
                    conn.exec_driver_sql("PRAGMA cache_size=-32000")
            if left == 0 or (budget_s is not None and time.monotonic() - t0 > budget_s):
                return left

    def changes(self) -> PullReport:
        """The changes feed from the stored cursor to its end, applied to the live cache; a server
        whose data went back in time (restored) answers reset, and a full reload starts (into a
        new file when the cache is complete, so that lookups keep working meanwhile)."""
        report = PullReport(snapshot_complete=True)
        started = iso(self.clock())
        while True:
            with self.store.cache.read() as conn:
                since = int(get_kv(conn, K_VERSION) or 0)
                after = get_kv(conn, K_AFTER)
            ans = self.client.changes(since, after, self.changes_limit)
            if ans.get("reset") and self.store.cache.swap_ready():
                # a complete reload whose swap the OS refused: in place now, its own cursor next
                report.reset = True
                return report
            if ans.get("reset"):
                with self.store.cache.write() as conn:
                    if get_kv(conn, K_COMPLETE) == "complete":
                        set_kv(conn, K_RELOAD, "wanted")
                    else:
                        set_kv(conn, K_CURSOR, None)
                self._close_loader(discard=False)
                if self._new is not None:  # a reload that was under way starts over
                    path = self._new.path
                    self._new.dispose()
                    self._new = None
                    cache_mod.remove_file(path)
                report.reset = True
                report.snapshot_complete = False
                return report
            try:
                version = int(ans["version"])
                rows = consumer_rows.checked(list(ans.get("rows") or []))
            except (KeyError, TypeError, ValueError) as e:
                raise ServerFailure("sync.bad_answer", detail=f"changes answer: {e}") from e
            for i in range(0, max(len(rows), 1), APPLY_CHUNK):
                chunk = rows[i:i + APPLY_CHUNK]
                last = i + APPLY_CHUNK >= len(rows)
                # consumer rows and their cursor together: a power cut loses both, and they are fetched again
                with self.store.cache.write() as conn:
                    if chunk:
                        consumers_repo.upsert_many(conn, chunk)
                    if last:  # the cursor moves with the last rows, in the same transaction
                        set_kv(conn, K_VERSION, str(version))
                        set_kv(conn, K_AFTER, ans.get("after") if ans.get("more") else None)
                        if not ans.get("more"):
                            set_kv(conn, K_AS_OF, started)
                            set_kv(conn, K_LAST_PULL, iso(self.clock()))
            report.change_rows += len(rows)
            if not ans.get("more"):
                return report

    def close(self) -> None:
        """A reload's new file left open (the app is closing): the next start discards it."""
        self._close_loader(discard=False)
        if self._new is not None:
            self._new.dispose()
            self._new = None


def _local_iso(server_time: str, clock: Clock) -> str:
    """The server's UTC time in the counter's time zone (IST); the counter's own time if absent."""
    try:
        dt = datetime.fromisoformat(server_time)
    except ValueError:
        return iso(clock())
    if dt.tzinfo is None:
        return iso(clock())
    return iso(dt.astimezone(IST))
