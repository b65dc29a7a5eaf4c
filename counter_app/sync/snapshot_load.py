"""The consumer snapshot written into the cache file by a process of its own (issue 14).

Parsing 5.3 lakh JSON rows and binding them into SQLite is CPU work in Python: in the counter's
own process it holds the interpreter lock in short bursts for ten seconds, and every receipt the
clerk issues meanwhile waits for the lock again after each of its statements (34 ms at the 99th
percentile). So the engine's thread only moves the bytes it receives (socket reads and pipe writes
release the lock); a loader process started with multiprocessing's spawn (which a frozen build
runs through freeze_support) inflates, parses, checks and inserts them into the target file and
builds the search index, and reports back after each transaction.

The loader imports nothing heavy (no SQLAlchemy, no requests: it is started once per snapshot and
its start-up is part of the snapshot's time); the SQL it runs is handed to it by the parent, so the
statements stay where storage/consumers.py and storage/cache.py keep them. Every row gets the
check of sync/consumer_rows.py (each field of its wire type), and a stop, a cut or a bad row leaves
only whole rows committed together with the resume cursor."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import sqlite3
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from counter_app.sync import consumer_rows
from counter_app.sync.errors import Offline, ServerFailure, SyncFailure

# message tags, parent -> loader, first byte of each message
_DATA, _EOF, _STOP = b"d", b"e", b"s"

PIECE = 1000  # lines per decode (one call for many rows is several times faster)
CHUNK = 10_000  # rows a transaction: nobody waits for the cache's writer
CHECKPOINT_BYTES = 4 << 20  # the WAL the loader lets grow before SQLite copies it into the file
FAILURES: dict[str, type[SyncFailure]] = {"Offline": Offline, "ServerFailure": ServerFailure}


@dataclass(frozen=True, slots=True)
class Sql:
    """The statements the loader runs (from storage/consumers.py and storage/cache.py)."""

    upsert: str
    put_kv: str  # INSERT ... ON CONFLICT with (key, value)
    get_kv: str
    fts_chunk: str  # INSERT INTO consumers_fts ... WHERE rowid >= ? AND rowid < ?
    indexes: tuple[str, ...]
    index_chunk: int
    index_cache_kib: int
    triggers: tuple[str, ...] = ()  # the cache's CREATE TRIGGER statements
    trigger_names: tuple[str, ...] = ()
    fts_automerge: str = ""


@dataclass(frozen=True, slots=True)
class PageResult:
    header: dict[str, Any]
    end: dict[str, Any] | None  # None: stopped or cut before the end line
    done: int  # rows of the snapshot applied so far, this page included
    rows: int  # rows applied by this page


class Loader:
    """The parent's handle on one loader process, which serves the pages of one snapshot."""

    def __init__(self, path: Path, sql: Sql, *, disposable: bool) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.path = Path(path)
        self._conn, child = ctx.Pipe(duplex=True)
        # a stop reaches the loader at once, not behind the blocks already in the pipe
        self._stop = ctx.Event()
        self.proc = ctx.Process(target=serve, args=(str(path), sql, disposable, child, self._stop),
                                name="kesco-snapshot-loader", daemon=True)
        self.proc.start()
        child.close()
        self.header: dict[str, Any] | None = None

    def begin(self, *, first: bool, done: int, gzip: bool) -> None:
        self._stop.clear()
        self._send(("page", first, done, gzip))

    def feed(self, block: bytes) -> None:
        self._send_bytes(_DATA + block)

    def poll(self, on_rows: Callable[[int, int], None]) -> None:
        """Hand the loader's progress reports to `on_rows(rows, done)` without waiting."""
        while self._conn.poll():
            self._handle(self._recv(), on_rows)

    def finish(self, *, stopped: bool, on_rows: Callable[[int, int], None],
               should_stop: Callable[[], bool] = lambda: False) -> PageResult:
        """End of this page's bytes (`stopped`: the engine stops or the download broke); waits
        until the loader has committed what it holds and built the index, and returns its result
        (a stop asked meanwhile cuts it short). A check that failed in the loader is raised here."""
        if stopped:
            self._stop.set()
        self._send_bytes(_STOP if stopped else _EOF)
        while True:
            while not self._conn.poll(0.01):
                if not stopped and should_stop():
                    stopped = True
                    self._stop.set()
                if not self.proc.is_alive() and not self._conn.poll(0):
                    raise self._gone(EOFError("no answer"))
            msg = self._recv()
            if msg[0] == "done":
                _tag, end, done, rows, failure = msg
                if failure is not None:
                    cls, key, detail = failure
                    if stopped and cls == "Offline":  # the cut the parent itself made
                        return PageResult(self.header or {}, None, done, rows)
                    raise FAILURES.get(cls, ServerFailure)(key, detail=detail)
                assert self.header is not None or end is None
                return PageResult(self.header or {}, end, done, rows)
            self._handle(msg, on_rows)

    def close(self, timeout: float = 10.0) -> None:
        """Ask the loader to close the file and exit; killed if it does not (a killed loader
        never leaves a torn file: the file's own journal rolls its last transaction back)."""
        with contextlib.suppress(OSError, ValueError):
            self._conn.send(("quit",))
        self.proc.join(timeout)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self._conn.close()

    def _handle(self, msg: tuple[Any, ...], on_rows: Callable[[int, int], None]) -> None:
        if msg[0] == "header":
            self.header = msg[1]
        elif msg[0] == "rows":
            on_rows(msg[1], msg[2])

    def _send(self, obj: Any) -> None:
        try:
            self._conn.send(obj)
        except (OSError, ValueError) as e:
            raise self._gone(e) from e

    def _send_bytes(self, b: bytes) -> None:
        try:
            self._conn.send_bytes(b)
        except (OSError, ValueError) as e:
            raise self._gone(e) from e

    def _recv(self) -> tuple[Any, ...]:
        try:
            msg = self._conn.recv()
        except (EOFError, OSError) as e:
            raise self._gone(e) from e
        assert isinstance(msg, tuple)
        return msg

    def _gone(self, e: BaseException) -> SyncFailure:
        self.proc.join(1)
        return ServerFailure("sync.snapshot_loader_failed",
                             detail=f"the snapshot loader stopped (exit code {self.proc.exitcode}): {e}")


# --- the loader process -------------------------------------------------------------------------
def _yield_to_the_clerk() -> None:
    """Run below normal priority: on two cores the loader, the server's side of the download and
    the clerk's receipt all want a core at once, and a receipt that waits for the scheduler behind
    a bulk load is the one the queue notices. On an idle machine the load runs as fast as before."""
    try:
        if sys.platform == "win32":
            import ctypes

            below_normal = 0x4000  # BELOW_NORMAL_PRIORITY_CLASS
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), below_normal)
        else:
            os.nice(10)
    except (OSError, AttributeError):
        pass  # a priority we may not set only costs the receipts a few milliseconds


def serve(path: str, sql: Sql, disposable: bool, conn: Connection, stop: Any) -> None:
    """The loader's main: pages until told to quit or the parent goes away."""
    _yield_to_the_clerk()
    con = sqlite3.connect(path, isolation_level=None, timeout=5)
    try:
        # the new file of a reload is thrown away unless it is complete, so it needs no fsync
        # at all; the live cache (a first snapshot) keeps NORMAL: a power cut loses a trailing
        # chunk with its cursor, never the file
        con.execute(f"PRAGMA synchronous={'OFF' if disposable else 'NORMAL'}")
        # the page cache the search index's merges want (the snapshot's peak RSS stays under 400 MB)
        con.execute(f"PRAGMA cache_size=-{sql.index_cache_kib}")
        con.execute("PRAGMA temp_store=MEMORY")
        # SQLite's checkpoint every 4 MB, not 64: on ext4 (data=ordered) the clerk's receipt
        # fsync must also write out whatever the loader has left dirty, and with 64 MB pending
        # that was 40-130 ms at the tail (bench_sync, issue_ms_max_during_snapshot)
        page = con.execute("PRAGMA page_size").fetchone()[0]
        con.execute(f"PRAGMA wal_autocheckpoint={max(1, CHECKPOINT_BYTES // page)}")
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                return
            if msg[0] != "page":
                return
            _tag, first, done, gz = msg
            try:
                conn.send(_page(con, sql, conn, stop, first=first, done=done, gz=gz))
            except (EOFError, OSError):
                return
    finally:
        con.close()


def _blocks(conn: Connection, stop: Any) -> Iterator[bytes]:
    """The page's wire bytes until the parent's end mark; a stop ends them early (as a cut), and
    what was still in the pipe is read and dropped."""
    while True:
        b = conn.recv_bytes()
        if b[:1] != _DATA:
            return
        if stop.is_set():
            continue
        yield b[1:]


def _lines(blocks: Iterator[bytes], gz: bool) -> Iterator[bytes]:
    dec = zlib.decompressobj(16 + zlib.MAX_WBITS) if gz else None
    buf = b""
    try:
        for raw in blocks:
            block = dec.decompress(raw) if dec is not None else raw
            buf += block
            if b"\n" not in block:
                continue
            *lines, buf = buf.split(b"\n")
            yield from (line for line in lines if line)
        if dec is not None:
            buf += dec.flush()
    except zlib.error as e:
        raise Offline("sync.snapshot_cut", detail=f"zlib: {e}") from e
    if buf.strip():
        yield buf


def _page(con: sqlite3.Connection, sql: Sql, conn: Connection, stop: Any, *, first: bool, done: int,
          gz: bool) -> tuple[Any, ...]:
    blocks = _blocks(conn, stop)
    lines = _lines(blocks, gz)
    applied = 0
    end: dict[str, Any] | None = None
    failure: tuple[str, str, str] | None = None
    buf: list[Any] = []

    def apply(rows: list[Any]) -> None:
        nonlocal done, applied
        con.execute("BEGIN IMMEDIATE")
        try:
            # no row already in the file has an account number in this chunk's range, so no
            # upsert of the chunk meets one, and no trigger could do anything for these rows (a
            # new row lies above the deferred point): inserting without them takes a third less
            # time. Asked for each chunk, so every page of a snapshot gains, not only the first.
            # They are back before the commit, so the file never lacks them
            bare = bool(sql.triggers) and con.execute(
                "SELECT 1 FROM consumers WHERE account_no BETWEEN ? AND ? LIMIT 1",
                (min(r[0] for r in rows), max(r[0] for r in rows))).fetchone() is None
            if bare:
                for name in sql.trigger_names:
                    con.execute(f"DROP TRIGGER IF EXISTS {name}")
            con.executemany(sql.upsert, rows)
            if bare:
                for ddl in sql.triggers:
                    con.execute(ddl)
            done += len(rows)
            con.execute(sql.put_kv, ("snapshot_cursor", str(rows[-1][0])))  # resume point moves with the rows
            con.execute(sql.put_kv, ("snapshot_rows_done", str(done)))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied += len(rows)
        conn.send(("rows", len(rows), done))

    try:
        header = _header(next(lines, None))
        con.execute("BEGIN IMMEDIATE")
        version, total = int(header["version"]), int(header.get("total") or 0)
        if first:
            con.execute(sql.put_kv, ("snapshot_version", str(version)))
            con.execute(sql.put_kv, ("snapshot_rows_done", "0"))
            done = 0
        else:
            old = con.execute(sql.get_kv, ("snapshot_version",)).fetchone()
            con.execute(sql.put_kv, ("snapshot_version", str(min(version, int(old[0])) if old and old[0] is not None
                                                          else version)))
        con.execute(sql.put_kv, ("snapshot_total", str(total)))
        deferred = con.execute(sql.get_kv, ("fts_pending_from",)).fetchone()
        if deferred is None:
            # the parent defers the search index before each page: rows loaded without it
            # would each be indexed by the trigger, five times slower
            con.execute("ROLLBACK")
            raise ServerFailure("sync.snapshot_loader_failed", detail="search index not deferred")
        con.execute("COMMIT")
        conn.send(("header", header))
        pending: list[bytes] = []
        for line in lines:
            if line[:1] == b"[":
                pending.append(line)
                if len(pending) >= PIECE:
                    buf.extend(consumer_rows.decode_lines(pending))
                    pending = []
                    if len(buf) >= CHUNK:
                        apply(buf)
                        buf = []
                    if stop.is_set():
                        break
                continue
            obj = _json(line)
            if isinstance(obj, dict) and obj.get("end"):
                end = obj
                break
            raise ServerFailure("sync.bad_answer", detail="unexpected line in the snapshot")
        if pending and not stop.is_set():
            buf.extend(consumer_rows.decode_lines(pending))
        if buf:
            apply(buf)
            buf = []
        for _rest in blocks:  # the parent's end mark, if a stop or the end line came first
            pass
        if end is None:
            raise Offline("sync.snapshot_cut", detail="the snapshot stopped before its end line")
        _index(con, sql, last=not end.get("more"))
    except consumer_rows.Cut as e:
        buf.extend(e.good)
        failure = ("Offline", "sync.snapshot_cut", "a snapshot line was cut off")
    except SyncFailure as e:
        failure = (type(e).__name__ if type(e).__name__ in FAILURES else "ServerFailure",
                   e.key, getattr(e, "detail", "") or "")
    except sqlite3.Error as e:
        failure = ("ServerFailure", "sync.snapshot_loader_failed", f"sqlite: {e}")
    if failure is not None:
        try:
            if buf:  # rows that arrived whole before the cut are kept; the resume starts after them
                apply(buf)
        except sqlite3.Error:
            pass
        for _rest in blocks:
            pass
    return ("done", end if failure is None else None, done, applied, failure)


def _header(first: bytes | None) -> dict[str, Any]:
    if first is None:
        raise Offline("sync.snapshot_cut", detail="empty snapshot answer")
    header = _json(first)
    if not isinstance(header, dict) or "version" not in header:
        raise ServerFailure("sync.bad_answer", detail="snapshot without a header line")
    return header


def _json(line: bytes) -> Any:
    try:
        return json.loads(line)
    except ValueError as e:
        raise Offline("sync.snapshot_cut", detail=f"unreadable snapshot line: {type(e).__name__}") from e


def _index(con: sqlite3.Connection, sql: Sql, *, last: bool) -> None:
    """The deferred search index (short transactions; FTS5 merges its segments in the page cache
    the loader keeps), and after the last page the lookup indexes (sorted builds)."""
    if sql.fts_automerge:
        con.execute(sql.fts_automerge)
    while True:
        con.execute("BEGIN IMMEDIATE")
        try:
            row = con.execute(sql.get_kv, ("fts_pending_from",)).fetchone()
            if row is None or row[0] is None:
                con.execute("COMMIT")
                break
            start = int(row[0])
            top = con.execute("SELECT MAX(rowid) FROM consumers").fetchone()[0]
            stop = start + sql.index_chunk
            con.execute(sql.fts_chunk, (start, stop))
            if top is None or stop > int(top):
                con.execute("DELETE FROM kv WHERE key = 'fts_pending_from'")
            else:
                con.execute(sql.put_kv, ("fts_pending_from", str(stop)))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    if last:
        for stmt in sql.indexes:
            con.execute(stmt)
    con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
