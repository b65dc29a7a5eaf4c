"""A second copy of the ledger as it is written: a checksummed, append-only journal on another disk
(`mirror_dir`: a second drive or a USB stick), from which the ledger alone can be rebuilt
(counter_app/ops/mirror_restore.py).

One line per frame: canonical JSON, a tab, the SHA-256 of that JSON in hex. Every frame has a
sequence number `n` (1, 2, 3 ... with no gap) and the ledger cursors it brings the mirror to: `o`,
the outbox_id of the last record copied, and `a`, the audit_id of the last ledger event copied.
Frames: `meta` (counter code, installation id), `user`, `shift` (the row as it is after the event
that changed it: opened, closed) and `record` (an outbox row exactly as committed: receipts, voids,
dishonours, closes and whatever kinds come later).

The journal follows the ledger instead of being written by each service: after every durable
commit (Database.after_commit, inside the writer's lock, so in commit order) it copies what the
outbox and the audit log gained, and fsyncs, before the caller returns and the receipt prints.
A mirror that is missing, full or failing never stops collection: the error is kept in
`status()` for the status line and the doctor, and the next commit, or the next start, copies
everything the mirror lacks from the ledger (a torn last line left by a crash is cut off first)."""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from counter_app.storage.dbfile import fsync_dir

log = logging.getLogger(__name__)

FORMAT = "kesco-ledger-mirror/1"
# a commit after the mirror came back copies at most this many records (the clerk's next receipt
# must not wait for a whole week of backlog); the rest follows in the background
CATCH_UP_PER_COMMIT = 100
# what a start copies before the window opens; a longer backlog (a new stick on a counter with a
# year of receipts: minutes) is copied by a background thread, in chunks, beside the clerk
START_SYNC_LIMIT = 20_000
BACKGROUND_CHUNK = 200  # a commit waits at most for one chunk
TAIL_SCAN_LIMIT = 16 * 1024 * 1024  # a torn tail longer than this is damage, not a crash
# audit actions after which a user's or a shift's row is copied
USER_EVENTS = ("user_add",)
SHIFT_EVENTS = ("shift_open", "shift_close")
SHIFT_COLS: tuple[str, ...] = ("shift_id", "counter_code", "clerk", "business_date", "opened_at", "opening_float_paise",
              "closed_at")
USER_COLS: tuple[str, ...] = ("username", "full_name", "role", "pin_hash", "active", "created_at")

# states of the mirror (status().state); all but OK and WAITING are the clerk's and IT's business
OK, WAITING, MISSING, FULL, FOREIGN, DAMAGED, ERROR = "ok", "waiting", "missing", "full", "foreign", "damaged", "error"


def journal_path(mirror_dir: Path, counter_code: str) -> Path:
    return Path(mirror_dir) / f"KESCO-{counter_code}.ledger-journal"


def encode_frame(frame: dict[str, Any]) -> bytes:
    body = json.dumps(frame, ensure_ascii=True, sort_keys=True, separators=(",", ":")).encode()
    return body + b"\t" + hashlib.sha256(body).hexdigest().encode() + b"\n"


def decode_line(line: bytes) -> dict[str, Any] | None:
    """The frame of one journal line (without its newline), or None when the line is damaged."""
    body, sep, digest = line.rpartition(b"\t")
    if not sep or hashlib.sha256(body).hexdigest().encode() != digest:
        return None
    try:
        frame = json.loads(body)
    except ValueError:
        return None
    if not isinstance(frame, dict) or not isinstance(frame.get("n"), int):
        return None
    return frame


def iter_frames(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, int]]:
    """(byte offset, frame or None if damaged, line length) for every line of a journal, in order.
    A last line without its newline (a torn write) comes as damaged."""
    with open(path, "rb") as fh:
        offset = 0
        for line in fh:
            complete = line.endswith(b"\n")
            yield offset, decode_line(line[:-1]) if complete else None, len(line)
            offset += len(line)


def last_good_frame(path: Path) -> tuple[int, dict[str, Any] | None]:
    """(end offset of the last good line, that frame) reading backwards from the end: a crash can
    only tear the last lines. (0, None) when no good line is there."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        pos, tail = size, b""
        chunk = 64 * 1024
        while True:
            start = max(0, pos - chunk)
            fh.seek(start)
            tail = fh.read(pos - start) + tail
            pos = start
            lines = tail.split(b"\n")
            end = size - len(lines[-1])  # end of the last complete line (the rest is torn)
            stop = 1 if pos > 0 else 0  # the first piece is cut unless we reached the start
            for i in range(len(lines) - 2, stop - 1, -1):
                frame = decode_line(lines[i])
                if frame is not None:
                    return end, frame
                end -= len(lines[i]) + 1
            if pos == 0:
                return 0, None
            if size - pos > TAIL_SCAN_LIMIT:
                raise MirrorError(DAMAGED, "no good frame in the journal's last 16 MiB")
            chunk *= 2


class MirrorError(Exception):
    def __init__(self, state: str, detail: str = "") -> None:
        super().__init__(detail or state)
        self.state = state
        self.detail = detail


@dataclass(frozen=True)
class MirrorStatus:
    """What the status line and the doctor say about the mirror."""

    configured: bool
    state: str = OK
    detail: str = ""
    path: str = ""
    frames: int = 0
    behind: int = 0  # ledger records not yet on the mirror
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.configured or (self.state in (OK, WAITING) and self.behind == 0)

    @property
    def key(self) -> str:
        """The message key (domain/messages.py) that says it."""
        if self.state == OK and self.behind:
            return "mirror.behind"
        return f"mirror.{self.state}"

    def to_dict(self) -> dict[str, Any]:
        return {"configured": self.configured, "state": self.state, "ok": self.ok, "key": self.key,
                "detail": self.detail, "path": self.path, "frames": self.frames, "behind": self.behind}


class Mirror:
    """The journal of one counter's ledger on `directory`, kept up to date from the ledger."""

    def __init__(self, directory: Path, *, per_commit: int = CATCH_UP_PER_COMMIT) -> None:
        self.directory = Path(directory)
        self.per_commit = per_commit
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.db_path: Path | None = None  # for the background catch-up's own connection
        self._fd: int | None = None
        self._path: Path | None = None
        self._code: str | None = None
        self.n = 0  # the last frame's sequence number
        self.o = 0  # the last outbox_id copied
        self.a = 0  # the last audit_id looked at
        self.r: str | None = None  # the record_id at outbox_id `o` (the journal's ledger is this one)
        self._ledger: str | None = None  # the ledger's id (kv mirror_ledger_id), in every frame as `l`
        self._installation: str | None = None
        self.state = WAITING
        self.detail = ""
        self.behind = 0

    # ------------------------------------------------------------------ the commit hook
    def on_commit(self, con: sqlite3.Connection) -> None:
        """Database.after_commit: copy what this commit added. Never raises (collection goes on)."""
        self.catch_up(con, limit=self.per_commit)
        if self.behind and self.db_path is not None and (self._thread is None or not self._thread.is_alive()):
            self.start_background_catch_up(self.db_path)

    def catch_up(self, con: sqlite3.Connection, limit: int | None = None) -> int:
        """Copy to the journal what the ledger has and the mirror lacks (at most `limit` records);
        returns the frames written. Errors are kept in the state, never raised."""
        with self._lock:
            try:
                written = self._catch_up(con, limit)
            except MirrorError as e:
                self._set(e.state, e.detail)
                return 0
            except OSError as e:
                self._close()
                self._set(self._classify(e), f"{type(e).__name__}: {e}")
                return 0
            except Exception as e:  # a mirror bug must not become a lost receipt's error message
                log.exception("mirror failed")
                self._close()
                self._set(ERROR, f"{type(e).__name__}: {e}")
                return 0
            return written

    def _catch_up(self, con: sqlite3.Connection, limit: int | None) -> int:
        if self._code is None:
            row = con.execute("SELECT value FROM meta WHERE key = 'counter_code'").fetchone()
            if row is None or not row[0]:
                self._set(WAITING)
                return 0
            self._code = str(row[0])
        if self._fd is not None and not self._same_file():
            self._close()  # the stick was pulled out or swapped: start again from what is there now
        if self._fd is None:
            self._open(self._code, con)
        frames: list[dict[str, Any]] = []
        row = con.execute("SELECT value FROM kv WHERE key = 'installation_id'").fetchone()
        installation = None if row is None or row[0] is None else str(row[0])
        if installation != self._installation:
            frames.append({"t": "meta", "format": FORMAT, "counter_code": self._code,
                           "installation_id": installation, "a": self.a})
        top = con.execute("SELECT MAX(audit_id) FROM audit").fetchone()[0] or 0
        if self.n == 0 or (self.a == 0 and self.o == 0):
            frames += self._snapshot(con, top)  # a new journal, perhaps of a rebuilt ledger: every row
        elif top > self.a:
            frames += self._events(con, top)
        last_id = con.execute("SELECT MAX(outbox_id) FROM outbox").fetchone()[0] or 0
        if last_id > self.o:
            rows = con.execute(
                "SELECT outbox_id, record_id, kind, payload, created_at FROM outbox WHERE outbox_id > ? "
                "ORDER BY outbox_id LIMIT ?", (self.o, -1 if limit is None else limit)).fetchall()
            for outbox_id, record_id, kind, payload, created_at in rows:
                frames.append({"t": "record", "outbox_id": int(outbox_id), "record_id": record_id, "kind": kind,
                               "payload": payload, "created_at": created_at, "o": int(outbox_id), "a": top})
        if frames:
            self._append(frames)
        self.a = max(self.a, top)
        self.behind = max(0, int(last_id) - self.o)
        self._installation = installation
        self._set(OK)
        return len(frames)

    def _events(self, con: sqlite3.Connection, top: int) -> list[dict[str, Any]]:
        """user and shift frames for the ledger events after the audit cursor: one frame per row,
        at its last event, in event order (so a torn write never skips one: see `a`)."""
        actions = USER_EVENTS + SHIFT_EVENTS
        last: dict[tuple[str, str], int] = {}
        for audit_id, action, subject in con.execute(
                f"SELECT audit_id, action, subject FROM audit WHERE audit_id > ? AND audit_id <= ? "
                f"AND action IN ({', '.join('?' for _ in actions)}) ORDER BY audit_id", (self.a, top, *actions)):
            if subject:
                last[("user" if action in USER_EVENTS else "shift", str(subject))] = int(audit_id)
        frames: list[dict[str, Any]] = []
        for (kind, subject), audit_id in sorted(last.items(), key=lambda kv: kv[1]):
            if kind == "user":
                row = con.execute(f"SELECT {', '.join(USER_COLS)} FROM users WHERE username = ?", (subject,)).fetchone()
                cols = USER_COLS
            else:
                row = con.execute(f"SELECT {', '.join(SHIFT_COLS)} FROM shifts WHERE shift_id = ?",
                                  (subject,)).fetchone()
                cols = SHIFT_COLS
            if row is not None:
                frames.append({"t": kind, kind: dict(zip(cols, row, strict=True)), "o": self.o, "a": audit_id})
        return frames

    def _snapshot(self, con: sqlite3.Connection, top: int) -> list[dict[str, Any]]:
        """Every user and shift, for a new journal: a rebuilt ledger has not the audit rows of
        its shifts, and a mirror set up on a working counter starts with what it has."""
        frames: list[dict[str, Any]] = []
        for kind, cols, sql in (("user", USER_COLS, f"SELECT {', '.join(USER_COLS)} FROM users ORDER BY user_id"),
                                ("shift", SHIFT_COLS, f"SELECT {', '.join(SHIFT_COLS)} FROM shifts ORDER BY opened_at")):
            for row in con.execute(sql):
                frames.append({"t": kind, kind: dict(zip(cols, row, strict=True)), "o": 0, "a": 0})
        if frames:
            frames[-1]["a"] = top
        return frames

    # ------------------------------------------------------------------ the file
    def _open(self, code: str, con: sqlite3.Connection) -> None:
        if not self.directory.is_dir():
            raise MirrorError(MISSING, str(self.directory))
        path = journal_path(self.directory, code)
        frame: dict[str, Any] | None = None
        if path.exists():
            end, frame = last_good_frame(path)
            size = path.stat().st_size
            if end < size:  # a torn tail from a crash or a full disk: kept aside, then cut off
                with open(path, "rb") as src, open(path.with_name(path.name + ".torn"), "ab") as aside:
                    src.seek(end)
                    aside.write(src.read())
                os.truncate(path, end)
                log.warning("mirror %s: cut a torn tail of %d bytes", path, size - end)
            first = _first_frame(path)
            if first is not None and first.get("counter_code") not in (None, code):
                raise MirrorError(FOREIGN, f"{path} holds counter {first.get('counter_code')}")
            if frame is not None and not _same_ledger(con, frame):
                # a journal of another ledger of this counter (a restore from a backup or a rebuild
                # put a new ledger here): its cursors mean nothing here, so it is kept aside, never
                # appended to, and a new journal copies this ledger whole
                os.replace(path, path.with_name(f"{path.name}.superseded-{os.getpid()}-{int(frame['n'])}"))
                log.warning("mirror %s belongs to another ledger of %s: set aside, starting afresh", path, code)
                frame = None
        if frame is not None:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
            self.n, self.o, self.a = int(frame["n"]), int(frame.get("o", 0)), int(frame.get("a", 0))
            self.r = frame.get("r")
        else:
            # new, or cut back to nothing (no frame in it was whole)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            fsync_dir(self.directory)
            self.n = self.o = self.a = 0
            self.r = None
        self._fd, self._path = fd, path
        self._ledger = _ledger_id(con)
        # a meta frame at every opening: the first names the counter (a stick is never taken for
        # another counter's), later ones carry the installation id without a scan of the journal
        self._installation = "\0"

    def _append(self, frames: list[dict[str, Any]]) -> None:
        assert self._fd is not None
        data = bytearray()
        n = self.n
        for f in frames:
            n += 1
            f["n"] = n
            f.setdefault("o", self.o)
            if f["t"] == "record":
                self.r = f["record_id"]
            f["r"] = self.r
            f["l"] = self._ledger
            data += encode_frame(f)
        view = memoryview(bytes(data))
        while view:
            done = os.write(self._fd, view)
            view = view[done:]
        os.fsync(self._fd)
        self.n = n
        self.o = max([self.o, *(int(f["o"]) for f in frames)])

    def _same_file(self) -> bool:
        """Whether the journal's name still leads to the file we hold open (one stat a commit: a
        write into a file that was deleted or replaced would succeed and copy nothing)."""
        assert self._fd is not None and self._path is not None
        try:
            now, held = os.stat(self._path), os.fstat(self._fd)
        except OSError:
            return False
        return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)

    def _close(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
        self._fd = None  # the next attempt reopens, cuts a torn tail and resumes from the last good frame

    def start_background_catch_up(self, db_path: Path) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._background, args=(db_path,), name="mirror-catch-up",
                                        daemon=True)
        self._thread.start()

    def _background(self, db_path: Path) -> None:
        con = sqlite3.connect(db_path, isolation_level=None, timeout=5, check_same_thread=False)
        try:
            while not self._stop.is_set():
                self.catch_up(con, limit=BACKGROUND_CHUNK)
                if self.behind == 0 or self.state not in (OK, WAITING):
                    return  # done, or the mirror failed: the next commit or start tries again
        finally:
            con.close()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        with self._lock:
            self._close()

    def _classify(self, e: OSError) -> str:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            return FULL
        if not self.directory.is_dir() or e.errno in (errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EIO):
            return MISSING
        return ERROR

    def _set(self, state: str, detail: str = "") -> None:
        if state != self.state and state not in (OK, WAITING):
            log.error("ledger mirror %s: %s %s", self.directory, state, detail)
        elif state == OK and self.state not in (OK, WAITING):
            log.warning("ledger mirror %s is back", self.directory)
        self.state, self.detail = state, detail

    def status(self) -> MirrorStatus:
        return MirrorStatus(True, self.state, self.detail, str(self._path or self.directory), self.n, self.behind)


LEDGER_ID_KEY = "mirror_ledger_id"


def _ensure_ledger_id(db: Any) -> None:
    """A random id of this ledger file (kv), carried by every frame: a ledger rebuilt or recovered
    gets a new one, so its mirror never takes another ledger's audit cursor for its own."""
    import secrets

    con = sqlite3.connect(db.path, isolation_level=None, timeout=5)
    try:
        if con.execute("SELECT 1 FROM kv WHERE key = ?", (LEDGER_ID_KEY,)).fetchone() is not None:
            return
    finally:
        con.close()
    from sqlalchemy import text

    with db.write() as conn:
        conn.execute(text("INSERT INTO kv(key, value) VALUES (:k, :v) ON CONFLICT(key) DO NOTHING"),
                     {"k": LEDGER_ID_KEY, "v": secrets.token_hex(8)})


def _ledger_id(con: sqlite3.Connection) -> str | None:
    row = con.execute("SELECT value FROM kv WHERE key = ?", (LEDGER_ID_KEY,)).fetchone()
    return None if row is None else str(row[0])


def _same_ledger(con: sqlite3.Connection, frame: dict[str, Any]) -> bool:
    """Whether the journal is this ledger's: the same ledger id, and at the journal's outbox cursor
    the record the journal copied there (a backup restored here has the id but not the records)."""
    if frame.get("l") != _ledger_id(con):
        return False
    o = int(frame.get("o", 0))
    if o == 0:
        return True
    row = con.execute("SELECT record_id FROM outbox WHERE outbox_id = ?", (o,)).fetchone()
    return row is not None and row[0] == frame.get("r")


def _first_frame(path: Path) -> dict[str, Any] | None:
    with open(path, "rb") as fh:
        line = fh.readline()
    return decode_line(line[:-1]) if line.endswith(b"\n") else None




def attach(db: Any, directory: Path) -> Mirror:
    """Hook a mirror on `directory` into the database's commit path and copy what it lacks now
    (at start: everything, however long the mirror was away)."""
    mirror = Mirror(directory)
    mirror.db_path = Path(db.path)
    _ensure_ledger_id(db)
    db.after_commit = mirror.on_commit
    # safe beside the writer: catch_up holds the mirror's lock and reads only committed rows past
    # its cursors, so this and a commit's hook never copy a row twice or skip one
    con = sqlite3.connect(db.path, isolation_level=None, timeout=5, check_same_thread=False)
    try:
        mirror.catch_up(con, limit=START_SYNC_LIMIT)
    finally:
        con.close()
    if mirror.behind:  # a new stick on a counter with a year of receipts: the rest off the start's path
        mirror.start_background_catch_up(db.path)
    return mirror
