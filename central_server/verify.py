"""What the public /verify page says about a receipt's QR text: whether its signature is a KESCO
counter's (kesco_protocol.signing, checked against central_server.keys) and, if it is, the
receipt's state at the server: received, cancelled or dishonoured (with the date), held with other
details, or not received yet. It tells no more than the paper shows: the name is masked.
`public_keys` is the list the page's service worker keeps for checking signatures offline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, select

from central_server import keys
from central_server.models import counter_keys, receipts, records
from kesco_protocol.errors import ValidationError
from kesco_protocol.signing import Claim, parse, verify_signature

# verdicts: genuine ones first
RECEIVED, CANCELLED, DISHONOURED, NOT_RECEIVED = "received", "cancelled", "dishonoured", "not_received"
MISMATCH, FORGED, UNKNOWN_KEY, UNREADABLE = "mismatch", "forged", "unknown_key", "unreadable"
GENUINE = frozenset({RECEIVED, CANCELLED, DISHONOURED, NOT_RECEIVED, MISMATCH})
IST = timezone(timedelta(hours=5, minutes=30))
#: keys in the offline list at most (44 counters re-enrolled for years stay far below it); the
#: newest are kept, so a flood of re-enrolments cannot grow what every phone downloads
MAX_PUBLIC_KEYS = 5000


@dataclass(frozen=True, slots=True)
class Verdict:
    state: str
    claim: Claim | None = None
    when: datetime | str | None = None  # received, or cancelled / dishonoured at
    masked_name: str | None = None

    @property
    def genuine(self) -> bool:
        return self.state in GENUINE


def mask_name(name: str) -> str:
    """'Ram Prasad Gupta' -> 'R** P***** G****': enough to tell a receipt from another, no more."""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split()[:6] if w)


def check(conn: Connection, text: str) -> Verdict:
    try:
        claim, sig = parse(text)
    except ValidationError:
        return Verdict(UNREADABLE)
    key = keys.by_id(conn, claim.key_id)
    if key is None or key.counter_code != claim.counter_code:
        return Verdict(UNKNOWN_KEY, claim)
    if not verify_signature(key.public_key, claim, sig):
        return Verdict(FORGED, claim)
    row = conn.execute(select(receipts.c.account_no, receipts.c.amount_paise, receipts.c.hash, receipts.c.receipt_no,
                              receipts.c.counter_code, receipts.c.business_date, receipts.c.received_at,
                              receipts.c.reversed_by, receipts.c.payload)
                       .where(receipts.c.receipt_id == claim.receipt_id)).first()
    if row is None:
        return Verdict(NOT_RECEIVED, claim)
    name = _name(row.payload)
    held = (row.account_no, row.amount_paise, row.hash, row.receipt_no, row.counter_code, row.business_date)
    if held != (claim.account_no, claim.amount_paise, claim.hash, claim.receipt_no, claim.counter_code,
                claim.value_date):
        return Verdict(MISMATCH, claim, row.received_at, name)
    if row.reversed_by:
        rev = conn.execute(select(records.c.kind, records.c.payload)
                           .where(records.c.record_id == row.reversed_by)).first()
        if rev is not None:
            body = _json(rev.payload)
            at = body.get("voided_at") if rev.kind == "void" else body.get("recorded_at")
            return Verdict(CANCELLED if rev.kind == "void" else DISHONOURED, claim, str(at or ""), name)
    return Verdict(RECEIVED, claim, row.received_at, name)


def _json(text: str | None) -> dict[str, Any]:
    try:
        d = json.loads(text or "{}")
    except ValueError:
        return {}
    return d if isinstance(d, dict) else {}


def _name(payload: str | None) -> str | None:
    name = _json(payload).get("consumer_name")
    return mask_name(name) if isinstance(name, str) else None


def _ist(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(IST).isoformat(timespec="seconds")


def public_keys(conn: Connection, now: datetime) -> dict[str, Any]:
    """Every counter's public keys with their validity, in IST (+05:30): the browser checks that a
    receipt's business date (an IST date) lies between the dates of valid_from and valid_to."""
    rows = conn.execute(select(counter_keys.c.key_id, counter_keys.c.counter_code, counter_keys.c.public_key,
                               counter_keys.c.valid_from, counter_keys.c.valid_to)
                        .order_by(counter_keys.c.valid_from.desc(), counter_keys.c.key_id)
                        .limit(MAX_PUBLIC_KEYS + 1)).all()
    return {"format": "kesco-verify-keys/1", "generated_at": _ist(now),
            "truncated": len(rows) > MAX_PUBLIC_KEYS,
            "keys": [{"key_id": r.key_id, "counter_code": r.counter_code, "public_key": r.public_key,
                      "valid_from": _ist(r.valid_from), "valid_to": _ist(r.valid_to)}
                     for r in rows[:MAX_PUBLIC_KEYS]]}
