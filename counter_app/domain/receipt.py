"""What the counter adds to the protocol's receipts (kesco_protocol.records): record ids, receipt
numbers by financial year, and the checks of cheque, DD, UPI and card details a clerk types."""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from counter_app.domain.errors import ValidationError
from kesco_protocol.digits import to_ascii_digits
from kesco_protocol.records import Mode


def new_id() -> str:
    return str(uuid.uuid4())


def financial_year(d: date) -> str:
    """Indian financial year, April to March: 2026-11-29 -> '2026-27'."""
    start = d.year if d.month >= 4 else d.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def receipt_number(counter_code: str, d: date, seq: int) -> str:
    return f"{counter_code}/{financial_year(d)}/{seq:07d}"


# ASCII by construction (an explicit [0-9], never \d): other scripts' digits are turned into
# ASCII before these run (kesco_protocol.digits), anything else digit-like is refused.
_IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
_MICR = re.compile(r"^[0-9]{9}$")
_INSTRUMENT_NO = re.compile(r"^[0-9]{6}$")
_REFERENCE = re.compile(r"^[A-Za-z0-9]{4,40}$")


def _months_back(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + (d.month - 1) - months, 12)
    m += 1
    # clamp the day: 31 May minus three months is 28/29 February
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True, slots=True)
class Instrument:
    """Cheque / DD details, or the transaction reference of a UPI or card payment."""

    number: str | None = None
    date: str | None = None  # ISO date of the cheque or DD
    bank: str | None = None
    ifsc: str | None = None  # IFSC, or the 9-digit MICR code
    reference: str | None = None  # UPI/card transaction reference
    # one cheque or DD for several accounts (issue 16): the instrument's own id, the same on every
    # receipt it pays; absent on a single-account payment, so those keep their canonical form
    group_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Instrument | None:
        if not d:
            return None
        return cls(**{k: d.get(k) for k in ("number", "date", "bank", "ifsc", "reference", "group_id")})


def validate_instrument(mode: Mode, inst: Instrument | None, today: date) -> Instrument | None:
    """Check the details a payment mode needs; returns them normalised. Cheques older than three
    months (stale) and post-dated cheques are refused."""
    if mode is Mode.CASH:
        return None
    inst = inst or Instrument()
    if mode.needs_reference:
        ref = to_ascii_digits(inst.reference or "").strip()
        if not ref:
            raise ValidationError("receipt.reference_required", mode=mode.value.upper())
        if not _REFERENCE.match(ref):
            raise ValidationError("receipt.reference_invalid")
        return Instrument(reference=ref)
    number = to_ascii_digits(inst.number or "").strip()
    if not _INSTRUMENT_NO.match(number):
        raise ValidationError("instrument.number_invalid")
    try:
        when = date.fromisoformat((inst.date or "").strip())
    except ValueError:
        raise ValidationError("instrument.date_invalid") from None
    if when > today:
        raise ValidationError("instrument.post_dated", date=when.strftime("%d-%m-%Y"))
    if when < _months_back(today, 3):
        raise ValidationError("instrument.stale", date=when.strftime("%d-%m-%Y"))
    bank = " ".join((inst.bank or "").split())
    if not bank or len(bank) > 80:
        raise ValidationError("instrument.bank_required")
    code = to_ascii_digits(inst.ifsc or "").strip().upper()
    if not (_IFSC.match(code) or _MICR.match(code)):
        raise ValidationError("instrument.ifsc_invalid")
    return Instrument(number=number, date=when.isoformat(), bank=bank, ifsc=code)
