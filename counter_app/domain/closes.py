"""The cash count of the shift and day closes: the denominations, a count's total and its checks,
the business date, the cheques and DDs to tick. Pure Python; money in paise. The ShiftClose and
DayClose records themselves are wire records, in kesco_protocol/records.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from counter_app.domain.errors import ValidationError
from kesco_protocol.digits import to_ascii_digits

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
