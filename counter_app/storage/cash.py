"""Cash pickups and deposits (pay-in slips) and the sums the drawer needs: what a shift's cash
receipts brought in, what was cancelled, what supervisors took out. SQL sums, not a walk over the
receipts, so the hard cash limit can be checked inside a receipt's own transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection

from counter_app.storage.db import raw
from kesco_protocol.records import Deposit, Pickup


@dataclass(frozen=True, slots=True)
class PickupRow:
    """A pickup as stored, with the count by the counter's own keys (notes and coins of one value
    apart, "N20" / "C20"), which the record's rupee-value map merges."""

    pickup: Pickup
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class DepositRow:
    deposit: Deposit
    counts: dict[str, int]


def insert_pickup(conn: Connection, p: Pickup, counts: dict[str, int]) -> None:
    raw(conn).execute(
        "INSERT INTO pickups (pickup_id, shift_id, business_date, amount_paise, destination, taken_by, taken_at, "
        "counts, canonical) VALUES (?,?,?,?,?,?,?,?,?)",
        (p.pickup_id, p.shift_id, p.business_date, p.amount_paise, p.destination, p.taken_by, p.taken_at,
         json.dumps(counts, sort_keys=True), p.canonical()),
    )


def _pickups(conn: Connection, where: str, arg: str) -> list[PickupRow]:
    rows = raw(conn).execute(f"SELECT canonical, counts FROM pickups WHERE {where} ORDER BY taken_at, pickup_id",
                             (arg,)).fetchall()
    out = []
    for canon, counts in rows:
        d = json.loads(canon)
        d.pop("kind", None)
        out.append(PickupRow(Pickup(**d), {str(k): int(v) for k, v in json.loads(counts).items()}))
    return out


def shift_pickups(conn: Connection, shift_id: str) -> list[PickupRow]:
    return _pickups(conn, "shift_id = ?", shift_id)


def day_pickups(conn: Connection, business_date: str) -> list[PickupRow]:
    return _pickups(conn, "business_date = ?", business_date)


def picked_up_paise(conn: Connection, shift_id: str) -> int:
    row = raw(conn).execute("SELECT COALESCE(SUM(amount_paise), 0) FROM pickups WHERE shift_id = ?",
                            (shift_id,)).fetchone()
    return int(row[0])


# the drawer's side of a cash receipt is its amount plus its round-off (docs/PROTOCOL.md, "Cash
# rounding"); a cancelled receipt's cash went back whole
_DRAWER = """
SELECT COALESCE(SUM(r.amount_paise + COALESCE(json_extract(r.canonical, '$.round_off_paise'), 0)), 0),
       COALESCE(SUM(CASE WHEN v.void_id IS NULL THEN 0
                         ELSE r.amount_paise + COALESCE(json_extract(r.canonical, '$.round_off_paise'), 0) END), 0),
       COUNT(*)
FROM receipts r LEFT JOIN voids v ON v.receipt_id = r.receipt_id
WHERE r.shift_id = ? AND r.mode = 'cash'
"""


def shift_cash_receipts(conn: Connection, shift_id: str) -> tuple[int, int, int]:
    """(cash the shift's cash receipts took in, with round-off; the part of it cancelled; how many)."""
    taken, cancelled, n = raw(conn).execute(_DRAWER, (shift_id,)).fetchone()
    return int(taken), int(cancelled), int(n)


def insert_deposit(conn: Connection, d: Deposit, counts: dict[str, int]) -> None:
    raw(conn).execute(
        "INSERT INTO deposits (deposit_id, business_date, slip_no, amount_paise, recorded_by, recorded_at, counts, "
        "canonical) VALUES (?,?,?,?,?,?,?,?)",
        (d.deposit_id, d.business_date, d.slip_no, d.amount_paise, d.recorded_by, d.recorded_at,
         json.dumps(counts, sort_keys=True), d.canonical()),
    )


def day_deposits(conn: Connection, business_date: str) -> list[DepositRow]:
    rows = raw(conn).execute(
        "SELECT canonical, counts FROM deposits WHERE business_date = ? ORDER BY recorded_at, deposit_id",
        (business_date,)).fetchall()
    out = []
    for canon, counts in rows:
        d = json.loads(canon)
        d.pop("kind", None)
        out.append(DepositRow(Deposit(**d), {str(k): int(v) for k, v in json.loads(counts).items()}))
    return out


def slip_used(conn: Connection, slip_no: str) -> bool:
    return raw(conn).execute("SELECT 1 FROM deposits WHERE slip_no = ?", (slip_no,)).fetchone() is not None


def in_drawer_paise(conn: Connection, shift_id: str, opening_float_paise: int) -> int:
    """Cash in a shift's drawer: float + cash receipts (round-off included) - cancelled - pickups."""
    taken, cancelled, _n = shift_cash_receipts(conn, shift_id)
    return opening_float_paise + taken - cancelled - picked_up_paise(conn, shift_id)


# a cash receipt's round-off is at most +50 paise (docs/PROTOCOL.md): with it, the receipts' own
# columns bound the drawer from above without reading any receipt's JSON
MAX_ROUND_OFF_PAISE = 50


def in_drawer_at_most(conn: Connection, shift_id: str, opening_float_paise: int) -> int:
    """An upper bound of in_drawer_paise from columns only (cancellations not subtracted, every
    round-off taken as +50 paise): cheap enough for every cash receipt's transaction."""
    taken, n = raw(conn).execute(
        "SELECT COALESCE(SUM(amount_paise), 0), COUNT(*) FROM receipts WHERE shift_id = ? AND mode = 'cash'",
        (shift_id,)).fetchone()
    return opening_float_paise + int(taken) + MAX_ROUND_OFF_PAISE * int(n) - picked_up_paise(conn, shift_id)
