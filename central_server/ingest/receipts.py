"""Reading the records of a request: shape checks (a record that fails is `invalid`), the
canonical payload text that re-sends are compared with, and the reasons to park a receipt that
can be told from the receipt alone."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from central_server import validate
from central_server.ingest import cash_records
from central_server.ingest.batch import MODES, Batch, Invalid, RecordIn
from central_server.record_rules import BY_KIND, ID_FIELD
from central_server.validate import safe_text, storable
from kesco_protocol.chain import link_hash
from kesco_protocol.errors import ValidationError
from kesco_protocol.records import Receipt, RecordKind, canonical_json

# --- reading --------------------------------------------------------------------------------

def raw(item: RecordIn) -> str:
    """The record as received, for the alarm of an unreadable one: text that can be stored
    (escaped where it is not valid Unicode) and at most 100,000 characters of it."""
    try:
        text = json.dumps({"kind": item.kind, "payload": item.payload}, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(item.payload)
    return safe_text(text[:100_000])


def read(b: Batch, i: int, item: RecordIn) -> tuple[str, str]:
    """Check the record's shape and queue it; returns its kind and canonical payload text."""
    rid = item.record_id
    if not isinstance(rid, str) or not rid or not storable(rid):
        raise Invalid("record_id must be 1 to 64 characters of valid text")
    if len(rid) > 64:
        raise Invalid("record_id longer than 64 characters")
    if not isinstance(item.payload, dict):
        raise Invalid("payload must be a JSON object")
    kind = item.kind
    rules = BY_KIND.get(kind) if isinstance(kind, str) else None
    if rules is None:
        raise Invalid(f"unknown kind {str(kind)[:20]!a}")
    payload = item.payload
    validate.check(payload, rules)
    if payload.get("kind", kind) != kind:
        raise Invalid(f"the payload says kind {str(payload.get('kind'))[:20]!a}, the record {kind}")
    id_field = ID_FIELD[kind]
    if payload.get(id_field, rid) != rid:
        raise Invalid(f"record_id differs from the payload's {id_field}")
    if kind == RecordKind.RECEIPT:
        return kind, _read_receipt(b, i, rid, payload)
    return kind, _read_other(b, i, rid, kind, payload)


def _read_receipt(b: Batch, i: int, rid: str, payload: dict[str, Any]) -> str:
    try:
        r = Receipt.from_wire(payload)
    except ValidationError as e:
        raise Invalid(f"not a receipt: {e.params.get('detail', e)}") from None
    if r.receipt_id != rid:
        raise Invalid("record_id differs from the receipt's receipt_id")
    if r.counter_code != b.counter_code:
        raise Invalid(f"receipt of counter {r.counter_code[:16]!a} sent by {b.counter_code}")
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
    elif not validate.plausible_date(r.business_date):
        reason = "business_date: outside the plausible window (a wrong clock?)"
    elif not validate.plausible_time(r.issued_at):
        reason = "issued_at: not a time with its UTC offset within the plausible window"
    elif r.mode not in MODES:
        reason = f"mode: unknown payment mode {r.mode!a}"
    b.receipt_rows.append({
        "receipt_id": rid, "counter_code": r.counter_code, "seq": r.seq, "receipt_no": r.receipt_no,
        "account_no": r.account_no, "amount_paise": r.amount_paise, "round_off_paise": r.round_off_paise,
        "mode": r.mode, "business_date": r.business_date, "issued_at": r.issued_at, "shift_id": r.shift_id,
        "prev_hash": r.prev_hash, "hash": r.hash, "hash_ok": hash_ok, "payload": text,
        "received_at": b.now, "received_during_closing": b.closing,
        "collected_during_closing": b.collected_during_closing(r.business_date), "parked_reason": reason,
        "posted": False, "reversed_by": None, "_i": i, "_receipt": r,
    })
    return text


def is_date(s: str) -> bool:
    try:
        date.fromisoformat(s)
    except ValueError:
        return False
    return len(s) == 10


def _read_other(b: Batch, i: int, rid: str, kind: str, payload: dict[str, Any]) -> str:
    """A void, dishonour, reversal, pickup, deposit, shift or day close whose fields passed its
    rules (record_rules)."""
    text = canonical_json(payload)
    if len(text) > 2_000_000:
        raise Invalid("payload too large")
    code = payload.get("counter_code")
    if code != b.counter_code:
        raise Invalid(f"{kind} of counter {str(code)[:16]!a} sent by {b.counter_code}")
    target = None
    amount = None
    if kind in (RecordKind.VOID, RecordKind.DISHONOUR):
        target = payload["receipt_id"]
        amount = payload["amount_paise"]
        business_date = payload["voided_at" if kind == RecordKind.VOID else "recorded_at"][:10]
    elif kind == RecordKind.REVERSAL:  # dated the day it was made, not the receipt's day
        target, amount, business_date = payload["receipt_id"], payload["amount_paise"], payload["business_date"]
    elif kind in (RecordKind.PICKUP, RecordKind.DEPOSIT):
        (cash_records.check_pickup if kind == RecordKind.PICKUP else cash_records.check_deposit)(payload)
        amount, business_date = payload["amount_paise"], payload["business_date"]
    elif kind == RecordKind.DAY_CLOSE:
        business_date = payload["business_date"]
        amount = payload["total_paise"]
    else:  # shift_close
        business_date = payload["business_date"]
    b.other.append((i, rid, kind, {
        "record_id": rid, "counter_code": b.counter_code, "kind": kind, "target_receipt_id": target,
        "business_date": business_date, "amount_paise": amount, "payload": text, "received_at": b.now,
        "received_during_closing": b.closing, "parked_reason": None, "applied": False, "detail": None,
    }, text))
    return text
