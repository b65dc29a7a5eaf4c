"""The longest text each field of a record may carry, in characters: one table that the server
checks at ingestion (a longer field makes the record `invalid`) and the counter checks where the
text enters (so that what it seals, the server takes). The widths follow the server's columns
(consumers.name is 200, receipt_no 40, ...) and the counter's own input rules (a reason is cut
to 200, a shift remark to 300, a bank name is at most 80).

Counts are of characters (what Python's len gives), not bytes."""

from __future__ import annotations

ID = 64  # a UUID is 36; what the server's id columns take
COUNTER_CODE = 16
USER_NAME = 32  # clerk, supervisor, closed_by: the counter's user names are shorter
TIMESTAMP = 40  # ISO 8601 with offset and microseconds is 32
DATE = 10
HASH = 64
REASON = 200  # a void's or dishonour's reason (the counter cuts it to 200)
REMARK = 300  # a shift close's remark (the counter cuts it to 300)
MODE = 16
# any other text inside a shift or day close (a denomination name, a mode in by_mode, ...)
OTHER_TEXT = 64
# items in a list or keys in a map of a shift or day close (a day's receipt ids: a busy counter
# issues about a thousand a day)
MAX_ITEMS = 20_000

RECEIPT: dict[str, int] = {
    "receipt_id": ID, "counter_code": COUNTER_CODE, "receipt_no": 40, "account_no": 32,
    "consumer_name": 200, "category": 8, "bill_no": 40, "mode": MODE, "clerk": USER_NAME,
    "shift_id": ID, "issued_at": TIMESTAMP, "business_date": DATE, "balance_as_of": TIMESTAMP,
    "prev_hash": HASH, "hash": HASH, "kind": 16,
    "key_id": 16, "signature": 88,  # Ed25519: 16 hex digits of the key's hash, 64 bytes in base64url
    "part_payment_allowed_by": USER_NAME,  # the supervisor who allowed a payment below the minimum
}

# a cheque's or DD's details, or a UPI/card payment's reference
INSTRUMENT: dict[str, int] = {"number": 20, "date": DATE, "bank": 80, "ifsc": 11, "reference": 40,
                              # one cheque for many accounts (issue 16): the instrument's own id,
                              # shared by every receipt it pays
                              "group_id": ID}

VOID: dict[str, int] = {
    "void_id": ID, "counter_code": COUNTER_CODE, "receipt_id": ID, "receipt_no": 40, "mode": MODE,
    "reason": REASON, "clerk": USER_NAME, "approved_by": USER_NAME, "shift_id": ID, "voided_at": TIMESTAMP,
    "kind": 16,
}

DISHONOUR: dict[str, int] = {
    "dishonour_id": ID, "counter_code": COUNTER_CODE, "receipt_id": ID, "receipt_no": 40, "account_no": 32,
    "reason": REASON, "recorded_by": USER_NAME, "recorded_at": TIMESTAMP, "kind": 16,
}

SHIFT_CLOSE: dict[str, int] = {
    "shift_close_id": ID, "counter_code": COUNTER_CODE, "shift_id": ID, "business_date": DATE,
    "clerk": USER_NAME, "remark": REMARK, "approved_by": USER_NAME, "closed_by": USER_NAME,
    "closed_at": TIMESTAMP, "kind": 16,
}

DAY_CLOSE: dict[str, int] = {
    "day_close_id": ID, "counter_code": COUNTER_CODE, "business_date": DATE, "closed_by": USER_NAME,
    "closed_at": TIMESTAMP, "kind": 16,
}

PICKUP: dict[str, int] = {
    "pickup_id": ID, "counter_code": COUNTER_CODE, "shift_id": ID, "business_date": DATE,
    "clerk": USER_NAME, "taken_by": USER_NAME, "destination": 8, "taken_at": TIMESTAMP,
    "remark": REMARK, "kind": 16,
}

DEPOSIT: dict[str, int] = {
    "deposit_id": ID, "counter_code": COUNTER_CODE, "business_date": DATE, "bank": 80, "branch": 80,
    "slip_no": 20, "deposit_date": DATE, "recorded_by": USER_NAME, "recorded_at": TIMESTAMP, "kind": 16,
}
# cheques and DDs in one deposit (a counter takes a few hundred a day at most)
DEPOSIT_INSTRUMENTS = 2_000

REVERSAL: dict[str, int] = {
    "reversal_id": ID, "counter_code": COUNTER_CODE, "receipt_id": ID, "receipt_no": 40, "account_no": 32,
    "mode": MODE, "reason": REASON, "approved_by": USER_NAME, "business_date": DATE,
    "recorded_at": TIMESTAMP, "kind": 16,
}
