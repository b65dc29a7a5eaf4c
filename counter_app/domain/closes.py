"""Shift close and day close records: the blind cash count by denomination, expected cash, the
variance, and the day's totals. Pure Python; money in paise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from counter_app.domain.errors import ValidationError
from kesco_protocol.digits import to_ascii_digits
from kesco_protocol.records import KindRecord, RecordKind

# (key, value in paise, label). Notes and coins of the same value are counted apart: they come
# in different trays and the bank's pay-in slip lists them apart.
DEFAULT_DENOMINATIONS: tuple[tuple[str, int], ...] = (
    ("N500", 500_00), ("N200", 200_00), ("N100", 100_00), ("N50", 50_00), ("N20", 20_00), ("N10", 10_00),
    ("C20", 20_00), ("C10", 10_00), ("C5", 5_00), ("C2", 2_00), ("C1", 1_00),
)
MAX_PIECES = 100_000


def business_date(text: str) -> str:
    """A business date as the services take it, YYYY-MM-DD (Devanagari digits and spaces around
    it allowed), as ISO; ValidationError close.bad_date otherwise."""
    try:
        return date.fromisoformat(to_ascii_digits(text.strip())).isoformat()
    except (ValueError, AttributeError):
        raise ValidationError("close.bad_date") from None


def denomination_label(key: str) -> str:
    kind = "note" if key.startswith("N") else "coin"
    return f"₹{key[1:]} {kind}"


def counted_total(counts: Mapping[str, int], denominations: Sequence[tuple[str, int]] = DEFAULT_DENOMINATIONS) -> int:
    """Paise in a count of pieces per denomination; refuses unknown keys and impossible counts."""
    values = dict(denominations)
    total = 0
    for key, n in counts.items():
        if key not in values:
            raise ValidationError("close.bad_denomination", denomination=str(key)[:10])
        if isinstance(n, bool) or not isinstance(n, int) or n < 0 or n > MAX_PIECES:
            raise ValidationError("close.bad_count", denomination=denomination_label(key))
        total += values[key] * n
    return total


@dataclass(frozen=True, slots=True)
class InstrumentLine:
    """A cheque or DD taken in the shift, to be ticked off against the paper in the drawer."""

    receipt_id: str
    receipt_no: str
    mode: str
    number: str
    bank: str
    date: str
    amount_paise: int

    def to_dict(self) -> dict[str, Any]:
        return {"receipt_id": self.receipt_id, "receipt_no": self.receipt_no, "mode": self.mode,
                "number": self.number, "bank": self.bank, "date": self.date, "amount_paise": self.amount_paise}


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
