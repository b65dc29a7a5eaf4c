"""Reversals: a supervisor's reversal of a receipt after its day or shift is over (issue 16).
Append-only rows (migration 0007), one per receipt, kept beside voids and dishonours."""

from __future__ import annotations

import json

from sqlalchemy import Connection

from counter_app.storage.db import raw
from kesco_protocol.records import Reversal


def insert_reversal(conn: Connection, rv: Reversal) -> None:
    raw(conn).execute(
        "INSERT INTO reversals (reversal_id, receipt_id, business_date, approved_by, recorded_at, canonical) "
        "VALUES (?,?,?,?,?,?)",
        (rv.reversal_id, rv.receipt_id, rv.business_date, rv.approved_by, rv.recorded_at, rv.canonical()),
    )


def reversal_of(conn: Connection, receipt_id: str) -> Reversal | None:
    row = raw(conn).execute("SELECT canonical FROM reversals WHERE receipt_id=?", (receipt_id,)).fetchone()
    if row is None:
        return None
    d = json.loads(row[0])
    d.pop("kind", None)
    return Reversal(**d)


def reversed_ids(conn: Connection, receipt_ids: list[str]) -> set[str]:
    """Which of these receipts have been reversed (for the receipts list's state column)."""
    if not receipt_ids:
        return set()
    out: set[str] = set()
    for i in range(0, len(receipt_ids), 500):  # SQLite's bound-parameter limit
        part = receipt_ids[i:i + 500]
        marks = ",".join("?" * len(part))
        out.update(str(r[0]) for r in raw(conn).execute(
            f"SELECT receipt_id FROM reversals WHERE receipt_id IN ({marks})", part))
    return out
