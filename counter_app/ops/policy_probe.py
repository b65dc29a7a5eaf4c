"""The doctor's line on the part-payment policy this counter applies: the one the central server
sent (its id, when, the rules), or the built-in UP rule when none has come yet (a warning: the
utility's own rule may differ). Reads only."""

from __future__ import annotations

import sqlite3

from counter_app.ops.findings import OK, WARN, Context, Finding, db_file
from counter_app.storage import part_payment as policy_store
from counter_app.storage.dbfile import connect_read_only
from kesco_protocol.money import format_inr
from kesco_protocol.part_payment import Minimum, share_text


def _rule(m: Minimum) -> str:
    return f"{share_text(m.share_bp)}% / {format_inr(m.minimum_paise)}"


def check_part_payment_policy(ctx: Context) -> list[Finding]:
    path = db_file(ctx)
    if not path.exists():
        return []
    con = connect_read_only(path)
    try:
        row = con.execute("SELECT value FROM kv WHERE key=?", (policy_store.KEY,)).fetchone()
    except sqlite3.OperationalError:
        row = None
    finally:
        con.close()
    held = policy_store.parse(None if row is None else row[0])
    p = held.policy
    if held.source == policy_store.BUILT_IN:
        return [Finding("part_payment", WARN, "doctor.part_payment_built_in",
                        {"dom": _rule(p.for_category("DOM")), "other": _rule(p.default)}, "doctor.do.sync_policy")]
    rules = ", ".join([*(f"{k} {_rule(v)}" for k, v in sorted(p.categories.items())), f"* {_rule(p.default)}"])
    return [Finding("part_payment", OK, "doctor.part_payment_server",
                    {"policy_id": p.policy_id, "received_at": held.received_at or "-", "rules": rules})]
