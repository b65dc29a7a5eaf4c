"""Reading the records of a request: shape checks (a record that fails is `invalid`), the
canonical payload text that re-sends are compared with, and the reasons to park a receipt that
can be told from the receipt alone."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from central_server.ingest.batch import MAX_INT, MODES, Batch, Invalid, RecordIn
from kesco_protocol.chain import link_hash
from kesco_protocol.errors import ValidationError
from kesco_protocol.records import Receipt, RecordKind, canonical_json

# --- reading --------------------------------------------------------------------------------

def raw(item: RecordIn) -> str:
    try:
        return json.dumps({"kind": item.kind, "payload": item.payload}, ensure_ascii=False, default=str)[:100_000]
    except (TypeError, ValueError):
        return repr(item.payload)[:100_000]


def read(b: Batch, i: int, item: RecordIn) -> tuple[str, str]:
    """Check the record's shape and queue it; returns its kind and canonical payload text."""
    rid = item.record_id
    if not isinstance(rid, str) or not 1 <= len(rid) <= 64 or "\x00" in rid:
        raise Invalid("record_id must be 1 to 64 characters")
    if not isinstance(item.payload, dict):
        raise Invalid("payload must be a JSON object")
    if item.kind == RecordKind.RECEIPT:
        return item.kind, _read_receipt(b, i, rid, item.payload)
    if item.kind in (RecordKind.VOID, RecordKind.DISHONOUR, RecordKind.SHIFT_CLOSE, RecordKind.DAY_CLOSE):
        return item.kind, _read_other(b, i, rid, item.kind, item.payload)
    raise Invalid(f"unknown kind {str(item.kind)[:20]!r}")


_LIMITS = {"receipt_id": 64, "receipt_no": 40, "account_no": 32, "mode": 16, "issued_at": 40,
           "shift_id": 64, "prev_hash": 64, "hash": 64, "business_date": 10}


def _read_receipt(b: Batch, i: int, rid: str, payload: dict[str, Any]) -> str:
    try:
        r = Receipt.from_wire(payload)
    except ValidationError as e:
        raise Invalid(f"not a receipt: {e.params.get('detail', e)}") from None
    if r.receipt_id != rid:
        raise Invalid("record_id differs from the receipt's receipt_id")
    if r.counter_code != b.counter_code:
        raise Invalid(f"receipt of counter {r.counter_code[:16]!r} sent by {b.counter_code}")
    for name, limit in _LIMITS.items():
        if len(getattr(r, name)) > limit:
            raise Invalid(f"{name} longer than {limit} characters")
        if "\x00" in getattr(r, name):  # no database text column takes NUL
            raise Invalid(f"{name} contains a NUL character")
    if not 1 <= r.seq < MAX_INT:
        raise Invalid("seq must be a positive integer")
    if not -MAX_INT < r.amount_paise < MAX_INT:
        raise Invalid("amount_paise out of range")
    text = canonical_json(r.wire())
    hash_ok = link_hash(r.prev_hash, r.canonical()) == r.hash
    reason = None
    if not hash_ok:
        reason = "hash_mismatch: the receipt's content does not match its hash"
    elif r.amount_paise <= 0:
        reason = "amount: not a positive amount"
    elif r.amount_paise > b.sanity_limit:
        reason = f"amount: above the review limit of {b.sanity_limit} paise"
    elif not is_date(r.business_date):
        reason = "business_date: not a date"
    elif r.mode not in MODES:
        reason = f"mode: unknown payment mode {r.mode!r}"
    b.receipt_rows.append({
        "receipt_id": rid, "counter_code": r.counter_code, "seq": r.seq, "receipt_no": r.receipt_no,
        "account_no": r.account_no, "amount_paise": r.amount_paise, "mode": r.mode,
        "business_date": r.business_date, "issued_at": r.issued_at, "shift_id": r.shift_id,
        "prev_hash": r.prev_hash, "hash": r.hash, "hash_ok": hash_ok, "payload": text,
        "received_at": b.now, "received_during_closing": b.closing, "parked_reason": reason,
        "posted": False, "reversed_by": None, "_i": i,
    })
    return text


def is_date(s: str) -> bool:
    try:
        date.fromisoformat(s)
    except ValueError:
        return False
    return len(s) == 10


def _need(payload: dict[str, Any], name: str, typ: type | tuple[type, ...], limit: int = 200) -> Any:
    v = payload.get(name)
    if not isinstance(v, typ) or isinstance(v, bool) and typ is int:
        raise Invalid(f"{name}: missing or of the wrong type")
    if isinstance(v, str) and len(v) > limit:
        raise Invalid(f"{name} longer than {limit} characters")
    if isinstance(v, str) and "\x00" in v:
        raise Invalid(f"{name} contains a NUL character")
    if isinstance(v, int) and not -MAX_INT < v < MAX_INT:
        raise Invalid(f"{name} out of range")
    return v


def _read_other(b: Batch, i: int, rid: str, kind: str, payload: dict[str, Any]) -> str:
    text = canonical_json(payload)
    if len(text) > 2_000_000:
        raise Invalid("payload too large")
    code = payload.get("counter_code")
    if code != b.counter_code:
        raise Invalid(f"{kind} of counter {str(code)[:16]!r} sent by {b.counter_code}")
    target = None
    business_date = None
    amount = None
    if kind in (RecordKind.VOID, RecordKind.DISHONOUR):
        id_field = "void_id" if kind == RecordKind.VOID else "dishonour_id"
        if payload.get(id_field) != rid:
            raise Invalid(f"record_id differs from the payload's {id_field}")
        target = _need(payload, "receipt_id", str, 64)
        amount = _need(payload, "amount_paise", int)
        _need(payload, "reason", str, 500)
        when = _need(payload, "voided_at" if kind == RecordKind.VOID else "recorded_at", str, 40)
        business_date = when[:10] if is_date(when[:10]) else None
    elif kind == RecordKind.DAY_CLOSE:
        business_date = _need(payload, "business_date", str, 10)
        if not is_date(business_date):
            raise Invalid("business_date: not a date")
        _need(payload, "receipt_count", int)
        amount = _need(payload, "total_paise", int)
        ids = _need(payload, "receipt_ids", list)
        if not all(isinstance(x, str) and len(x) <= 64 for x in ids):
            raise Invalid("receipt_ids: a list of receipt ids")
        _need(payload, "closed_by", str, 64)
        _need(payload, "closed_at", str, 40)
    else:  # shift_close: the counter's own body; kept as received
        bd = payload.get("business_date")
        business_date = bd if isinstance(bd, str) and is_date(bd) else None
    b.other.append((i, rid, kind, {
        "record_id": rid, "counter_code": b.counter_code, "kind": kind, "target_receipt_id": target,
        "business_date": business_date, "amount_paise": amount, "payload": text, "received_at": b.now,
        "received_during_closing": b.closing, "parked_reason": None, "applied": False, "detail": None,
    }, text))
    return text
