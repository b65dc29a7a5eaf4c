"""The check of each new receipt's Ed25519 signature at ingest (kesco_protocol.signing) against
the public keys its counter registered (central_server.keys). A signature that does not verify,
or names a key that is not this counter's, raises a `bad_signature` alarm; a receipt without one,
numbered above a receipt the counter did sign, raises `unsigned` (a counter signs everything from
its enrolment on, so its signature was stripped). Neither refuses or parks the receipt: the money
was taken, and a person looks at the alarm."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from central_server import keys
from central_server.ingest.batch import Batch
from kesco_protocol.records import Receipt
from kesco_protocol.signing import verify_receipt


def check(conn: Connection, b: Batch, new_rows: list[dict[str, Any]]) -> None:
    """Alarm on each newly stored receipt whose signature is bad or missing."""
    if not new_rows:
        return
    own = {k.key_id: k for k in keys.of_counter(conn, b.counter_code)}
    if not own:
        return  # enrolled before counters had keys: nothing to check against
    first: dict[str, int] = {}
    unsigned: list[tuple[dict[str, Any], Receipt]] = []
    for row in new_rows:
        r: Receipt = row["_receipt"]
        if r.signature is None:
            unsigned.append((row, r))
            continue
        key = own.get(r.key_id or "")
        if key is None:
            reason = f"key {str(r.key_id)[:16]!a} is not one of this counter's keys"
        elif not verify_receipt(key.public_key, r):
            reason = "the signature does not match the receipt"
        else:
            first[key.key_id] = min(first.get(key.key_id, r.seq), r.seq)
            continue
        b.alarm("bad_signature", r.receipt_id, {"seq": r.seq, "reason": reason}, payload=row["payload"], seq=r.seq)
    for kid, seq in first.items():
        if own[kid].first_seq is None or seq < int(own[kid].first_seq or 0):
            keys.saw_signed(conn, kid, seq)
    known = [int(k.first_seq) for k in own.values() if k.first_seq is not None] + list(first.values())
    lowest = min(known, default=None)
    for row, r in unsigned:
        if lowest is not None and r.seq > lowest:
            b.alarm("unsigned", r.receipt_id, {"seq": r.seq, "reason": "a receipt without a signature, numbered "
                    f"after receipt {lowest} that this counter signed"}, payload=row["payload"], seq=r.seq)
