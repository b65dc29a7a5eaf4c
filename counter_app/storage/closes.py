"""Queries for shift and day close: a shift's or a day's receipts with their voids and sync state."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from counter_app.storage.db import raw
from kesco_protocol.records import DayClose, ShiftClose


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """One receipt as the closing reports need it."""

    seq: int
    receipt_id: str
    receipt_no: str
    account_no: str
    consumer_name: str
    category: str
    amount_paise: int
    mode: str
    instrument: dict[str, Any] | None
    clerk: str
    shift_id: str
    issued_at: str
    business_date: str
    void_reason: str | None
    void_approved_by: str | None
    dishonoured: bool
    sync_state: str  # outbox state: pending / synced / conflict / parked / invalid
    reprints: int
    round_off_paise: int = 0  # cash rounded to the rupee: the drawer took amount + round_off

    @property
    def cash_paise(self) -> int:
        """What the drawer took (cash) for this receipt."""
        return self.amount_paise + self.round_off_paise

    @property
    def voided(self) -> bool:
        return self.void_reason is not None


_LINES = """
SELECT r.seq, r.canonical, v.canonical, d.dishonour_id, o.state,
       (SELECT COUNT(*) FROM audit a WHERE a.subject = r.receipt_id AND a.action = 'reprint')
FROM receipts r
LEFT JOIN voids v ON v.receipt_id = r.receipt_id
LEFT JOIN dishonours d ON d.receipt_id = r.receipt_id
LEFT JOIN outbox o ON o.record_id = r.receipt_id
WHERE {where}
ORDER BY r.seq
"""


def _lines(conn: Connection, where: str, params: tuple[Any, ...]) -> list[ReceiptLine]:
    out = []
    for seq, canon, void_canon, dish, state, reprints in raw(conn).execute(_LINES.format(where=where), params):
        r = json.loads(canon)
        v = json.loads(void_canon) if void_canon else None
        out.append(ReceiptLine(
            int(seq), r["receipt_id"], r["receipt_no"], r["account_no"], r["consumer_name"], r["category"],
            int(r["amount_paise"]), r["mode"], r.get("instrument"), r["clerk"], r["shift_id"], r["issued_at"],
            r["business_date"], None if v is None else v["reason"], None if v is None else v["approved_by"],
            dish is not None, state or "missing", int(reprints), int(r.get("round_off_paise", 0)),
        ))
    return out


def shift_lines(conn: Connection, shift_id: str) -> list[ReceiptLine]:
    return _lines(conn, "r.shift_id = ?", (shift_id,))


def day_lines(conn: Connection, business_date: str) -> list[ReceiptLine]:
    return _lines(conn, "r.business_date = ?", (business_date,))


def range_lines(conn: Connection, start: str, end: str) -> list[ReceiptLine]:
    return _lines(conn, "r.business_date BETWEEN ? AND ?", (start, end))


def insert_shift_close(conn: Connection, sc: ShiftClose) -> None:
    raw(conn).execute(
        "INSERT INTO shift_closes (shift_close_id, shift_id, business_date, counted_cash_paise, expected_cash_paise, "
        "variance_paise, approved_by, closed_by, closed_at, canonical) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (sc.shift_close_id, sc.shift_id, sc.business_date, sc.counted_cash_paise, sc.expected_cash_paise,
         sc.variance_paise, sc.approved_by, sc.closed_by, sc.closed_at, sc.canonical()),
    )


def shift_closes_on(conn: Connection, business_date: str) -> list[ShiftClose]:
    rows = raw(conn).execute(
        "SELECT canonical FROM shift_closes WHERE business_date=? ORDER BY closed_at", (business_date,)
    ).fetchall()
    out = []
    for (canon,) in rows:
        d = json.loads(canon)
        d.pop("kind", None)
        out.append(ShiftClose(**d))
    return out


def insert_day_close(conn: Connection, dc: DayClose) -> None:
    raw(conn).execute(
        "INSERT INTO day_closes (day_close_id, business_date, closed_by, closed_at, canonical) VALUES (?,?,?,?,?)",
        (dc.day_close_id, dc.business_date, dc.closed_by, dc.closed_at, dc.canonical()),
    )


def is_day_closed(conn: Connection, business_date: str) -> bool:
    return raw(conn).execute("SELECT 1 FROM day_closes WHERE business_date=?", (business_date,)).fetchone() is not None


def day_close_of(conn: Connection, business_date: str) -> tuple[DayClose, str, str | None] | None:
    """The day close, its outbox state, and the server's answer (JSON text) if it came."""
    row = raw(conn).execute(
        "SELECT d.canonical, o.state, o.server_detail FROM day_closes d "
        "LEFT JOIN outbox o ON o.record_id = d.day_close_id WHERE d.business_date=?",
        (business_date,),
    ).fetchone()
    if row is None:
        return None
    d = json.loads(row[0])
    d.pop("kind", None)
    return DayClose(**d), row[1] or "missing", row[2]


def first_cash_count(conn: Connection, shift_id: str) -> int | None:
    row = conn.execute(
        text("SELECT detail FROM audit WHERE action='cash_count' AND subject=:s ORDER BY audit_id LIMIT 1"),
        {"s": shift_id},
    ).first()
    return None if row is None else int(json.loads(row[0])["counted_cash_paise"])
