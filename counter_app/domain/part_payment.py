"""Whether an amount is below the utility's least part payment for a consumer, and by how much:
the collect screen's reason to ask for a supervisor (kesco_protocol.part_payment has the rule).

Pure: the screen passes the consumer's rule and the amount due as it shows it. An account not in
the local data has no known due and is never held up; nor is a payment of the whole due or more."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kesco_protocol.money import format_inr
from kesco_protocol.part_payment import Minimum, share_text


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A payment below the least part payment: what is required and the rule that requires it."""

    amount_paise: int
    due_paise: int
    required_paise: int
    rule: Minimum

    @property
    def key(self) -> str:
        return "part_payment.below_minimum"

    @property
    def params(self) -> dict[str, Any]:
        """For the message: the minimum, the amount typed, the due, and the rule in words."""
        return {"minimum": format_inr(self.required_paise), "amount": format_inr(self.amount_paise),
                "due": format_inr(self.due_paise), "share": share_text(self.rule.share_bp),
                "floor": format_inr(self.rule.minimum_paise)}


def shortfall(rule: Minimum | None, due_paise: int | None, amount_paise: int | None) -> Shortfall | None:
    """None when the amount may be taken without a supervisor: no rule or no known due (an account
    not in the local data), nothing typed yet, or at least the required amount (which is never more
    than the due)."""
    if rule is None or due_paise is None or amount_paise is None or amount_paise <= 0:
        return None
    required = rule.required_paise(due_paise)
    if amount_paise >= required:
        return None
    return Shortfall(amount_paise, due_paise, required, rule)
