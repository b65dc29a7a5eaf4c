"""The doctor's check of the ledger's mirror (storage/mirror.py): configured, there, writable, with
room, on another disk than the ledger, and holding every record the ledger has. Read-only: it runs
beside a running counter and never writes the journal."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from counter_app.ops.findings import FAIL, OK, SKIP, WARN, Context, Finding, db_file, free_bytes
from counter_app.storage.dbfile import connect_read_only
from counter_app.storage.mirror import MirrorError, decode_line, journal_path, last_good_frame

ADVICE = "mirror.do.fix"
# Below this the mirror is full: 50 MB (a tenth of the ledger disk's fail mark) is weeks of
# journal at a few hundred bytes a receipt.
FULL_BYTES = 50 * 1024 * 1024


def check_mirror(ctx: Context) -> list[Finding]:
    if not ctx.config.mirror_dir:
        return [Finding("mirror", SKIP, "mirror.off")]
    mirror = Path(ctx.config.mirror_dir)
    params: dict[str, object] = {"path": str(mirror), "behind": 0, "detail": ""}
    if not mirror.is_dir():
        return [Finding("mirror", FAIL, "mirror.missing", params, ADVICE)]
    if not os.access(mirror, os.W_OK):
        return [Finding("mirror", FAIL, "mirror.error", {**params, "detail": "not writable"}, ADVICE)]
    free = free_bytes(mirror)
    if free is not None and free < FULL_BYTES:
        return [Finding("mirror", FAIL, "mirror.full", params, ADVICE)]
    findings: list[Finding] = []
    ledger = db_file(ctx)
    if ledger.exists() and _same_disk(mirror, ledger.parent):
        findings.append(Finding("mirror", WARN, "mirror.same_disk", params, ADVICE))
    if not ledger.exists():
        return findings or [Finding("mirror", OK, "mirror.ok", params)]
    try:
        con = connect_read_only(ledger)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'counter_code'").fetchone()
            head = int(con.execute("SELECT COALESCE(MAX(outbox_id), 0) FROM outbox").fetchone()[0])
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return findings  # the database check says what is wrong with the ledger
    if row is None:
        return findings or [Finding("mirror", OK, "mirror.waiting", params)]
    path = journal_path(mirror, str(row[0]))
    params["path"] = str(path)
    if not path.exists():
        if head:
            return [*findings, Finding("mirror", FAIL, "mirror.behind", {**params, "behind": head}, ADVICE)]
        return findings or [Finding("mirror", OK, "mirror.ok", params)]
    try:
        _end, frame = last_good_frame(path)
    except MirrorError as e:
        return [*findings, Finding("mirror", FAIL, "mirror.damaged", {**params, "detail": e.detail}, ADVICE)]
    with open(path, "rb") as fh:
        first = decode_line(fh.readline().rstrip(b"\n"))
    if first is not None and first.get("counter_code") not in (None, row[0]):
        return [*findings, Finding("mirror", FAIL, "mirror.foreign", params, ADVICE)]
    behind = head - (0 if frame is None else int(frame.get("o", 0)))
    if behind > 0:
        # a running counter's mirror is never behind between receipts: this one is not being kept
        return [*findings, Finding("mirror", FAIL, "mirror.behind", {**params, "behind": behind}, ADVICE)]
    return findings or [Finding("mirror", OK, "mirror.ok", params)]


def _same_disk(a: Path, b: Path) -> bool:
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False
