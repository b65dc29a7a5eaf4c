"""The doctor's check of this PC's installation identity (issue 11 item 13): whether the central
server refused this PC as a second installation of its counter, and whether the ledger was
enrolled on this PC and data folder at all. Reads only; the token store is not needed."""

from __future__ import annotations

import json
import sqlite3

from counter_app.ops.findings import FAIL, OK, Context, Finding, read_ledger, stored_value
from counter_app.sync.installation import KV_KEY, machine_tag


def check_installation(ctx: Context) -> list[Finding]:
    try:
        got = read_ledger(ctx, lambda con: (stored_value(con, "kv", KV_KEY), stored_value(con, "kv", "sync_state"),
                                            stored_value(con, "meta", "counter_code")))
    except sqlite3.DatabaseError:
        return []  # check_database says what is wrong with the file
    if got is None:
        return []
    recorded, state, code = got
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
