"""The field rules of each record kind (docs/PROTOCOL.md), in the terms of central_server.validate:
which fields must be there, of which type and range, how long their text may be (the widths are
kesco_protocol.limits). A receipt's dates are only checked for type here: a receipt with an
unreadable date is money collected, so it is parked (ingest/receipts.py), never refused."""

from __future__ import annotations

from central_server.validate import Rule, boolean, day, ident, integer, items, mapping, moment, record, text
from kesco_protocol import limits as lim

MONEY = integer()
COUNT = integer(0)
PIECES = integer(0, 100_000)


# identifiers: ASCII only on the wire (issue 11 item 8); the digit-only ones ASCII 0-9
IDENTS = {"receipt_id", "void_id", "dishonour_id", "shift_close_id", "day_close_id", "counter_code", "receipt_no",
          "bill_no", "shift_id", "ifsc", "reference",
          # issue 16: pickups, deposits, reversals and the one-cheque-many-accounts group
          "pickup_id", "deposit_id", "reversal_id", "group_id", "slip_no"}
DIGIT_IDENTS = {"account_no", "number"}


def _rule(k: str, limit: int, optional: bool) -> Rule:
    if k in DIGIT_IDENTS or k in IDENTS:
        return ident(limit, optional=optional, digits=k in DIGIT_IDENTS)
    return text(limit, optional=optional)


def _texts(table: dict[str, int], optional: set[str]) -> dict[str, Rule]:
    return {k: _rule(k, v, k in optional) for k, v in table.items()}


INSTRUMENT = record({k: _rule(k, v, True) for k, v in lim.INSTRUMENT.items()}, optional=True,
                    closed=True)

RECEIPT: dict[str, Rule] = {
    **_texts(lim.RECEIPT, {"bill_no", "balance_as_of", "prev_hash", "hash", "kind",
                                  "key_id", "signature", "part_payment_allowed_by"}),
    "seq": integer(1),
    "amount_paise": MONEY,
    "tendered_paise": integer(0, optional=True),
    # cash rounded to the rupee: less than a rupee either way (docs/PROTOCOL.md, "Cash rounding")
    "round_off_paise": integer(-99, 99, optional=True),
    "balance_before_paise": integer(optional=True),
    "collected_in_closing": boolean,
    "instrument": INSTRUMENT,
}

VOID: dict[str, Rule] = {
    **_texts(lim.VOID, {"receipt_no", "mode", "clerk", "approved_by", "shift_id", "kind"}),
    "amount_paise": MONEY,
    "voided_at": moment(),
}

DISHONOUR: dict[str, Rule] = {
    **_texts(lim.DISHONOUR, {"receipt_no", "account_no", "recorded_by", "kind"}),
    "amount_paise": MONEY,
    "recorded_at": moment(),
}

# one cheque or DD line of a shift close
_SHIFT_INSTRUMENT = record({
    "receipt_id": ident(lim.ID, optional=True), "receipt_no": ident(lim.RECEIPT["receipt_no"], optional=True),
    "mode": text(lim.MODE, optional=True), "number": ident(lim.INSTRUMENT["number"], optional=True, digits=True),
    "bank": text(lim.INSTRUMENT["bank"], optional=True), "date": text(lim.DATE, optional=True),
    "amount_paise": integer(optional=True),
})

SHIFT_CLOSE: dict[str, Rule] = {
    **_texts(lim.SHIFT_CLOSE, {"shift_close_id", "remark", "approved_by", "kind"}),
    "business_date": day(),
    "closed_at": moment(),
    "expected_cash_paise": MONEY, "counted_cash_paise": MONEY, "variance_paise": MONEY,
    "opening_float_paise": integer(optional=True), "blind_count_paise": integer(optional=True),
    "cash_collected_paise": integer(optional=True), "voided_cash_paise": integer(optional=True),
    "cash_receipts": integer(0, optional=True),
    "round_off_paise": integer(optional=True),
    "counts": mapping(PIECES, optional=True),
    "instruments": items(_SHIFT_INSTRUMENT, optional=True),
    "instruments_missing": items(text(lim.RECEIPT["receipt_no"]), optional=True),
    "other_modes": mapping(MONEY, lim.MODE, optional=True),
    "chain_head_seq": integer(0, optional=True), "chain_head_hash": ident(lim.HASH, optional=True),
}

DAY_CLOSE: dict[str, Rule] = {
    **_texts(lim.DAY_CLOSE, {"day_close_id", "kind"}),
    "business_date": day(),
    "closed_at": moment(),
    "receipt_count": COUNT,
    "total_paise": MONEY,
    "receipt_ids": items(text(lim.ID)),
    "void_count": integer(0, optional=True),
    "void_total_paise": integer(optional=True), "net_total_paise": integer(optional=True),
    "variance_total_paise": integer(optional=True), "round_off_total_paise": integer(optional=True),
    "by_mode": mapping(MONEY, lim.MODE, optional=True),
    "by_category": mapping(MONEY, optional=True),
    "shift_ids": items(text(lim.ID), optional=True),
}

# --- issue 16: the money's way from the drawer to the bank (docs/PROTOCOL.md) -----------------
# a note's or coin's value in whole rupees, as text -> how many; the sums are checked at reading
DENOMINATIONS = mapping(PIECES, 6)

PICKUP: dict[str, Rule] = {
    **_texts(lim.PICKUP, {"remark", "kind"}),
    "business_date": day(),
    "taken_at": moment(),
    "amount_paise": integer(1),
    "denominations": DENOMINATIONS,
}

# one cheque or DD of a pay-in slip (a multi-account cheque is one line naming all its receipts)
_DEPOSIT_INSTRUMENT = record({
    "receipt_ids": items(ident(lim.ID)), "mode": text(lim.MODE),
    "number": ident(lim.INSTRUMENT["number"], digits=True), "bank": text(lim.INSTRUMENT["bank"], optional=True),
    "amount_paise": integer(1),
})

DEPOSIT: dict[str, Rule] = {
    **_texts(lim.DEPOSIT, {"kind"}),
    "business_date": day(),
    "deposit_date": day(),
    "recorded_at": moment(),
    "cash_paise": integer(0),
    "denominations": DENOMINATIONS,
    "instruments": items(_DEPOSIT_INSTRUMENT),
    "amount_paise": integer(1),
}

REVERSAL: dict[str, Rule] = {
    **_texts(lim.REVERSAL, {"receipt_no", "account_no", "mode", "kind"}),
    "amount_paise": MONEY,
    "business_date": day(),
    "recorded_at": moment(),
}

BY_KIND: dict[str, dict[str, Rule]] = {
    "receipt": RECEIPT, "void": VOID, "dishonour": DISHONOUR, "shift_close": SHIFT_CLOSE, "day_close": DAY_CLOSE,
    "pickup": PICKUP, "deposit": DEPOSIT, "reversal": REVERSAL,
}
# the payload field that must equal the record's record_id, per kind (when the payload has it)
ID_FIELD = {"receipt": "receipt_id", "void": "void_id", "dishonour": "dishonour_id",
            "shift_close": "shift_close_id", "day_close": "day_close_id",
            "pickup": "pickup_id", "deposit": "deposit_id", "reversal": "reversal_id"}
