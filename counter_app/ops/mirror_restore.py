"""`counter-app restore --from-mirror DIR`: rebuild the ledger from the mirror's journal alone
(counter_app/storage/mirror.py), when the primary disk is lost.

Every frame's checksum and sequence number is checked, and the receipts' hash chain from genesis;
the rebuild stops at the last good frame before the first damaged one (or the first receipt that
does not link) and says where. Records are put back exactly as committed (same outbox ids, same
payloads), all pending: the central server answers `duplicate` for what it has, so a re-sync stores
nothing twice. The journal is then set aside (renamed, never deleted) so the rebuilt ledger starts
a fresh one at its next start."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.domain.closes import DEFAULT_DENOMINATIONS
from counter_app.domain.errors import CounterError
from counter_app.services.clock import IST, iso, system_clock
from counter_app.storage import cash as cash_repo
from counter_app.storage import closes as closes_repo
from counter_app.storage import receipts as receipts_repo
from counter_app.storage import reversals as reversals_repo
from counter_app.storage.db import raw
from counter_app.storage.dbfile import DB_FILENAME
from counter_app.storage.mirror import SHIFT_COLS, USER_COLS, iter_frames
from counter_app.storage.store import open_store, set_kv
from kesco_protocol.chain import GENESIS_HASH, link_hash
from kesco_protocol.records import (
    DayClose,
    Deposit,
    Dishonour,
    Pickup,
    Receipt,
    RecordKind,
    Reversal,
    ShiftClose,
    Void,
)

log = logging.getLogger(__name__)

JOURNAL_GLOB = "KESCO-*.ledger-journal"


class MirrorRestoreError(CounterError):
    key = "mirror.restore_failed"


@dataclass
class JournalCheck:
    """What a pass over the journal found: how far it can be used, and why not further."""

    path: Path
    counter_code: str | None = None
    frames: int = 0  # good frames usable for the rebuild
    receipts: int = 0
    last_seq: int = 0
    head_hash: str = GENESIS_HASH
    records: int = 0
    problem: dict[str, Any] | None = None  # the first damaged frame or broken link

    def to_dict(self) -> dict[str, Any]:
        return {"journal": str(self.path), "counter_code": self.counter_code, "frames": self.frames,
                "receipts": self.receipts, "last_seq": self.last_seq, "records": self.records,
                "problem": self.problem}


@dataclass
class MirrorRestoreResult:
    check: JournalCheck
    restored_to: str
    journal_kept_as: str
    kinds_kept_only_in_outbox: dict[str, int] = field(default_factory=dict)


def find_journal(mirror_dir: Path, counter_code: str | None = None) -> Path:
    found = sorted(Path(mirror_dir).glob(JOURNAL_GLOB))
    if counter_code:
        found = [p for p in found if p.name == f"KESCO-{counter_code}.ledger-journal"]
    if len(found) != 1:
        raise MirrorRestoreError("mirror.restore_no_journal", path=str(mirror_dir), found=len(found))
    return found[0]


def _good_frames(path: Path, check: JournalCheck) -> Iterator[dict[str, Any]]:
    """The journal's frames in order, stopping before the first one that is damaged, out of
    sequence, of another counter or breaks the receipt chain (noted in check.problem)."""
    expected = 1
    for offset, frame, _length in iter_frames(path):
        where = {"frame": expected, "offset": offset}
        if frame is None:
            check.problem = {"key": "mirror.frame_damaged", **where}
            return
        if frame["n"] != expected:
            check.problem = {"key": "mirror.frame_sequence", "found": frame["n"], **where}
            return
        t = frame.get("t")
        if t == "meta":
            code = frame.get("counter_code")
            if check.counter_code is None:
                check.counter_code = code
            elif code != check.counter_code:
                check.problem = {"key": "mirror.frame_other_counter", "found": code, **where}
                return
        elif t == "record" and frame.get("kind") == RecordKind.RECEIPT:
            try:
                r = Receipt.from_wire(json.loads(frame["payload"]))
            except (ValueError, KeyError, TypeError) as e:
                check.problem = {"key": "mirror.frame_damaged", "detail": str(e)[:200], **where}
                return
            if r.seq != check.last_seq + 1 or r.prev_hash != check.head_hash \
                    or link_hash(check.head_hash, r.canonical()) != r.hash or r.counter_code != check.counter_code:
                check.problem = {"key": "integrity.chain_broken", "seq": r.seq, **where}
                return
            check.last_seq, check.head_hash = r.seq, r.hash
            check.receipts += 1
        if t == "record":
            check.records += 1
        check.frames = expected
        expected += 1
        yield frame


def check_journal(path: Path) -> JournalCheck:
    """Verify the whole journal without changing anything."""
    check = JournalCheck(Path(path))
    for _ in _good_frames(path, check):
        pass
    return check


def restore_from_mirror(data_dir: Path, mirror_dir: Path, *, counter_code: str | None = None,
                        now: datetime | None = None) -> MirrorRestoreResult:
    """Rebuild the ledger in `data_dir` (which must hold none: a restore never overwrites a ledger)
    from the journal in `mirror_dir`."""
    data_dir = Path(data_dir)
    now = now or system_clock()
    path = find_journal(mirror_dir, counter_code)
    if (data_dir / DB_FILENAME).exists():
        raise MirrorRestoreError("mirror.restore_target_exists", path=str(data_dir / DB_FILENAME))
    first = check_journal(path)  # a first pass, so that nothing is created from an unusable journal
    if first.counter_code is None:
        raise MirrorRestoreError("mirror.restore_unusable", path=str(path),
                                 detail=(first.problem or {}).get("key", "empty"))
    check = JournalCheck(path)
    kept_only: dict[str, int] = {}
    store = open_store(data_dir)
    try:
        with store.db.write() as conn:
            con = raw(conn)
            for frame in _good_frames(path, check):
                _apply(conn, con, frame, kept_only)
            con.execute("INSERT INTO meta(key, value) VALUES ('counter_code', ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (check.counter_code,))
            set_kv(conn, "restored_at", iso(now))
            set_kv(conn, "restored_from", f"mirror:{path}")
            receipts_repo.audit(conn, iso(now), "it", "restore_from_mirror", path.name,
                                {**check.to_dict(), "kinds_kept_only_in_outbox": kept_only})
    finally:
        store.close()
    kept_as = path.with_name(f"{path.name}.restored-{now.astimezone(IST).strftime('%Y%m%d-%H%M%S')}")
    os.replace(path, kept_as)  # the rebuilt ledger starts a fresh journal (its audit ids are new)
    log.warning("rebuilt the ledger of %s from the mirror %s: %d receipts (problem: %s)",
                check.counter_code, path, check.receipts, check.problem)
    return MirrorRestoreResult(check, str(data_dir / DB_FILENAME), str(kept_as), kept_only)


def _apply(conn: Any, con: Any, frame: dict[str, Any], kept_only: dict[str, int]) -> None:
    t = frame.get("t")
    if t == "meta":
        if frame.get("installation_id"):
            set_kv(conn, "installation_id", str(frame["installation_id"]))
    elif t == "user":
        u = {k: frame["user"][k] for k in USER_COLS}
        con.execute(f"INSERT INTO users ({', '.join(USER_COLS)}) VALUES ({', '.join('?' for _ in USER_COLS)}) "
                    "ON CONFLICT(username) DO UPDATE SET full_name = excluded.full_name, role = excluded.role, "
                    "pin_hash = excluded.pin_hash, active = excluded.active", tuple(u.values()))
    elif t == "shift":
        s = {k: frame["shift"][k] for k in SHIFT_COLS}
        con.execute(f"INSERT INTO shifts ({', '.join(SHIFT_COLS)}) VALUES ({', '.join('?' for _ in SHIFT_COLS)}) "
                    "ON CONFLICT(shift_id) DO NOTHING", tuple(s.values()))
        if s["closed_at"] is not None:
            con.execute("UPDATE shifts SET closed_at = ? WHERE shift_id = ? AND closed_at IS NULL",
                        (s["closed_at"], s["shift_id"]))
    elif t == "record":
        apply_record(conn, frame["kind"], frame["payload"], kept_only)
        con.execute("INSERT INTO outbox (outbox_id, record_id, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)",
                    (frame["outbox_id"], frame["record_id"], frame["kind"], frame["payload"], frame["created_at"]))


def apply_record(conn: Any, kind: str, payload: str, kept_only: dict[str, int]) -> None:
    """Put one record's own row back (its outbox row is the caller's): the same payload gives the
    same canonical text, so the rebuilt ledger's checks (outbox against records) agree."""
    d = json.loads(payload)
    if kind == RecordKind.RECEIPT:
        r = Receipt.from_wire(d)
        receipts_repo.insert_receipt(conn, r)
        if r.signature is not None:
            receipts_repo.insert_signature(conn, r)
        return
    d.pop("kind", None)
    if kind == RecordKind.VOID:
        receipts_repo.insert_void(conn, Void(**d))
    elif kind == RecordKind.DISHONOUR:
        receipts_repo.insert_dishonour(conn, Dishonour(**d))
    elif kind == RecordKind.SHIFT_CLOSE:
        closes_repo.insert_shift_close(conn, ShiftClose(**d))
    elif kind == RecordKind.DAY_CLOSE:
        closes_repo.insert_day_close(conn, DayClose(**d))
    elif kind == RecordKind.REVERSAL:
        reversals_repo.insert_reversal(conn, Reversal(**d))
    elif kind == RecordKind.PICKUP:
        p = Pickup(**d)
        cash_repo.insert_pickup(conn, p, _tray_counts(p.denominations))
    elif kind == RecordKind.DEPOSIT:
        dep = Deposit(**d)
        cash_repo.insert_deposit(conn, dep, _tray_counts(dep.denominations))
    else:  # a kind this version keeps no table for: it is still sent, from the outbox
        kept_only[kind] = kept_only.get(kind, 0) + 1


def _tray_counts(by_value: dict[str, int]) -> dict[str, int]:
    """The wire counts a value in rupees ("10": 7); the counter's own table keeps them by tray
    (N10, C10). A rebuild cannot tell ₹10 notes from ₹10 coins again: they go to the note tray,
    with the same total."""
    trays = {key: paise for key, paise in DEFAULT_DENOMINATIONS}
    out: dict[str, int] = {}
    for value, n in by_value.items():
        key = f"N{value}" if f"N{value}" in trays else f"C{value}"
        out[key] = out.get(key, 0) + int(n)
    return out
