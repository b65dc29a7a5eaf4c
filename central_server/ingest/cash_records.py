"""The checks of a pickup's and a deposit's sums that the field rules (record_rules) cannot
express: the denominations add up to the cash, a deposit's amount is its cash plus its cheques
and DDs, a pickup goes to the safe or the bank. A record that fails is `invalid`: nothing of it
is stored (docs/PROTOCOL.md, "Pickups, deposits, reversals")."""

from __future__ import annotations

from typing import Any

from central_server.ingest.batch import Invalid
from kesco_protocol import limits as lim
from kesco_protocol.digits import is_ascii_digits
from kesco_protocol.records import Mode, PickupDestination


def denominations_paise(denominations: dict[str, int], name: str = "denominations") -> int:
    """The cash the denominations count, in paise; a key that is not a whole rupee value is refused."""
    total = 0
    for value, count in denominations.items():
        if not value or not is_ascii_digits(value) or int(value) == 0 or (len(value) > 1 and value[0] == "0"):
            raise Invalid(f"{name}: {value[:8]!a} is not a note or coin value in whole rupees")
        total += int(value) * 100 * count
    return total


def check_pickup(payload: dict[str, Any]) -> None:
    if payload["destination"] not in {d.value for d in PickupDestination}:
        raise Invalid(f"destination: {str(payload['destination'])[:8]!a} is not safe or bank")
    counted = denominations_paise(payload["denominations"])
    if counted != payload["amount_paise"]:
        raise Invalid(f"amount_paise {payload['amount_paise']} differs from the denominations' sum {counted}")


def check_deposit(payload: dict[str, Any]) -> None:
    counted = denominations_paise(payload["denominations"])
    if counted != payload["cash_paise"]:
        raise Invalid(f"cash_paise {payload['cash_paise']} differs from the denominations' sum {counted}")
    lines = payload["instruments"]
    if len(lines) > lim.DEPOSIT_INSTRUMENTS:
        raise Invalid(f"instruments: more than {lim.DEPOSIT_INSTRUMENTS} in one deposit")
    seen: set[str] = set()
    for line in lines:
        if line["mode"] not in (Mode.CHEQUE, Mode.DD):
            raise Invalid(f"instruments.mode: {str(line['mode'])[:16]!a} is not cheque or dd")
        if not line["receipt_ids"]:
            raise Invalid("instruments.receipt_ids: an instrument pays at least one receipt")
        again = seen.intersection(line["receipt_ids"])
        if again or len(set(line["receipt_ids"])) != len(line["receipt_ids"]):
            raise Invalid("instruments.receipt_ids: a receipt listed twice in one deposit")
        seen.update(line["receipt_ids"])
    total = payload["cash_paise"] + sum(line["amount_paise"] for line in lines)
    if total != payload["amount_paise"]:
        raise Invalid(f"amount_paise {payload['amount_paise']} differs from cash plus instruments {total}")
