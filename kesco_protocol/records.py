"""The records a counter sends and the server stores: their kinds, payment modes, the answers a
record can get (its state), the one canonical JSON that is hashed and sent, the wire form of
receipts, voids, dishonours, pickups, deposits, reversals, shift closes and day closes, and the
rule for a counter's code."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import Field, dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from kesco_protocol.chain import GENESIS_HASH
from kesco_protocol.errors import ValidationError


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
    # issue 16: the money's way from the drawer to the bank
    PICKUP = "pickup"  # cash taken out of the drawer during a shift by a supervisor
    DEPOSIT = "deposit"  # a pay-in slip: cash and instruments handed to the bank
    REVERSAL = "reversal"  # a supervisor's reversal of a receipt after its day or shift closed


class PickupDestination(StrEnum):
    """Where a pickup's cash goes."""

    SAFE = "safe"  # the office safe
    BANK = "bank"  # straight to the bank (a cash van)


class RecordState(StrEnum):
    """A record's delivery state. The server answers each record with one of accepted, duplicate
    (a re-send of what it has), conflict (the same id with other content), parked (stored, money
    kept, but not posted) or invalid (refused, nothing stored); the counter's outbox holds pending
    until an answer, then synced (accepted or duplicate), parked, conflict or invalid."""

    PENDING = "pending"
    SYNCED = "synced"
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    PARKED = "parked"
    INVALID = "invalid"


def canonical_json(obj: dict[str, Any]) -> str:
    """The one serialisation that is hashed and sent: sorted keys, no spaces, UTF-8 text.

    It is json.dumps's text, byte for byte: every stored payload and every hash was made with it.
    msgspec, where installed, writes that same text about three times faster (with the check) (the server writes two
    a receipt, a thousand a push) for the values on which the two agree, checked first: text, whole
    numbers, booleans, null, and lists and objects of them with text keys. Anything else (a float,
    whose exponent the two write differently; NaN; a subclass; nesting deeper than 32) and any
    text msgspec refuses (a lone surrogate) goes to json.dumps (tests/domain/test_canonical_json.py)."""
    if _fast_encode is not None and _plain(obj, 0):
        try:
            return _fast_encode(obj).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return _json_text(obj)


def _json_text(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_PLAIN_DEPTH = 32
_SCALARS = (str, int, bool, type(None))


def _plain(v: Any, depth: int) -> bool:
    """Only values on which msgspec and json.dumps write the same text (exact types, not subclasses)."""
    t = type(v)
    if t is dict:
        if depth >= _PLAIN_DEPTH:
            return False
        for k, x in v.items():
            if type(k) is not str:
                return False
            tx = type(x)
            if tx is str or tx is int or tx is bool or x is None:
                continue
            if not _plain(x, depth + 1):
                return False
        return True
    if t is list or t is tuple:
        if depth >= _PLAIN_DEPTH:
            return False
        return all(type(x) in _SCALARS or _plain(x, depth + 1) for x in v)
    return t in _SCALARS


try:  # an accelerator only: the text is the same without it
    import msgspec as _msgspec

    _fast_encode: Callable[[Any], bytes] | None = _msgspec.json.Encoder(order="sorted").encode
except ImportError:  # pragma: no cover - the counter's and server's installs carry msgspec
    _fast_encode = None


# ASCII only by construction: an explicit class, never \d or \w (which accept every script's).
_COUNTER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,15}$", re.ASCII)


def valid_counter_code(code: str) -> bool:
    return bool(_COUNTER_CODE.match(code))


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
    # Cash rounded to the rupee (docs/PROTOCOL.md, "Cash rounding"): the account is credited
    # amount_paise, the drawer takes amount_paise + round_off_paise. On the wire only when not 0.
    round_off_paise: int = 0
    # The balance as the counter knew it when it took the money (negative: an advance held),
    # printed as due before, paid, and what remains.
    # On the wire only when known.
    balance_before_paise: int | None = None
    # The supervisor who allowed a payment below the utility's least part payment
    # (kesco_protocol.part_payment). On the wire only when there was one.
    part_payment_allowed_by: str | None = None
    prev_hash: str = GENESIS_HASH
    hash: str = field(default="", compare=False)
    # the counter's Ed25519 signature over the receipt's claim (kesco_protocol.signing) and the
    # key that made it; outside the hash (signing follows sealing), absent on unsigned receipts
    key_id: str | None = field(default=None, compare=False)
    signature: str | None = field(default=None, compare=False)

    def body(self) -> dict[str, Any]:
        """Every field that is covered by the hash (all but prev_hash and hash)."""
        # Built by hand: dataclasses.asdict deep-copies recursively and is the slowest part of
        # issuing a receipt.
        d: dict[str, Any] = {
            "receipt_id": self.receipt_id, "counter_code": self.counter_code, "seq": self.seq,
            "receipt_no": self.receipt_no, "account_no": self.account_no, "consumer_name": self.consumer_name,
            "category": self.category, "bill_no": self.bill_no, "amount_paise": self.amount_paise,
            "mode": self.mode, "instrument": None if self.instrument is None else dict(self.instrument),
            "tendered_paise": self.tendered_paise, "clerk": self.clerk, "shift_id": self.shift_id,
            "issued_at": self.issued_at, "business_date": self.business_date,
            "collected_in_closing": self.collected_in_closing, "balance_as_of": self.balance_as_of,
            "kind": RecordKind.RECEIPT.value,
        }
        # Optional fields are left out when empty, so that a receipt made before they existed
        # keeps the canonical form (and the hash) it was sealed with.
        if self.round_off_paise:
            d["round_off_paise"] = self.round_off_paise
        if self.balance_before_paise is not None:
            d["balance_before_paise"] = self.balance_before_paise
        if self.part_payment_allowed_by is not None:
            d["part_payment_allowed_by"] = self.part_payment_allowed_by
        return d

    def canonical(self) -> str:
        return canonical_json(self.body())

    def wire(self) -> dict[str, Any]:
        d = self.body()
        d["prev_hash"] = self.prev_hash
        d["hash"] = self.hash
        if self.signature is not None or self.key_id is not None:
            d["key_id"] = self.key_id
            d["signature"] = self.signature
        return d

    @property
    def cash_paise(self) -> int:
        """What the drawer took for this receipt: the amount credited plus the cash round-off."""
        return self.amount_paise + self.round_off_paise

    @property
    def change_paise(self) -> int:
        if self.tendered_paise is None:
            return 0
        return self.tendered_paise - self.cash_paise

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
                round_off_paise=_int(d.get("round_off_paise", 0)),
                balance_before_paise=None if d.get("balance_before_paise") is None else _int(d["balance_before_paise"]),
                part_payment_allowed_by=None if d.get("part_payment_allowed_by") is None
                else str(d["part_payment_allowed_by"]),
                prev_hash=str(d.get("prev_hash", GENESIS_HASH)),
                hash=str(d.get("hash", "")),
                key_id=None if d.get("key_id") is None else str(d["key_id"]),
                signature=None if d.get("signature") is None else str(d["signature"]),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise ValidationError("error.invalid", detail=str(e)) from None


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"not an integer: {v!r}")
    return v


class KindRecord:
    """A record whose body is every field plus its kind (voids, dishonours, shift and day
    closes); the receipt builds its own body, as the hash covers only some of its fields."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]
    KIND: ClassVar[RecordKind]

    def body(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["kind"] = self.KIND.value
        return d

    def canonical(self) -> str:
        return canonical_json(self.body())


@dataclass(frozen=True, slots=True)
class Void(KindRecord):
    """Cancels a receipt. A new record; the receipt itself is never changed."""

    KIND: ClassVar[RecordKind] = RecordKind.VOID

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


@dataclass(frozen=True, slots=True)
class Dishonour(KindRecord):
    """A cheque or DD that the bank returned: reverses the payment on the consumer's account."""

    KIND: ClassVar[RecordKind] = RecordKind.DISHONOUR

    dishonour_id: str
    counter_code: str
    receipt_id: str
    receipt_no: str
    account_no: str
    amount_paise: int
    reason: str
    recorded_by: str  # supervisor
    recorded_at: str


@dataclass(frozen=True, slots=True)
class Pickup(KindRecord):
    """Cash taken out of the drawer during an open shift by a supervisor. Append-only: it lowers
    the shift's expected cash by amount_paise. `denominations` maps a note or coin's value in
    rupees (as text, "500", "200", ..., "1") to a count; their sum is amount_paise."""

    KIND: ClassVar[RecordKind] = RecordKind.PICKUP

    pickup_id: str
    counter_code: str
    shift_id: str
    business_date: str
    clerk: str  # whose drawer
    taken_by: str  # the supervisor who took it
    destination: str  # PickupDestination
    amount_paise: int
    denominations: dict[str, int]
    taken_at: str
    remark: str = ""


@dataclass(frozen=True, slots=True)
class Deposit(KindRecord):
    """A pay-in slip: what went to the bank for one business day of one counter. `cash_paise` by
    `denominations` (as in Pickup) and `instruments`, each {"receipt_ids": [...], "mode",
    "number", "bank", "amount_paise"} (one line per cheque or DD; a multi-account cheque is one
    line listing all its receipts). amount_paise = cash_paise + the instruments' amounts."""

    KIND: ClassVar[RecordKind] = RecordKind.DEPOSIT

    deposit_id: str
    counter_code: str
    business_date: str  # the collection day deposited
    bank: str
    branch: str
    slip_no: str
    deposit_date: str
    cash_paise: int
    denominations: dict[str, int]
    instruments: list[dict[str, Any]]
    amount_paise: int
    recorded_by: str
    recorded_at: str


@dataclass(frozen=True, slots=True)
class Reversal(KindRecord):
    """A supervisor's reversal of a receipt whose business day or shift is over (a void is only
    for the receipt's own day while its shift is open). Reverses the posting like a void; the
    server keeps it as a reversal, so accounts see it on the day it was made."""

    KIND: ClassVar[RecordKind] = RecordKind.REVERSAL

    reversal_id: str
    counter_code: str
    receipt_id: str
    receipt_no: str
    account_no: str
    amount_paise: int
    mode: str
    reason: str
    approved_by: str  # supervisor
    business_date: str  # the day the reversal was made (not the receipt's)
    recorded_at: str


@dataclass(frozen=True, slots=True)
class ShiftClose(KindRecord):
    KIND: ClassVar[RecordKind] = RecordKind.SHIFT_CLOSE

    shift_close_id: str
    counter_code: str
    shift_id: str
    business_date: str
    clerk: str
    opening_float_paise: int
    counts: dict[str, int]
    counted_cash_paise: int
    blind_count_paise: int  # the first count entered, before the system showed what it expected
    expected_cash_paise: int
    variance_paise: int  # counted - expected: negative is short, positive is excess
    cash_receipts: int
    cash_collected_paise: int
    voided_cash_paise: int
    instruments: list[dict[str, Any]]
    instruments_missing: list[str]  # receipt numbers of cheques/DDs not found in the drawer
    other_modes: dict[str, int]  # UPI/card totals: not in the drawer
    remark: str
    approved_by: str | None
    closed_by: str
    closed_at: str
    # the cash round-off of the shift's receipts not cancelled: expected cash includes it
    round_off_paise: int = 0
    # the receipt chain's head when the shift closed: printed for the supervisor to sign (an anchor
    # a clerk cannot rewrite, counter_app/storage/anchors.py) and sent to the server with the close
    chain_head_seq: int = 0
    chain_head_hash: str = ""
    # cash supervisors took out of the drawer during the shift (pickups): expected cash is lower by it
    picked_up_paise: int = 0

    def body(self) -> dict[str, Any]:
        d = KindRecord.body(self)
        if not self.chain_head_hash:  # a close made before anchors: its sealed form is unchanged
            del d["chain_head_seq"], d["chain_head_hash"]
        if not self.picked_up_paise:  # likewise a close without pickups (and every one made before them)
            del d["picked_up_paise"]
        return d


@dataclass(frozen=True, slots=True)
class DayClose(KindRecord):
    KIND: ClassVar[RecordKind] = RecordKind.DAY_CLOSE

    day_close_id: str
    counter_code: str
    business_date: str
    receipt_count: int  # every receipt of the day, cancelled ones included
    total_paise: int  # their gross total (the server counts the same way)
    void_count: int
    void_total_paise: int
    net_total_paise: int
    by_mode: dict[str, int]
    by_category: dict[str, int]
    shift_ids: list[str]
    variance_total_paise: int
    receipt_ids: list[str] = field(default_factory=list)
    closed_by: str = ""
    closed_at: str = ""
    round_off_total_paise: int = 0  # cash round-off of the day's receipts not cancelled
