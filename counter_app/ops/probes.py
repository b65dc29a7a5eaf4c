"""The doctor's checks. Each takes the shared Context and returns findings; none writes anything."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.domain.chain import format_ranges, verify_chain
from counter_app.ops.backup import backup_dir
from counter_app.ops.findings import (
    BACKUP_FAIL_HOURS,
    BACKUP_WARN_HOURS,
    CLOCK_FAIL_S,
    CLOCK_WARN_S,
    DISK_FAIL_BYTES,
    DISK_WARN_BYTES,
    FAIL,
    OK,
    SKIP,
    WARN,
    Context,
    Finding,
    db_file,
    free_bytes,
    latest_backup_in,
    read_ledger,
    schema_state,
    stored_value,
)
from counter_app.storage import migrate, outbox
from counter_app.storage.anchors import anchor_problems, outbox_mismatches, server_anchors
from counter_app.storage.dbfile import connect_read_only, quick_check
from kesco_protocol.records import Receipt

MB = 1024 * 1024


def check_config(ctx: Context) -> list[Finding]:
    out = []
    if not ctx.config.counter_code:
        out.append(Finding("config", FAIL, "doctor.not_set_up", {"path": str(ctx.data_dir)}, "doctor.do.setup"))
    if not ctx.config.server_url:
        out.append(Finding("config", WARN, "doctor.no_server_url", {}, "doctor.do.setup"))
    if not out:
        out.append(Finding("config", OK, "doctor.config_ok",
                           {"code": ctx.config.counter_code, "url": ctx.config.server_url}))
    return out


def check_database(ctx: Context) -> list[Finding]:
    path = db_file(ctx)
    if not path.exists():
        return [Finding("database", FAIL, "doctor.no_database", {"path": str(path)}, "doctor.do.setup")]
    try:
        rev, state = schema_state(path)
    except Exception as e:  # the header itself is unreadable
        return [Finding("database", FAIL, "storage.damaged", {"detail": str(e)}, "doctor.do.restore")]
    out = []
    if state == "newer":
        return [Finding("database", FAIL, "storage.newer_schema", {"found": rev, "known": migrate.HEAD},
                        "doctor.do.install_newer")]
    if state == "older":
        out.append(Finding("database", WARN, "doctor.schema_older", {"found": rev, "known": migrate.HEAD},
                           "doctor.do.start_to_upgrade"))
    damage = quick_check(path)
    if damage is not None:
        out.append(Finding("database", FAIL, "storage.damaged", {"detail": damage}, "doctor.do.restore"))
        return out
    ctx.db_ok = True
    out.append(Finding("database", OK, "doctor.db_ok",
                       {"path": str(path), "size_mb": round(path.stat().st_size / MB, 1), "schema": rev}))
    return out


# Receipt fields kept both as columns (for reports) and in the hashed canonical text: they must agree.
_MIRRORED = ("receipt_id", "receipt_no", "counter_code", "account_no", "amount_paise", "mode", "clerk",
             "shift_id", "business_date", "issued_at", "seq")


def check_records(ctx: Context) -> list[Finding]:
    """Chain, sequence gaps, rows that disagree with their hashed text, receipts not queued for sync.
    Runs on a damaged database too: what can still be read is worth knowing."""
    path = db_file(ctx)
    if not path.exists():
        return []
    out: list[Finding] = []
    missing: list[int] = []
    mismatched: list[int] = []
    last = 0
    seq_at = 3 + _MIRRORED.index("seq")

    def receipts(cur: sqlite3.Cursor) -> Iterator[Receipt]:
        # One streaming pass (a year of receipts never sits in memory): rows that disagree with
        # their sealed text and missing numbers are noted on the way, the chain is checked by
        # verify_chain as the receipts go by.
        nonlocal last
        for row in cur:
            d = json.loads(row[0])
            seq = int(row[seq_at])
            if any(d.get(name) != row[3 + i] for i, name in enumerate(_MIRRORED)):
                mismatched.append(seq)
            if seq != last + 1 and len(missing) < 10_000:
                missing.extend(range(last + 1, min(seq, last + 1 + 10_000)))
            last = max(last, seq)
            d["prev_hash"], d["hash"] = row[1], row[2]
            yield Receipt.from_wire(d)

    try:
        con = connect_read_only(path)
        try:
            cols = ", ".join(_MIRRORED)
            stream = receipts(con.execute(f"SELECT canonical, prev_hash, hash, {cols} FROM receipts ORDER BY seq"))
            report = verify_chain(stream)
            for _ in stream:  # past a broken link: keep counting gaps and altered rows
                pass
            no_outbox = [r[0] for r in con.execute(
                "SELECT seq FROM receipts r WHERE NOT EXISTS "
                "(SELECT 1 FROM outbox o WHERE o.record_id = r.receipt_id) ORDER BY seq")]
            # what a clerk with the file cannot rewrite: the server's anchor; and the outbox copies
            anchored = anchor_problems(con, [*server_anchors(con), *ctx.facts.get("anchors", [])])
            outbox_changed = outbox_mismatches(con)
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        return [Finding("receipts", FAIL, "storage.damaged", {"detail": str(e)}, "doctor.do.restore")]
    ctx.local_head = last
    if missing:
        out.append(Finding("receipts", FAIL, "integrity.sequence_gap", {"missing": format_ranges(missing)}, "doctor.do.gap"))
    if not report.ok and not (missing and report.reason and report.reason.startswith("sequence")):
        out.append(Finding("receipts", FAIL, "integrity.chain_broken",
                           {"seq": report.broken_at_seq, "detail": report.reason}, "doctor.do.chain"))
    if mismatched:
        out.append(Finding("receipts", FAIL, "doctor.row_mismatch", {"seqs": format_ranges(mismatched)}, "doctor.do.chain"))
    if no_outbox:
        out.append(Finding("receipts", FAIL, "integrity.outbox_missing", {"seqs": format_ranges(no_outbox)},
                           "doctor.do.report"))
    if outbox_changed:
        out.append(Finding("receipts", FAIL, "integrity.outbox_mismatch", {"seqs": format_ranges(outbox_changed)},
                           "doctor.do.chain"))
    for p in anchored:
        out.append(Finding("receipts", FAIL, p["key"], {k: v for k, v in p.items() if k != "key"}, "doctor.do.chain"))
    if not out:
        out.append(Finding("receipts", OK, "doctor.records_ok", {"receipts": report.checked}))
    return out


def check_outbox(ctx: Context) -> list[Finding]:
    def read(con: sqlite3.Connection) -> tuple[outbox.OutboxSummary, int, str | None, str | None]:
        waiting = outbox.summary(con)
        return (waiting, outbox.synced_count(con) if not waiting.pending else 0,
                stored_value(con, "kv", "restored_behind_seq"),
                stored_value(con, "kv", "server_status"))  # the sync engine's last view of the server

    try:
        got = read_ledger(ctx, read)
    except sqlite3.DatabaseError as e:
        return [Finding("sync", FAIL, "storage.damaged", {"detail": str(e)}, "doctor.do.restore")]
    if got is None:
        return []
    waiting, synced, behind, server_status = got
    out = []
    pending, oldest = waiting.pending, waiting.oldest_pending_at
    if pending and oldest:
        minutes = max(0, int((ctx.now - _when(oldest)).total_seconds() // 60))
        params = {"count": pending, "age": _age(minutes)}
        if minutes >= ctx.config.pending_red_minutes:
            out.append(Finding("sync", FAIL, "doctor.pending_old", params, "doctor.do.network"))
        elif minutes >= ctx.config.pending_amber_minutes:
            out.append(Finding("sync", WARN, "doctor.pending_old", params, "doctor.do.network"))
        else:
            out.append(Finding("sync", OK, "doctor.pending", params))
    else:
        out.append(Finding("sync", OK, "doctor.nothing_pending", {"synced": synced}))
    alarms = waiting.conflicts + waiting.invalid
    if alarms:
        out.append(Finding("sync", FAIL, "doctor.outbox_conflicts", {"count": alarms}, "doctor.do.conflicts"))
    if waiting.parked:
        out.append(Finding("sync", WARN, "doctor.outbox_parked", {"count": waiting.parked},
                           "doctor.do.parked"))
    ahead = max(int(behind or 0), _server_max_seq(server_status))
    if ctx.local_head is not None and ctx.local_head < ahead:
        # The server (or the replaced database) holds receipt numbers this database does not: the
        # next receipt would reuse one of them.
        out.append(Finding("sync", FAIL, "doctor.restored_behind",
                           {"local": ctx.local_head, "server": ahead}, "doctor.do.restored_behind"))
    return out


def _server_max_seq(raw: str | None) -> int:
    try:
        return int(json.loads(raw or "{}").get("max_seq") or 0)
    except (ValueError, TypeError, AttributeError):
        return 0


def check_disk(ctx: Context) -> list[Finding]:
    out = []
    seen: set[int] = set()
    for place in (ctx.data_dir, backup_dir(ctx.data_dir, ctx.config)):
        free = free_bytes(place)
        if free is None:
            continue
        dev = _device(place)
        if dev in seen:
            continue
        seen.add(dev)
        params = {"where": str(place), "free_mb": free // MB}
        if free < DISK_FAIL_BYTES:
            out.append(Finding("disk", FAIL, "doctor.disk_low", params, "doctor.do.disk"))
        elif free < DISK_WARN_BYTES:
            out.append(Finding("disk", WARN, "doctor.disk_low", params, "doctor.do.disk"))
        else:
            out.append(Finding("disk", OK, "doctor.disk_ok", params))
    return out


def check_backup(ctx: Context) -> list[Finding]:
    dest = backup_dir(ctx.data_dir, ctx.config)
    if ctx.config.backup_dir and not dest.is_dir():
        return [Finding("backup", FAIL, "doctor.backup_dir_missing", {"path": str(dest)}, "doctor.do.backup_dir")]
    if dest.is_dir() and not os.access(dest, os.W_OK):
        return [Finding("backup", FAIL, "doctor.backup_dir_unwritable", {"path": str(dest)}, "doctor.do.backup_dir")]
    latest = latest_backup_in(ctx)
    if latest is None:
        return [Finding("backup", WARN, "doctor.no_backup", {"path": str(dest)}, "doctor.do.backup")]
    hours = int((ctx.now - _when(latest.created_at)).total_seconds() // 3600)
    params = {"path": latest.path, "age": _age(hours * 60), "receipts": latest.receipts}
    if hours >= BACKUP_FAIL_HOURS:
        return [Finding("backup", FAIL, "doctor.backup_old", params, "doctor.do.backup")]
    if hours >= BACKUP_WARN_HOURS:
        return [Finding("backup", WARN, "doctor.backup_old", params, "doctor.do.backup")]
    return [Finding("backup", OK, "doctor.backup_ok", params)]


def check_keyring(ctx: Context) -> list[Finding]:
    from counter_app.ops.keyring_probe import keyring_backend

    if ctx.config.token_store == "file":  # a Linux counter's private token file (docs/INSTALL.md)
        from counter_app.sync.errors import KeyringUnavailable
        from counter_app.sync.token_file import FileTokenStore

        store = FileTokenStore(ctx.config.token_file or None)
        try:
            store.check()
        except KeyringUnavailable as e:
            return [Finding("keyring", FAIL, "doctor.keyring_unusable", {"backend": f"file: {e.detail}"},
                            "doctor.do.keyring")]
        return [Finding("keyring", OK, "doctor.keyring_ok", {"backend": f"file {store.path}"})]
    name, usable = keyring_backend()
    if not usable:
        return [Finding("keyring", FAIL, "doctor.keyring_unusable", {"backend": name}, "doctor.do.keyring")]
    return [Finding("keyring", OK, "doctor.keyring_ok", {"backend": name})]


def check_server(ctx: Context) -> list[Finding]:
    if not ctx.server:
        return [Finding("server", SKIP, "doctor.server_skipped", {})]
    url = ctx.config.server_url
    if not url:
        return [Finding("server", SKIP, "doctor.server_not_configured", {})]
    from counter_app.ops.server_probe import probe_health

    result = probe_health(url, ca_bundle=ctx.config.ca_bundle, timeout_s=ctx.timeout_s)
    if result.error is not None:
        return [Finding("server", FAIL, "doctor.server_unreachable", {"url": url, "detail": result.error},
                        "doctor.do.network")]
    out = [Finding("server", OK, "doctor.server_ok", {"url": url, "ms": result.ms})]
    if result.server_time is not None:
        # Half the round trip is the best guess of when the server read its clock.
        skew = abs((ctx.now - result.server_time).total_seconds()) - result.ms / 2000
        params: dict[str, Any] = {"seconds": int(max(0, skew))}
        if skew >= CLOCK_FAIL_S:
            out.append(Finding("clock", FAIL, "doctor.clock_off", params, "doctor.do.clock"))
        elif skew >= CLOCK_WARN_S:
            out.append(Finding("clock", WARN, "doctor.clock_off", params, "doctor.do.clock"))
        else:
            out.append(Finding("clock", OK, "doctor.clock_ok", params))
    return out


def _when(text: str) -> datetime:
    from counter_app.services.clock import IST

    t = datetime.fromisoformat(text)
    return t if t.tzinfo is not None else t.replace(tzinfo=IST)


def _device(p: Path) -> int:
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        return p.stat().st_dev
    except OSError:
        return -1


def _age(minutes: int) -> str:
    if minutes < 120:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


