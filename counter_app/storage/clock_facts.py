"""What the clock guard reads from the ledger: the time of the last receipt issued here."""

from __future__ import annotations

from sqlalchemy import Connection, text


def last_issued_at(conn: Connection) -> str | None:
    """`issued_at` of the receipt with the highest sequence (the one issued last), or None."""
    v = conn.execute(text("SELECT issued_at FROM receipts ORDER BY seq DESC LIMIT 1")).scalar()
    return None if v is None else str(v)
