"""This counter's own money records for one account (receipts and their voids, dishonours and
reversals), each with where its outbox row stands: what the service needs to correct a cached
balance that has not yet seen them, and to name the last payment."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from counter_app.storage.db import raw


@dataclass(frozen=True, slots=True)
class Sent:
    """An outbox row's state and when the server answered it (None while it waits)."""

    state: str  # pending / synced / parked / conflict / invalid, "missing" without a row
    synced_at: str | None


@dataclass(frozen=True, slots=True)
class OwnReceipt:
    receipt_id: str
    receipt_no: str
    issued_at: str
    amount_paise: int
    sent: Sent
    reversal_at: str | None  # when a void, dishonour or reversal cancelled it, if one did
    reversal_sent: Sent | None


_SQL = """
SELECT r.receipt_id, r.receipt_no, r.issued_at, r.amount_paise, o.state, o.synced_at,
       COALESCE(v.voided_at, d.recorded_at, rv.recorded_at), ro.state, ro.synced_at,
       COALESCE(v.void_id, d.dishonour_id, rv.reversal_id)
FROM receipts r
LEFT JOIN outbox o ON o.record_id = r.receipt_id
LEFT JOIN voids v ON v.receipt_id = r.receipt_id
LEFT JOIN dishonours d ON d.receipt_id = r.receipt_id AND v.void_id IS NULL
LEFT JOIN reversals rv ON rv.receipt_id = r.receipt_id AND v.void_id IS NULL AND d.dishonour_id IS NULL
LEFT JOIN outbox ro ON ro.record_id = COALESCE(v.void_id, d.dishonour_id, rv.reversal_id)
WHERE r.account_no = ?
ORDER BY r.seq
"""


def own_receipts(conn: Connection, account_no: str) -> list[OwnReceipt]:
    """Every receipt this counter issued for the account, oldest first (a consumer has a few a
    month; the account index finds them)."""
    out = []
    for rid, no, at, amount, state, synced, rev_at, rstate, rsynced, rev_id in raw(conn).execute(_SQL, (account_no,)):
        out.append(OwnReceipt(
            str(rid), str(no), str(at), int(amount), Sent(state or "missing", synced),
            None if rev_id is None else str(rev_at),
            None if rev_id is None else Sent(rstate or "missing", rsynced),
        ))
    return out
