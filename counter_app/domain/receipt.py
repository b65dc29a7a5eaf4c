"""Receipts, voids and cheque dishonours: the money records of a counter, and their one canonical
serialisation (used for the hash chain and on the wire)."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from counter_app.domain.errors import ValidationError

GENESIS_HASH = "0" * 64


class Mode(StrEnum):
    CASH = "cash"
    CHEQUE = "cheque"
    DD = "dd"
    UPI = "upi"
    CARD = "card"

    @property
    def is_instrument(self) -> bool:
        """Cheque or demand draft: paper that the bank may still refuse."""
        return self in (Mode.CHEQUE, Mode.DD)

    @property
    def needs_reference(self) -> bool:
        return self in (Mode.UPI, Mode.CARD)


class RecordKind(StrEnum):
    """What travels through the outbox to the central server."""

    RECEIPT = "receipt"
    VOID = "void"
    DISHONOUR = "dishonour"
    SHIFT_CLOSE = "shift_close"
    DAY_CLOSE = "day_close"


def canonical_json(obj: dict[str, Any]) -> str:
    """The one serialisation that is hashed and sent: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def new_id() -> str:
    return str(uuid.uuid4())


def financial_year(d: date) -> str:
    """Indian financial year, April to March: 2026-11-29 -> '2026-27'."""
    start = d.year if d.month >= 4 else d.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def receipt_number(counter_code: str, d: date, seq: int) -> str:
    return f"{counter_code}/{financial_year(d)}/{seq:07d}"


_IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
_MICR = re.compile(r"^\d{9}$")
_INSTRUMENT_NO = re.compile(r"^\d{6}$")
_REFERENCE = re.compile(r"^[A-Za-z0-9]{4,40}$")
_COUNTER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,15}$")


def valid_counter_code(code: str) -> bool:
    return bool(_COUNTER_CODE.match(code))


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

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Instrument | None:
        if not d:
            return None
        return cls(**{k: d.get(k) for k in ("number", "date", "bank", "ifsc", "reference")})


def validate_instrument(mode: Mode, inst: Instrument | None, today: date) -> Instrument | None:
    """Check the details a payment mode needs; returns them normalised. Cheques older than three
    months (stale) and post-dated cheques are refused."""
    if mode is Mode.CASH:
        return None
    inst = inst or Instrument()
    if mode.needs_reference:
        ref = (inst.reference or "").strip()
        if not ref:
            raise ValidationError("receipt.reference_required", mode=mode.value.upper())
        if not _REFERENCE.match(ref):
            raise ValidationError("receipt.reference_invalid")
        return Instrument(reference=ref)
    number = (inst.number or "").strip()
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
    code = (inst.ifsc or "").strip().upper()
    if not (_IFSC.match(code) or _MICR.match(code)):
        raise ValidationError("instrument.ifsc_invalid")
    return Instrument(number=number, date=when.isoformat(), bank=bank, ifsc=code)


@dataclass(frozen=True, slots=True)
class Receipt:
    receipt_id: str
    counter_code: str
    seq: int
    receipt_no: str
    account_no: str
    consumer_name: str
    category: str
    bill_no: str | None
    amount_paise: int
    mode: str
    instrument: dict[str, Any] | None
    tendered_paise: int | None
    clerk: str
    shift_id: str
    issued_at: str  # local time with UTC offset, ISO 8601
    business_date: str  # ISO date the money was collected (value date)
    collected_in_closing: bool
    balance_as_of: str | None  # when the cached balances shown to the clerk were current
    prev_hash: str = GENESIS_HASH
    hash: str = field(default="", compare=False)

    def body(self) -> dict[str, Any]:
        """Every field that is covered by the hash (all but prev_hash and hash)."""
        # Built by hand: dataclasses.asdict deep-copies recursively and is the slowest part of
        # issuing a receipt.
        return {
            "receipt_id": self.receipt_id, "counter_code": self.counter_code, "seq": self.seq,
            "receipt_no": self.receipt_no, "account_no": self.account_no, "consumer_name": self.consumer_name,
            "category": self.category, "bill_no": self.bill_no, "amount_paise": self.amount_paise,
            "mode": self.mode, "instrument": None if self.instrument is None else dict(self.instrument),
            "tendered_paise": self.tendered_paise, "clerk": self.clerk, "shift_id": self.shift_id,
            "issued_at": self.issued_at, "business_date": self.business_date,
            "collected_in_closing": self.collected_in_closing, "balance_as_of": self.balance_as_of,
            "kind": RecordKind.RECEIPT.value,
        }

    def canonical(self) -> str:
        return canonical_json(self.body())

    def wire(self) -> dict[str, Any]:
        d = self.body()
        d["prev_hash"] = self.prev_hash
        d["hash"] = self.hash
        return d

    @property
    def change_paise(self) -> int:
        if self.tendered_paise is None:
            return 0
        return self.tendered_paise - self.amount_paise

    @property
    def issued_datetime(self) -> datetime:
        return datetime.fromisoformat(self.issued_at)

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Receipt:
        """Rebuild from the wire/stored form; raises ValidationError on a malformed record."""
        try:
            return cls(
                receipt_id=str(d["receipt_id"]),
                counter_code=str(d["counter_code"]),
                seq=_int(d["seq"]),
                receipt_no=str(d["receipt_no"]),
                account_no=str(d["account_no"]),
                consumer_name=str(d["consumer_name"]),
                category=str(d["category"]),
                bill_no=None if d.get("bill_no") is None else str(d["bill_no"]),
                amount_paise=_int(d["amount_paise"]),
                mode=str(d["mode"]),
                instrument=d.get("instrument"),
                tendered_paise=None if d.get("tendered_paise") is None else _int(d["tendered_paise"]),
                clerk=str(d["clerk"]),
                shift_id=str(d["shift_id"]),
                issued_at=str(d["issued_at"]),
                business_date=str(d["business_date"]),
                collected_in_closing=bool(d["collected_in_closing"]),
                balance_as_of=None if d.get("balance_as_of") is None else str(d["balance_as_of"]),
                prev_hash=str(d.get("prev_hash", GENESIS_HASH)),
                hash=str(d.get("hash", "")),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise ValidationError("error.invalid", detail=str(e)) from None


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"not an integer: {v!r}")
    return v


@dataclass(frozen=True, slots=True)
class Void:
    """Cancels a receipt. A new record; the receipt itself is never changed."""

    void_id: str
    counter_code: str
    receipt_id: str
    receipt_no: str
    amount_paise: int
    mode: str
    reason: str
    clerk: str
    approved_by: str  # supervisor's user name
    shift_id: str
    voided_at: str

    def body(self) -> dict[str, Any]:
        d = asdict(self)
        d["kind"] = RecordKind.VOID.value
        return d

    def canonical(self) -> str:
        return canonical_json(self.body())


@dataclass(frozen=True, slots=True)
class Dishonour:
    """A cheque or DD that the bank returned: reverses the payment on the consumer's account."""

    dishonour_id: str
    counter_code: str
    receipt_id: str
    receipt_no: str
    account_no: str
    amount_paise: int
    reason: str
    recorded_by: str  # supervisor
    recorded_at: str

    def body(self) -> dict[str, Any]:
        d = asdict(self)
        d["kind"] = RecordKind.DISHONOUR.value
        return d

    def canonical(self) -> str:
        return canonical_json(self.body())
