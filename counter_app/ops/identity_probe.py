"""The doctor's check of this PC's installation identity (issue 11 item 13): whether the central
server refused this PC as a second installation of its counter, and whether the ledger was
enrolled on this PC and data folder at all. Reads only; the token store is not needed."""

from __future__ import annotations

import json
import sqlite3

from counter_app.ops.findings import FAIL, OK, Context, Finding, db_file
from counter_app.storage.dbfile import connect_read_only
from counter_app.sync.installation import KV_KEY, machine_tag


def _kv(con: sqlite3.Connection, key: str) -> str | None:
    try:
        row = con.execute("SELECT value FROM kv WHERE key=?", (key,)).fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else row[0]


def _meta(con: sqlite3.Connection, key: str) -> str | None:
    try:
        row = con.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else row[0]


def check_installation(ctx: Context) -> list[Finding]:
    path = db_file(ctx)
    if not path.exists():
        return []
    try:
        con = connect_read_only(path)
        try:
            recorded, state, code = _kv(con, KV_KEY), _kv(con, "sync_state"), _meta(con, "counter_code")
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return []  # check_database says what is wrong with the file
    code = code or ctx.config.counter_code or "?"
    refused = False
    try:
        err = (json.loads(state) or {}).get("last_error") if state else None
        refused = isinstance(err, dict) and err.get("kind") == "installation"
    except ValueError:
        pass
    if refused:
        # the server's word: another PC is this counter's enrolled installation. Not a restore.
        return [Finding("installation", FAIL, "doctor.not_enrolled_installation",
                        {"counter": code, "why": "the central server knows another PC as this counter"},
                        "doctor.do.reenrol")]
    if recorded is None:
        return []  # not enrolled yet, or by an older version: it gets an identity at its next sync
    if recorded.rsplit(".", 1)[-1] != machine_tag(ctx.facts.get("machine")):
        return [Finding("installation", FAIL, "doctor.not_enrolled_installation",
                        {"counter": code, "why": "this data folder was enrolled on another PC"},
                        "doctor.do.reenrol")]
    return [Finding("installation", OK, "doctor.installation_ok", {"counter": code})]
