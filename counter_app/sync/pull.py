"""Pull: the consumer master data. First the full snapshot (page by page, resumable from the last
account applied, with progress for the screen), then the changes feed by version.

Rows are applied in short write transactions of about a thousand rows, so a clerk issuing a
receipt waits at most one chunk (~20 ms) for the single writer; the search index is deferred
during the snapshot and built in chunks after each page (migration 0003)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime
from typing import Any

from counter_app.services.clock import IST, Clock, iso
from counter_app.storage import consumers as consumers_repo
from counter_app.storage.store import Store, get_kv, set_kv
from counter_app.sync.client import ServerClient
from counter_app.sync.errors import ServerFailure, SyncFailure
from counter_app.sync.state import SnapshotProgress
from kesco_protocol.consumers import CONSUMER_FIELDS

# kv keys (documented here, read by status and the window)
K_COMPLETE = "consumers_snapshot"  # "complete" once a full snapshot is in
K_CURSOR = "snapshot_cursor"  # last account applied of the snapshot under way
K_SNAP_VERSION = "snapshot_version"  # lowest version header of its pages
K_SNAP_TOTAL = "snapshot_total"
K_SNAP_DONE = "snapshot_rows_done"
K_VERSION = "consumers_version"  # changes feed cursor: version ...
K_AFTER = "consumers_after"  # ... and account within it
K_AS_OF = "consumers_as_of"
K_LAST_PULL = "sync_last_pull_ok_at"

PIECE = 250  # rows parsed at a time from the stream
APPLY_CHUNK = 1000  # rows a transaction of the changes feed
TX_BUDGET_S = 0.02  # how long one snapshot transaction's statements may hold the single writer
_NFIELDS = len(CONSUMER_FIELDS)


class _Checkpointer:
    """Passive checkpoints between snapshot chunks, from a connection of our own and without the
    writer's lock: the random meter and mobile indexes dirty a few thousand pages per chunk, more
    than the store's once-a-second checkpointer keeps up with during a load."""

    def __init__(self, path: Any, every: int = 8) -> None:
        self.path = path
        self.every = every
        self.n = 0
        self._con: sqlite3.Connection | None = None

    def after_chunk(self) -> None:
        self.n += 1
        if self.n % self.every:
            return
        try:
            if self._con is None:
                self._con = sqlite3.connect(self.path, isolation_level=None, timeout=0.1)
            self._con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:
            pass  # busy or gone: the writer's own checkpoint will do it

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


class Pacer:
    """Sizes bulk write transactions so that each holds the single writer for about `budget_s`
    whatever the machine's speed or load, and gives other threads (the clerk issuing a receipt)
    a turn after each: Python's lock is not fair, and a thread that re-acquires it at once would
    keep the clerk waiting for several transactions."""

    def __init__(self, budget_s: float = TX_BUDGET_S, lo: int = 500, hi: int = 4000, start: int = 1000) -> None:
        self.budget_s = budget_s
        self.lo, self.hi = lo, hi
        self.size = start

    def took(self, rows: int, seconds: float) -> None:
        if rows <= 0 or seconds <= 0:
            return
        ideal = rows / seconds * self.budget_s
        self.size = int(min(self.hi, max(self.lo, 0.5 * self.size + 0.5 * ideal)))
        time.sleep(0.001)  # let a waiting clerk take the writer now


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
    pacer: Pacer = field(init=False, default_factory=Pacer)

    # --- what the cache holds ---------------------------------------------------------------
    def progress(self, running: bool = False) -> SnapshotProgress:
        with self.store.db.read() as conn:
            complete = get_kv(conn, K_COMPLETE) == "complete"
            total = int(get_kv(conn, K_SNAP_TOTAL) or 0)
            done = int(get_kv(conn, K_SNAP_DONE) or 0)
        return SnapshotProgress(rows_done=done, rows_total=total, bytes_done=self.bytes_done, running=running,
                                complete=complete, eta_s=self._eta(done, total) if running else None)

    def snapshot_complete(self) -> bool:
        with self.store.db.read() as conn:
            return get_kv(conn, K_COMPLETE) == "complete"

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
        report = PullReport()
        with self.store.db.read() as conn:
            cursor = get_kv(conn, K_CURSOR)
            done = int(get_kv(conn, K_SNAP_DONE) or 0)
        if self._rate_start is None:
            self._rate_start = (time.monotonic(), done)
        with self.client.snapshot(after=cursor, limit=self.page_rows) as stream:
            header = stream.header
            version, total = int(header["version"]), int(header.get("total") or 0)
            with self.store.db.write() as conn:
                # every page: the index built after the last page ended the deferral
                consumers_repo.defer_search_index(conn)
                if cursor is None:
                    self.bytes_done = 0
                    set_kv(conn, K_SNAP_VERSION, str(version))
                    set_kv(conn, K_SNAP_DONE, "0")
                    done = 0
                else:
                    old = get_kv(conn, K_SNAP_VERSION)
                    set_kv(conn, K_SNAP_VERSION, str(min(version, int(old)) if old is not None else version))
                set_kv(conn, K_SNAP_TOTAL, str(total))
            buf: list[Any] = []

            def apply(rows: list[Any]) -> None:
                nonlocal done
                with self.store.db.write(durable=False) as conn:
                    t0 = time.perf_counter()
                    consumers_repo.upsert_many(conn, rows)
                    spent = time.perf_counter() - t0
                    done += len(rows)
                    set_kv(conn, K_CURSOR, str(rows[-1][0]))  # the resume point moves with the rows
                    set_kv(conn, K_SNAP_DONE, str(done))
                self.pacer.took(len(rows), spent)
                checkpointer.after_chunk()
                report.snapshot_rows += len(rows)
                if self.on_progress is not None:
                    self.on_progress(SnapshotProgress(rows_done=done, rows_total=total,
                                                      bytes_done=self.bytes_done + stream.bytes_read,
                                                      eta_s=self._eta(done, total), running=True))

            checkpointer = _Checkpointer(self.store.path)
            try:
                for piece in stream.chunks(PIECE):
                    buf.extend(_checked(piece))
                    while len(buf) >= self.pacer.size:
                        n = self.pacer.size
                        apply(buf[:n])
                        del buf[:n]
                    if self.should_stop():
                        break  # the app is closing: what is applied stays, the rest resumes later
                if buf:
                    apply(buf)
                    buf = []
            except SyncFailure:
                if buf:  # rows that arrived whole before the cut are kept; the resume starts after them
                    apply(buf)
                raise
            finally:
                checkpointer.close()
            end = stream.end
            self.bytes_done += stream.bytes_read
        if end is None:  # stopped before the end line
            return report
        self.build_search_index()
        if end.get("more"):
            return report
        as_of = _local_iso(str(header.get("as_of") or ""), self.clock)
        with self.store.db.write() as conn:
            snap_version = get_kv(conn, K_SNAP_VERSION)
            set_kv(conn, K_VERSION, snap_version if snap_version is not None else str(version))
            set_kv(conn, K_AFTER, None)
            set_kv(conn, K_AS_OF, as_of)
            set_kv(conn, K_COMPLETE, "complete")
            set_kv(conn, K_CURSOR, None)
            set_kv(conn, K_LAST_PULL, iso(self.clock()))
            set_kv(conn, "consumers_source", "server")
        self._rate_start = None
        report.snapshot_complete = True
        if self.on_progress is not None:
            self.on_progress(SnapshotProgress(rows_done=done, rows_total=total, bytes_done=self.bytes_done,
                                              running=False, complete=True))
        return report

    def build_search_index(self, budget_s: float | None = None) -> int:
        """Index deferred consumers in short transactions; returns how many still wait."""
        t0 = time.monotonic()
        pacer = Pacer(lo=200, hi=20_000, start=2000)
        while True:
            t1 = time.perf_counter()
            with self.store.db.write(durable=False) as conn:
                left = consumers_repo.catch_up_search_index(conn, pacer.size)
            pacer.took(pacer.size, time.perf_counter() - t1)
            if left == 0 or (budget_s is not None and time.monotonic() - t0 > budget_s):
                return left

    def changes(self) -> PullReport:
        """The changes feed from the stored cursor to its end; a server whose data went back in
        time (restored) answers reset, and the full snapshot starts again."""
        report = PullReport(snapshot_complete=True)
        started = iso(self.clock())
        while True:
            with self.store.db.read() as conn:
                since = int(get_kv(conn, K_VERSION) or 0)
                after = get_kv(conn, K_AFTER)
            ans = self.client.changes(since, after, self.changes_limit)
            if ans.get("reset"):
                with self.store.db.write() as conn:
                    set_kv(conn, K_COMPLETE, None)
                    set_kv(conn, K_CURSOR, None)
                report.reset = True
                report.snapshot_complete = False
                return report
            try:
                version = int(ans["version"])
                rows = _checked(list(ans.get("rows") or []))
            except (KeyError, TypeError, ValueError) as e:
                raise ServerFailure("sync.bad_answer", detail=f"changes answer: {e}") from e
            for i in range(0, max(len(rows), 1), APPLY_CHUNK):
                chunk = rows[i:i + APPLY_CHUNK]
                last = i + APPLY_CHUNK >= len(rows)
                # consumer rows and their cursor together: a power cut loses both, and they are fetched again
                with self.store.db.write(durable=False) as conn:
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


def _checked(rows: list[Any]) -> list[Any]:
    """Rows in CONSUMER_FIELDS order; anything else is the server's bug, never stored."""
    for r in rows:
        if not isinstance(r, list) or len(r) != _NFIELDS or not isinstance(r[0], str):
            raise ServerFailure("sync.bad_answer", detail="a consumer row of the wrong shape")
    return rows


def _local_iso(server_time: str, clock: Clock) -> str:
    """The server's UTC time in the counter's time zone (IST); the counter's own time if absent."""
    try:
        dt = datetime.fromisoformat(server_time)
    except ValueError:
        return iso(clock())
    if dt.tzinfo is None:
        return iso(clock())
    return iso(dt.astimezone(IST))
