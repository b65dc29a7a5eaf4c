"""Restoring the counter database from a backup, without ever losing a receipt silently.

Before anything is replaced the plan compares the backup with the current database: records the
current database holds, that the backup lacks and that the central server has not acknowledged
(outbox state other than 'synced' or 'parked') would be lost, so the restore is refused unless
forced. The replaced files are moved aside, never deleted. After a restore, outbox rows that were
still pending in the backup are sent again and the server answers `duplicate` for those it already
has, so a re-sync stores nothing twice."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.domain.chain import verify_chain
from counter_app.domain.errors import CounterError, ValidationError
from counter_app.ops.backup import (
    BackupError,
    BackupInfo,
    copy_database,
    database_file,
    read_info,
    sha256_file,
)
from counter_app.services.clock import IST, iso, system_clock
from counter_app.storage import migrate
from counter_app.storage.db import Database, InstanceLock
from counter_app.storage.dbfile import connect_read_only, quick_check
from kesco_protocol.records import Receipt

log = logging.getLogger(__name__)

ACKNOWLEDGED = ("synced", "parked")  # the server stored these (parked: held for review, but stored)
REPLACED_DIRNAME = "replaced"


class RestoreRefused(CounterError):
    key = "ops.restore_at_risk"


@dataclass
class RestorePlan:
    backup: BackupInfo
    backup_problems: list[dict[str, Any]] = field(default_factory=list)
    current_exists: bool = False
    current_problem: str | None = None  # why the current database could not be read
    current_code: str | None = None
    current_receipts: int = 0
    at_risk: list[dict[str, Any]] = field(default_factory=list)  # records that a restore would lose
    acknowledged_missing: list[dict[str, Any]] = field(default_factory=list)  # lost here, kept on the server

    @property
    def other_counter(self) -> bool:
        return bool(self.current_code and self.backup.counter_code and self.current_code != self.backup.counter_code)

    @property
    def needs_force(self) -> bool:
        return bool(self.at_risk) or self.current_problem is not None or self.other_counter

    def to_dict(self) -> dict[str, Any]:
        return {
            "backup": self.backup.to_dict(), "backup_problems": self.backup_problems,
            "current_exists": self.current_exists, "current_problem": self.current_problem,
            "current_code": self.current_code, "current_receipts": self.current_receipts,
            "at_risk": self.at_risk, "acknowledged_missing": len(self.acknowledged_missing),
            "acknowledged_missing_seqs": _seq_span(self.acknowledged_missing),
            "needs_force": self.needs_force,
        }


@dataclass(frozen=True)
class RestoreResult:
    plan: RestorePlan
    restored_to: str
    replaced_dir: str | None
    forced: bool
    pre_upgrade_backup: str | None


def _read_receipts(con: sqlite3.Connection) -> Iterator[Receipt]:
    """Streamed: a year of receipts never sits in memory at once."""
    for canonical, prev_hash, hash_ in con.execute("SELECT canonical, prev_hash, hash FROM receipts ORDER BY seq"):
        d = json.loads(canonical)
        d["prev_hash"], d["hash"] = prev_hash, hash_
        yield Receipt.from_wire(d)


def check_backup(backup_file: Path) -> tuple[BackupInfo, list[dict[str, Any]]]:
    """The backup's description and what is wrong with it: checksum, integrity, receipt chain."""
    info = read_info(backup_file)
    problems: list[dict[str, Any]] = []
    if info.sha256 and sha256_file(Path(backup_file)) != info.sha256:
        problems.append({"key": "ops.backup_checksum"})
    damage = quick_check(Path(backup_file))
    if damage is not None:
        problems.append({"key": "storage.damaged", "detail": damage})
        return info, problems
    con = connect_read_only(Path(backup_file))
    try:
        report = verify_chain(_read_receipts(con))
    except (sqlite3.DatabaseError, ValidationError, ValueError) as e:
        problems.append({"key": "storage.damaged", "detail": str(e)})
        return info, problems
    finally:
        con.close()
    if not report.ok:
        problems.append({"key": "integrity.chain_broken", "seq": report.broken_at_seq, "detail": report.reason})
    if info.schema is not None and info.schema not in migrate.REVISIONS:
        problems.append({"key": "storage.newer_schema", "found": info.schema, "known": migrate.HEAD})
    return info, problems


def _record_ids(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT record_id FROM outbox")}


def plan_restore(data_dir: Path, backup_file: Path) -> RestorePlan:
    """What restoring `backup_file` into `data_dir` would do, and what it would lose."""
    info, problems = check_backup(Path(backup_file))
    plan = RestorePlan(info, problems)
    current = database_file(data_dir)
    if not current.exists():
        return plan
    plan.current_exists = True
    try:
        b = connect_read_only(Path(backup_file))
        try:
            in_backup = _record_ids(b)
        finally:
            b.close()
        c = connect_read_only(current)
        try:
            plan.current_code = _scalar(c, "SELECT value FROM meta WHERE key='counter_code'")
            plan.current_receipts = int(_scalar(c, "SELECT COALESCE(MAX(seq), 0) FROM receipts") or 0)
            seq_of = dict(c.execute("SELECT receipt_id, seq FROM receipts WHERE seq > ?", (info.receipts,)).fetchall())
            rows = c.execute("SELECT record_id, kind, state, created_at FROM outbox").fetchall()
        finally:
            c.close()
    except sqlite3.DatabaseError as e:
        plan.current_problem = str(e)
        return plan
    acked = set()
    for record_id, kind, state, created_at in rows:
        if record_id in in_backup:
            continue
        rec = {"record_id": record_id, "kind": kind, "state": state, "created_at": created_at,
               "seq": seq_of.get(record_id)}
        if state in ACKNOWLEDGED:
            acked.add(record_id)
            plan.acknowledged_missing.append(rec)
        else:
            plan.at_risk.append(rec)
    # A receipt with no outbox row at all (it should not exist) is at risk too.
    listed = {r["record_id"] for r in plan.at_risk} | acked
    for receipt_id, seq in seq_of.items():
        if receipt_id not in listed and receipt_id not in in_backup:
            plan.at_risk.append({"record_id": receipt_id, "kind": "receipt", "state": None, "created_at": None,
                                 "seq": seq})
    return plan


def restore(data_dir: Path, backup_file: Path, *, force: bool = False, now: datetime | None = None) -> RestoreResult:
    """Replace the counter database in `data_dir` by `backup_file`. The counter must not be running
    (the instance lock is taken). A damaged backup is never restored; a restore that would lose
    unacknowledged records, or that cannot read the current database to find out, or that puts
    another counter's backup here, is refused unless `force`."""
    data_dir = Path(data_dir)
    now = now or system_clock()
    lock = InstanceLock(data_dir)
    lock.acquire()
    try:
        plan = plan_restore(data_dir, Path(backup_file))
        if plan.backup_problems:
            first = plan.backup_problems[0]
            raise BackupError("ops.backup_damaged", path=str(backup_file),
                              detail=first.get("detail") or first["key"])
        if plan.needs_force and not force:
            raise _refusal(plan)
        target = database_file(data_dir)
        replaced = _move_aside(target, data_dir, now) if plan.current_exists else None
        partial = target.with_name(target.name + ".partial")
        copy_database(Path(backup_file), partial)
        os.replace(partial, target)
        pre_upgrade = migrate.upgrade(target)
        _record(target, plan, now, force, replaced)
        log.warning("restored %s from %s (forced=%s, at risk %d, replaced kept in %s)",
                    target, backup_file, force, len(plan.at_risk), replaced)
        return RestoreResult(plan, str(target), None if replaced is None else str(replaced), force, pre_upgrade)
    finally:
        lock.release()


def _refusal(plan: RestorePlan) -> RestoreRefused:
    if plan.current_problem is not None:
        return RestoreRefused("ops.restore_current_unreadable", detail=plan.current_problem)
    if plan.other_counter:
        return RestoreRefused("ops.restore_other_counter", backup=plan.backup.counter_code, current=plan.current_code)
    receipts = [r for r in plan.at_risk if r["kind"] == "receipt"]
    return RestoreRefused("ops.restore_at_risk", count=len(plan.at_risk), receipts=len(receipts),
                          seqs=_seq_span(receipts) or "-")


def _move_aside(target: Path, data_dir: Path, now: datetime) -> Path:
    """Move the current database and its -wal/-shm into replaced/<time>/: kept, never deleted."""
    dest = data_dir / REPLACED_DIRNAME / now.astimezone(IST).strftime("%Y%m%d-%H%M%S")
    dest.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        p = target.with_name(target.name + suffix)
        if p.exists():
            os.replace(p, dest / p.name)
    return dest


def _record(target: Path, plan: RestorePlan, now: datetime, forced: bool, replaced: Path | None) -> None:
    """An audit row and markers in the restored database, so the doctor and HQ can see it happened."""
    from counter_app.storage import receipts as receipts_repo
    from counter_app.storage.store import set_kv

    db = Database(target)
    try:
        with db.write() as conn:
            receipts_repo.audit(conn, iso(now), "it", "restore", Path(plan.backup.path).name, {
                "backup_receipts": plan.backup.receipts, "replaced_receipts": plan.current_receipts,
                "lost_unacknowledged": len(plan.at_risk), "kept_on_server": len(plan.acknowledged_missing),
                "forced": forced, "replaced_dir": None if replaced is None else str(replaced),
            })
            set_kv(conn, "restored_at", iso(now))
            set_kv(conn, "restored_from", plan.backup.path)
            if plan.acknowledged_missing:
                # The server holds receipts this database lacks: the doctor checks the counter does
                # not issue their numbers again before the server's copy is accounted for.
                set_kv(conn, "restored_behind_seq", str(plan.current_receipts))
    finally:
        db.dispose()


def _scalar(con: sqlite3.Connection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    return None if row is None else row[0]


def _seq_span(records: list[dict[str, Any]]) -> str | None:
    seqs = sorted(r["seq"] for r in records if r.get("seq") is not None)
    if not seqs:
        return None
    return str(seqs[0]) if seqs[0] == seqs[-1] else f"{seqs[0]}-{seqs[-1]}"
