"""Receipts, voids, dishonours, the outbox and the audit log: statements on one connection, so
the service can put a receipt, its outbox row and its audit row in a single transaction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, text

from counter_app.storage.db import raw
from kesco_protocol.chain import GENESIS_HASH
from kesco_protocol.records import Dishonour, Receipt, RecordKind, Void

_INSERT_RECEIPT = (
    "INSERT INTO receipts (seq, receipt_id, receipt_no, counter_code, account_no, amount_paise, mode, "
    "clerk, shift_id, business_date, issued_at, canonical, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_INSERT_OUTBOX = "INSERT INTO outbox (record_id, kind, payload, created_at) VALUES (?, ?, ?, ?)"
_INSERT_AUDIT = "INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)"
_HEAD = "SELECT seq, hash FROM receipts ORDER BY seq DESC LIMIT 1"
_INSERT_SIGNATURE = "INSERT INTO receipt_signatures (receipt_id, key_id, signature) VALUES (?, ?, ?)"


def chain_head(conn: Connection) -> tuple[int, str]:
    """(last sequence number, its hash); (0, genesis) for an empty counter."""
    row = raw(conn).execute(_HEAD).fetchone()
    if row is None:
        return 0, GENESIS_HASH
    return int(row[0]), str(row[1])


def insert_receipt(conn: Connection, r: Receipt, canonical: str | None = None) -> None:
    raw(conn).execute(
        _INSERT_RECEIPT,
        (r.seq, r.receipt_id, r.receipt_no, r.counter_code, r.account_no, r.amount_paise, r.mode, r.clerk,
         r.shift_id, r.business_date, r.issued_at, canonical or r.canonical(), r.prev_hash, r.hash),
    )


def insert_signature(conn: Connection, r: Receipt) -> None:
    """The receipt's signature, in the receipt's own transaction (a signed receipt is never stored
    without it)."""
    raw(conn).execute(_INSERT_SIGNATURE, (r.receipt_id, r.key_id, r.signature))


def insert_outbox(conn: Connection, record_id: str, kind: RecordKind, payload: dict[str, Any], at: str) -> None:
    from kesco_protocol.records import canonical_json

    raw(conn).execute(_INSERT_OUTBOX, (record_id, kind.value, canonical_json(payload), at))


def audit(conn: Connection, at: str, actor: str | None, action: str, subject: str | None = None,
          detail: dict[str, Any] | None = None) -> None:
    raw(conn).execute(
        _INSERT_AUDIT,
        (at, actor, action, subject,
         None if detail is None else json.dumps(detail, ensure_ascii=False, sort_keys=True)),
    )


def _receipt_from_row(canonical: str, prev_hash: str, hash_: str, key_id: str | None = None,
                      signature: str | None = None) -> Receipt:
    d = json.loads(canonical)
    d["prev_hash"] = prev_hash
    d["hash"] = hash_
    d["key_id"], d["signature"] = key_id, signature
    return Receipt.from_wire(d)


def get_receipt(conn: Connection, key: str) -> Receipt | None:
    """By receipt_id or printed receipt number."""
    row = conn.execute(
        text("SELECT r.canonical, r.prev_hash, r.hash, s.key_id, s.signature FROM receipts r "
             "LEFT JOIN receipt_signatures s ON s.receipt_id = r.receipt_id "
             "WHERE r.receipt_id=:k OR r.receipt_no=:k"), {"k": key}
    ).first()
    return None if row is None else _receipt_from_row(row[0], row[1], row[2], row[3], row[4])


def iter_receipts(conn: Connection, from_seq: int = 1, batch: int = 2000) -> Iterator[Receipt]:
    """All receipts in sequence order, read in pages so a million rows do not sit in memory."""
    seq = from_seq - 1
    while True:
        rows = conn.execute(
            text("SELECT seq, canonical, prev_hash, hash FROM receipts WHERE seq > :s ORDER BY seq LIMIT :n"),
            {"s": seq, "n": batch},
        ).all()
        if not rows:
            return
        for row in rows:
            yield _receipt_from_row(row[1], row[2], row[3])
        seq = int(rows[-1][0])


def shift_receipts(conn: Connection, shift_id: str) -> list[tuple[Receipt, str | None]]:
    """A shift's receipts in order, each with its void id (None if not voided)."""
    rows = conn.execute(
        text(
            "SELECT r.canonical, r.prev_hash, r.hash, v.void_id FROM receipts r "
            "LEFT JOIN voids v ON v.receipt_id = r.receipt_id WHERE r.shift_id=:s ORDER BY r.seq"
        ),
        {"s": shift_id},
    ).all()
    return [(_receipt_from_row(r[0], r[1], r[2]), r[3]) for r in rows]


def sequence_gaps(conn: Connection) -> list[int]:
    """Sequence numbers missing between 1 and the highest (a healthy store has none)."""
    rows = conn.execute(
        text(
            "SELECT seq + 1 FROM receipts r WHERE NOT EXISTS (SELECT 1 FROM receipts n WHERE n.seq = r.seq + 1) "
            "AND seq < (SELECT MAX(seq) FROM receipts) "
            "UNION ALL SELECT 1 WHERE EXISTS (SELECT 1 FROM receipts) AND NOT EXISTS (SELECT 1 FROM receipts WHERE seq=1)"
        )
    ).all()
    missing: list[int] = []
    for (start,) in rows:
        nxt = conn.execute(text("SELECT MIN(seq) FROM receipts WHERE seq > :s"), {"s": start}).scalar()
        stop = int(nxt) if nxt is not None else int(start) + 1
        missing.extend(range(int(start), stop))
        if len(missing) > 1000:
            break
    return sorted(missing)


def void_of(conn: Connection, receipt_id: str) -> str | None:
    v = conn.execute(text("SELECT void_id FROM voids WHERE receipt_id=:r"), {"r": receipt_id}).scalar()
    return None if v is None else str(v)


def insert_void(conn: Connection, v: Void) -> None:
    conn.execute(
        text(
            "INSERT INTO voids (void_id, receipt_id, shift_id, approved_by, voided_at, canonical) "
            "VALUES (:i, :r, :s, :a, :t, :c)"
        ),
        {"i": v.void_id, "r": v.receipt_id, "s": v.shift_id, "a": v.approved_by, "t": v.voided_at,
         "c": v.canonical()},
    )


def dishonour_of(conn: Connection, receipt_id: str) -> str | None:
    v = conn.execute(text("SELECT dishonour_id FROM dishonours WHERE receipt_id=:r"), {"r": receipt_id}).scalar()
    return None if v is None else str(v)


def insert_dishonour(conn: Connection, d: Dishonour) -> None:
    conn.execute(
        text(
            "INSERT INTO dishonours (dishonour_id, receipt_id, recorded_by, recorded_at, canonical) "
            "VALUES (:i, :r, :b, :t, :c)"
        ),
        {"i": d.dishonour_id, "r": d.receipt_id, "b": d.recorded_by, "t": d.recorded_at, "c": d.canonical()},
    )


def count_audit(conn: Connection, action: str, subject: str) -> int:
    return int(
        conn.execute(
            text("SELECT COUNT(*) FROM audit WHERE action=:a AND subject=:s"), {"a": action, "s": subject}
        ).scalar_one()
    )


def outbox_missing(conn: Connection) -> list[int]:
    """Receipt sequence numbers with no outbox row (must be none)."""
    return [
        int(r[0])
        for r in conn.execute(
            text("SELECT seq FROM receipts r WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.record_id = r.receipt_id)")
        ).all()
    ]
